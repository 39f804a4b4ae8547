"""Messages authored on this instance and the outbox that guarantees they leave it."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contacts.models import NationalCentralBureau
from messages_hst.choices import MessageStatus, MessageType, Priority
from ncb_cases.models import Case


class HSTMessage(models.Model):
    """An outgoing HST message (HST.md §2 to §6).

    `document` is the structured message without its signature: edited while DRAFT, frozen from
    approval on. The delivery pipeline signs it once; `signed_bytes` (the RFC 8785 bytes of the
    signed message) are then what every transport sends, so every recipient gets the same
    bytes and `digest` is the SHA-256 a RECEIPT acknowledges.
    """

    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message_type = models.CharField(max_length=12, choices=MessageType.choices)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.ROUTINE)
    language = models.CharField(max_length=8, default="en")
    subject = models.CharField(max_length=200, blank=True)
    sender_ncb = models.ForeignKey(
        NationalCentralBureau, on_delete=models.PROTECT, related_name="sent_messages"
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="hst_messages"
    )
    status = models.CharField(
        max_length=20, choices=MessageStatus.choices, default=MessageStatus.DRAFT
    )
    document = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(
        default=list, blank=True, help_text=_("Validation problems at the last save")
    )
    compose_error = models.CharField(max_length=500, blank=True)
    system_generated = models.BooleanField(
        default=False, help_text=_("RECEIPT and RESPONSE messages written by the system")
    )

    # Thread, denormalised from the document for lookups.
    in_reply_to = models.UUIDField(null=True, blank=True, db_index=True)
    supersedes = models.UUIDField(null=True, blank=True, db_index=True)
    response_due = models.DateField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hst_messages_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hst_messages_submitted",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hst_messages_returned",
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hst_messages_approved",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    warnings_overridden = models.BooleanField(default=False)

    # Written once by the pipeline (`messages_hst.pipeline`), never changed afterwards.
    signed_bytes = models.BinaryField(null=True, blank=True, editable=False)
    digest = models.CharField(max_length=64, blank=True, editable=False)
    kid = models.CharField("key id", max_length=16, blank=True, editable=False)
    rendering = models.TextField(blank=True, editable=False)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    dispatched_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "HST message"
        indexes = [
            models.Index(
                fields=["sender_ncb", "status", "-created_at"], name="hst_msg_ncb_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_type} {self.message_id}"

    def get_absolute_url(self) -> str:
        return reverse("messages_hst:detail", kwargs={"message_id": self.message_id})

    @property
    def public_id(self) -> uuid.UUID:
        """The id in URLs and audit events: the message id partners know it by."""
        return self.message_id


class OutboxEntry(models.Model):
    """Written in the approval's transaction: the promise that the message will be dispatched.

    The dispatch task is enqueued on commit; if the broker was down, the periodic relay finds
    the entry still unprocessed and enqueues it again (HST.md §7.1), so a broker outage delays
    a message but never loses it.
    """

    message = models.OneToOneField(HSTMessage, on_delete=models.CASCADE, related_name="outbox")
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    enqueue_count = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "outbox entries"
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(processed_at__isnull=True),
                name="hst_outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"outbox {self.message.message_id}"


class DispatchWakeUp(models.Model):
    """One row: whether a dispatch has been asked for and has not finished reading the
    outbox (`pipeline.wake_up`).

    An approval enqueues `dispatch_message` only if it sets `requested_at` (it was empty, or
    older than `pipeline.wake_up.dispatch_wake_up_ttl()`); the dispatch keeps it set while it
    works (each round refreshes it) and empties it before its last read of the open entries.
    An approval that finds it set committed its entry before that last read, so a dispatch
    reads the entry: under load one task serves many approvals in large rounds instead of
    several small ones (HST.md §7.1's outbox is unchanged; the relay still finds whatever a
    lost task left).
    """

    SINGLETON_PK = 1

    requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "hst_dispatch_wake_up"  # named in `pipeline.wake_up`'s SQL

    def __str__(self) -> str:
        return f"dispatch requested at {self.requested_at}" if self.requested_at else "idle"
