"""Working and operational meetings that Sub-Regional Bureaus and NCBs coordinate
(resolution, ask 4)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contacts.models import NationalCentralBureau, SubRegionalBureau
from ncb_cases.choices import MeetingKind
from ncb_cases.models.case import Case


class Meeting(models.Model):
    """A meeting, visible to its participating NCBs (and the organiser) only.

    Linked cases are shown to a participant only where the case selectors already let them
    see the case: a link grants nothing.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=MeetingKind.choices)
    title = models.CharField(max_length=200)
    organising_ncb = models.ForeignKey(
        NationalCentralBureau, on_delete=models.PROTECT, related_name="organised_meetings"
    )
    organising_bureau = models.ForeignKey(
        SubRegionalBureau,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("The sub-regional bureau that coordinates it, if any"),
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    timezone = models.CharField(
        max_length=64, default="UTC", help_text=_("IANA, e.g. Europe/Paris")
    )
    place = models.CharField(max_length=200, blank=True)
    online = models.BooleanField(default=False)
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    participants = models.ManyToManyField(
        NationalCentralBureau, through="MeetingParticipant", related_name="meetings"
    )
    cases = models.ManyToManyField(Case, blank=True, related_name="meetings")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(online=True) | ~Q(place=""),
                name="%(app_label)s_%(class)s_has_place_or_online",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingParticipant(models.Model):
    """An NCB invited to a meeting, and what was sent to it (HST INFO messages)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participations")
    ncb = models.ForeignKey(NationalCentralBureau, on_delete=models.PROTECT, related_name="+")
    # The HST INFO messages that carried the invitation and the minutes (messages_hst builds
    # them; ncb_cases keeps only their ids, as the app graph points the other way).
    invitation_message_id = models.UUIDField(null=True, blank=True, editable=False)
    invitation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    minutes_message_id = models.UUIDField(null=True, blank=True, editable=False)
    minutes_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["meeting", "ncb__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "ncb"], name="%(app_label)s_%(class)s_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ncb} at {self.meeting}"


class MeetingActionItem(models.Model):
    """Something a participant agreed to do, by a date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    description = models.CharField(max_length=500)
    owner_ncb = models.ForeignKey(
        NationalCentralBureau, on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField(max_length=150, blank=True)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


class MeetingDocument(models.Model):
    """A file for the participants; stored by content hash, never under its uploaded name."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    filename = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "uploaded_at"]

    def __str__(self) -> str:
        return self.title
