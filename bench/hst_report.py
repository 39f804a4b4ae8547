"""The figures of the HST benchmark (`bench.hst`) and how they are printed: the process
configuration first, then throughput and light-load latency with their stages, in the layout of
the other scenarios (`python -m bench`). Not a scenario (no `run`).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from bench import hst_probe as probe

TARGET_MESSAGES_PER_SECOND = 200
LIGHT_INTERVAL_SECONDS = 0.1


@dataclass
class HstFigures:
    scale: float
    messages: int
    approvers: int
    worker_concurrency: int
    web_workers: int
    broker: str
    worker_pool: str = "prefork"
    prefetch_multiplier: int = 1
    web_threads: int = 1
    synchronous_commit: str = "on"
    history: int = 0
    settings_env: dict[str, str] = field(default_factory=dict)
    approve_seconds: float = 0.0
    approvals_per_second: float = 0.0
    end_to_end_seconds: float = 0.0
    messages_per_second: float = 0.0
    delivered: int = 0
    lost: int = 0
    received: int = 0
    duplicated: int = 0
    approval_errors: dict[str, int] = field(default_factory=dict)
    throughput_stages_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    throughput_grouping: dict[str, int] = field(default_factory=dict)
    light_messages: int = 0
    light_interval_seconds: float = LIGHT_INTERVAL_SECONDS
    light_delivered: int = 0
    failed_attempts: dict[str, int] = field(default_factory=dict)
    cpu_ms_per_message: dict[str, float] = field(default_factory=dict)
    light_failed_attempts: dict[str, int] = field(default_factory=dict)
    light_received: int = 0
    light_duplicated: int = 0
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0
    latency_max_ms: float = 0.0
    light_stages_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    measured_at: str = ""
    load_average_before: float = 0.0
    load_average: float = 0.0

    @property
    def zero_loss(self) -> bool:
        return (
            self.lost == 0
            and self.duplicated == 0
            and self.received == self.messages
            and self.light_delivered == self.light_messages
            and self.light_received == self.light_messages
            and self.light_duplicated == 0
        )

    @property
    def throughput_met(self) -> bool:
        return self.messages_per_second >= TARGET_MESSAGES_PER_SECOND

    @property
    def met(self) -> bool:
        return self.throughput_met and self.zero_loss


def report(figures: HstFigures, *, out=print) -> Path:
    """Print the table; write the figures as JSON under VAR_DIR/bench/. Returns the path."""

    def verdict(met: bool) -> str:
        return "met" if met else "MISSED"

    out(
        f"HST pipeline between two instances on {os.cpu_count()} CPUs, load average "
        f"{figures.load_average_before:g} before, {figures.load_average:g} after"
    )
    out(f"  configuration: {configuration(figures)}")
    out(
        f"  throughput: {figures.messages:,} messages, approved by {figures.approvers} "
        f"processes in {figures.approve_seconds:.1f} s ({figures.approvals_per_second:,.0f}/s)"
    )
    out(
        f"    approval -> receipt recorded, all    {figures.end_to_end_seconds:7.2f} s  "
        f"{figures.messages_per_second:8,.1f} messages/s  target >= "
        f"{TARGET_MESSAGES_PER_SECOND}: {verdict(figures.throughput_met)}"
    )
    out(
        f"    delivered {figures.delivered:,}, lost {figures.lost}, received by b "
        f"{figures.received:,}, duplicated {figures.duplicated}, approval errors "
        f"{figures.approval_errors or 'none'}: zero loss {verdict(figures.zero_loss)}"
    )
    _failed(figures.failed_attempts, out)
    _cpu(figures.cpu_ms_per_message, out)
    _grouping(figures.throughput_grouping, figures.delivered, out)
    _stages(figures.throughput_stages_ms, out)
    out(
        f"  light load: {figures.light_messages} messages, one every "
        f"{figures.light_interval_seconds * 1000:.0f} ms, {figures.light_delivered} delivered, "
        f"received by b {figures.light_received}, duplicated {figures.light_duplicated}"
    )
    out(
        f"    approval -> receipt recorded  p50 {figures.latency_p50_ms:8.1f} ms  "
        f"p95 {figures.latency_p95_ms:8.1f} ms  max {figures.latency_max_ms:8.1f} ms"
    )
    _failed(figures.light_failed_attempts, out)
    _stages(figures.light_stages_ms, out)
    directory = probe.var_dir() / "bench"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"hst-{date.today().isoformat()}-{int(time.time())}.json"
    data = asdict(figures) | {
        "targets": {"messages_per_second": TARGET_MESSAGES_PER_SECOND, "lost": 0},
        "zero_loss": figures.zero_loss,
        "met": figures.met,
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
    out(f"  figures written to {path}")
    return path


def _grouping(grouping: dict[str, int], delivered: int, out) -> None:
    rounds, requests = grouping.get("signing_rounds", 0), grouping.get("requests", 0)
    if rounds and requests:
        out(
            f"    signed in {rounds:,} dispatch rounds ({delivered / rounds:.1f} messages each), "
            f"sent in {requests:,} requests ({delivered / requests:.1f} each)"
        )


def configuration(figures: HstFigures) -> str:
    """The process configuration the figures were measured with, in one line."""
    durability = (
        "synchronous_commit on (durable, as production)"
        if figures.synchronous_commit == "on"
        else f"synchronous_commit {figures.synchronous_commit.upper()} (NOT production's)"
    )
    return (
        f"{figures.approvers} approving processes; per instance Celery {figures.worker_pool} "
        f"x{figures.worker_concurrency} (prefetch multiplier {figures.prefetch_multiplier}, "
        f"acks late), gunicorn {figures.web_workers} workers x{figures.web_threads} thread(s); "
        f"PostgreSQL {durability}, {figures.history:,} messages sent before; "
        f"broker {figures.broker}; settings "
        + (", ".join(f"{k}={v}" for k, v in figures.settings_env.items()) or "production's")
        + " (delivery retries after 1-5 s)"
    )


def _stages(stages: dict[str, dict[str, float]], out) -> None:
    for name, values in stages.items():
        label = name.replace("_", " ")
        out(f"      {label:<28} p50 {values['p50']:8.1f} ms  p95 {values['p95']:8.1f} ms")


def _failed(failed: dict[str, int], out) -> None:
    """Attempts that did not deliver (retried later): none in a healthy run."""
    out(f"    failed attempts (retried): {sum(failed.values()) or 'none'}")
    for what, n in sorted(failed.items(), key=lambda item: -item[1])[:5]:
        out(f"      {n:5} x {what}")


def _cpu(cpu_ms: dict[str, float], out) -> None:
    """CPU per message by part (bench/hst_cpu.py) and the rate that allows on this machine."""
    if not cpu_ms:
        return
    total = sum(cpu_ms.values())
    ceiling = (os.cpu_count() or 1) * 1000 / total if total else 0.0
    out(
        f"    CPU per message {total:6.1f} ms (all parts; at most {ceiling:,.0f} messages/s on "
        f"{os.cpu_count()} CPUs; target needs <= {(os.cpu_count() or 1) * 1000 / 200:g} ms):"
    )
    out("      " + ", ".join(f"{part} {ms:.1f}" for part, ms in cpu_ms.items()))
