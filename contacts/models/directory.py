"""The directory of designated THB points of contact (the resolution's first ask)."""

import uuid
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.choices import ContactRole
from contacts.models.geography import NationalCentralBureau


class Language(models.Model):
    """An ISO 639-1 language a contact point can be reached in."""

    code = models.CharField("ISO 639-1", max_length=2, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContactPointQuerySet(models.QuerySet):
    def current(self):
        return self.filter(designated_to__isnull=True)

    def stale(self, *, now: datetime | None = None):
        return self.filter(last_verified_at__lt=stale_cutoff(now=now))


def stale_cutoff(*, now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return now - timedelta(days=settings.CONTACT_POINT_STALE_AFTER_DAYS)


class ContactPoint(models.Model):
    """One designation of a person as an NCB's primary or deputy THB point of contact.

    Designations are history: re-designating closes the previous record by setting
    `designated_to` and adds a new one. At most one open designation per NCB and role.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ncb = models.ForeignKey(
        NationalCentralBureau, on_delete=models.PROTECT, related_name="contact_points"
    )
    role = models.CharField(max_length=10, choices=ContactRole.choices)
    full_name = models.CharField(max_length=150)
    title = models.CharField(max_length=100, blank=True, help_text=_("Rank or function"))
    unit = models.CharField(max_length=150, blank=True)
    phone = models.CharField(
        max_length=20, blank=True, help_text=_("E.164, e.g. +33 4 72 44 70 00")
    )
    phone_24_7 = models.CharField("24/7 phone", max_length=20, help_text=_("E.164"))
    secure_email = models.EmailField("secure e-mail")
    languages = models.ManyToManyField(Language, related_name="contact_points")
    time_zone = models.CharField(max_length=64, help_text=_("IANA time zone, e.g. Europe/Paris"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_designations",
        help_text=_("The contact's own account on this instance, if any"),
    )
    designated_from = models.DateField()
    designated_to = models.DateField(null=True, blank=True)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    last_verified_at = models.DateTimeField()
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    stale_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactPointQuerySet.as_manager()

    class Meta:
        ordering = ["ncb", "role", "-designated_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["ncb", "role"],
                condition=Q(designated_to__isnull=True),
                name="%(app_label)s_%(class)s_one_open_designation_per_role",
            ),
            models.CheckConstraint(
                condition=Q(designated_to__isnull=True)
                | Q(designated_to__gt=F("designated_from")),
                name="%(app_label)s_%(class)s_designation_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["last_verified_at"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()}, {self.ncb})"

    def get_absolute_url(self) -> str:
        return reverse("contacts:country", kwargs={"iso2": self.ncb.country.iso2})

    @property
    def is_current(self) -> bool:
        return self.designated_to is None

    @property
    def is_stale(self) -> bool:
        return self.is_current and self.last_verified_at < stale_cutoff()

    def local_time_now(self) -> datetime:
        return timezone.now().astimezone(zoneinfo.ZoneInfo(self.time_zone))
