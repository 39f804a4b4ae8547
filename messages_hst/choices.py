"""Code lists of the message lifecycles (HST.md §5, §6). Values are never renamed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageType(models.TextChoices):
    INFO = "INFO", _("Information")
    ALERT = "ALERT", _("Alert")
    REQUEST = "REQUEST", _("Request")
    REPLY = "REPLY", _("Reply")
    UPDATE = "UPDATE", _("Update")
    CORRECTION = "CORRECTION", _("Correction")
    CANCEL = "CANCEL", _("Cancellation")
    CLOSE = "CLOSE", _("Closure")
    REMINDER = "REMINDER", _("Reminder")
    RECEIPT = "RECEIPT", _("Receipt")
    RESPONSE = "RESPONSE", _("Response")


# What an officer may compose; RECEIPT and RESPONSE are written by the system.
COMPOSABLE_TYPES = (
    MessageType.INFO,
    MessageType.ALERT,
    MessageType.REQUEST,
    MessageType.REPLY,
    MessageType.UPDATE,
    MessageType.CORRECTION,
    MessageType.CANCEL,
    MessageType.CLOSE,
    MessageType.REMINDER,
)


class Priority(models.TextChoices):
    ROUTINE = "ROUTINE", _("Routine")
    PRIORITY = "PRIORITY", _("Priority")
    URGENT = "URGENT", _("Urgent")
    FLASH = "FLASH", _("Flash (risk to life)")


class MessageStatus(models.TextChoices):
    """Authoring lifecycle of an outgoing message (HST.md §6)."""

    COMPOSING = "COMPOSING", _("Being composed")
    DRAFT = "DRAFT", _("Draft")
    PENDING_APPROVAL = "PENDING_APPROVAL", _("Awaiting approval")
    APPROVED = "APPROVED", _("Approved")
    QUEUED = "QUEUED", _("Queued")
    DISPATCHED = "DISPATCHED", _("Dispatched")
    DISCARDED = "DISCARDED", _("Discarded")
    CANCELLED = "CANCELLED", _("Cancelled")


EDITABLE_STATUSES = (MessageStatus.DRAFT,)
# From approval on, the message is immutable (HST.md principle 2).
SENT_STATUSES = (MessageStatus.APPROVED, MessageStatus.QUEUED, MessageStatus.DISPATCHED)


class DeliveryStatus(models.TextChoices):
    """One recipient's delivery (HST.md §6)."""

    PENDING = "PENDING", _("Pending")
    SENDING = "SENDING", _("Sending")
    AWAITING_RECEIPT = "AWAITING_RECEIPT", _("Awaiting receipt")
    RETRY_SCHEDULED = "RETRY_SCHEDULED", _("Retry scheduled")
    DELIVERED = "DELIVERED", _("Delivered")
    ACCEPTED = "ACCEPTED", _("Accepted")
    REJECTED = "REJECTED", _("Rejected")
    DEAD = "DEAD", _("Dead (operator action needed)")
    BLOCKED = "BLOCKED", _("Blocked by policy")


# A delivery in one of these is finished: the delivery task does nothing more with it.
FINAL_DELIVERY_STATUSES = (
    DeliveryStatus.DELIVERED,
    DeliveryStatus.ACCEPTED,
    DeliveryStatus.REJECTED,
    DeliveryStatus.DEAD,
    DeliveryStatus.BLOCKED,
)


class AttemptOutcome(models.TextChoices):
    DELIVERED = "DELIVERED", _("Delivered, receipt verified")
    HANDED_OVER = "HANDED_OVER", _("Handed over, receipt to follow")
    TRANSIENT = "TRANSIENT", _("Transient failure, will retry")
    PERMANENT = "PERMANENT", _("Permanent failure")


class InboundStatus(models.TextChoices):
    """A received message (HST.md §6, inbound)."""

    RECEIVED = "RECEIVED", _("Received")
    CONFLICT = "CONFLICT", _("Conflict (same id, other content)")
    QUARANTINED = "QUARANTINED", _("Quarantined")
    TRIAGE = "TRIAGE", _("Awaiting triage")
    ACCEPTED = "ACCEPTED", _("Accepted")
    REJECTED = "REJECTED", _("Rejected")
    PROCESSED = "PROCESSED", _("Processed automatically")


class SignatureStatus(models.TextChoices):
    """The verdict of `messages_hst.signing.verify_message` on a received message."""

    NOT_CHECKED = "", _("Not checked")
    OK = "ok", _("Valid")
    UNKNOWN_KEY = "unknown_key", _("Unknown key")
    BAD_SIGNATURE = "bad_signature", _("Invalid signature")
    MISSING = "missing", _("Unsigned")


class ResponseOutcome(models.TextChoices):
    ACCEPTED = "ACCEPTED", _("Accepted")
    ACCEPTED_MANUAL = "ACCEPTED_MANUAL", _("Accepted after manual review")
    REJECTED = "REJECTED", _("Rejected")


class RejectionReason(models.TextChoices):
    SCHEMA = "SCHEMA", _("Does not follow the HST schema")
    SIGNATURE = "SIGNATURE", _("Signature not verifiable")
    UNKNOWN_CASE = "UNKNOWN_CASE", _("Unknown case")
    NOT_COMPETENT = "NOT_COMPETENT", _("Not competent")
    RESTRICTION_CONFLICT = "RESTRICTION_CONFLICT", _("Conflicts with a handling restriction")
    DUPLICATE_CONFLICT = "DUPLICATE_CONFLICT", _("Conflicts with an earlier message")
    OTHER = "OTHER", _("Other")


class RequestDirection(models.TextChoices):
    SENT = "SENT", _("Sent by us, awaiting the reply")
    RECEIVED = "RECEIVED", _("Received, we owe the reply")


class RequestOutcome(models.TextChoices):
    OPEN = "", _("Open")
    DONE = "DONE", _("Done")
    PARTIAL = "PARTIAL", _("Partially done")
    NOT_POSSIBLE = "NOT_POSSIBLE", _("Not possible")
    REFERRED = "REFERRED", _("Referred")
