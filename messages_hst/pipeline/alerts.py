"""The operator alert of a delivery that will not happen by itself: DEAD (deadline passed)
or REJECTED by the recipient's inbox. The sender NCB's supervisors get an in-app
notification, the log one line; both carry identifiers only (message id and type,
recipient code, reason codes), never the message's content."""

from __future__ import annotations

import logging

from django.urls import NoReverseMatch

from contacts.services import notify_ncb_supervisors
from messages_hst.choices import DeliveryStatus
from messages_hst.models import Delivery

logger = logging.getLogger("messages_hst.pipeline")


def delivery_alert(delivery: Delivery, *, reason: str) -> int:
    """Tell the sender NCB's active supervisors that `delivery` ended DEAD or REJECTED, and
    log it. `delivery.message` and `delivery.recipient_ncb` loaded. Returns the number of
    notifications written (two queries)."""
    message = delivery.message
    code = delivery.recipient_ncb.code
    state = "dead" if delivery.status == DeliveryStatus.DEAD else "rejected"
    logger.warning(
        "HST delivery %s: message %s (%s) to %s after %d attempt(s): %s",
        state,
        message.message_id,
        message.message_type,
        code,
        delivery.attempts,
        reason,
    )
    try:
        link = message.get_absolute_url()
    except NoReverseMatch:  # the browser pages are not routed (API-only deployment)
        link = ""
    if state == "dead":
        outcome = "could not be delivered before its deadline"
    else:
        outcome = "was refused by the recipient's inbox"
    body = (
        f"Message {message.message_id} ({message.message_type}) to {code} {outcome} "
        f"after {delivery.attempts} attempt(s). Last error: {reason}. "
        "A supervisor may requeue it from the message page once the cause is fixed."
    )
    return notify_ncb_supervisors(
        ncb_id=message.sender_ncb_id,
        subject=f"HST delivery {state}: {message.message_type} to {code}",
        body=body,
        link=link,
    )
