"""Recording delivery attempts (HST.md §7.2): what an attempt's result makes of its delivery,
written only if the claim still holds, with the attempt's log row, one transaction for the
attempts of one request (a batch to one peer) or of one delivery."""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from messages_hst.choices import AttemptOutcome, DeliveryStatus
from messages_hst.models import Delivery, DeliveryAttempt
from messages_hst.pipeline.alerts import delivery_alert
from messages_hst.pipeline.queueing import enqueue_on_commit
from messages_hst.receipts import receipt_verify
from messages_hst.transports import TransportResult
from ncb_cases.row_updates import update_each

logger = logging.getLogger("messages_hst.pipeline")

MAX_EXPONENT = 30


def retry_delay(attempt: int, *, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, ...): exponential backoff
    with full jitter, uniform in [0, min(cap, base * 2**(attempt - 1))] (settings
    HST_RETRY_BASE_SECONDS, default 5, and HST_RETRY_MAX_SECONDS, default 900)."""
    base = float(getattr(settings, "HST_RETRY_BASE_SECONDS", 5))
    cap = float(getattr(settings, "HST_RETRY_MAX_SECONDS", 900))
    ceiling = min(cap, base * 2 ** min(max(attempt - 1, 0), MAX_EXPONENT))
    return (rng or random).uniform(0, ceiling)


@dataclass
class _Verdict:
    """What one attempt's result makes of its delivery."""

    status: str
    fields: dict
    outcome: str
    detail: str


def _verdict(delivery: Delivery, finished: dt.datetime, result: TransportResult) -> _Verdict:
    number = delivery.attempts
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
    return _Verdict(status, fields, outcome, detail)


def record_attempts(
    attempted: list[tuple[Delivery, TransportResult]],
    started: dt.datetime,
    finished: dt.datetime,
) -> list[Delivery | None]:
    """Record the claimed deliveries' attempts (their number: `delivery.attempts`) in one
    transaction: each delivery's new state, written only if its claim still holds (None
    otherwise), and the attempts' log rows in one INSERT. On commit, a RETRY_SCHEDULED
    delivery is enqueued with its countdown; DEAD and REJECTED alert the sender NCB's
    supervisors. Returns the deliveries updated, in order. Three statements (a fourth per
    other shape of result: delivered, to retry...) whatever the number of attempts."""
    verdicts = [_verdict(delivery, finished, result) for delivery, result in attempted]
    recorded: list[Delivery | None] = []
    with transaction.atomic():
        # Locked until the commit: a claim that holds now still holds when its row is written.
        claims_held = set(
            Delivery.objects.select_for_update()
            .filter(pk__in=[delivery.pk for delivery, _result in attempted])
            .filter(status=DeliveryStatus.SENDING)
            .order_by("pk")  # in key order, as every batch of deliveries is locked
            .values_list("pk", "attempts")
        )
        log = []
        writes: dict[tuple[str, ...], list[Delivery]] = {}
        for (delivery, result), verdict in zip(attempted, verdicts, strict=True):
            number = delivery.attempts
            if (delivery.pk, number) not in claims_held:
                # Taken over after our claim went stale (or settled by a gateway receipt): the
                # other party records the outcome; the receiver deduplicated our copy.
                logger.info("HST delivery %s: attempt %s outcome dropped", delivery.pk, number)
                recorded.append(None)
                continue
            log.append(
                DeliveryAttempt(
                    delivery_id=delivery.pk,
                    number=number,
                    started_at=started,
                    finished_at=finished,
                    outcome=verdict.outcome,
                    http_status=result.http_status,
                    detail=verdict.detail[:500],
                )
            )
            _apply(delivery, verdict, finished)
            writes.setdefault(("status", *verdict.fields), []).append(delivery)
            recorded.append(delivery)
        for fields, deliveries in writes.items():
            update_each(deliveries, fields)
        DeliveryAttempt.objects.bulk_create(log)
    return recorded


def _apply(delivery: Delivery, verdict: _Verdict, finished: dt.datetime) -> None:
    delivery.status = verdict.status
    for name, value in verdict.fields.items():
        setattr(delivery, name, value)
    if verdict.status == DeliveryStatus.RETRY_SCHEDULED:
        countdown = max((verdict.fields["next_attempt_at"] - finished).total_seconds(), 0)
        enqueue_on_commit("deliver", [delivery.pk], countdown=countdown)
    elif verdict.status in (DeliveryStatus.DEAD, DeliveryStatus.REJECTED):
        delivery_alert(delivery, reason=verdict.detail)
