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
