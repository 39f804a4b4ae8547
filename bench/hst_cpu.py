"""CPU seconds spent by each part of the two-instance set-up while the HST benchmark runs, read
from /proc (Linux): what limits the throughput on a small machine, independent of what else
the machine runs (others' load stretches the wall clock, not these figures).

The parts: each instance's web server (gunicorn master and workers: its process session),
Celery worker (main process, pool processes and beat: its session) and PostgreSQL backends
(`pg_stat_activity` of its database), the broker (redis-server) and the approving processes
(they measure their own CPU: `bench.hst_load approve`). A sampling thread reads the counters
every 0.5 s; a process that exits between two samples loses its last half second (the
approving processes' PostgreSQL backends, a fraction of a percent). Not a scenario (no `run`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from bench import hst_probe as probe

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
SAMPLE_SECONDS = 0.5


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(session id, CPU seconds user + system) of `pid`, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[3]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


class CpuMeter:
    """`with CpuMeter(pair, redis_pid) as meter: ...` then `meter.seconds()`: CPU seconds per
    part used inside the block (processes already running at its start count from there)."""

    def __init__(self, pair, redis_pid: int | None) -> None:
        self.sessions = {}
        for instance in pair:
            for kind, pid in instance.process_ids().items():
                self.sessions[pid] = f"{instance.name} {kind}"
        self.databases = {
            instance.database_url.rsplit("/", 1)[-1]: f"{instance.name} postgres"
            for instance in pair
        }
        self.admin_url = pair.a.database_url
        self.redis_pid = redis_pid
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.part: dict[int, str] = {}
        self.available = Path("/proc/self/stat").exists()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._database: probe.InstanceDatabase | None = None

    def __enter__(self) -> CpuMeter:
        if self.available:
            self._database = probe.InstanceDatabase(self.admin_url)
            self.sample(initial=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.available:
            self._stop.set()
            self._thread.join()
            self.sample()
            with contextlib.suppress(Exception):
                self._database.close()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            with contextlib.suppress(Exception):  # a measurement aid: never fail the run
                self.sample()

    def _backends(self) -> dict[int, str]:
        rows = self._database.rows(
            "SELECT pid, datname FROM pg_stat_activity WHERE datname = ANY(%s)",
            [list(self.databases)],
        )
        return {pid: self.databases[name] for pid, name in rows}

    def sample(self, *, initial: bool = False) -> None:
        parts = self._backends()
        if self.redis_pid:
            parts[self.redis_pid] = "redis"
        for pid in _all_pids():
            stat = _proc_stat(pid)
            if stat is None:
                continue
            session, cpu = stat
            part = parts.get(pid) or self.sessions.get(session)
            if part is None:
                continue
            self.part[pid] = part
            # A process first seen after the start was born inside the block: all its CPU counts.
            self.first.setdefault(pid, cpu if initial else 0.0)
            self.last[pid] = cpu

    def seconds(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for pid, part in self.part.items():
            totals[part] = totals.get(part, 0.0) + self.last[pid] - self.first[pid]
        return totals
