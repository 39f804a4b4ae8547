"""Shares of a case with another NCB, realised as guardian group grants (DESIGN.md §5)."""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from contacts.models import NationalCentralBureau
from ncb_cases.choices import ShareAccess
from ncb_cases.models.case import Case


class CaseShareQuerySet(models.QuerySet):
    def open(self):
        """Not revoked and not yet processed by the expiry task (possibly past its expiry)."""
        return self.filter(revoked_at__isnull=True, expired_at__isnull=True)

    def active(self, *, now: datetime | None = None):
        """Giving access right now: open and not past `expires_at` (exact, task or not)."""
        return self.open().filter(expires_at__gt=now or timezone.now())


class CaseShare(models.Model):
    """A grant of a case to another NCB: access level, purpose, expiry, who granted it.

    While active, the recipient NCB's group holds guardian `view_case` (and `change_case` for
    READ_WRITE) on the case. A share ends by revocation (`revoked_at`) or expiry: selectors stop
    honouring it the moment `expires_at` passes, and the beat task `expire_case_shares` then
    removes the grant rows and sets `expired_at`. Ended shares are kept as history.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="shares")
    recipient_ncb = models.ForeignKey(
        NationalCentralBureau, on_delete=models.PROTECT, related_name="received_case_shares"
    )
    access = models.CharField(max_length=10, choices=ShareAccess.choices, default=ShareAccess.READ)
    purpose = models.TextField(max_length=1000)
    expires_at = models.DateTimeField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    expired_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CaseShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "recipient_ncb"],
                condition=Q(revoked_at__isnull=True, expired_at__isnull=True),
                name="%(app_label)s_%(class)s_one_open_share_per_ncb",
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient_ncb", "case", "expires_at"],
                condition=Q(revoked_at__isnull=True, expired_at__isnull=True),
                name="ncb_cases_share_open_recipient",
            ),
            models.Index(
                fields=["expires_at"],
                condition=Q(revoked_at__isnull=True, expired_at__isnull=True),
                name="ncb_cases_share_open_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} → {self.recipient_ncb} ({self.get_access_display()})"

    def is_active(self, *, now: datetime | None = None) -> bool:
        return (
            self.revoked_at is None
            and self.expired_at is None
            and self.expires_at > (now or timezone.now())
        )
