"""Retention review (issue 7 item 5): the owner NCB's review list and the tombstones of
deleted cases. Written only by `ncb_cases.services.retention`, read through
`ncb_cases.selectors.retention`."""

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from contacts.models import NationalCentralBureau
from ncb_cases.choices import RetentionDecision
from ncb_cases.models.case import Case


class RetentionReview(models.Model):
    """A case on its owner NCB's retention review list, and the decision that took it off.

    A row is opened by the daily beat task six months before the case's review date (at most
    one open row per case: a partial unique constraint makes the task idempotent, even when
    two beats overlap) and closed by a supervisor's decision. Closed rows stay as history.
    `owner_ncb` repeats the case's so the list is one index scan per NCB.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="retention_reviews")
    owner_ncb = models.ForeignKey(
        NationalCentralBureau, on_delete=models.PROTECT, related_name="+", editable=False
    )
    due_on = models.DateField(help_text="The case's review date when it was listed")
    listed_at = models.DateTimeField(default=timezone.now, editable=False)
    decision = models.CharField(max_length=12, choices=RetentionDecision.choices, blank=True)
    reason = models.TextField(max_length=2000, blank=True)
    retain_until = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(decided_at__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_case",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True, decision="")
                | (Q(decided_at__isnull=False) & ~Q(decision="")),
                name="%(app_label)s_%(class)s_decided_has_decision",
            ),
        ]
        indexes = [
            models.Index(
                fields=["owner_ncb", "due_on"],
                condition=Q(decided_at__isnull=True),
                name="ncb_cases_retention_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} review due {self.due_on.isoformat()}"

    @property
    def is_open(self) -> bool:
        return self.decided_at is None


class CaseTombstone(models.Model):
    """What a retention deletion removed from a case, when, by whom and why.

    The case row itself stays as an empty shell (title replaced, no persons, no notes): the
    append-only audit trail and custody log point at it (PROTECT), and a dossier exported
    before the deletion must still verify. `kept` names what stayed for that reason (the
    evidence items' numbers and chain heads); `removed` counts what went. Neither holds
    personal data.
    """

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="tombstone")
    reference = models.CharField(max_length=24, editable=False)
    owner_ncb = models.ForeignKey(
        NationalCentralBureau, on_delete=models.PROTECT, related_name="+", editable=False
    )
    deleted_at = models.DateTimeField(default=timezone.now, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    reason = models.TextField(max_length=2000)
    removed = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    kept = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-deleted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} deleted {self.deleted_at:%Y-%m-%d}"
