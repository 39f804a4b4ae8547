"""Users' membership of an NCB, their notifications and their personal API tokens."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.choices import OfficerRole
from contacts.models.geography import NationalCentralBureau, SubRegionalBureau


class Officer(models.Model):
    """A user's membership of one NCB and their role there (DESIGN.md §4).

    SRB monitors also name the sub-regional bureau whose region they monitor.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer"
    )
    ncb = models.ForeignKey(
        NationalCentralBureau, on_delete=models.PROTECT, related_name="officers"
    )
    role = models.CharField(
        max_length=12, choices=OfficerRole.choices, default=OfficerRole.OFFICER
    )
    sub_regional_bureau = models.ForeignKey(
        SubRegionalBureau,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monitors",
    )
    # The interface language the officer last chose; applied at sign-in on any browser.
    # NULL until they first switch (the browser's Accept-Language decides meanwhile): "never
    # chose" is a state of its own, not an empty language code.
    language = models.CharField(  # noqa: DJ001
        max_length=10, choices=settings.LANGUAGES, null=True, blank=True, default=None
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ncb", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=OfficerRole.SRB_MONITOR)
                | models.Q(sub_regional_bureau__isnull=False),
                name="%(app_label)s_%(class)s_monitor_has_bureau",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} — {self.get_role_display()}, {self.ncb}"

    @property
    def is_supervisor(self) -> bool:
        return self.role in {OfficerRole.SUPERVISOR, OfficerRole.ADMIN}


class Notification(models.Model):
    """An in-app message to one user (reminders, alerts); read when `read_at` is set."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject


def hash_token_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A personal, named, expiring API token. Only its SHA-256 is stored; shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, help_text=_("First characters, to recognise a token"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
