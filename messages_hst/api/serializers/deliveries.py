"""Shapes of deliveries: one per recipient, with its attempts and the receipt's verdict."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from messages_hst.choices import (
    AttemptOutcome,
    DeliveryStatus,
    ResponseOutcome,
    SignatureStatus,
)
from ncb_cases.api.schema import CodeField


class DeliveryAttemptSerializer(serializers.Serializer):
    """One try of the transport: when, how it ended and why (never the content)."""

    number = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()
    outcome = CodeField(AttemptOutcome)
    http_status = serializers.IntegerField(allow_null=True)
    detail = serializers.CharField()


class ReceiptSerializer(serializers.Serializer):
    """The recipient's signed RECEIPT as received, and the sender's verdict on it."""

    signature = CodeField(
        SignatureStatus,
        source="receipt_signature",
        help_text=_("The receipt's signature against the recipient NCB's keys (empty: none yet)"),
    )
    ref_message_id = serializers.SerializerMethodField()
    received_digest = serializers.SerializerMethodField()
    received_at = serializers.SerializerMethodField()
    matches = serializers.SerializerMethodField(
        help_text=_("The receipt acknowledges this message and exactly its signed bytes")
    )

    def _field(self, delivery, name: str) -> str | None:
        body = ((delivery.receipt or {}).get("body") or {}).get("receipt") or {}
        value = body.get(name)
        return str(value) if value is not None else None

    def get_ref_message_id(self, delivery) -> str | None:
        return self._field(delivery, "ref_message_id")

    def get_received_digest(self, delivery) -> str | None:
        return self._field(delivery, "received_digest")

    def get_received_at(self, delivery) -> str | None:
        return self._field(delivery, "received_at")

    def get_matches(self, delivery) -> bool:
        return (
            delivery.receipt is not None
            and self._field(delivery, "ref_message_id") == str(delivery.message.message_id)
            and self._field(delivery, "received_digest") == delivery.message.digest
        )


class DeliverySerializer(serializers.Serializer):
    """One recipient's delivery: status, attempts, deadline, receipt and business answer."""

    recipient = serializers.CharField(source="recipient_ncb.code")
    recipient_name = serializers.CharField(source="recipient_ncb.name")
    role = serializers.CharField(help_text=_("TO or CC"))
    transport = serializers.CharField(help_text=_("local, peer or gateway"))
    status = CodeField(DeliveryStatus)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    deadline_at = serializers.DateTimeField(
        help_text=_("Past it, the delivery is DEAD (FLASH 15 min, URGENT 4 h, others 72 h)")
    )
    last_error = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    receipt = ReceiptSerializer(source="*")
    response_outcome = CodeField(ResponseOutcome, allow_blank=True)
    response_reasons = serializers.ListField(child=serializers.CharField())
    response_comment = serializers.CharField()
    responded_at = serializers.DateTimeField(allow_null=True)
    attempt_log = DeliveryAttemptSerializer(many=True, source="attempt_log.all")
    can_requeue = serializers.BooleanField(
        source="requeue_allowed",
        help_text=_("You may requeue it now (a supervisor of the sender NCB, DEAD or REJECTED)"),
    )
