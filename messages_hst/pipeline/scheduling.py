"""From approval to the delivery tasks: the outbox written with the approval, then one
dispatch that signs the message once and hands each delivery to its task."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import NationalCentralBureau
from messages_hst import keys
from messages_hst.choices import DeliveryStatus, MessageStatus
from messages_hst.formatting import render_text
from messages_hst.inbox import directory
from messages_hst.models import Delivery, HSTMessage, OutboxEntry
from messages_hst.pipeline.alerts import delivery_alert
from messages_hst.pipeline.attempts import claim_made_due, send_claimed
from messages_hst.pipeline.policy import blocked_reason, deadline_for, provider_rules
from messages_hst.pipeline.queueing import enqueue_deliveries_on_commit
from messages_hst.pipeline.wake_up import (
    hold_dispatch_request,
    release_dispatch_request,
    request_dispatch_on_commit,
    take_dispatch_request,
)
from ncb_cases.canonical import canonical_json_bytes
from ncb_cases.row_updates import update_each

# A message in one of these is sent (a CANCELLED one too: the CANCEL that supersedes it is
# sent as well, and refers to it); any other (a draft, a discarded message) never is.
DISPATCHABLE = (
    MessageStatus.APPROVED,
    MessageStatus.QUEUED,
    MessageStatus.DISPATCHED,
    MessageStatus.CANCELLED,
)


def _recipients(document: Mapping) -> list[tuple[str, str]]:
    """(code, role) of each recipient in the document's order, each code once."""
    seen, result = set(), []
    for item in document.get("recipients") or []:
        code = item.get("ncb_code") if isinstance(item, Mapping) else None
        if isinstance(code, str) and code not in seen:
            seen.add(code)
            result.append((code, str(item.get("role") or "TO")[:2]))
    return result


def recipient_ncbs(document: Mapping) -> dict[str, NationalCentralBureau]:
    """The NCBs known here among the document's recipients, by code, with their country (the
    policy reads it): from the directory kept per process for a few seconds
    (`inbox.directory`), at most one query. A code missing from the answer is no NCB known
    here."""
    return directory.ncbs_with_country(code for code, _role in _recipients(document))


def schedule_delivery(
    message: HSTMessage,
    *,
    now: dt.datetime | None = None,
    save_status: bool = True,
    ncbs: Mapping[str, NationalCentralBureau] | None = None,
) -> list[Delivery]:
    """Promise delivery of the approved `message` to each of its recipients.

    Call inside the approval's transaction (HST.md §7.1): writes one Delivery per recipient
    (transport from the NCB record, deadline by priority from now), BLOCKED with the reason
    for a recipient the policy forbids (`pipeline.policy`), one OutboxEntry, sets the message
    QUEUED, and once the transaction commits asks for a dispatch (`wake_up`: enqueues
    `dispatch_message` unless one is already pending, which will find it). A recipient code
    that is no NCB known here is a ValidationError on `recipients` (nothing is written).
    Four to six queries whatever the number of recipients (one fewer when the caller passes
    `ncbs`, its `recipient_ncbs` of the same document: the approval, which validated with
    them). With `save_status=False` the message's status is only set on the object: the
    caller saves it with its own UPDATE of the row (the approval, which writes the row anyway).
    """
    now = now or timezone.now()
    recipients = _recipients(message.document)
    if not recipients:
        raise ValidationError({"recipients": [_("The message has no recipient.")]})
    codes = [code for code, _role in recipients]
    if ncbs is None:
        ncbs = recipient_ncbs(message.document)
    unknown = [code for code in codes if code not in ncbs]
    if unknown:
        raise ValidationError(
            {
                "recipients": [
                    _("%(code)s is not a National Central Bureau known to this instance.")
                    % {"code": code}
                    for code in unknown
                ]
            }
        )
    rules = provider_rules(message)
    deadline = deadline_for(message.priority, now)
    deliveries = []
    for code, role in recipients:
        ncb = ncbs[code]
        reason = blocked_reason(document=message.document, ncb=ncb, rules=rules)
        deliveries.append(
            Delivery(
                message=message,
                recipient_ncb=ncb,
                role=role,
                transport=ncb.transport,
                status=DeliveryStatus.BLOCKED if reason else DeliveryStatus.PENDING,
                last_error=reason[:500],
                deadline_at=deadline,
            )
        )
    deliveries = Delivery.objects.bulk_create(deliveries)
    OutboxEntry.objects.create(message=message, enqueued_at=now, enqueue_count=1)
    message.status = MessageStatus.QUEUED
    if save_status:
        HSTMessage.objects.filter(pk=message.pk).update(
            status=MessageStatus.QUEUED, updated_at=now
        )
    request_dispatch_on_commit(message.pk, coalesce=dispatch_batch() > 1)
    return deliveries


def sign_message_once(message: HSTMessage, now: dt.datetime) -> list[str]:
    """Sign `message` with the instance key and keep what every transport sends: the signed
    canonical bytes, their SHA-256 (what a RECEIPT acknowledges), the kid and the text
    rendering. Returns the fields written (none if it was signed already: it has a digest,
    written with the signed bytes)."""
    if message.digest:
        return []
    signed = keys.sign_as_instance(message.document)
    signed_bytes = canonical_json_bytes(signed)
    message.signed_bytes = signed_bytes
    # = signing.message_digest(signed), without serialising the message a second time.
    message.digest = hashlib.sha256(signed_bytes).hexdigest()
    message.kid = signed["signature"]["kid"]
    message.rendering = render_text(signed, digest=message.digest)
    message.signed_at = now
    return ["signed_bytes", "digest", "kid", "rendering", "signed_at"]


# Rounds of `dispatch_batch()` messages one dispatch task makes at most (then a new task).
MAX_DISPATCH_ROUNDS = 10


def dispatch_batch() -> int:
    """How many messages one dispatch signs at most (setting HST_DISPATCH_BATCH, default 50)."""
    return max(int(getattr(settings, "HST_DISPATCH_BATCH", 50)), 1)


def message_dispatch(
    message_pk: int, *, now: dt.datetime | None = None, send_here: bool = True
) -> HSTMessage | None:
    """Sign the message once and send its deliveries, and do the same for every other
    message whose outbox entry is open: the approvals that found the dispatch request held
    did not enqueue one of their own (`wake_up`). By rounds of at most `dispatch_batch()`
    messages, one transaction each, holding the request, until a round leaves the outbox
    empty; then the request is emptied and the outbox read once more (`wake_up` says why).
    After `MAX_DISPATCH_ROUNDS` the rest goes to a new task, which holds the request on. A
    dispatch that fails gives the request up before the error goes on.

    After each round's commit the dispatch sends itself the deliveries it made due to one NCB
    (`_kept_here`; claimed in the round's transaction; sent as `attempts.send_claimed` does:
    a peer's in one request) and hands the others to `deliver` tasks, which run side by
    side. Under load every message goes to the same peer and the next round takes what was
    approved while this one was sent: one dispatch, one task, one request to the peer for
    many messages. `send_here=False` hands every delivery to a task (the tests of attempts
    use it to hold deliveries that are due).

    Idempotent (the dispatch task may run twice: a redelivery, the relay): the message rows
    are locked, a message already dispatched (outbox processed) is left alone, signing happens
    once. In one transaction: signature fields, status DISPATCHED, the pending deliveries due
    now (those sent here claimed), the outbox entries processed; `deliver` is enqueued for the
    others after the commit (a lost enqueue, or a worker lost while sending here, is found by
    the relay). A message cancelled meanwhile is still sent (its CANCEL refers to it) and
    stays CANCELLED; one that is not approved at all only gets its outbox entry closed. A
    document that cannot be signed or rendered (a ValueError: the same at every try) makes
    its pending deliveries DEAD with an alert. Returns the message `message_pk`, or None if
    it does not exist.
    """
    size = dispatch_batch()
    if size == 1:  # a batch of one: each message has its own task, no request held
        message, _drained, _found = _dispatch_round(message_pk, size, now, send_here)
    else:
        hold_dispatch_request(now or timezone.now())
        try:
            message = _rounds(message_pk, size, now, send_here)
        except Exception:
            # Not held by a dead dispatch until it is stale: the next approval asks again,
            # and its dispatch finds what this one left open.
            with contextlib.suppress(DatabaseError):
                release_dispatch_request()
            raise
    if message is not None:
        return message
    # This message is held by another transaction: wait for it alone.
    sent_here: list[Delivery] = []
    with transaction.atomic():
        message = _dispatchable().select_for_update(of=("self",)).filter(pk=message_pk).first()
        if message is None:
            return None
        if not _processed(message):
            sent_here = _dispatch([message], now or timezone.now(), send_here)
    _send(sent_here)
    return message


def _rounds(
    message_pk: int, size: int, now: dt.datetime | None, send_here: bool
) -> HSTMessage | None:
    """The rounds of a dispatch holding the request (see `message_dispatch`); the message
    `message_pk` if its round locked it."""
    message, drained, found = _dispatch_round(message_pk, size, now, send_here)
    rounds = 1
    while True:
        if rounds >= MAX_DISPATCH_ROUNDS:  # a long queue: a task of its own carries on
            request_dispatch_on_commit(message_pk, coalesce=False)
            break
        if drained and not found:  # nothing came in meanwhile: done, but for one last read
            release_dispatch_request()
            _message, drained, found = _dispatch_round(None, size, now, send_here)
            if not found or not take_dispatch_request(now or timezone.now()):
                break
        else:
            hold_dispatch_request(now or timezone.now())
            _message, drained, found = _dispatch_round(None, size, now, send_here)
        rounds += 1
    return message


def _dispatch_round(
    message_pk: int | None, size: int, now: dt.datetime | None, send_here: bool
) -> tuple[HSTMessage | None, bool, bool]:
    """In one transaction, lock and dispatch the message `message_pk` (if given) and the
    oldest messages whose outbox entry is open, `size` in all; rows another transaction holds
    are skipped (never waited for while holding others: no deadlock); then send what this
    dispatch keeps. Returns the message `message_pk` if it was locked; whether the outbox is
    drained as far as this dispatch goes: it had no room for others (a batch of one), found
    fewer open entries than it had room for, or some were held by another dispatch, which
    carries on; and whether it dispatched any message besides `message_pk`."""
    with transaction.atomic():
        wanted = set() if message_pk is None else {message_pk}
        room = size - len(wanted)
        others = []
        if room > 0:
            # Through their partial index (`hst_outbox_pending`): one condition over messages
            # joined to their entries would read every message ever sent.
            open_entries = OutboxEntry.objects.filter(processed_at__isnull=True)
            if message_pk is not None:
                open_entries = open_entries.exclude(message_id=message_pk)
            others = list(
                open_entries.order_by("created_at").values_list("message_id", flat=True)[:room]
            )
            wanted.update(others)
        batch = []
        if wanted:
            # In the messages' order, not their entries': a walk of every entry in its order
            # would also serve that sort, and a planner could take it.
            batch = list(
                _dispatchable()
                .select_for_update(of=("self",), skip_locked=True)
                .filter(pk__in=wanted)
                .order_by("pk")
            )
        to_dispatch = [row for row in batch if not _processed(row)]
        sent_here = _dispatch(to_dispatch, now or timezone.now(), send_here) if to_dispatch else []
    _send(sent_here)
    message = next((row for row in batch if row.pk == message_pk), None)
    drained = room == 0 or len(others) < room or len(batch) < len(wanted)
    return message, drained, any(row.pk != message_pk for row in to_dispatch)


def _send(claimed: list[Delivery]) -> None:
    """Send the deliveries a dispatch claimed, once its transaction has committed."""
    if claimed:
        # A claim given back (an error) returns them to PENDING, due from their claim on.
        send_claimed(
            claimed,
            {
                delivery.pk: (DeliveryStatus.PENDING, delivery.next_attempt_at)
                for delivery in claimed
            },
        )


def _dispatchable():
    """Messages with their outbox entry, without the columns a dispatch writes but never
    reads (the signature's bytes and rendering, a processed message's largest; the problems):
    under load most rows a dispatch locks were processed by an earlier one."""
    return HSTMessage.objects.select_related("outbox").defer(
        "signed_bytes", "rendering", "problems"
    )


def _processed(message: HSTMessage) -> bool:
    outbox = getattr(message, "outbox", None)
    return outbox is not None and outbox.processed_at is not None


def _dispatch(
    messages: list[HSTMessage], now: dt.datetime, send_here: bool = True
) -> list[Delivery]:
    """Sign each of `messages` (locked), make their pending deliveries due, close their
    outbox entries, claim the deliveries this dispatch sends itself (`_kept_here`) and
    enqueue the others on commit: at most five statements (six when some were signed by an
    earlier try), the messages' rows written by one (`update_each`). Returns those claimed."""
    if not messages:
        return []
    signed, signed_now = [], {}
    # By the fields written: those signed now, and those signed by an earlier try.
    writes: dict[tuple[str, ...], list[HSTMessage]] = {}
    for message in messages:
        if message.status not in DISPATCHABLE:
            continue
        try:
            fields = sign_message_once(message, now)
        except ValueError as error:  # no canonical form, no rendering: never will have
            _undeliverable(message, f"the message cannot be signed ({type(error).__name__})")
            continue
        if message.status in (MessageStatus.APPROVED, MessageStatus.QUEUED):
            message.status = MessageStatus.DISPATCHED
        message.dispatched_at = message.dispatched_at or now
        message.updated_at = now
        writes.setdefault((*fields, "status", "dispatched_at", "updated_at"), []).append(message)
        signed.append(message.pk)
        if fields:
            signed_now[message.pk] = message
    for fields, rows in writes.items():
        update_each(rows, fields)
    due = []
    if signed:
        due = list(
            Delivery.objects.select_related("recipient_ncb")
            .filter(
                message_id__in=signed,
                status=DeliveryStatus.PENDING,
                next_attempt_at__isnull=True,
            )
            .order_by("pk")
        )
    kept = _kept_here(due, signed_now) if send_here else []
    if kept:
        claim_made_due(kept, now)
    kept_pks = {delivery.pk for delivery in kept}
    handed_over = [delivery.pk for delivery in due if delivery.pk not in kept_pks]
    if handed_over:
        Delivery.objects.filter(pk__in=handed_over).update(next_attempt_at=now, updated_at=now)
    OutboxEntry.objects.filter(
        message_id__in=[message.pk for message in messages], processed_at__isnull=True
    ).update(processed_at=now)
    # One message (light load): a task per delivery, its recipients served in parallel;
    # several: tasks of a few deliveries each, fewer broker round trips per message.
    enqueue_deliveries_on_commit(handed_over, batched=len(messages) > 1)
    return kept


def _kept_here(due: list[Delivery], signed_now: dict[int, HSTMessage]) -> list[Delivery]:
    """The deliveries the dispatch sends itself: among those of the messages it signed now
    (their bytes in hand; one signed by an earlier try was read without them), those to the
    NCB of the first. Under load that is every delivery of the round (one peer: one request);
    the other NCBs' go to tasks, which serve them side by side."""
    kept: list[Delivery] = []
    for delivery in due:
        message = signed_now.get(delivery.message_id)
        if message is not None and (
            not kept or delivery.recipient_ncb_id == kept[0].recipient_ncb_id
        ):
            delivery.message = message
            kept.append(delivery)
    return kept


def _undeliverable(message: HSTMessage, reason: str) -> None:
    """Every pending delivery of `message` DEAD with `reason`, and the operators told."""
    pending = Delivery.objects.select_related("recipient_ncb").filter(
        message=message, status=DeliveryStatus.PENDING
    )
    for delivery in pending:
        delivery.message = message
        delivery.status = DeliveryStatus.DEAD
        delivery.last_error = reason
        delivery.save(update_fields=["status", "last_error", "updated_at"])
        delivery_alert(delivery, reason=reason)
