"""Django admin for HST messages: operators see the metadata and the delivery state.

Read-only: messages are written by the services and the pipeline (four eyes, signatures,
outbox), which the admin must not bypass. The structured content and raw bytes are not shown
here (they hold persons' data, read through the audited pages); requeueing a dead delivery
is done on the message page by a supervisor of the sender NCB.
"""

from django.contrib import admin

from messages_hst.models import Delivery, DeliveryAttempt, HSTMessage, InboundMessage
from ncb_cases.admin_read_only import ReadOnlyAdmin, ReadOnlyTabularInline


class DeliveryInline(ReadOnlyTabularInline):
    model = Delivery
    fields = (
        "recipient_ncb",
        "transport",
        "status",
        "attempts",
        "next_attempt_at",
        "deadline_at",
        "delivered_at",
        "last_error",
    )
    show_change_link = True


@admin.register(HSTMessage)
class HSTMessageAdmin(ReadOnlyAdmin):
    list_display = (
        "message_id",
        "message_type",
        "priority",
        "sender_ncb",
        "status",
        "created_at",
        "approved_at",
    )
    list_filter = ("status", "message_type", "priority", "sender_ncb")
    search_fields = ("=message_id",)
    list_select_related = ("sender_ncb",)
    date_hierarchy = "created_at"
    fields = (
        "message_id",
        "message_type",
        "priority",
        "language",
        "sender_ncb",
        "status",
        "system_generated",
        "created_by",
        "created_at",
        "submitted_by",
        "submitted_at",
        "approved_by",
        "approved_at",
        "warnings_overridden",
        "signed_at",
        "dispatched_at",
        "digest",
        "kid",
    )
    inlines = [DeliveryInline]


class DeliveryAttemptInline(ReadOnlyTabularInline):
    model = DeliveryAttempt
    fields = ("number", "started_at", "finished_at", "outcome", "http_status", "detail")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "message",
        "recipient_ncb",
        "transport",
        "status",
        "attempts",
        "next_attempt_at",
        "deadline_at",
    )
    list_filter = ("status", "transport", "recipient_ncb")
    search_fields = ("=message__message_id",)
    list_select_related = ("message", "recipient_ncb")
    exclude = ("receipt_bytes", "receipt")
    inlines = [DeliveryAttemptInline]


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = (
        "received_at",
        "sender_code",
        "recipient_ncb",
        "message_type",
        "status",
        "signature_status",
        "is_original",
    )
    list_filter = ("status", "signature_status", "message_type", "is_original", "recipient_ncb")
    search_fields = ("=message_id", "=raw_sha256")
    list_select_related = ("recipient_ncb",)
    date_hierarchy = "received_at"
    fields = (
        "public_id",
        "message_id",
        "sender_code",
        "recipient_ncb",
        "is_original",
        "transport",
        "remote_addr",
        "received_at",
        "byte_size",
        "raw_sha256",
        "status",
        "signature_status",
        "kid",
        "message_type",
        "priority",
        "processed_at",
        "triaged_by",
        "triaged_at",
    )
