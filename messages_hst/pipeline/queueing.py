"""Handing work to Celery without ever losing it or failing the caller.

Every enqueue happens after the commit that makes its work visible, and a broker that is down
only costs a log line: the state is in PostgreSQL (an unprocessed outbox entry, a delivery
whose `next_attempt_at` has passed) and `outbox_relay` enqueues it again.
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.db import transaction

logger = logging.getLogger("messages_hst.pipeline")


def enqueue(task_name: str, pk: int | list[int], countdown: float | None = None) -> bool:
    """Send `messages_hst.tasks.<task_name>(pk)` (a list of pks for a batch task); False (and
    a warning) if the broker refused.

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


def deliver_batch_size() -> int:
    """How many deliveries one `deliver_batch` task attempts at most (setting
    HST_DELIVER_BATCH, default 8): fewer broker round trips than a task each, and still
    several tasks for the workers to share when a dispatch makes many deliveries due."""
    return max(int(getattr(settings, "HST_DELIVER_BATCH", 8)), 1)


def enqueue_deliveries_on_commit(pks: list[int], *, batched: bool = True) -> None:
    """After the commit: `deliver(pk)` for each (not `batched`, or a lone delivery), else
    `deliver_batch(pks)` by chunks of `deliver_batch_size()`."""
    size = deliver_batch_size()
    if not batched or len(pks) == 1 or size == 1:
        enqueue_on_commit("deliver", pks)
        return
    for start in range(0, len(pks), size):
        transaction.on_commit(partial(enqueue, "deliver_batch", pks[start : start + size], None))
