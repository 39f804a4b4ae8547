"""From approval to the delivery tasks: the outbox written with the approval, then one
dispatch that signs the message once and hands each delivery to its task."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import NationalCentralBureau
from messages_hst import keys
from messages_hst.choices import DeliveryStatus, MessageStatus
from messages_hst.formatting import render_text
from messages_hst.inbox import directory
from messages_hst.models import Delivery, HSTMessage, OutboxEntry
from messages_hst.pipeline.alerts import delivery_alert
from messages_hst.pipeline.policy import blocked_reason, deadline_for, provider_rules
from messages_hst.pipeline.queueing import enqueue_deliveries_on_commit
from messages_hst.pipeline.wake_up import request_dispatch_on_commit, take_dispatch_request
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


def message_dispatch(message_pk: int, *, now: dt.datetime | None = None) -> HSTMessage | None:
    """Sign the message once and hand its pending deliveries to the `deliver` task, and do
    the same for every other message whose outbox entry is open: the approvals that found a
    dispatch pending did not enqueue one of their own (`wake_up`). By rounds of
    `dispatch_batch()` messages, one transaction each, until the outbox is drained or what is
    left is held by another dispatch (at most `MAX_DISPATCH_ROUNDS`, then the rest goes to a
    new task).

    Idempotent (the dispatch task may run twice: a redelivery, the relay): the message rows
    are locked, a message already dispatched (outbox processed) is left alone, signing happens
    once. In one transaction: signature fields, status DISPATCHED, the pending deliveries due
    now, the outbox entries processed; `deliver` is enqueued for each after the commit (a lost
    enqueue is found by the relay through `next_attempt_at`). A message cancelled meanwhile is
    still sent (its CANCEL refers to it) and stays CANCELLED; one that is not approved at all
    only gets its outbox entry closed. A document that cannot be signed or rendered (a
    ValueError: the same at every try) makes its pending deliveries DEAD with an alert.
    Returns the message `message_pk`, or None if it does not exist.
    """
    now = now or timezone.now()
    size = dispatch_batch()
    # Before the outbox is read: an approval committed from now on asks for another dispatch.
    take_dispatch_request()
    message, drained = _dispatch_round(message_pk, size, now)
    rounds = 1
    while not drained and rounds < MAX_DISPATCH_ROUNDS:
        _message, drained = _dispatch_round(None, size, now)
        rounds += 1
    if not drained:  # a long queue: a task of its own carries on, this worker moves on
        request_dispatch_on_commit(message_pk, coalesce=False)
    if message is not None:
        return message
    # This message is held by another transaction: wait for it alone.
    with transaction.atomic():
        message = _dispatchable().select_for_update(of=("self",)).filter(pk=message_pk).first()
        if message is None:
            return None
        if not _processed(message):
            _dispatch([message], now)
    return message


def _dispatch_round(
    message_pk: int | None, size: int, now: dt.datetime
) -> tuple[HSTMessage | None, bool]:
    """In one transaction, lock and dispatch the message `message_pk` (if given) and the
    oldest messages whose outbox entry is open, `size` in all; rows another transaction holds
    are skipped (never waited for while holding others: no deadlock). Returns the message
    `message_pk` if it was locked, and whether this dispatch is done: it had no room for
    others (a batch of one: each message has its own task), found fewer open entries than it
    had room for, or some were held by another dispatch, which carries on."""
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
        # In the messages' order, not their entries': a walk of every entry in its order
        # would also serve that sort, and a planner could take it.
        batch = list(
            _dispatchable()
            .select_for_update(of=("self",), skip_locked=True)
            .filter(pk__in=wanted)
            .order_by("pk")
        )
        _dispatch([row for row in batch if not _processed(row)], now)
    message = next((row for row in batch if row.pk == message_pk), None)
    done = room == 0 or len(others) < room or len(batch) < len(wanted)
    return message, done


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


def _dispatch(messages: list[HSTMessage], now: dt.datetime) -> None:
    """Sign each of `messages` (locked), make their pending deliveries due, close their
    outbox entries and enqueue the deliveries on commit: four statements (five when some were
    signed by an earlier try), the messages' rows written by one (`update_each`)."""
    if not messages:
        return
    signed = []
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
    for fields, rows in writes.items():
        update_each(rows, fields)
    due = []
    if signed:
        due = list(
            Delivery.objects.filter(
                message_id__in=signed,
                status=DeliveryStatus.PENDING,
                next_attempt_at__isnull=True,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    if due:
        Delivery.objects.filter(pk__in=due).update(next_attempt_at=now, updated_at=now)
    OutboxEntry.objects.filter(
        message_id__in=[message.pk for message in messages], processed_at__isnull=True
    ).update(processed_at=now)
    # One message (light load): a task per delivery, its recipients served in parallel;
    # several: tasks of a few deliveries each, fewer broker round trips per message.
    enqueue_deliveries_on_commit(due, batched=len(messages) > 1)


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
