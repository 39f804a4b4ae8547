"""What the HST benchmark and fault tests read from a running instance's database, by SQL.

The instances under test are other processes with databases of their own (see
`tests/integration/hst/instances.py`); this process is not configured as either of them, so it
reads their tables directly, read-only, in autocommit (every query sees the latest commits).
Not a scenario (no `run`). Works on PostgreSQL and on the SQLite files of the harness.

A batch is the set of messages `bench.hst_load` wrote with one tag: their subjects start with
`[<batch>]`. On the receiving instance a batch is found by the senders' message ids.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bench.hst_load import subject_prefix


class InstanceDatabase:
    """A read-only SQL window on one instance's database (`database_url` as the harness
    gives it: postgres://... or sqlite:///path)."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        parts = urlsplit(database_url)
        if parts.scheme.startswith("postgres"):
            import psycopg

            self.vendor = "postgresql"
            self._connection = psycopg.connect(
                dbname=parts.path.lstrip("/"),
                user=unquote(parts.username or "") or None,
                password=unquote(parts.password or "") or None,
                host=parts.hostname or None,
                port=parts.port or None,
            )
            self._connection.autocommit = True
        elif parts.scheme == "sqlite":
            self.vendor = "sqlite"
            path = database_url[len("sqlite:///") :]
            self._connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        else:
            raise ValueError(f"no reader for database URL scheme {parts.scheme!r}")

    def rows(self, sql: str, params: Iterable = ()) -> list[tuple]:
        """Rows of `sql` (placeholders `%s` on either database)."""
        if self.vendor == "sqlite":
            sql = sql.replace("%s", "?")
        cursor = self._connection.cursor()
        try:
            cursor.execute(sql, tuple(params))
            return cursor.fetchall()
        finally:
            cursor.close()

    def value(self, sql: str, params: Iterable = ()):
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> InstanceDatabase:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values)) or "NULL"


def _like(batch: str) -> str:
    return subject_prefix(batch) + "%"


def _time(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))  # SQLite keeps ISO text


# --- The sending instance ---------------------------------------------------------------------


def message_statuses(db: InstanceDatabase, batch: str) -> dict[str, int]:
    return dict(
        db.rows(
            "SELECT status, COUNT(*) FROM messages_hst_hstmessage WHERE subject LIKE %s "
            "GROUP BY status",
            [_like(batch)],
        )
    )


def last_delivery_id(db: InstanceDatabase) -> int:
    return db.value("SELECT COALESCE(MAX(id), 0) FROM messages_hst_delivery")


def delivery_statuses(
    db: InstanceDatabase, batch: str, *, after_id: int | None = None
) -> dict[str, int]:
    """The batch's deliveries by status. With `after_id` (the last delivery before the batch
    was approved, nothing else being sent meanwhile): the deliveries after it, read through
    the primary key rather than the batch's subjects, which is a scan of every message:
    polled four times a second over a long history, it would weigh on the measured
    database."""
    if after_id is not None:
        return dict(
            db.rows(
                "SELECT status, COUNT(*) FROM messages_hst_delivery WHERE id > %s GROUP BY status",
                [after_id],
            )
        )
    return dict(
        db.rows(
            "SELECT d.status, COUNT(*) FROM messages_hst_delivery d "
            "JOIN messages_hst_hstmessage m ON m.id = d.message_id "
            "WHERE m.subject LIKE %s GROUP BY d.status",
            [_like(batch)],
        )
    )


def outbox_count(db: InstanceDatabase, batch: str) -> int:
    return db.value(
        "SELECT COUNT(*) FROM messages_hst_outboxentry o "
        "JOIN messages_hst_hstmessage m ON m.id = o.message_id WHERE m.subject LIKE %s",
        [_like(batch)],
    )


def message_ids(db: InstanceDatabase, batch: str) -> list[str]:
    """The batch's message ids as text without dashes-insensitivity issues (lower-case, dashed)."""
    return [
        _uuid_text(value)
        for (value,) in db.rows(
            "SELECT message_id FROM messages_hst_hstmessage WHERE subject LIKE %s",
            [_like(batch)],
        )
    ]


def _uuid_text(value) -> str:
    import uuid

    return str(uuid.UUID(str(value)))


@dataclass
class DeliveryTimes:
    """One delivery's moments, as the sending instance recorded them."""

    message_id: str
    approved_at: datetime
    signed_at: datetime | None
    first_attempt_at: datetime | None
    last_attempt_finished_at: datetime | None
    delivered_at: datetime | None
    attempts: int
    status: str
    receipt_signature: str


def delivery_times(db: InstanceDatabase, batch: str) -> list[DeliveryTimes]:
    rows = db.rows(
        "SELECT m.approved_at, m.signed_at, "
        "(SELECT MIN(a.started_at) FROM messages_hst_deliveryattempt a "
        " WHERE a.delivery_id = d.id), "
        "(SELECT MAX(a.finished_at) FROM messages_hst_deliveryattempt a "
        " WHERE a.delivery_id = d.id), "
        "d.delivered_at, d.attempts, d.status, d.receipt_signature, m.message_id "
        "FROM messages_hst_delivery d JOIN messages_hst_hstmessage m ON m.id = d.message_id "
        "WHERE m.subject LIKE %s",
        [_like(batch)],
    )
    return [
        DeliveryTimes(
            message_id=_uuid_text(row[8]),
            approved_at=_time(row[0]),
            signed_at=_time(row[1]),
            first_attempt_at=_time(row[2]),
            last_attempt_finished_at=_time(row[3]),
            delivered_at=_time(row[4]),
            attempts=row[5],
            status=row[6],
            receipt_signature=row[7] or "",
        )
        for row in rows
    ]


def failed_attempts(db: InstanceDatabase, batch: str) -> dict[str, int]:
    """The batch's attempts that did not deliver, counted by "outcome http-status: detail"
    (a retried delivery is slower and says why; the benchmark prints them)."""
    rows = db.rows(
        "SELECT a.outcome, a.http_status, SUBSTR(a.detail, 1, 80), COUNT(*) "
        "FROM messages_hst_deliveryattempt a "
        "JOIN messages_hst_delivery d ON d.id = a.delivery_id "
        "JOIN messages_hst_hstmessage m ON m.id = d.message_id "
        "WHERE m.subject LIKE %s AND a.outcome NOT IN ('DELIVERED', 'HANDED_OVER') "
        "GROUP BY a.outcome, a.http_status, SUBSTR(a.detail, 1, 80)",
        [_like(batch)],
    )
    return {f"{outcome} {status or '-'}: {detail}": n for outcome, status, detail, n in rows}


def attempt_gaps(db: InstanceDatabase, batch: str) -> list[list[float]]:
    """Per delivery of the batch, the seconds between the starts of consecutive attempts."""
    rows = db.rows(
        "SELECT a.delivery_id, a.started_at FROM messages_hst_deliveryattempt a "
        "JOIN messages_hst_delivery d ON d.id = a.delivery_id "
        "JOIN messages_hst_hstmessage m ON m.id = d.message_id "
        "WHERE m.subject LIKE %s ORDER BY a.delivery_id, a.number",
        [_like(batch)],
    )
    starts: dict[int, list[datetime]] = {}
    for delivery_id, started_at in rows:
        starts.setdefault(delivery_id, []).append(_time(started_at))
    return [
        [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(times)]
        for times in starts.values()
    ]


# --- The receiving instance -------------------------------------------------------------------


@dataclass
class InboundSummary:
    """What the receiver holds for a set of message ids."""

    originals: int  # rows that are the message (one per sender, message id, recipient)
    distinct_ids: int  # message ids among the originals
    other_rows: int  # non-original rows (replays kept, conflicts)
    statuses: dict[str, int]  # of the originals

    @property
    def duplicated(self) -> int:
        return self.originals - self.distinct_ids


def inbound_summary(db: InstanceDatabase, ids: list[str]) -> InboundSummary:
    if not ids:
        return InboundSummary(0, 0, 0, {})
    column = "message_id" if db.vendor == "postgresql" else "REPLACE(message_id, '-', '')"
    values = ids if db.vendor == "postgresql" else [value.replace("-", "") for value in ids]
    where = f"{column} IN ({_placeholders(values)})"
    statuses = dict(
        db.rows(
            f"SELECT status, COUNT(*) FROM messages_hst_inboundmessage "
            f"WHERE is_original AND {where} GROUP BY status",
            values,
        )
    )
    originals, distinct_ids = db.rows(
        f"SELECT COUNT(*), COUNT(DISTINCT message_id) FROM messages_hst_inboundmessage "
        f"WHERE is_original AND {where}",
        values,
    )[0]
    other_rows = db.value(
        f"SELECT COUNT(*) FROM messages_hst_inboundmessage WHERE NOT is_original AND {where}",
        values,
    )
    return InboundSummary(originals, distinct_ids, other_rows, statuses)


# --- Timing a batch ------------------------------------------------------------------------------


def elapsed_ms(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() * 1000


def committed_times(results: list[dict]) -> dict[str, datetime]:
    """Message id → when its approval committed, from the approving processes' results."""
    return {
        message_id: datetime.fromtimestamp(epoch, tz=UTC)
        for result in results
        for message_id, epoch in result.get("committed_at", {}).items()
    }


def grouping(times: list[DeliveryTimes]) -> dict[str, int]:
    """How the pipeline grouped the messages: the dispatch rounds that signed them (the
    messages of one round share `signed_at`) and the requests that sent them (the attempts of
    one request share their start). Fewer of each is less work per message."""
    return {
        "signing_rounds": len({t.signed_at for t in times if t.signed_at is not None}),
        "requests": len({t.first_attempt_at for t in times if t.first_attempt_at is not None}),
    }


def stage_breakdown(
    times: list[DeliveryTimes], committed: dict[str, datetime]
) -> dict[str, dict[str, float]]:
    """p50 / p95 in milliseconds of each stage of the delivered ones (see the docstring).
    "Approved" is when the approval committed (`committed`; `approved_at` is whole seconds)."""
    stages: dict[str, list[float]] = {
        "approved_to_signed": [],
        "signed_to_first_attempt": [],
        "attempts": [],
        "attempt_to_delivered": [],
        "approved_to_delivered": [],
    }
    for t in times:
        if t.delivered_at is None:
            continue
        approved = committed.get(t.message_id, t.approved_at)
        pairs = {
            "approved_to_signed": (approved, t.signed_at),
            "signed_to_first_attempt": (t.signed_at, t.first_attempt_at),
            "attempts": (t.first_attempt_at, t.last_attempt_finished_at),
            "attempt_to_delivered": (t.last_attempt_finished_at, t.delivered_at),
            "approved_to_delivered": (approved, t.delivered_at),
        }
        for name, (start, end) in pairs.items():
            value = elapsed_ms(start, end)
            if value is not None:
                stages[name].append(value)
    return {
        name: {
            "p50": round(percentile(values, 0.5), 1),
            "p95": round(percentile(values, 0.95), 1),
            "n": len(values),
        }
        for name, values in stages.items()
    }


# --- Waiting ----------------------------------------------------------------------------------


def wait_until(
    condition: Callable[[], bool],
    *,
    timeout: float,
    interval: float = 0.5,
    stalled_after: float | None = None,
    progress: Callable[[], object] | None = None,
) -> bool:
    """Poll `condition` until it holds (True) or `timeout` seconds pass (False). With
    `stalled_after` and `progress`, give up earlier once `progress()` has not changed for that
    long (a pipeline that stopped moving will not finish)."""
    deadline = time.monotonic() + timeout
    last_value, last_change = None, time.monotonic()
    while True:
        if condition():
            return True
        now = time.monotonic()
        if now >= deadline:
            return False
        if progress is not None and stalled_after is not None:
            value = progress()
            if value != last_value:
                last_value, last_change = value, now
            elif now - last_change >= stalled_after:
                return False
        time.sleep(interval)


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` quantile (0..1) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def var_dir() -> Path:
    """Where the benchmark writes its figures' folder `bench/`: NCB_VAR_DIR or the checkout's
    var/."""
    return Path(os.environ.get("NCB_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
