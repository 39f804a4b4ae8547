"""What a verified, valid inbound message changes on this instance, by message type.

Called by the inbox inside the transaction that accepts the message, so a message and its
effects commit together, once (a replay finds the message already accepted and applies
nothing again).

- RECEIPT (from a gateway, arriving after the HANDED_OVER delivery): the matching Delivery of
  our message becomes DELIVERED, the receipt stored on it.
- RESPONSE: the matching Delivery gets the recipient's business answer, ACCEPTED or REJECTED.
- REQUEST: its items are tracked as requests we owe an answer to.
- REPLY: closes our SENT request items it answers.
- REMINDER: the RECEIVED items it names (all of the REQUEST's when it names none) note when
  we were reminded.
- CANCEL / CORRECTION: the superseded inbound message is kept and flagged (a warning among its
  problems, shown in triage).

"The matching Delivery" is the one of our message `ref_message_id` whose recipient is the NCB
that sent the RECEIPT / RESPONSE: nobody else can acknowledge or answer for a recipient.
"""

import datetime as dt
from typing import Any

from messages_hst import tracking
from messages_hst.choices import (
    DeliveryStatus,
    MessageType,
    RequestDirection,
    ResponseOutcome,
    SignatureStatus,
)
from messages_hst.inbox.problems import problem
from messages_hst.models import Delivery, InboundMessage

# A receipt may still arrive for these (a gateway's receipt can come after the deadline).
AWAITING_RECEIPT_STATUSES = (
    DeliveryStatus.PENDING,
    DeliveryStatus.SENDING,
    DeliveryStatus.AWAITING_RECEIPT,
    DeliveryStatus.RETRY_SCHEDULED,
    DeliveryStatus.DEAD,
)


def apply_effects(inbound: InboundMessage, document: dict[str, Any], *, now: dt.datetime) -> None:
    """Apply the effects of `inbound` (whose `document` verified and validated)."""
    body = document.get("body") if isinstance(document.get("body"), dict) else {}
    handler = _HANDLERS.get(inbound.message_type)
    if handler is not None:
        handler(inbound, document, body, now)


def _own_delivery(inbound: InboundMessage, ref_message_id: Any) -> Delivery | None:
    if inbound.sender_ncb_id is None or not isinstance(ref_message_id, str):
        return None
    return (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("message")
        .filter(message__message_id=ref_message_id, recipient_ncb_id=inbound.sender_ncb_id)
        .first()
    )


def _note(inbound: InboundMessage, path: str, code: str, message: str) -> None:
    inbound.problems = [*inbound.problems, problem(path, code, message, "warning")]


def _receipt(inbound: InboundMessage, document: dict, body: dict, now: dt.datetime) -> None:
    receipt = body.get("receipt") or {}
    delivery = _own_delivery(inbound, receipt.get("ref_message_id"))
    if delivery is None:
        _note(inbound, "/body/receipt/ref_message_id", "receipt_unmatched",
              "no delivery of ours to the sender has this message id")  # fmt: skip
        return
    if receipt.get("received_digest") != delivery.message.digest:
        _note(inbound, "/body/receipt/received_digest", "receipt_digest_mismatch",
              "the receipt acknowledges other bytes than the ones we sent")  # fmt: skip
        return
    if delivery.status not in AWAITING_RECEIPT_STATUSES:
        return  # already DELIVERED (or answered): the first receipt counts
    delivery.status = DeliveryStatus.DELIVERED
    delivery.delivered_at = now
    delivery.next_attempt_at = None
    delivery.receipt_bytes = bytes(inbound.raw_body)
    delivery.receipt = document
    delivery.receipt_signature = SignatureStatus.OK
    delivery.save(
        update_fields=[
            "status",
            "delivered_at",
            "next_attempt_at",
            "receipt_bytes",
            "receipt",
            "receipt_signature",
            "updated_at",
        ]
    )


def _response(inbound: InboundMessage, document: dict, body: dict, now: dt.datetime) -> None:
    response = body.get("response") or {}
    delivery = _own_delivery(inbound, response.get("ref_message_id"))
    if delivery is None:
        _note(inbound, "/body/response/ref_message_id", "response_unmatched",
              "no delivery of ours to the sender has this message id")  # fmt: skip
        return
    if delivery.status == DeliveryStatus.BLOCKED:
        return  # never sent: an answer to it cannot be genuine business
    outcome = response.get("outcome")
    delivery.response_outcome = outcome
    delivery.response_reasons = list(response.get("reason_codes") or [])
    delivery.response_comment = response.get("comment") or ""
    delivery.responded_at = now
    delivery.status = (
        DeliveryStatus.REJECTED if outcome == ResponseOutcome.REJECTED else DeliveryStatus.ACCEPTED
    )
    # An answer proves delivery even if the receipt was lost on the way.
    delivery.delivered_at = delivery.delivered_at or now
    delivery.next_attempt_at = None
    delivery.save(
        update_fields=[
            "response_outcome",
            "response_reasons",
            "response_comment",
            "responded_at",
            "status",
            "delivered_at",
            "next_attempt_at",
            "updated_at",
        ]
    )


def _request(inbound: InboundMessage, document: dict, body: dict, now: dt.datetime) -> None:
    tracking.track_received_request(inbound)


def _reply(inbound: InboundMessage, document: dict, body: dict, now: dt.datetime) -> None:
    tracking.apply_reply(
        ncb=inbound.recipient_ncb,
        reply_document=document,
        direction=RequestDirection.SENT,
        now=now,
    )


def _reminder(inbound: InboundMessage, document: dict, body: dict, now: dt.datetime) -> None:
    refs = (body.get("reminder") or {}).get("request_refs")
    tracking.reminder_received(
        ncb=inbound.recipient_ncb,
        request_message_id=inbound.in_reply_to,
        request_refs=refs if isinstance(refs, list) else [],
        now=now,
    )


def _supersede(inbound: InboundMessage, document: dict, body: dict, now: dt.datetime) -> None:
    thread = document.get("thread") or {}
    target = (
        InboundMessage.objects.select_for_update()
        .filter(
            recipient_ncb_id=inbound.recipient_ncb_id,
            sender_code=inbound.sender_code,
            message_id=thread.get("supersedes"),
            is_original=True,
        )
        .first()
    )
    if target is None:
        return
    if inbound.message_type == MessageType.CANCEL:
        instruction = (body.get("cancellation") or {}).get("instruction", "DISREGARD")
        code, text = "cancelled", f"cancelled by message {inbound.message_id} ({instruction})"
        if target.message_type == MessageType.REQUEST:
            tracking.request_withdrawn(inbound=target)
    else:
        code, text = "corrected", f"corrected by message {inbound.message_id}"
    if any(item.get("code") == code and text == item.get("message") for item in target.problems):
        return
    target.problems = [*target.problems, problem("/thread/supersedes", code, text, "warning")]
    target.save(update_fields=["problems"])


_HANDLERS = {
    MessageType.RECEIPT: _receipt,
    MessageType.RESPONSE: _response,
    MessageType.REQUEST: _request,
    MessageType.REPLY: _reply,
    MessageType.REMINDER: _reminder,
    MessageType.CANCEL: _supersede,
    MessageType.CORRECTION: _supersede,
}
