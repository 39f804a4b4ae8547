"""Handing work to Celery without ever losing it or failing the caller.

Every enqueue happens after the commit that makes its work visible, and a broker that is down
only costs a log line: the state is in PostgreSQL (an unprocessed outbox entry, a delivery
whose `next_attempt_at` has passed) and `outbox_relay` enqueues it again.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction

logger = logging.getLogger("messages_hst.pipeline")


def enqueue(task_name: str, pk: int, countdown: float | None = None) -> bool:
    """Send `messages_hst.tasks.<task_name>(pk)`; False (and a warning) if the broker refused.

    No publish retries (`retry=False`): with the broker down, kombu's default retry policy
    would hold every approval for about 0.6 s before giving up, and the state in the database
    already guarantees the work is sent again by a relay."""
    from messages_hst import tasks  # the tasks import this package

    try:
        getattr(tasks, task_name).apply_async(args=(pk,), countdown=countdown, retry=False)
    except Exception as error:  # any broker failure: a relay resends
        logger.warning(
            "HST %s(%s) not enqueued (%s); a relay will resend it",
            task_name,
            pk,
            type(error).__name__,
        )
        return False
    return True


def enqueue_on_commit(task_name: str, pks: list[int], countdown: float | None = None) -> None:
    """`enqueue` each of `pks` once the current transaction commits (at once without one)."""
    for pk in pks:
        transaction.on_commit(partial(enqueue, task_name, pk, countdown))
