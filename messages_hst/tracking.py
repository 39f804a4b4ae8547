"""Requests tracking (issue 5 item 7): every `requests[]` item of a REQUEST is followed, for the
NCB that sent it (SENT: we await the answer) and for the NCB that received it (RECEIVED: we owe
it), until a REPLY's `outcomes[]` close it item by item. An open item past its due date is
overdue and shows on the dashboard; a REMINDER can be sent for a SENT one.

Only codes, refs and dates are kept (`TrackedRequest`), never the justification or persons.
"""

import datetime as dt
import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from contacts.choices import OfficerRole
from contacts.models import NationalCentralBureau
from contacts.permissions import officer_of
from messages_hst.choices import MessageType, RequestDirection, RequestOutcome
from messages_hst.models import HSTMessage, InboundMessage, TrackedRequest
from ncb_cases.audit import audit_denied

# Who may see and remind: the NCB's officers and supervisors (analysts read the dashboard too).
READER_ROLES = (OfficerRole.OFFICER, OfficerRole.SUPERVISOR, OfficerRole.ANALYST)
REMINDER_ROLES = (OfficerRole.OFFICER, OfficerRole.SUPERVISOR)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _items(
    *,
    document: dict,
    ncb: NationalCentralBureau,
    direction: str,
    counterpart: str,
    case_id: int | None,
) -> list[TrackedRequest]:
    message_id = _uuid(document.get("message_id"))
    if message_id is None or document.get("message_type") != MessageType.REQUEST:
        return []
    response_due = _date(document.get("response_due"))
    items = []
    for request in _list(_dict(document.get("body")).get("requests")):
        request = _dict(request)
        if not isinstance(request.get("ref"), str):
            continue
        items.append(
            TrackedRequest(
                ncb=ncb,
                direction=direction,
                counterpart_code=counterpart[:12],
                request_message_id=message_id,
                request_ref=request["ref"][:16],
                action=str(request.get("action", ""))[:32],
                due_on=_date(request.get("deadline")) or response_due,
                case_id=case_id,
            )
        )
    # Idempotent: an item already tracked (a replayed approval, a re-run) is left as it is.
    return TrackedRequest.objects.bulk_create(items, ignore_conflicts=True)


def track_sent_request(message: HSTMessage) -> list[TrackedRequest]:
    """Track the items of our approved REQUEST `message` (called in its approval's
    transaction). The counterpart is the first addressee; any recipient's REPLY closes an item.
    """
    recipients = [_dict(r) for r in _list(message.document.get("recipients"))]
    counterpart = next((r.get("ncb_code") for r in recipients if r.get("role") == "TO"), None)
    counterpart = counterpart or (recipients[0].get("ncb_code") if recipients else "") or ""
    return _items(
        document=message.document,
        ncb=message.sender_ncb,
        direction=RequestDirection.SENT,
        counterpart=str(counterpart),
        case_id=message.case_id,
    )


def track_received_request(inbound: InboundMessage) -> list[TrackedRequest]:
    """Track the items of a REQUEST received by `inbound.recipient_ncb`: what we owe."""
    return _items(
        document=_dict(inbound.document),
        ncb=inbound.recipient_ncb,
        direction=RequestDirection.RECEIVED,
        counterpart=inbound.sender_code,
        case_id=inbound.case_id,
    )


def apply_reply(
    *,
    ncb: NationalCentralBureau,
    reply_document: dict,
    direction: str,
    now: dt.datetime | None = None,
) -> int:
    """Close the open items of `ncb` answered by `reply_document`'s `outcomes[]`.

    `direction` SENT: a REPLY we received answers our REQUEST; RECEIVED: a REPLY we sent
    answers a REQUEST we owed. Items already closed keep their first answer. Returns the
    number of items closed.
    """
    request_id = _uuid(_dict(reply_document.get("thread")).get("in_reply_to"))
    answer_id = _uuid(reply_document.get("message_id"))
    if request_id is None:
        return 0
    now = now or timezone.now()
    closed = 0
    for outcome in _list(_dict(reply_document.get("body")).get("outcomes")):
        outcome = _dict(outcome)
        if outcome.get("outcome") not in RequestOutcome.values or not outcome.get("outcome"):
            continue
        closed += TrackedRequest.objects.filter(
            ncb=ncb,
            direction=direction,
            request_message_id=request_id,
            request_ref=outcome.get("request_ref"),
            outcome=RequestOutcome.OPEN,
        ).update(outcome=outcome["outcome"], answered_at=now, answer_message_id=answer_id)
    return closed


def reminder_received(
    *,
    ncb: NationalCentralBureau,
    request_message_id: uuid.UUID | None,
    request_refs: list,
    now: dt.datetime | None = None,
) -> int:
    """A REMINDER arrived for a REQUEST `ncb` received: its open items named in
    `request_refs` (all of them when empty) note when we were reminded. Returns how many."""
    if request_message_id is None:
        return 0
    items = TrackedRequest.objects.filter(
        ncb=ncb,
        direction=RequestDirection.RECEIVED,
        request_message_id=request_message_id,
        outcome=RequestOutcome.OPEN,
    )
    if request_refs:
        items = items.filter(request_ref__in=[ref for ref in request_refs if isinstance(ref, str)])
    return items.update(reminded_at=now or timezone.now())


def request_withdrawn(*, inbound: InboundMessage) -> int:
    """The sender CANCELled the REQUEST `inbound`: what we owed is owed no more (the open
    items are removed; answered ones stay as history). Returns the number removed."""
    deleted, _ = TrackedRequest.objects.filter(
        ncb_id=inbound.recipient_ncb_id,
        direction=RequestDirection.RECEIVED,
        request_message_id=inbound.message_id,
        outcome=RequestOutcome.OPEN,
    ).delete()
    return deleted


def overdue_requests_for_user(
    *, user: AbstractBaseUser | AnonymousUser, today: dt.date | None = None
) -> QuerySet[TrackedRequest]:
    """Open items of the user's NCB whose due date has passed, both directions, oldest first.

    Officers, supervisors and analysts of an NCB see their NCB's items; anyone else (SRB
    monitors, users of no NCB, anonymous) sees none. One query, with the case joined, whatever
    the number of items.
    """
    ncb_id = _reader_ncb_id(user)
    if ncb_id is None:
        return TrackedRequest.objects.none()
    today = today or timezone.localdate()
    return (
        TrackedRequest.objects.filter(ncb_id=ncb_id, outcome=RequestOutcome.OPEN, due_on__lt=today)
        .select_related("case")
        .order_by("due_on", "id")
    )


def _reader_ncb_id(user: AbstractBaseUser | AnonymousUser) -> int | None:
    officer = officer_of(user)
    if officer is None or officer.role not in READER_ROLES or not user.is_active:
        return None
    return officer.ncb_id


def tracked_request_list_for_user(
    *, user: AbstractBaseUser | AnonymousUser, include_answered: bool = False
) -> QuerySet[TrackedRequest]:
    """The items of the user's NCB, both directions, open ones only unless
    `include_answered`; by due date (none last), case joined. One query. Readers as
    `overdue_requests_for_user`; anyone else gets none."""
    ncb_id = _reader_ncb_id(user)
    if ncb_id is None:
        return TrackedRequest.objects.none()
    items = TrackedRequest.objects.filter(ncb_id=ncb_id)
    if not include_answered:
        items = items.filter(outcome=RequestOutcome.OPEN)
    return items.select_related("case").order_by(F("due_on").asc(nulls_last=True), "id")


def tracked_request_get_for_user(
    *, user: AbstractBaseUser | AnonymousUser, tracked_id: int
) -> TrackedRequest:
    """One item of the user's NCB; Http404 when missing or not theirs (the same answer), the
    refused attempt on another NCB's item audited as DENIED (on the request message)."""
    try:
        pk = int(tracked_id)
    except (ValueError, TypeError):
        raise Http404 from None
    ncb_id = _reader_ncb_id(user)
    try:
        return TrackedRequest.objects.select_related("case").get(pk=pk, ncb_id=ncb_id)
    except TrackedRequest.DoesNotExist:
        tracked = TrackedRequest.objects.filter(pk=pk).first()
        if tracked is None:
            raise Http404 from None
        sent = HSTMessage.objects.filter(message_id=tracked.request_message_id)
        received = InboundMessage.objects.filter(
            message_id=tracked.request_message_id, recipient_ncb_id=tracked.ncb_id
        )
        existing = sent if tracked.direction == RequestDirection.SENT else received
        raise audit_denied(user=user, existing=existing) from None


def request_reminder_start(*, actor: AbstractBaseUser, tracked: TrackedRequest) -> HSTMessage:
    """Start a REMINDER draft for our open, SENT request item `tracked` (through the authoring
    service, which audits it and takes it through four eyes like any message), and remember
    when we reminded.

    PermissionDenied unless the actor is an officer or supervisor of the requesting NCB;
    ValidationError when the item is answered, is one we owe, or its REQUEST is not ours.
    """
    from messages_hst.services.authoring import message_follow_up_start

    officer = officer_of(actor)
    if officer is None or officer.ncb_id != tracked.ncb_id or officer.role not in REMINDER_ROLES:
        raise PermissionDenied("Only officers of the requesting NCB can send a reminder.")
    if tracked.direction != RequestDirection.SENT:
        raise ValidationError({"tracked": "Reminders are sent for our own requests only."})
    if tracked.outcome != RequestOutcome.OPEN:
        raise ValidationError({"tracked": "This request item has already been answered."})
    original = HSTMessage.objects.filter(
        message_id=tracked.request_message_id, sender_ncb_id=tracked.ncb_id
    ).first()
    if original is None:
        raise ValidationError({"tracked": "The REQUEST of this item is not on this instance."})
    open_items = TrackedRequest.objects.filter(
        ncb_id=tracked.ncb_id,
        direction=RequestDirection.SENT,
        request_message_id=tracked.request_message_id,
        outcome=RequestOutcome.OPEN,
    )
    with transaction.atomic():
        # One reminder names every item of the REQUEST still open, not only this one.
        refs = sorted(open_items.values_list("request_ref", flat=True))
        reminder = message_follow_up_start(
            actor=actor,
            original=original,
            message_type=MessageType.REMINDER,
            request_refs=refs,
        )
        open_items.update(reminded_at=timezone.now())
    tracked.refresh_from_db(fields=["reminded_at"])
    return reminder
