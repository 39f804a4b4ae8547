"""Delivery attempts: claim, send, record (HST.md §7.2; the recording: `recording`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import traceback

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from messages_hst.choices import AttemptOutcome, DeliveryStatus
from messages_hst.inbox.receive import max_body_bytes
from messages_hst.models import Delivery
from messages_hst.pipeline.queueing import enqueue_on_commit
from messages_hst.pipeline.recording import record_attempts
from messages_hst.transports import Transport, TransportResult, UnknownTransport, transport_for

logger = logging.getLogger("messages_hst.pipeline")

CLAIMABLE = (DeliveryStatus.PENDING, DeliveryStatus.RETRY_SCHEDULED)
# A task may run a little before its countdown by the database's clock.
EARLY_TOLERANCE = dt.timedelta(seconds=2)


def sending_stale_after() -> dt.timedelta:
    """How long a claim (SENDING) may last before the claimer counts as dead: the relay's
    delay, and at least three transport timeouts (a live worker has given up by then)."""
    relay_after = float(getattr(settings, "HST_RELAY_AFTER_SECONDS", 60))
    timeout = float(getattr(settings, "HST_PEER_TIMEOUT_SECONDS", 10))
    return dt.timedelta(seconds=max(relay_after, 3 * timeout + 5))


def _claimable(now: dt.datetime) -> Q:
    """Due (PENDING or RETRY_SCHEDULED whose time has come) or abandoned (SENDING for too
    long)."""
    due = Q(status__in=CLAIMABLE, next_attempt_at__lte=now + EARLY_TOLERANCE)
    abandoned = Q(status=DeliveryStatus.SENDING, updated_at__lt=now - sending_stale_after())
    return due | abandoned


def _claim(delivery: Delivery, now: dt.datetime) -> bool:
    """Take the loaded delivery for one attempt with one conditional UPDATE: claimable, and
    attempted no more times than when it was loaded (otherwise another worker acted on it
    meanwhile, and whoever did scheduled what comes next)."""
    claimed = Delivery.objects.filter(
        _claimable(now), pk=delivery.pk, attempts=delivery.attempts
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, updated_at=now)
    if claimed != 1:
        return False
    _mark_claimed(delivery, now)
    return True


def _claim_all(deliveries: list[Delivery], now: dt.datetime) -> list[Delivery]:
    """`_claim` for a batch, in one transaction instead of one UPDATE each: the claimable
    ones are locked (in key order, so that two batches sharing deliveries do not deadlock),
    those still at the attempt count loaded are claimed by one UPDATE. Returns them."""
    if len(deliveries) <= 1:
        return [delivery for delivery in deliveries if _claim(delivery, now)]
    loaded_attempts = {delivery.pk: delivery.attempts for delivery in deliveries}
    with transaction.atomic():
        current = (
            Delivery.objects.select_for_update()
            .filter(_claimable(now), pk__in=loaded_attempts)
            .order_by("pk")
            .values_list("pk", "attempts")
        )
        pks = {pk for pk, attempts in current if attempts == loaded_attempts[pk]}
        if pks:
            Delivery.objects.filter(pk__in=pks).update(
                status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, updated_at=now
            )
    claimed = [delivery for delivery in deliveries if delivery.pk in pks]
    for delivery in claimed:
        _mark_claimed(delivery, now)
    return claimed


def claim_made_due(deliveries: list[Delivery], now: dt.datetime) -> None:
    """Claim, in the dispatch's transaction, deliveries it is making due and will send itself
    once it commits (`scheduling`): one UPDATE, due now and SENDING at once. No condition
    beyond their keys: they are PENDING and never made due, and such a delivery changes only
    under its message's row lock, which the dispatch holds."""
    Delivery.objects.filter(pk__in=[delivery.pk for delivery in deliveries]).update(
        status=DeliveryStatus.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now,
        updated_at=now,
    )
    for delivery in deliveries:
        delivery.next_attempt_at = now
        _mark_claimed(delivery, now)


def _mark_claimed(delivery: Delivery, now: dt.datetime) -> None:
    delivery.status, delivery.attempts, delivery.updated_at = (
        DeliveryStatus.SENDING,
        delivery.attempts + 1,
        now,
    )


def _release(deliveries: list[Delivery], loaded: dict[int, tuple[str, dt.datetime]]) -> None:
    """Give back claims that were not attempted (the batch stopped on an error): each goes
    back to the status and time it was loaded with and to its attempt count, if the claim is
    still ours. If this fails too (the database is gone), they wait as SENDING until the relay
    takes them over."""
    for delivery in deliveries:
        status, updated_at = loaded[delivery.pk]
        Delivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.SENDING, attempts=delivery.attempts
        ).update(status=status, attempts=F("attempts") - 1, updated_at=updated_at)


def _loaded(delivery_pks: list[int]) -> dict[int, Delivery]:
    """The deliveries of `delivery_pks` that an attempt may claim, with their message (its
    signed bytes, not its document) and recipient NCB, in one query."""
    deliveries = (
        Delivery.objects.select_related("message", "recipient_ncb")
        .defer("message__document", "message__rendering", "message__problems")
        .filter(pk__in=delivery_pks, status__in=(*CLAIMABLE, DeliveryStatus.SENDING))
        .order_by()
    )
    return {delivery.pk: delivery for delivery in deliveries}


def _send(transport: Transport | None, delivery: Delivery, signed_bytes: bytes) -> TransportResult:
    try:
        transport = transport or transport_for(delivery.recipient_ncb)
        return transport.send(delivery, signed_bytes)
    except UnknownTransport as error:
        return TransportResult(AttemptOutcome.PERMANENT, detail=str(error))
    except Exception as error:  # a bug or an outage below the transport
        return _transport_raised(delivery, error)


def _send_batch(deliveries: list[Delivery]) -> list[TransportResult]:
    """`_send` for deliveries to one NCB whose transport takes batches, in one request."""
    try:
        transport = transport_for(deliveries[0].recipient_ncb)
        payloads = [bytes(delivery.message.signed_bytes) for delivery in deliveries]
        return transport.send_batch(deliveries, payloads)
    except Exception as error:  # a bug or an outage below the transport
        return [_transport_raised(deliveries[0], error)] * len(deliveries)


def _transport_raised(delivery: Delivery, error: Exception) -> TransportResult:
    # Where, not what: an exception's text may quote the message.
    frame = traceback.extract_tb(error.__traceback__)[-1]
    logger.warning(
        "HST delivery %s: transport raised %s at %s:%s",
        delivery.pk,
        type(error).__name__,
        frame.filename,
        frame.lineno,
    )
    return TransportResult(
        AttemptOutcome.TRANSIENT, detail=f"transport error ({type(error).__name__})"
    )


def sending_units(deliveries: list[Delivery]) -> list[list[Delivery]]:
    """The deliveries grouped as they will be sent: those for one NCB whose transport
    takes batches (`peer`) together, up to `HST_PEER_BATCH_MAX` (50; 1 sends each alone) and
    the inbox's body limit per request; every other alone. In the order of each group's first
    delivery."""
    most = int(getattr(settings, "HST_PEER_BATCH_MAX", 50))
    limit = max_body_bytes()
    units: list[list[Delivery]] = []
    filling: dict[int, tuple[list[Delivery], int]] = {}  # NCB → its open group, its bytes
    for delivery in deliveries:
        try:
            batches = hasattr(transport_for(delivery.recipient_ncb), "send_batch")
        except UnknownTransport:
            batches = False
        size = len(delivery.message.signed_bytes) + 1  # and its line break
        unit, used = filling.get(delivery.recipient_ncb_id, (None, 0))
        if not batches or most <= 1 or unit is None or len(unit) >= most or used + size > limit:
            unit, used = [], 0
            units.append(unit)
        unit.append(delivery)
        if batches:
            filling[delivery.recipient_ncb_id] = (unit, used + size)
    return units


def delivery_attempt(
    delivery_pk: int, *, now: dt.datetime | None = None, transport: Transport | None = None
) -> Delivery | None:
    """Try delivery `delivery_pk` once, if it is due; return it, or None when there was
    nothing to do (final, awaiting a receipt, not due yet, claimed by another worker, gone).

    1. Load the delivery with its message (signed bytes, digest) and recipient NCB.
    2. Claim (conditional UPDATE → SENDING, attempts + 1; committed at once, so the page
       shows SENDING and a second task for the same delivery does nothing).
    3. Send through the recipient's transport (`transport` replaces it in tests), outside
       any transaction: no lock is held while a peer answers.
    4. A receipt is verified (`receipts.receipt_verify`); a failing one is a PERMANENT
       failure with the precise reason.
    5. Record, in one transaction, the attempt and the new state: DELIVERED (receipt
       verified), AWAITING_RECEIPT (gateway), RETRY_SCHEDULED (transient failure before the
       deadline; `deliver` re-enqueued with the countdown on commit), DEAD (transient failure
       at or past the deadline) or REJECTED (permanent failure); DEAD and REJECTED alert the
       sender NCB's supervisors. The state is written only if this claim still holds.
    Queries: load, claim, the recipient's keyring (receipts only), update + insert.
    """
    loaded = _loaded([delivery_pk]).get(delivery_pk)
    return _attempt(loaded, now=now, transport=transport) if loaded else None


def delivery_attempts(delivery_pks: list[int]) -> list[Delivery | None]:
    """`delivery_attempt` for each of `delivery_pks` (the `deliver_batch` task): the
    deliveries loaded together and claimed together (`_claim_all`: one transaction instead of
    one UPDATE each), then sent and recorded as `send_claimed` does. One result per key, in
    order (None for nothing done, or a key named again)."""
    now = timezone.now()
    loaded = _loaded(delivery_pks)
    as_loaded = {pk: (delivery.status, delivery.updated_at) for pk, delivery in loaded.items()}
    sendable = [
        loaded[pk]
        for pk in dict.fromkeys(delivery_pks)
        if pk in loaded and loaded[pk].message.signed_bytes
    ]
    recorded = send_claimed(_claim_all(sendable, now), as_loaded)
    return [recorded.pop(pk, None) for pk in delivery_pks]


def send_claimed(
    claimed: list[Delivery], as_loaded: dict[int, tuple[str, dt.datetime]]
) -> dict[int, Delivery | None]:
    """Send the claimed deliveries (their message's signed bytes and recipient NCB loaded),
    those for one NCB reached over `peer` in one request to its batch inbox
    (`sending_units`), the others one by one, and record each attempt on its own. Returns
    each delivery's result by key (None: its claim no longer held). If one raises, the claims
    not yet recorded go back to the status and time of `as_loaded` (by key), those
    deliveries are enqueued as `deliver` tasks of their own (they do not wait for the relay),
    and the error goes up."""
    units = sending_units(claimed)
    recorded: dict[int, Delivery | None] = {}
    for index, unit in enumerate(units):
        try:
            outcomes = _send_unit(unit)
        except Exception:
            waiting = [
                delivery
                for delivery in itertools.chain(unit, *units[index + 1 :])
                if delivery.pk not in recorded
            ]
            with contextlib.suppress(DatabaseError):
                _release(waiting, as_loaded)
            enqueue_on_commit("deliver", [delivery.pk for delivery in waiting])
            raise
        recorded.update(zip([delivery.pk for delivery in unit], outcomes, strict=True))
    return recorded


def _send_unit(unit: list[Delivery]) -> list[Delivery | None]:
    """Send one group of `sending_units` and record each attempt."""
    if len(unit) == 1:
        return [_send_and_record(unit[0])]
    started = timezone.now()
    results = _send_batch(unit)
    finished = max(timezone.now(), started)
    return record_attempts(list(zip(unit, results, strict=True)), started, finished)


def _attempt(
    delivery: Delivery, *, now: dt.datetime | None = None, transport: Transport | None = None
) -> Delivery | None:
    """Claim, send and record the loaded `delivery` (see `delivery_attempt`)."""
    now = now or timezone.now()
    if not delivery.message.signed_bytes:
        return None  # not dispatched yet (cannot normally happen: the dispatch makes it due)
    if not _claim(delivery, now):
        return None
    return _send_and_record(delivery, started=now, transport=transport)


def _send_and_record(
    delivery: Delivery, *, started: dt.datetime | None = None, transport: Transport | None = None
) -> Delivery | None:
    """Send the claimed `delivery` and record the attempt (see `delivery_attempt`)."""
    started = started or timezone.now()
    result = _send(transport, delivery, bytes(delivery.message.signed_bytes))
    finished = max(timezone.now(), started)
    return record_attempts([(delivery, result)], started, finished)[0]
