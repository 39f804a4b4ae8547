"""The custody log: append-only, hash-chained custody events, and the signed checkpoints.

The database refuses UPDATE, DELETE and TRUNCATE of these tables (triggers of migration 0002,
on PostgreSQL and SQLite alike); `save()` refuses too, so a mistake fails in Python first.
"""

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from evidence.choices import CustodyAction
from evidence.hashing import event_hash
from evidence.models.item import EvidenceItem

CLOCK_SKEW_TOLERANCE = dt.timedelta(minutes=5)
"""A client-claimed time further than this from the server's is flagged on the event."""


class CustodyEvent(models.Model):
    """One event in an item's chain of custody (DESIGN.md §4). Never updated, never deleted.

    `canonical` holds the event exactly as hashed: the RFC 8785 bytes of its content
    (`evidence.hashing.event_content`), and `hash` = SHA-256(canonical). Every other column
    is derived from those bytes by `from_canonical`, for queries and display; verification
    hashes the bytes, never the columns. Written only by `evidence.services`, which lock the
    item row, so one item's chain never forks.

    Fields:
    - `item`: the evidence item (PROTECT); `sequence`: 1, 2, 3 … within the item, no gaps.
    - `log_index`: the event's position (0, 1, 2 …) in the instance-wide custody log, the
      leaf index of the Merkle tree that checkpoints sign. Assigned under a global lock, so
      the log only ever grows at its end.
    - `action`: what happened (`CustodyAction`).
    - `from_person` / `from_agency` / `from_country`: who held the item before (the giver);
      `to_person` / `to_agency` / `to_country`: who holds it after (the receiver). Countries
      are ISO alpha-2; all empty when the action names no custodian.
    - `occurred_at`: the server's time of the event (the hashed `time`).
    - `claimed_at`: the time the client said it happened, kept beside the server's (None if
      not given); `clock_skew_flagged`: the two differ by more than 5 minutes.
    - `place`, `purpose`, `notes`: where, why, and anything else said at the time.
    - `legal_authority`: the legal basis (MLA request, letter rogatory, order); required for
      a cross-border hand-off.
    - `seal_number`: the seal on the item at this event; `seal_intact`: was it intact (None
      when not checked).
    - `file_hashes_rechecked`: `[{"sha256": expected, "actual": recomputed, "matches": bool}]`
      for each file re-hashed at this event.
    - `recorded_by`: the user who recorded the event (the hashed `recorded_by` is their
      username).
    - `canonical`: the hashed bytes; `prev_hash`: the previous event's hash (64 zeros for the
      first); `hash`: SHA-256 of `canonical`, as 64 lowercase hex characters.
    """

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="custody_events")
    sequence = models.PositiveIntegerField()
    log_index = models.PositiveBigIntegerField(unique=True)
    action = models.CharField(max_length=24, choices=CustodyAction.choices)
    from_person = models.CharField(max_length=200, blank=True)
    from_agency = models.CharField(max_length=200, blank=True)
    from_country = models.CharField(max_length=2, blank=True)
    to_person = models.CharField(max_length=200, blank=True)
    to_agency = models.CharField(max_length=200, blank=True)
    to_country = models.CharField(max_length=2, blank=True)
    occurred_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    clock_skew_flagged = models.BooleanField(default=False)
    place = models.CharField(max_length=300, blank=True)
    purpose = models.CharField(max_length=500, blank=True)
    legal_authority = models.CharField(max_length=300, blank=True)
    seal_number = models.CharField(max_length=80, blank=True)
    seal_intact = models.BooleanField(null=True, blank=True)
    file_hashes_rechecked = models.JSONField(default=list, blank=True)
    notes = models.TextField(max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    canonical = models.BinaryField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["item", "sequence"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["item", "sequence"], name="%(app_label)s_%(class)s_sequence_unique"
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1), name="%(app_label)s_%(class)s_sequence_from_one"
            ),
        ]
        indexes = [
            models.Index(fields=["action", "occurred_at"], name="evidence_custody_action_time"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}#{self.sequence} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Custody events are append-only.")
        super().save(*args, **kwargs)

    @classmethod
    def from_canonical(
        cls, *, item: EvidenceItem, canonical: bytes, log_index: int, recorded_by
    ) -> "CustodyEvent":
        """An unsaved event whose columns are read from its canonical bytes (what is hashed).

        The bytes must come from `evidence.hashing.event_canonical_bytes`; `recorded_by` is
        the user whose username they name.
        """
        content = json.loads(canonical)
        occurred_at = parse_datetime(content["time"])
        claimed_text = content.get("claimed_time")
        claimed_at = parse_datetime(claimed_text) if claimed_text else None
        giver = _custodian_columns(content.get("from_custodian"))
        receiver = _custodian_columns(content.get("to_custodian"))
        return cls(
            item=item,
            sequence=content["sequence"],
            log_index=log_index,
            action=content["action"],
            from_person=giver["person"],
            from_agency=giver["agency"],
            from_country=giver["country"],
            to_person=receiver["person"],
            to_agency=receiver["agency"],
            to_country=receiver["country"],
            occurred_at=occurred_at,
            claimed_at=claimed_at,
            clock_skew_flagged=(
                claimed_at is not None and abs(claimed_at - occurred_at) > CLOCK_SKEW_TOLERANCE
            ),
            place=content.get("place") or "",
            purpose=content.get("purpose") or "",
            legal_authority=content.get("legal_authority") or "",
            seal_number=content.get("seal_number") or "",
            seal_intact=content.get("seal_intact"),
            file_hashes_rechecked=content.get("file_hashes_rechecked") or [],
            notes=content.get("notes") or "",
            recorded_by=recorded_by,
            canonical=canonical,
            prev_hash=content["prev_hash"],
            hash=event_hash(canonical),
        )

    @property
    def content(self) -> dict[str, Any]:
        """The hashed content, parsed from the stored bytes."""
        return json.loads(bytes(self.canonical))

    @property
    def canonical_text(self) -> str:
        """The stored bytes as text (what the dossier manifest carries)."""
        return bytes(self.canonical).decode("utf-8")

    @property
    def changes_custodian(self) -> bool:
        """True when after this event someone else holds the item (a custodian change)."""
        return self.action in (
            CustodyAction.COLLECTED,
            CustodyAction.ACCEPTED,
            CustodyAction.RETURNED,
        )


def _custodian_columns(value: Mapping[str, Any] | None) -> dict[str, str]:
    value = value or {}
    return {key: str(value.get(key) or "") for key in ("person", "agency", "country")}


class CustodyCheckpoint(models.Model):
    """A signed checkpoint (tree head) of the custody log. Never updated, never deleted.

    `signed` holds the checkpoint exactly as signed and exported: the RFC 8785 bytes of the
    body and its signature (`evidence.checkpoints.checkpoint_sign`); the other columns are
    derived from it for queries.

    Fields:
    - `tree_size`: how many custody events (log indexes 0 … tree_size-1) the tree covers;
      unique, so each size is signed once.
    - `root_hash`: the RFC 6962 Merkle root over those events' hashes, 64 hex characters.
    - `timestamp`: when it was signed (the signed `timestamp`).
    - `ncb_code`: the NCB whose key signed it; `kid`: that key's id.
    - `signed`: the canonical JSON of the signed checkpoint (body + `signature`).
    - `created_at`: when the row was written.
    """

    tree_size = models.PositiveBigIntegerField(unique=True)
    root_hash = models.CharField(max_length=64)
    timestamp = models.DateTimeField()
    ncb_code = models.CharField(max_length=20)
    kid = models.CharField(max_length=16)
    signed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-tree_size"]
        default_permissions = ("view",)
        get_latest_by = "tree_size"

    def __str__(self) -> str:
        return f"checkpoint {self.tree_size} {self.root_hash[:12]}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Custody checkpoints are append-only.")
        super().save(*args, **kwargs)

    @property
    def checkpoint(self) -> dict[str, Any]:
        """The signed checkpoint as a dict (for `evidence.checkpoints.checkpoint_verify`)."""
        return json.loads(bytes(self.signed))

    @classmethod
    def from_signed(cls, checkpoint: Mapping[str, Any]) -> "CustodyCheckpoint":
        """An unsaved row for a checkpoint made by `evidence.checkpoints.checkpoint_sign`."""
        from evidence.canonical import canonical_json_bytes

        return cls(
            tree_size=checkpoint["tree_size"],
            root_hash=checkpoint["root_hash"],
            timestamp=parse_datetime(checkpoint["timestamp"]),
            ncb_code=checkpoint["ncb_code"],
            kid=checkpoint["kid"],
            signed=canonical_json_bytes(dict(checkpoint)),
        )
