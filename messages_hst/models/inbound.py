"""Messages received by an NCB hosted on this instance, raw bytes first."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contacts.models import NationalCentralBureau
from messages_hst.choices import InboundStatus, SignatureStatus
from ncb_cases.models import Case


class InboundMessage(models.Model):
    """A received message (HST.md §6 inbound, §7.4).

    The raw bytes and their SHA-256 are stored before anything else is looked at, so even a
    message that fails every check is kept for investigation. One original per (sender,
    message id, recipient): a repeat with the same digest replays `receipt_bytes`; one with
    another digest is kept as a non-original CONFLICT row and raises a security alert.
    (HST.md dedupes on sender + message id; the recipient is part of the key because one
    instance may host several recipients of the same message.)
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient_ncb = models.ForeignKey(
        NationalCentralBureau,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_messages",
        help_text=_("Empty when the inbox could not tell whom the message was for"),
    )
    recipient_code = models.CharField(
        max_length=12, blank=True, help_text=_("The recipient as the request named it")
    )
    sender_code = models.CharField(max_length=12, blank=True)
    sender_ncb = models.ForeignKey(
        NationalCentralBureau,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    message_id = models.UUIDField(null=True, blank=True)
    is_original = models.BooleanField(default=True)
    raw_body = models.BinaryField(editable=False)
    raw_sha256 = models.CharField(max_length=64, editable=False)
    byte_size = models.PositiveIntegerField(editable=False)
    transport = models.CharField(max_length=10, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    status = models.CharField(
        max_length=12, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    signature_status = models.CharField(max_length=16, choices=SignatureStatus.choices, blank=True)
    kid = models.CharField("key id", max_length=16, blank=True)
    problems = models.JSONField(default=list, blank=True)
    document = models.JSONField(null=True, blank=True)
    message_type = models.CharField(max_length=12, blank=True)
    priority = models.CharField(max_length=10, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    hst_case_id = models.UUIDField(null=True, blank=True)
    in_reply_to = models.UUIDField(null=True, blank=True)
    receipt_bytes = models.BinaryField(null=True, blank=True, editable=False)
    processed_at = models.DateTimeField(null=True, blank=True)

    # Triage by the recipient NCB.
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_messages"
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    triage_comment = models.TextField(blank=True)
    rejection_reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender_code", "message_id", "recipient_ncb"],
                condition=models.Q(is_original=True),
                name="hst_inbound_one_original",
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient_ncb", "status", "-received_at"], name="hst_inbound_ncb_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_type or 'message'} {self.message_id} from {self.sender_code}"

    def get_absolute_url(self) -> str:
        return reverse("messages_hst:inbound", kwargs={"public_id": self.public_id})
