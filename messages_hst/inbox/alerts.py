"""Security alerts of the inbox: a conflicting body under a known message id, a signature that
does not verify. The recipient NCB's supervisors get an in-app notification; the log gets one
line of identifiers (never the message content, which may name victims)."""

import logging

from django.urls import NoReverseMatch

from contacts.services import notify_ncb_supervisors
from messages_hst.models import InboundMessage

logger = logging.getLogger("messages_hst.inbox")


def security_alert(*, inbound: InboundMessage, reason: str) -> int:
    """Notify the supervisors of `inbound`'s recipient NCB that `reason` happened, and log it.

    `reason` is a short fixed phrase ("conflicting body", "invalid signature"...). Returns the
    number of notifications written (0 when the recipient is unknown: the log line remains).
    """
    logger.warning(
        "HST inbox security alert: %s (inbound %s, sender %s, message id %s, recipient %s, "
        "%d bytes, sha256 %s, from %s)",
        reason,
        inbound.public_id,
        inbound.sender_code or "?",
        inbound.message_id or "?",
        inbound.recipient_ncb.code if inbound.recipient_ncb_id else "?",
        inbound.byte_size,
        inbound.raw_sha256,
        inbound.remote_addr or inbound.transport or "?",
    )
    if not inbound.recipient_ncb_id:
        return 0
    try:
        link = inbound.get_absolute_url()
    except NoReverseMatch:  # the browser pages are not routed (API-only deployment)
        link = ""
    body = (
        f"The inbox received a message that failed a security check: {reason}. "
        f"Sender code: {inbound.sender_code or 'unknown'}; message id: "
        f"{inbound.message_id or 'unknown'}; SHA-256 of the bytes: {inbound.raw_sha256}. "
        "The bytes are kept for investigation; nothing was accepted."
    )
    return notify_ncb_supervisors(
        ncb_id=inbound.recipient_ncb_id,
        subject=f"HST security alert: {reason}",
        body=body,
        link=link,
    )
