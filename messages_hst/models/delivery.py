"""One delivery per recipient of an outgoing message, and the history of its attempts."""

from django.db import models

from contacts.choices import MessageTransport
from contacts.models import NationalCentralBureau
from messages_hst.choices import AttemptOutcome, DeliveryStatus, ResponseOutcome, SignatureStatus
from messages_hst.models.outbound import HSTMessage


class Delivery(models.Model):
    """Getting one message to one recipient NCB (HST.md §6, §7): retried with backoff until a
    verified RECEIPT marks it DELIVERED or its priority's deadline makes it DEAD; the
    recipient's RESPONSE then makes it ACCEPTED or REJECTED."""

    message = models.ForeignKey(HSTMessage, on_delete=models.CASCADE, related_name="deliveries")
    recipient_ncb = models.ForeignKey(
        NationalCentralBureau, on_delete=models.PROTECT, related_name="incoming_deliveries"
    )
    role = models.CharField(max_length=2, default="TO")
    transport = models.CharField(max_length=10, choices=MessageTransport.choices)
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    # The recipient's signed RECEIPT, as received, and the verdict on its signature.
    receipt_bytes = models.BinaryField(null=True, blank=True, editable=False)
    receipt = models.JSONField(null=True, blank=True, editable=False)
    receipt_signature = models.CharField(
        max_length=16, choices=SignatureStatus.choices, blank=True, editable=False
    )
    # The recipient's business answer after triage (a RESPONSE message).
    response_outcome = models.CharField(max_length=16, choices=ResponseOutcome.choices, blank=True)
    response_reasons = models.JSONField(default=list, blank=True)
    response_comment = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["message", "id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["message", "recipient_ncb"], name="hst_delivery_one_per_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="hst_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.message.message_id} → {self.recipient_ncb.code}"


class DeliveryAttempt(models.Model):
    """One try of a transport: when, how it ended and why (never the message content)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    outcome = models.CharField(max_length=12, choices=AttemptOutcome.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery}"
