"""The periodic relay (beat, every minute): whatever a broker outage or a lost worker left
behind is found in the database and enqueued again (HST.md §7.1)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from messages_hst.choices import DeliveryStatus
from messages_hst.models import Delivery, OutboxEntry
from messages_hst.pipeline.alerts import delivery_alert
from messages_hst.pipeline.attempts import CLAIMABLE, sending_stale_after
from messages_hst.pipeline.queueing import enqueue_on_commit

logger = logging.getLogger("messages_hst.pipeline")
BATCH = 1000
MAX_BATCHES = 50  # per kind and run: 50,000 rows; the next run takes the rest
RECEIPT_TIMEOUT_REASON = "no receipt from the gateway before the deadline"


def relay_after() -> dt.timedelta:
    """How long work may wait for its task before the relay enqueues it again (setting
    HST_RELAY_AFTER_SECONDS, default 60)."""
    return dt.timedelta(seconds=float(getattr(settings, "HST_RELAY_AFTER_SECONDS", 60)))


def _in_batches(step) -> int:
    total = 0
    for _batch in range(MAX_BATCHES):
        count = step()
        total += count
        if count < BATCH:
            break
    return total


def _relay_outbox_batch(now: dt.datetime, cutoff: dt.datetime) -> int:
    with transaction.atomic():
        rows = list(
            OutboxEntry.objects.filter(processed_at__isnull=True)
            .filter(Q(enqueued_at__lt=cutoff) | Q(enqueued_at__isnull=True, created_at__lt=cutoff))
            .select_for_update(skip_locked=True)
            .order_by("created_at")
            .values_list("pk", "message_id")[:BATCH]
        )
        if rows:
            OutboxEntry.objects.filter(pk__in=[pk for pk, _m in rows]).update(
                enqueued_at=now, enqueue_count=F("enqueue_count") + 1
            )
            enqueue_on_commit("dispatch_message", [message_pk for _pk, message_pk in rows])
    return len(rows)


def _relay_due_batch(now: dt.datetime, cutoff: dt.datetime) -> int:
    # The task's own time (`next_attempt_at`) passed a while ago and it has not run: its
    # enqueue was lost, or a SIGKILLed worker rolled back. Moving `next_attempt_at` to now
    # marks the re-enqueue, so the next run waits again before sending another copy.
    with transaction.atomic():
        pks = list(
            Delivery.objects.filter(status__in=CLAIMABLE, next_attempt_at__lt=cutoff)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:BATCH]
        )
        if pks:
            Delivery.objects.filter(pk__in=pks).update(next_attempt_at=now, updated_at=now)
            enqueue_on_commit("deliver", pks)
    return len(pks)


def _relay_abandoned(now: dt.datetime) -> int:
    # Claimed (SENDING) by a worker that died before recording: the claim is stale and
    # `deliver` takes it over.
    pks = list(
        Delivery.objects.filter(
            status=DeliveryStatus.SENDING, updated_at__lt=now - sending_stale_after()
        ).values_list("pk", flat=True)[: BATCH * MAX_BATCHES]
    )
    enqueue_on_commit("deliver", pks)
    return len(pks)


def _expire_awaiting_receipts(now: dt.datetime) -> int:
    # A gateway took the message but no RECEIPT came back through the inbox in time.
    with transaction.atomic():
        expired = list(
            Delivery.objects.filter(status=DeliveryStatus.AWAITING_RECEIPT, deadline_at__lte=now)
            .select_related("message", "recipient_ncb")
            .only(
                "pk",
                "attempts",
                "status",
                "message__message_id",
                "message__message_type",
                "message__sender_ncb_id",
                "recipient_ncb__code",
            )
            .select_for_update(skip_locked=True, of=("self",))[:BATCH]
        )
        for delivery in expired:
            delivery.status = DeliveryStatus.DEAD
            delivery.last_error = RECEIPT_TIMEOUT_REASON
            delivery.save(update_fields=["status", "last_error", "updated_at"])
            delivery_alert(delivery, reason=RECEIPT_TIMEOUT_REASON)
    return len(expired)


def outbox_relay(*, now: dt.datetime | None = None) -> int:
    """Enqueue again what has waited longer than `relay_after()` for its task:

    - outbox entries not processed (the approval's `dispatch_message` was lost);
    - PENDING / RETRY_SCHEDULED deliveries whose `next_attempt_at` passed (the dispatch's or
      the retry's `deliver` was lost, or its worker was killed);
    - SENDING deliveries claimed longer ago than `attempts.sending_stale_after()` (their
      worker died mid-attempt);
    and turn AWAITING_RECEIPT deliveries past their deadline DEAD with an operator alert.

    Safe to run concurrently (rows are taken with SKIP LOCKED) and as often as wanted: a
    duplicate task finds nothing to claim. Returns the number of tasks enqueued.
    """
    now = now or timezone.now()
    cutoff = now - relay_after()
    dispatches = _in_batches(lambda: _relay_outbox_batch(now, cutoff))
    deliveries = _in_batches(lambda: _relay_due_batch(now, cutoff))
    abandoned = _relay_abandoned(now)
    expired = _expire_awaiting_receipts(now)
    if dispatches or deliveries or abandoned or expired:
        logger.info(
            "HST outbox relay: %d dispatch(es), %d due and %d abandoned delivery(ies) "
            "re-enqueued, %d receipt(s) timed out",
            dispatches,
            deliveries,
            abandoned,
            expired,
        )
    return dispatches + deliveries + abandoned
