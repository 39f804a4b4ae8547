"""HST pipeline benchmark: `python -m bench.hst [--scale S] [--messages N] [--light M]`.

Measures what DESIGN.md §7 and issue 5 target, between two real instances of the application
on this machine (`tests/integration/hst/instances.py`: PostgreSQL databases of their own, a
gunicorn web server and a Celery worker each, on a private redis-server when one is installed):

0. history: H messages (20,000 at scale 1.0) written on `a` as sent a month ago (`bench.hst_load
   history`), so that the measured messages are not the first its tables hold;
1. throughput: N INFO messages (1,000 at scale 1.0) from FR on instance `a` to DE on instance
   `b`, written awaiting approval (`bench.hst_load prepare`, not timed), then approved through
   `messages_hst.services.message_approve` by APPROVERS processes at once; timed from the start
   of the first approval to the last delivery whose signed RECEIPT is recorded (approve →
   format → sign → deliver over HTTP → receipt verified → DELIVERED, as the sending instance
   stored it). Target at least 200 messages per second, with zero lost: every delivery DELIVERED
   and `b` holding exactly N originals, none twice;
2. latency at light load: M messages (100 at scale 1.0) approved one every 100 ms; p50 / p95 /
   max of approval committed (as the approving process saw it return; the message's
   `approved_at` is whole seconds) → receipt recorded, and where the time goes (the stages).

Stages of a delivery, from the sending instance's rows: approval → signed (the dispatch task
queued and run: `messages_hst.pipeline`), signed → first attempt (the delivery task queued),
the attempt (HTTP POST to `b` and `b`'s inbox: `messages_hst.inbox`, plus verifying the
receipt), attempt → DELIVERED recorded.

Process configuration (printed first, kept in the JSON): APPROVERS approving processes; per
instance a Celery worker (`--worker-pool`, `--worker-concurrency`, `--prefetch-multiplier`;
acks late as in production) and gunicorn (`--web-workers` x `--web-threads`). PostgreSQL runs
with the server's durability settings (`synchronous_commit on`: every commit waits for its WAL
flush, as production) unless `--synchronous-commit off` is given, which the output then says
(a crash could lose the last commits: not what production runs; for comparison only).

`--cpu-samples DIR`: every process of the throughput phase (approvers, web servers, Celery
workers) samples its own CPU into DIR (`bench/cpu_sampling/`), and where it went is printed
after the figures (`python -m bench.cpu_report DIR` prints it again).

Prints a table and writes it as JSON under var/bench/. Needs PostgreSQL (DATABASE_URL, or the
server on 127.0.0.1:5432) and Redis (redis-server installed, or REDIS_URL); without them it
says why and reports nothing (not a failure).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench import cpu_report
from bench import hst_probe as probe
from bench.hst_cpu import CpuMeter
from bench.hst_load import finish, run_in, start_in
from bench.hst_profile import profile_stages
from bench.hst_report import HstFigures, configuration, report

DEFAULT_MESSAGES = 1000
# Messages the sending instance holds before the measured ones (at scale 1.0): a pipeline
# statement reading every message ever sent would slow down with them.
DEFAULT_HISTORY = 20000
DEFAULT_LIGHT_MESSAGES = 100
STALLED_AFTER_SECONDS = 60
# The approving processes load Python and Django (~1-2 s each), then begin together.
APPROVERS_START_SECONDS = 4.0
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# The process configuration measured by default (see the module docstring).
DEFAULT_APPROVERS = 2
DEFAULT_WORKER_CONCURRENCY = 4
DEFAULT_WORKER_POOL = "prefork"
DEFAULT_PREFETCH_MULTIPLIER = 1
DEFAULT_WEB_WORKERS = 3
DEFAULT_WEB_THREADS = 1


# --- The two measurements ---------------------------------------------------------------------


def _wait_delivered(
    sender: probe.InstanceDatabase, batch: str, count: int, timeout: float, after_id: int
):
    """Poll the sender's deliveries of the batch every 0.25 s until `count` are DELIVERED:
    one aggregate query per poll (the condition's answer is the progress too), a fraction of a
    percent of one CPU. The figures do not depend on the polling: the times are the rows'."""
    last: dict[str, int] = {}

    def done() -> bool:
        last.clear()
        last.update(probe.delivery_statuses(sender, batch, after_id=after_id))
        return last.get("DELIVERED", 0) >= count

    probe.wait_until(
        done,
        timeout=timeout,
        interval=0.25,
        stalled_after=STALLED_AFTER_SECONDS,
        progress=lambda: dict(last),
    )


def cpu_samples_switch() -> Path | None:
    """The file whose presence makes the instances' processes sample their CPU (the
    throughput phase), when `--cpu-samples` set `BENCH_CPU_SAMPLES`."""
    folder = os.environ.get("BENCH_CPU_SAMPLES")
    return Path(folder) / "ON" if folder else None


def _last_delivery_id(instance) -> int:
    with probe.InstanceDatabase(instance.database_url) as database:
        return probe.last_delivery_id(database)


def measure_throughput(pair, figures: HstFigures, *, redis_pid=None, log=print) -> None:
    a, b = pair
    batch = f"bench-{uuid.uuid4().hex[:8]}"
    count = figures.messages
    run_in(a.env, "prepare", "--batch", batch, "--count", str(count))
    log(f"  {count:,} messages awaiting approval on {a.name} ({a.ncb_code}), batch {batch}")
    after_id = _last_delivery_id(a)
    start_at = str(time.time() + APPROVERS_START_SECONDS)
    meter = CpuMeter(pair, redis_pid).__enter__()
    own_cpu = time.process_time()  # this process: its polling and the meter's sampling
    sampling = cpu_samples_switch()
    if sampling is not None:  # `--cpu-samples`: the processes sample while it exists, from
        # the first approval on (not the approving processes' start-up)
        threading.Timer(max(0.0, float(start_at) - time.time()), sampling.touch).start()
    approvers = [
        start_in(
            a.env,
            "approve",
            "--batch",
            batch,
            "--slice",
            f"{part}/{figures.approvers}",
            "--start-at",
            start_at,
            "--warm",
        )
        for part in range(figures.approvers)
    ]
    results = [finish(process) for process in approvers]
    # From the first approval to the last one committed, as the approving processes timed it
    # (their start-up, Python and Django, is not approval time).
    first_started = min(result["started_at"] for result in results)
    figures.approve_seconds = round(
        max(result["started_at"] + result["seconds"] for result in results) - first_started, 2
    )
    approved = sum(result["approved"] for result in results)
    figures.approvals_per_second = round(approved / max(figures.approve_seconds, 1e-9), 1)
    for result in results:
        for name, n in result["errors"].items():
            figures.approval_errors[name] = figures.approval_errors.get(name, 0) + n
    log(f"  approved {approved:,} in {figures.approve_seconds:.1f} s; waiting for receipts")
    with probe.InstanceDatabase(a.database_url) as sender:
        try:
            _wait_delivered(
                sender, batch, count, timeout=max(120.0, count / 10), after_id=after_id
            )
        finally:
            meter.__exit__(None, None, None)
            if sampling is not None:
                sampling.unlink(missing_ok=True)
        cpu = meter.seconds() | {
            "approvers": sum(r.get("cpu_seconds", 0) for r in results),
            "benchmark polling": time.process_time() - own_cpu,
        }
        figures.cpu_ms_per_message = {
            part: round(seconds * 1000 / count, 2)
            for part, seconds in sorted(cpu.items(), key=lambda item: -item[1])
        }
        times = probe.delivery_times(sender, batch)
        ids = probe.message_ids(sender, batch)
        figures.failed_attempts = probe.failed_attempts(sender, batch)
    delivered = [t for t in times if t.status == "DELIVERED" and t.delivered_at is not None]
    figures.delivered = len(delivered)
    figures.lost = count - figures.delivered
    committed = probe.committed_times(results)
    if delivered:
        first = datetime.fromtimestamp(first_started, tz=UTC)
        last = max(t.delivered_at for t in delivered)
        figures.end_to_end_seconds = round((last - first).total_seconds(), 3)
        figures.messages_per_second = round(
            figures.delivered / max(figures.end_to_end_seconds, 1e-9), 1
        )
    figures.throughput_stages_ms = probe.stage_breakdown(times, committed)
    figures.throughput_grouping = probe.grouping(times)
    with probe.InstanceDatabase(b.database_url) as receiver:
        summary = probe.inbound_summary(receiver, ids)
    figures.received = summary.originals
    figures.duplicated = summary.duplicated + max(0, summary.originals - count)


def write_history(pair, count: int, *, log=print) -> None:
    """`count` messages sent a month ago on the sending instance (`bench.hst_load history`)."""
    a, _ = pair
    started = time.perf_counter()
    run_in(a.env, "history", "--count", str(count), timeout=max(900.0, count / 50))
    log(f"  {count:,} messages of history written in {time.perf_counter() - started:.0f} s")


def warm_up(pair, *, count: int = 40, log=print) -> None:
    """A few messages through the whole pipeline, not measured: every gunicorn worker and pool
    process loads its code and opens its connections before the clock runs. Approved a
    twentieth of a second apart, each after the last one's dispatch is done: all at once, one
    dispatch would take them all in one or two rounds and requests (`pipeline.wake_up`), and
    the processes it did not reach would pay for their first message (imports, connections)
    inside the light load's latency."""
    a, _ = pair
    batch = f"warm-{uuid.uuid4().hex[:8]}"
    run_in(a.env, "prepare", "--batch", batch, "--count", str(count))
    after_id = _last_delivery_id(a)
    approvers = [
        start_in(a.env, "approve", "--batch", batch, "--slice", f"{part}/2", "--interval", "0.04")
        for part in range(2)
    ]
    for process in approvers:
        finish(process)
    with probe.InstanceDatabase(a.database_url) as sender:
        _wait_delivered(sender, batch, count, timeout=120.0, after_id=after_id)
    log(f"  warmed up with {count} messages")


def measure_latency(pair, figures: HstFigures, *, log=print) -> None:
    a, b = pair
    batch = f"light-{uuid.uuid4().hex[:8]}"
    count = figures.light_messages
    run_in(a.env, "prepare", "--batch", batch, "--count", str(count))
    after_id = _last_delivery_id(a)
    log(f"  {count} messages approved one every {figures.light_interval_seconds * 1000:.0f} ms")
    result = run_in(
        a.env, "approve", "--batch", batch, "--interval", str(figures.light_interval_seconds)
    )
    committed = probe.committed_times([result])
    with probe.InstanceDatabase(a.database_url) as sender:
        _wait_delivered(sender, batch, count, timeout=120.0, after_id=after_id)
        times = probe.delivery_times(sender, batch)
        ids = probe.message_ids(sender, batch)
        figures.light_failed_attempts = probe.failed_attempts(sender, batch)
    with probe.InstanceDatabase(b.database_url) as receiver:
        summary = probe.inbound_summary(receiver, ids)
    figures.light_received = summary.originals
    figures.light_duplicated = summary.duplicated + max(0, summary.originals - count)
    latencies = [
        probe.elapsed_ms(committed.get(t.message_id, t.approved_at), t.delivered_at)
        for t in times
        if t.status == "DELIVERED" and t.delivered_at is not None
    ]
    figures.light_delivered = len(latencies)
    figures.latency_p50_ms = round(probe.percentile(latencies, 0.5), 1)
    figures.latency_p95_ms = round(probe.percentile(latencies, 0.95), 1)
    figures.latency_max_ms = round(max(latencies, default=0.0), 1)
    figures.light_stages_ms = probe.stage_breakdown(times, committed)


# --- The scenario -----------------------------------------------------------------------------


def environment_problem() -> str | None:
    """Why the benchmark cannot run here, or None. Points DATABASE_URL at the local
    PostgreSQL server when it names none (the instances create their own databases there)."""
    import psycopg

    from bench.hst_redis import redis_server_binary

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.environ["DATABASE_URL"] = DEFAULT_POSTGRES_URL
    try:
        psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=3).close()
    except psycopg.Error as error:
        return f"PostgreSQL unreachable ({str(error).strip()[:120]})"
    if redis_server_binary() is None and not os.environ.get("REDIS_URL"):
        return "no Redis: install redis-server or set REDIS_URL"
    return None


def run_scenario(
    *,
    scale: float,
    messages: int | None = None,
    light_messages: int | None = None,
    history: int | None = None,
    approvers: int = DEFAULT_APPROVERS,
    worker_concurrency: int = DEFAULT_WORKER_CONCURRENCY,
    worker_pool: str = DEFAULT_WORKER_POOL,
    prefetch_multiplier: int = DEFAULT_PREFETCH_MULTIPLIER,
    web_workers: int = DEFAULT_WEB_WORKERS,
    web_threads: int = DEFAULT_WEB_THREADS,
    synchronous_commit: str = "on",
    settings_env: dict[str, str] | None = None,
    profile: bool = False,
    log=print,
) -> HstFigures:
    """Start two instances, measure, stop them; the figures."""
    from bench.hst_redis import PrivateRedis, redis_server_binary

    base_dir = Path(tempfile.mkdtemp(prefix="ncb-hst-bench-"))
    redis = PrivateRedis(base_dir / "redis", appendonly=True) if redis_server_binary() else None
    figures = HstFigures(
        scale=scale,
        messages=messages or max(50, int(DEFAULT_MESSAGES * scale)),
        approvers=approvers,
        worker_concurrency=worker_concurrency,
        web_workers=web_workers,
        broker="private redis-server, AOF fsync every second" if redis else "REDIS_URL",
        worker_pool=worker_pool,
        prefetch_multiplier=prefetch_multiplier,
        web_threads=web_threads,
        synchronous_commit=synchronous_commit,
        history=int(DEFAULT_HISTORY * scale) if history is None else history,
        settings_env=dict(settings_env or {}),
        load_average_before=round(os.getloadavg()[0], 2),
        light_messages=light_messages or max(20, int(DEFAULT_LIGHT_MESSAGES * scale)),
    )
    env = {"HST_RETRY_BASE_SECONDS": "1", "HST_RETRY_MAX_SECONDS": "5", **figures.settings_env}
    if synchronous_commit != "on":  # libpq passes it to every connection of the instances
        env["PGOPTIONS"] = f"-c synchronous_commit={synchronous_commit}"
    log(f"  configuration: {configuration(figures)}")
    failed = True
    # SIGTERM (a stopped run) unwinds like an error: the instances, their processes (sessions
    # of their own) and their databases are released, not left running.
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        if redis is not None:
            redis.start()
            env["REDIS_URL"] = redis.url
        started = time.perf_counter()
        options = {
            "extra_env": env,
            "worker_concurrency": worker_concurrency,
            "worker_pool": worker_pool,
            "worker_prefetch_multiplier": prefetch_multiplier,
            "web_workers": web_workers,
            "web_threads": web_threads,
        }
        with contextlib.ExitStack() as stack:
            pair = _start_pair(stack, base_dir, options, log=log)
            log(f"  two instances up in {time.perf_counter() - started:.0f} s ({base_dir})")
            try:
                if figures.history:
                    write_history(pair, figures.history, log=log)
                warm_up(pair, log=log)
                measure_latency(pair, figures, log=log)
                redis_pid = redis.process.pid if redis is not None else None
                measure_throughput(pair, figures, redis_pid=redis_pid, log=log)
                if profile:
                    profile_stages(pair, log=log)
            except Exception:
                log(pair.logs())
                raise
        failed = False
    finally:
        signal.signal(signal.SIGTERM, previous)
        if redis is not None:
            redis.stop()
        if failed:
            log(f"  instance logs kept under {base_dir}")
        else:
            shutil.rmtree(base_dir, ignore_errors=True)
    figures.measured_at = datetime.now(tz=UTC).isoformat(timespec="seconds")
    figures.load_average = round(os.getloadavg()[0], 2)
    return figures


def _start_pair(stack: contextlib.ExitStack, base_dir: Path, options: dict, *, log):
    """The two instances, entered on `stack`; a set-up that fails (a busy shared machine) is
    tried once more before the run fails, and says why."""
    from tests.integration.hst.instances import InstanceError, start_two_instances

    for attempt in (1, 2):
        try:
            return stack.enter_context(
                start_two_instances(base_dir / f"instances-{attempt}", **options)
            )
        except InstanceError as error:
            if attempt == 2:
                raise
            log(f"  set-up failed, trying once more: {str(error)[:1500]}")
    raise AssertionError("unreachable")


def _terminated(signum, frame) -> None:
    raise SystemExit(128 + signum)


def run(*, scale: float = 1.0) -> bool:
    """The `python -m bench` entry point."""
    problem = environment_problem()
    if problem is not None:
        print(f"  skipped: {problem}")
        return True
    figures = run_scenario(scale=scale)
    report(figures)
    record_figures(figures)
    return figures.met


def record_figures(figures: HstFigures) -> None:
    """The lines of `python -m bench`'s table (peak RSS: the instances are other processes)."""
    from bench._results import record
    from bench.hst_report import TARGET_MESSAGES_PER_SECOND

    record(
        scenario="hst end to end",
        scale=figures.scale,
        throughput=figures.messages_per_second,
        throughput_unit="msg/s",
        met=figures.met,
        target=f">= {TARGET_MESSAGES_PER_SECOND} messages/s, zero lost or duplicated",
        note=f"{figures.messages:,} messages: lost {figures.lost}, duplicated "
        f"{figures.duplicated}",
    )
    record(
        scenario="hst latency (light load)",
        scale=figures.scale,
        median_ms=figures.latency_p50_ms,
        p95_ms=figures.latency_p95_ms,
        note=f"approval -> receipt, {figures.light_messages} messages one every 100 ms",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hst", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="size factor (default 1.0)")
    parser.add_argument("--messages", type=int, help="throughput messages (default 1,000)")
    parser.add_argument("--light", type=int, help="light-load messages (default 100)")
    parser.add_argument(
        "--history", type=int, help="messages sent before, on the sender (default 20,000)"
    )
    parser.add_argument("--approvers", type=int, default=DEFAULT_APPROVERS)
    parser.add_argument("--worker-concurrency", type=int, default=DEFAULT_WORKER_CONCURRENCY)
    parser.add_argument(
        "--worker-pool", default=DEFAULT_WORKER_POOL, help="prefork (threads: slower here)"
    )
    parser.add_argument("--prefetch-multiplier", type=int, default=DEFAULT_PREFETCH_MULTIPLIER)
    parser.add_argument("--web-workers", type=int, default=DEFAULT_WEB_WORKERS)
    parser.add_argument("--web-threads", type=int, default=DEFAULT_WEB_THREADS)
    parser.add_argument("--synchronous-commit", choices=("on", "off"), default="on")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment setting of both instances, e.g. HST_DELIVER_BATCH=16 (repeatable)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="then profile each stage (bench.hst_profile)"
    )
    parser.add_argument(
        "--cpu-samples",
        type=Path,
        metavar="DIR",
        help="sample the CPU of every process during the throughput phase into DIR, then print "
        "where it went (bench.cpu_report; the sampling costs a few percent)",
    )
    arguments = parser.parse_args(argv)
    if arguments.cpu_samples is not None:
        arguments.cpu_samples.mkdir(parents=True, exist_ok=True)
        for old_samples in arguments.cpu_samples.glob("*.txt"):
            old_samples.unlink()
        os.environ["BENCH_CPU_SAMPLES"] = str(arguments.cpu_samples.resolve())
    problem = environment_problem()
    if problem is not None:
        print(f"bench.hst skipped: {problem}")
        return 0
    figures = run_scenario(
        scale=arguments.scale,
        messages=arguments.messages,
        light_messages=arguments.light,
        history=arguments.history,
        approvers=arguments.approvers,
        worker_concurrency=arguments.worker_concurrency,
        worker_pool=arguments.worker_pool,
        prefetch_multiplier=arguments.prefetch_multiplier,
        web_workers=arguments.web_workers,
        web_threads=arguments.web_threads,
        synchronous_commit=arguments.synchronous_commit,
        settings_env=dict(item.split("=", 1) for item in arguments.set),
        profile=arguments.profile,
    )
    report(figures)
    if arguments.cpu_samples is not None:
        print(cpu_report.report(cpu_report.read_samples(arguments.cpu_samples)))
    return 0 if figures.met else 1


if __name__ == "__main__":
    sys.exit(main())
