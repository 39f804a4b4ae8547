"""One delivery attempt: claim, send, record (HST.md §7.2)."""

from __future__ import annotations

import datetime as dt
import logging
import random
import traceback

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from messages_hst.choices import AttemptOutcome, DeliveryStatus
from messages_hst.models import Delivery, DeliveryAttempt
from messages_hst.pipeline.alerts import delivery_alert
from messages_hst.pipeline.queueing import enqueue_on_commit
from messages_hst.receipts import receipt_verify
from messages_hst.transports import Transport, TransportResult, UnknownTransport, transport_for

logger = logging.getLogger("messages_hst.pipeline")

CLAIMABLE = (DeliveryStatus.PENDING, DeliveryStatus.RETRY_SCHEDULED)
# A task may run a little before its countdown by the database's clock.
EARLY_TOLERANCE = dt.timedelta(seconds=2)
MAX_EXPONENT = 30


def retry_delay(attempt: int, *, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, ...): exponential backoff
    with full jitter, uniform in [0, min(cap, base * 2**(attempt - 1))] (settings
    HST_RETRY_BASE_SECONDS, default 5, and HST_RETRY_MAX_SECONDS, default 900)."""
    base = float(getattr(settings, "HST_RETRY_BASE_SECONDS", 5))
    cap = float(getattr(settings, "HST_RETRY_MAX_SECONDS", 900))
    ceiling = min(cap, base * 2 ** min(max(attempt - 1, 0), MAX_EXPONENT))
    return (rng or random).uniform(0, ceiling)


def sending_stale_after() -> dt.timedelta:
    """How long a claim (SENDING) may last before the claimer counts as dead: the relay's
    delay, and at least three transport timeouts (a live worker has given up by then)."""
    relay_after = float(getattr(settings, "HST_RELAY_AFTER_SECONDS", 60))
    timeout = float(getattr(settings, "HST_PEER_TIMEOUT_SECONDS", 10))
    return dt.timedelta(seconds=max(relay_after, 3 * timeout + 5))


def _claim(delivery: Delivery, now: dt.datetime) -> bool:
    """Take the loaded delivery for one attempt with one conditional UPDATE: due (PENDING or
    RETRY_SCHEDULED whose time has come) or abandoned (SENDING for too long), and attempted
    no more times than when it was loaded (otherwise another worker acted on it meanwhile,
    and whoever did scheduled what comes next)."""
    due = Q(status__in=CLAIMABLE, next_attempt_at__lte=now + EARLY_TOLERANCE)
    abandoned = Q(status=DeliveryStatus.SENDING, updated_at__lt=now - sending_stale_after())
    claimed = Delivery.objects.filter(
        due | abandoned, pk=delivery.pk, attempts=delivery.attempts
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, updated_at=now)
    if claimed != 1:
        return False
    delivery.status, delivery.attempts, delivery.updated_at = (
        DeliveryStatus.SENDING,
        delivery.attempts + 1,
        now,
    )
    return True


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
    """`delivery_attempt` for each of `delivery_pks` in turn (the `deliver_batch` task), the
    deliveries loaded together: one query for the batch instead of one each. If one raises,
    the ones after it are enqueued as `deliver` tasks of their own (they do not wait for the
    relay) and the error goes up (the task's retry finds the first ones done)."""
    loaded = _loaded(delivery_pks)
    results: list[Delivery | None] = []
    for index, pk in enumerate(delivery_pks):
        try:
            delivery = loaded.get(pk)
            results.append(_attempt(delivery) if delivery is not None else None)
        except Exception:
            enqueue_on_commit("deliver", list(delivery_pks[index + 1 :]))
            raise
    return results


def _attempt(
    delivery: Delivery, *, now: dt.datetime | None = None, transport: Transport | None = None
) -> Delivery | None:
    """Claim, send and record the loaded `delivery` (see `delivery_attempt`)."""
    now = now or timezone.now()
    message = delivery.message
    if not message.signed_bytes:
        return None  # not dispatched yet (cannot normally happen: the dispatch makes it due)
    if not _claim(delivery, now):
        return None
    result = _send(transport, delivery, bytes(message.signed_bytes))
    finished = max(timezone.now(), now)
    return _record(delivery, delivery.attempts, now, finished, result)


def _record(
    delivery: Delivery,
    number: int,
    started: dt.datetime,
    finished: dt.datetime,
    result: TransportResult,
) -> Delivery | None:
    fields: dict = {"transport": delivery.recipient_ncb.transport, "updated_at": finished}
    outcome, detail = result.outcome, result.detail
    if outcome == AttemptOutcome.DELIVERED:
        check = receipt_verify(delivery, result.receipt_bytes)
        fields.update(
            receipt_bytes=result.receipt_bytes,
            receipt=check.document,
            receipt_signature=check.signature_status,
        )
        if check.ok:
            detail = f"{detail}; receipt verified"
        else:
            outcome, detail = AttemptOutcome.PERMANENT, f"{check.detail} ({detail})"
    if outcome == AttemptOutcome.DELIVERED:
        status = DeliveryStatus.DELIVERED
        fields.update(delivered_at=finished, next_attempt_at=None, last_error="")
    elif outcome == AttemptOutcome.HANDED_OVER:
        status = DeliveryStatus.AWAITING_RECEIPT
        fields.update(next_attempt_at=None, last_error="")
    elif outcome == AttemptOutcome.TRANSIENT and finished < delivery.deadline_at:
        status = DeliveryStatus.RETRY_SCHEDULED
        delay = dt.timedelta(seconds=retry_delay(number))
        fields.update(next_attempt_at=min(finished + delay, delivery.deadline_at))
        fields["last_error"] = detail
    else:
        status = (
            DeliveryStatus.DEAD if outcome == AttemptOutcome.TRANSIENT else DeliveryStatus.REJECTED
        )
        if status == DeliveryStatus.DEAD:
            detail = f"{detail}; deadline passed"
        fields.update(next_attempt_at=None, last_error=detail[:500])
    if outcome in (AttemptOutcome.DELIVERED, AttemptOutcome.HANDED_OVER):
        fields["sent_at"] = delivery.sent_at or finished

    with transaction.atomic():
        still_ours = Delivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.SENDING, attempts=number
        ).update(status=status, **fields)
        if not still_ours:
            # Taken over after our claim went stale (or settled by a gateway receipt): the
            # other party records the outcome; the receiver deduplicated our copy.
            logger.info("HST delivery %s: attempt %s outcome dropped", delivery.pk, number)
            return None
        DeliveryAttempt.objects.create(
            delivery_id=delivery.pk,
            number=number,
            started_at=started,
            finished_at=finished,
            outcome=outcome,
            http_status=result.http_status,
            detail=detail[:500],
        )
        delivery.status = status
        for name, value in fields.items():
            setattr(delivery, name, value)
        if status == DeliveryStatus.RETRY_SCHEDULED:
            countdown = max((fields["next_attempt_at"] - finished).total_seconds(), 0)
            enqueue_on_commit("deliver", [delivery.pk], countdown=countdown)
        elif status in (DeliveryStatus.DEAD, DeliveryStatus.REJECTED):
            delivery_alert(delivery, reason=detail)
    return delivery
