"""The evidence item: one thing (object, file set, document, statement) held as evidence."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from evidence.choices import EvidenceKind, EvidenceState
from evidence.hashing import GENESIS_PREV_HASH
from ncb_cases.models import Case


class EvidenceItem(models.Model):
    """An evidence item of a case (DESIGN.md §4). Visible exactly to those who see the case.

    Read through `evidence.selectors`, written through `evidence.services`. Its custody
    columns (`state`, `custodian_*`, `last_sequence`, `head_hash`, `integrity_failed`) are
    a summary kept by the custody services in the same transaction as each custody event;
    the events (`CustodyEvent`) are the record, and `verify_custody` checks them.

    Fields:
    - `public_id`: the id used in URLs, the API and the hashed events (never the integer pk).
    - `case`: the case the item belongs to (PROTECT: evidence outlives nothing silently).
    - `number`: 1, 2, 3 … within the case; `item_number` is its reference for people,
      `<case reference>/E-<number>` (`FR-2026-000041/E-3`), unique.
    - `kind`: physical / digital / document / testimony / financial (`EvidenceKind`).
    - `description`: what the item is, as people will recognise it in court.
    - `collected_at` / `collected_by` / `collected_place`: when, by whom (a person's name and
      role, who need not be a user) and where the item was seized or obtained.
    - `legal_authority`: the warrant, order or other legal basis of the collection.
    - `seal_number`: the number of the seal currently on the item ("" if not sealed).
    - `storage_location`: where the item is kept now (evidence room, shelf, server).
    - `custodian_person` / `custodian_agency` / `custodian_country` (ISO alpha-2): who holds
      the item now; during a transfer, still the giver until the receiver accepts.
    - `state`: in custody / in transit / returned / destroyed (`EvidenceState`).
    - `integrity_failed`: set when a re-computed file hash or a broken seal was recorded; it
      is never cleared (the failure stays part of the record).
    - `last_sequence` / `head_hash`: the sequence and hash of the item's last custody event
      (0 and 64 zeros before the first): the next event links to them.
    - `created_by`, `created_at`, `updated_at`: who registered the item, and when.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence_items")
    number = models.PositiveIntegerField(editable=False)
    item_number = models.CharField(max_length=40, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=EvidenceKind.choices)
    description = models.TextField(max_length=4000)
    collected_at = models.DateTimeField()
    collected_by = models.CharField(max_length=200)
    collected_place = models.CharField(max_length=300, blank=True)
    legal_authority = models.CharField(max_length=300, blank=True)
    seal_number = models.CharField(max_length=80, blank=True)
    storage_location = models.CharField(max_length=300, blank=True)
    custodian_person = models.CharField(max_length=200, blank=True)
    custodian_agency = models.CharField(max_length=200, blank=True)
    custodian_country = models.CharField(max_length=2, blank=True)
    state = models.CharField(
        max_length=12,
        choices=EvidenceState.choices,
        default=EvidenceState.IN_CUSTODY,
        editable=False,
    )
    integrity_failed = models.BooleanField(default=False, editable=False)
    last_sequence = models.PositiveIntegerField(default=0, editable=False)
    head_hash = models.CharField(max_length=64, default=GENESIS_PREV_HASH, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "number"], name="%(app_label)s_%(class)s_number_unique_in_case"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_from_one"
            ),
        ]
        indexes = [
            models.Index(fields=["state"], name="evidence_item_state"),
            models.Index(fields=["-created_at", "-id"], name="evidence_item_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.item_number} ({self.get_kind_display()})"

    @property
    def custodian(self) -> dict[str, str]:
        """The current custodian as the custody events write it."""
        return {
            "person": self.custodian_person,
            "agency": self.custodian_agency,
            "country": self.custodian_country,
        }
