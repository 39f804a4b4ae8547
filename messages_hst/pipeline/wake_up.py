"""One dispatch at a time for many approvals (`models.DispatchWakeUp`).

Every approval used to enqueue a `dispatch_message` of its own. A dispatch already signs and
sends every open outbox entry it finds, so under load most of those tasks found their message
done, and the dispatches that did find work ran side by side, each with a few messages: every
message paid for a share of a round, of a request to the peer and of its answer.

Now an approval asks for a dispatch only if none holds the request: after its commit it sets
the wake-up row's `requested_at` when empty (or stale), and only then enqueues. The dispatch
holds the request while it works: it refreshes `requested_at` at each round (sign, commit,
send), and each round takes every entry opened meanwhile, so under load one dispatch runs
rounds as large as the approvals' pace makes them. When a round leaves the outbox empty, it
empties the request and then reads the outbox once more; if that finds entries, it takes the
request again (unless an approval did: then that approval's dispatch carries on) and goes on.

Why nothing is missed: the updates of the one row are serialised. An approval that finds the
row set committed its entry before it looked, so before the holding dispatch empties the row;
that dispatch reads the outbox after emptying it, so it finds the entry (or another dispatch
holds it and dispatches it).

A request can be lost with its task (a broker that drops it) or its dispatch (a worker killed
mid-round; a dispatch that fails with an error gives it up at once): once `requested_at` is
older than `dispatch_wake_up_ttl()` the next approval asks again, and the relay (HST.md §7.1)
finds any entry still open after `HST_RELAY_AFTER_SECONDS` whatever happens here. A round
slower than the TTL (a peer answering slowly) only lets a second dispatch start: they skip each
other's locked rows.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from messages_hst.models import DispatchWakeUp
from messages_hst.pipeline import queueing


def dispatch_wake_up_ttl() -> dt.timedelta:
    """How long a request may wait for its dispatch before the next approval asks again
    (setting HST_DISPATCH_WAKE_UP_SECONDS, default 10)."""
    return dt.timedelta(seconds=float(getattr(settings, "HST_DISPATCH_WAKE_UP_SECONDS", 10)))


def request_dispatch_on_commit(message_pk: int, *, coalesce: bool = True) -> None:
    """Once the current transaction commits, `request_dispatch(message_pk)`."""
    transaction.on_commit(partial(request_dispatch, message_pk, coalesce=coalesce))


def request_dispatch(message_pk: int, *, coalesce: bool = True) -> bool:
    """Enqueue `dispatch_message(message_pk)` unless a dispatch is already pending (see the
    module's docstring; `coalesce=False`: enqueue in any case). True if this call enqueued.
    Call after the commit that made the message's outbox entry visible."""
    if not coalesce:
        return queueing.enqueue("dispatch_message", message_pk)
    now = timezone.now()
    if not _requested(now):
        return False
    if queueing.enqueue("dispatch_message", message_pk):
        return True
    # The broker refused: let the next approval ask again rather than wait for the TTL.
    DispatchWakeUp.objects.filter(pk=DispatchWakeUp.SINGLETON_PK, requested_at=now).update(
        requested_at=None
    )
    return False


def hold_dispatch_request(now: dt.datetime) -> None:
    """The running dispatch's sign of life, at each round: the request set to `now`, so that
    approvals rely on this dispatch instead of enqueueing others."""
    as_stored = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(_HOLD_SQL, [DispatchWakeUp.SINGLETON_PK, as_stored(now)])


def release_dispatch_request() -> None:
    """Empty the request, before a dispatch's last read of the outbox: an approval committed
    from now on asks for another dispatch."""
    DispatchWakeUp.objects.filter(pk=DispatchWakeUp.SINGLETON_PK).update(requested_at=None)


def take_dispatch_request(now: dt.datetime) -> bool:
    """Take the request again if it is empty (or stale), as an approval would; True if this
    call did. A dispatch whose last read found work goes on only then: otherwise an approval
    took it and enqueued a dispatch that will read the outbox after it."""
    return _requested(now)


# One statement, the row created on first use (a flushed test database has none). Written
# out because the ORM has no conditional upsert; the table is named in the model's Meta.
_REQUEST_SQL = (
    "INSERT INTO hst_dispatch_wake_up (id, requested_at) VALUES (%s, %s) "
    "ON CONFLICT (id) DO UPDATE SET requested_at = excluded.requested_at "
    "WHERE hst_dispatch_wake_up.requested_at IS NULL "
    "OR hst_dispatch_wake_up.requested_at < %s"
)


_HOLD_SQL = (
    "INSERT INTO hst_dispatch_wake_up (id, requested_at) VALUES (%s, %s) "
    "ON CONFLICT (id) DO UPDATE SET requested_at = excluded.requested_at"
)


# Whether the request is held (set and fresh): read without a lock first.
_HELD_SQL = "SELECT 1 FROM hst_dispatch_wake_up WHERE id = %s AND requested_at >= %s"


def _requested(now: dt.datetime) -> bool:
    """Set the request if it is empty or stale; True if this call set it.

    Looked at first without a lock: under load most approvals find it held and then write
    nothing. The conditional upsert alone would lock the row even when it changes nothing,
    which gives the statement a transaction of its own to commit and flush to disk. Reading
    first loses no request: a dispatch seen holding it empties it later, and reads the outbox
    after that (the module's docstring)."""
    as_stored = connection.ops.adapt_datetimefield_value
    stale_before = as_stored(now - dispatch_wake_up_ttl())
    with connection.cursor() as cursor:
        cursor.execute(_HELD_SQL, [DispatchWakeUp.SINGLETON_PK, stale_before])
        if cursor.fetchone() is not None:
            return False
        cursor.execute(_REQUEST_SQL, [DispatchWakeUp.SINGLETON_PK, as_stored(now), stale_before])
        return cursor.rowcount == 1
