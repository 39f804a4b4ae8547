"""A dispatch's sends on a thread of their own, so that it signs the next round while the peer
answers for the last one.

Under load a dispatch alternates two halves: sign a round (the sending worker and its
database), then send it (the peer checks, stores and signs a receipt for every line; the
receipts are verified and recorded here). One after the other they cap the exchange at one
message per (signing + sending) time whatever the cores, and leave one of two cores idle once
the approvals stop: side by side the cap is the longer half. One round is in flight at a time:
a round's deliveries are handed over once the previous round's are recorded, so a round still
takes what was approved while the one before it was sent (the batching of docs/hst.md §7.15),
and the peer gets one request of ours at a time per dispatch.

Only from a dispatch's second round on (a single approval is sent as before, no thread, no
connection opened), only on PostgreSQL (SQLite has one writer: the two halves would queue for
it) and only outside a transaction (the thread has a database connection of its own, which
sees only what is committed). Setting `HST_DISPATCH_SEND_ALONGSIDE` (default on) switches it
off.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connection

from messages_hst.models import Delivery

Send = Callable[[list[Delivery]], None]

_thread: ThreadPoolExecutor | None = None


def _sending_thread() -> ThreadPoolExecutor:
    """The process's sending thread, started at its first use: in a worker's child process,
    after the fork (a thread does not survive one)."""
    global _thread
    if _thread is None:
        _thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hst-send")
    return _thread


def sends_alongside() -> bool:
    """Whether a dispatch starting now may send on the sending thread (see the module)."""
    return (
        bool(getattr(settings, "HST_DISPATCH_SEND_ALONGSIDE", True))
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


class RoundSender:
    """Sends each round's claimed deliveries with `send`: the first round's here, the next
    ones on the sending thread while the dispatch goes on (if `alongside`), one round at a
    time. Leaving the `with` block waits for the last send, whose error goes on as it would
    have here, and closes the thread's connection (a dispatch that ends holds none)."""

    def __init__(self, send: Send, *, alongside: bool) -> None:
        self._send = send
        self._alongside = alongside
        self._rounds_sent = 0
        self._in_flight: Future | None = None

    def __enter__(self) -> RoundSender:
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self.wait()
        finally:
            if self._rounds_sent > 1 and self._alongside:
                _sending_thread().submit(connection.close).result()

    def send(self, claimed: list[Delivery]) -> None:
        if not claimed:
            return
        self.wait()
        self._rounds_sent += 1
        if self._rounds_sent == 1 or not self._alongside:
            self._send(claimed)
            return
        # The thread runs in this dispatch's context (its log fields).
        context = contextvars.copy_context()
        self._in_flight = _sending_thread().submit(context.run, _send_there, self._send, claimed)

    def wait(self) -> None:
        """Until the round in flight is sent and recorded; its error goes on here."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            in_flight.result()


def _send_there(send: Send, claimed: list[Delivery]) -> None:
    close_old_connections()  # a connection the database closed meanwhile is opened again
    send(claimed)
