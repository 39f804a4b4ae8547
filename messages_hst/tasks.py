"""Celery tasks of the HST message domain: thin adapters (ids in, refetch, idempotent) over
`messages_hst.services` (composing) and `messages_hst.pipeline` (delivery)."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    name="messages_hst.tasks.compose_message",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def compose_message(message_pk: int) -> str | None:
    """Build the draft of message `message_pk` from its case (enqueued on commit by
    `message_compose_start`). Idempotent: only a message still COMPOSING is built; a deleted
    one is ignored. Returns the message's status, or None when there was nothing to do."""
    from messages_hst.services.authoring import message_compose_build

    message = message_compose_build(message_pk)
    return message.status if message is not None else None


@shared_task(name="messages_hst.tasks.relay_composing", autoretry_for=(OperationalError,))
def relay_composing() -> int:
    """Re-enqueue the builds a broker outage or a lost worker left behind (run by beat).
    Returns how many messages were enqueued again."""
    from messages_hst.services.composing import message_compose_relay

    return message_compose_relay()


# --- Delivery (helper B): retries of a transport are scheduled by the pipeline in the database
# (`Delivery.next_attempt_at`), not by Celery's autoretry; only a database outage retries here.


@shared_task(
    name="messages_hst.tasks.dispatch_message",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def dispatch_message(message_pk: int) -> str | None:
    """Sign message `message_pk` once and enqueue its deliveries (enqueued on commit by
    `pipeline.schedule_delivery`, again by the relay). Idempotent. Returns the message's
    status, or None for a deleted message."""
    from messages_hst.pipeline import message_dispatch

    message = message_dispatch(message_pk)
    return message.status if message is not None else None


@shared_task(
    name="messages_hst.tasks.deliver",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def deliver(delivery_pk: int) -> str | None:
    """One attempt of delivery `delivery_pk` if it is due (`pipeline.delivery_attempt`).
    Idempotent: a delivery already claimed, final or not due is left alone. Returns the
    delivery's new status, or None when there was nothing to do."""
    from messages_hst.pipeline import delivery_attempt

    delivery = delivery_attempt(delivery_pk)
    return delivery.status if delivery is not None else None


@shared_task(
    name="messages_hst.tasks.deliver_batch",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def deliver_batch(delivery_pks: list[int]) -> dict[str, int]:
    """One attempt of each of `delivery_pks` that is due, one after the other, each claimed
    and recorded on its own as `deliver` does (`pipeline.delivery_attempts`). Idempotent.
    Returns how many deliveries ended in each status ("skipped": nothing to do)."""
    from messages_hst.pipeline import delivery_attempts

    counts: dict[str, int] = {}
    for delivery in delivery_attempts(delivery_pks):
        status = delivery.status if delivery is not None else "skipped"
        counts[status] = counts.get(status, 0) + 1
    return counts


@shared_task(name="messages_hst.tasks.relay_outbox", autoretry_for=(OperationalError,))
def relay_outbox() -> int:
    """Re-enqueue what a broker outage or a lost worker left behind (beat, every minute; see
    CELERY_BEAT_SCHEDULE). Returns the number of tasks enqueued."""
    from messages_hst.pipeline import outbox_relay

    return outbox_relay()
