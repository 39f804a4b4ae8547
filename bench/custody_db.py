"""Custody benchmark on the database: `python -m bench.custody_db [--scale S]`.

Measures what DESIGN.md §7 and issue 4 target, over the custody log as stored by Django in
PostgreSQL (`bench.evidence_data`: 10,000 items, 1,000,000 events at scale 1.0):

1. verifying every chain, each item's head and the latest checkpoint through the code path of
   `manage.py verify_custody` (`evidence.verification.custody_verify_all`); target at least 200,000
   events per second on one core. Beside it, in the same run, `hashlib.sha256` over the same
   stored canonical bytes in a tight loop (the bytes fetched beforehand, not timed): the
   baseline, and verification's share of it;
2. building a checkpoint over the whole log (`evidence.checkpointing.custody_checkpoint_build`,
   what the beat task runs: one streamed pass, the previous checkpoint's root re-checked on the
   way, signed). A size is signed once, so one event is recorded first (through the service)
   and both are rolled back afterwards: the log is left as it was;
3. exporting the court dossier of the item with 1,000 events and a 1 GiB evidence file
   (`evidence.dossiers.dossier_build`, what the Celery task runs) in a separate process, whose
   peak RSS (VmHWM) is the figure; target under 200 MB. The file is streamed into the evidence
   store through the service; the file's content and the ZIP are deleted after measuring (the
   file's row stays: evidence files are append-only; the next run streams the content back).
   The ZIP is checked with the offline verifier (`python -m evidence.verify`) first.

Prints a table and writes it as JSON under var/bench/. `run_scenario` also runs on whatever
database Django is configured with (the test suite: tiny scale, SQLite, dossier in-process).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

TARGET_EVENTS_PER_SECOND = 200_000
TARGET_DOSSIER_RSS_MB = 200.0
BASELINE_BATCH = 50_000
REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class CustodyDbFigures:
    scale: float
    database: str
    items: int
    events: int
    bytes_per_event: float
    verify_seconds: float
    verify_cpu_seconds: float
    verify_events_per_second: float
    checkpoints_checked: int
    chains_only_seconds: float
    chains_only_events_per_second: float
    baseline_seconds: float
    baseline_events_per_second: float
    verify_over_baseline: float
    checkpoint_build_seconds: float
    checkpoint_tree_size: int
    dossier_events: int
    dossier_file_bytes: int
    dossier_zip_bytes: int
    dossier_seconds: float
    dossier_peak_rss_mb: float | None
    dossier_start_rss_mb: float | None
    dossier_in_subprocess: bool
    dossier_offline_verified: bool | None
    measured_at: str = ""
    load_average: float = 0.0

    @property
    def verify_met(self) -> bool:
        return self.verify_events_per_second >= TARGET_EVENTS_PER_SECOND

    @property
    def rss_met(self) -> bool:
        return self.dossier_peak_rss_mb is not None and (
            self.dossier_peak_rss_mb < TARGET_DOSSIER_RSS_MB
        )

    @property
    def met(self) -> bool:
        return self.verify_met and self.rss_met and self.dossier_offline_verified is not False


# --- 1. verification --------------------------------------------------------------------------


def measure_verification() -> tuple[object, float, float]:
    """`custody_verify_all()` as `verify_custody` calls it: (report, wall s, CPU s)."""
    from evidence.verification import custody_verify_all

    started, cpu = time.perf_counter(), time.process_time()
    report = custody_verify_all()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if not report.ok:
        raise AssertionError(f"the generated custody log does not verify: {report}")
    return report, elapsed, cpu


def measure_chains_only() -> float:
    """The chains part alone (`chains_verify`, no checkpoint): wall seconds."""
    from evidence.verification import chains_verify

    started = time.perf_counter()
    chains = chains_verify()
    elapsed = time.perf_counter() - started
    if chains.broken is not None:
        raise AssertionError(f"the generated custody log does not verify: {chains}")
    return elapsed


def _canonical_batches() -> object:
    """The stored canonical bytes of every event, BASELINE_BATCH at a time, as bytes."""
    from django.db import connection, transaction

    from evidence.models import CustodyEvent

    if connection.vendor != "postgresql":
        rows = CustodyEvent.objects.values_list("canonical", flat=True).iterator(chunk_size=5000)
        batch = []
        for data in rows:
            batch.append(bytes(data))
            if len(batch) >= BASELINE_BATCH:
                yield batch
                batch = []
        if batch:
            yield batch
        return
    with transaction.atomic():
        connection.ensure_connection()
        cursor = connection.connection.cursor(name="custody_bench_baseline")
        cursor.itersize = BASELINE_BATCH
        try:
            cursor.execute("SELECT convert_from(canonical, 'UTF8') FROM evidence_custodyevent")
            while rows := cursor.fetchmany(BASELINE_BATCH):
                yield [text.encode() for (text,) in rows]
        finally:
            cursor.close()


def measure_baseline() -> tuple[int, int, float]:
    """hashlib.sha256 (hex digest, as verification compares) over every stored event's bytes,
    timed over the hashing loop only: (events, bytes, seconds)."""
    import gc

    sha256 = hashlib.sha256
    events = total_bytes = 0
    seconds = 0.0
    for batch in _canonical_batches():
        gc.disable()
        started = time.perf_counter()
        for data in batch:
            sha256(data).hexdigest()
        seconds += time.perf_counter() - started
        gc.enable()
        events += len(batch)
        total_bytes += sum(map(len, batch))
    return events, total_bytes, seconds


# --- 2. checkpoint ----------------------------------------------------------------------------


def measure_checkpoint_build() -> tuple[float, int]:
    """`custody_checkpoint_build` over the whole log plus one new event, rolled back after."""
    from django.db import transaction

    from bench.evidence_data import dossier_item, record_examination
    from evidence import checkpointing

    with transaction.atomic():
        record_examination(exclude=dossier_item())
        started = time.perf_counter()
        checkpoint = checkpointing.custody_checkpoint_build()
        seconds = time.perf_counter() - started
        if checkpoint is None:
            raise AssertionError("no checkpoint was signed over the grown log")
        tree_size = checkpoint.tree_size
        transaction.set_rollback(True)
    return seconds, tree_size


# --- 3. dossier -------------------------------------------------------------------------------


def _proc_status_kb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
    except OSError:
        return None
    return None


def _peak_rss_mb() -> float:
    peak = _proc_status_kb("VmHWM")
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    return peak / 1024


def build_dossier_in_this_process(export_id: int) -> dict:
    """What the child process runs (and the tests, in-process): `dossier_build`, timed."""
    from evidence.dossiers import dossier_build

    start_rss = _peak_rss_mb()
    started = time.perf_counter()
    export = dossier_build(export_id)
    seconds = time.perf_counter() - started
    return {
        "status": export.status if export else None,
        "error": export.error if export else "not claimed",
        "seconds": seconds,
        "start_rss_mb": start_rss,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _build_dossier_in_subprocess(export_id: int) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    completed = subprocess.run(
        [sys.executable, "-m", "bench.custody_db", "--build-dossier", str(export_id)],
        cwd=REPO_ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise AssertionError(f"the dossier process failed:\n{completed.stderr[-4000:]}")
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if after > before:  # the largest child so far was this one: the kernel's figure agrees
        figures["rusage_children_maxrss_mb"] = after / 1024
    return figures


def measure_dossier(*, file_bytes: int, in_subprocess: bool, log=print) -> dict:
    """Export the dossier item's court dossier with its evidence file; measure, verify, and
    delete the file's content and the ZIP afterwards."""
    from bench.evidence_data import dossier_item, ensure_dossier_file
    from evidence import storage
    from evidence.models import DossierExport

    store_root = storage.evidence_file_root()
    store_root.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(store_root).free
    if free < 3 * file_bytes + 512 * 1024**2:
        raise AssertionError(
            f"{free / 1024**3:.1f} GB free under {store_root}: too little for a "
            f"{file_bytes / 1024**3:.1f} GB file, its dossier and room to spare"
        )
    item = dossier_item()
    evidence_file = ensure_dossier_file(file_bytes, log=log)
    # What `dossier_export_request` writes (less its audit row and the Celery task it enqueues:
    # the build runs here, in its own process, as a worker would run it).
    export = DossierExport(
        case=item.case,
        item=item,
        purpose="Benchmark: court dossier export with the evidence file",
        include_files=True,
        requested_by=item.created_by,
    )
    export.save(force_insert=True)
    try:
        if in_subprocess:
            figures = _build_dossier_in_subprocess(export.pk)
        else:
            figures = build_dossier_in_this_process(export.pk)
        export.refresh_from_db()
        if export.status != "DONE":
            raise AssertionError(f"the dossier was not built: {export.status} {export.error}")
        figures["zip_bytes"] = export.size
        figures["events"] = item.last_sequence
        figures["offline_verified"] = _offline_verify(export.storage_key)
    finally:
        store = storage.evidence_file_storage()
        export.refresh_from_db()
        if export.storage_key and store.exists(export.storage_key):
            store.delete(export.storage_key)
        key = storage.storage_key(evidence_file.sha256)
        if store.exists(key):
            store.delete(key)
    return figures


def _offline_verify(key: str) -> bool | None:
    """`python -m evidence.verify dossier.zip` on the stored ZIP (None: not a local file)."""
    from evidence import storage

    try:
        path = storage.evidence_file_storage().path(key)
    except NotImplementedError:
        return None
    completed = subprocess.run(
        [sys.executable, "-m", "evidence.verify", path],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.returncode == 0


# --- The scenario -----------------------------------------------------------------------------


def run_scenario(*, scale: float, dossier_in_subprocess: bool = True, log=print):
    """Measure on the configured database, whose dataset `bench.evidence_data` generated."""
    from django.db import connection

    from bench.evidence_data import EvidenceSize
    from evidence.models import EvidenceItem

    size = EvidenceSize.at(scale)
    result, verify_seconds, verify_cpu = measure_verification()
    events = result.chains.chain.events_checked
    log(f"  verified {events:,} events in {verify_seconds:.2f} s")
    chains_seconds = measure_chains_only()
    baseline_events, total_bytes, baseline_seconds = measure_baseline()
    if baseline_events != events:
        raise AssertionError(f"baseline hashed {baseline_events} events, verify {events}")
    checkpoint_seconds, tree_size = measure_checkpoint_build()
    log(f"  checkpoint built over {tree_size:,} events in {checkpoint_seconds:.2f} s")
    dossier = measure_dossier(
        file_bytes=size.file_bytes, in_subprocess=dossier_in_subprocess, log=log
    )
    rate = events / verify_seconds
    baseline = baseline_events / baseline_seconds
    return CustodyDbFigures(
        scale=scale,
        database=connection.vendor,
        items=EvidenceItem.objects.count(),
        events=events,
        bytes_per_event=round(total_bytes / max(1, events), 1),
        verify_seconds=round(verify_seconds, 3),
        verify_cpu_seconds=round(verify_cpu, 3),
        verify_events_per_second=round(rate),
        checkpoints_checked=result.checkpoints.checked,
        chains_only_seconds=round(chains_seconds, 3),
        chains_only_events_per_second=round(events / chains_seconds),
        baseline_seconds=round(baseline_seconds, 3),
        baseline_events_per_second=round(baseline),
        verify_over_baseline=round(rate / baseline, 3),
        checkpoint_build_seconds=round(checkpoint_seconds, 3),
        checkpoint_tree_size=tree_size,
        dossier_events=dossier["events"],
        dossier_file_bytes=size.file_bytes,
        dossier_zip_bytes=dossier["zip_bytes"],
        dossier_seconds=round(dossier["seconds"], 2),
        dossier_peak_rss_mb=round(dossier["peak_rss_mb"], 1) if dossier_in_subprocess else None,
        dossier_start_rss_mb=round(dossier["start_rss_mb"], 1) if dossier_in_subprocess else None,
        dossier_in_subprocess=dossier_in_subprocess,
        dossier_offline_verified=dossier["offline_verified"],
        measured_at=datetime.now(tz=UTC).isoformat(timespec="seconds"),
        load_average=round(os.getloadavg()[0], 2),
    )


def report(figures: CustodyDbFigures, *, out=print) -> Path:
    """Print the table; write the figures as JSON under VAR_DIR/bench/. Returns the path."""
    from django.conf import settings

    def verdict(met: bool) -> str:
        return "met" if met else "MISSED"

    out(
        f"custody log on {figures.database}: {figures.events:,} events over {figures.items:,} "
        f"items, {figures.bytes_per_event:.0f} bytes per event; load average "
        f"{figures.load_average:g} on {os.cpu_count()} CPUs"
    )
    out(
        f"  verify_custody: chains, heads, {figures.checkpoints_checked} checkpoint(s) "
        f"{figures.verify_seconds:7.2f} s  {figures.verify_events_per_second:11,.0f} events/s  "
        f"target >= {TARGET_EVENTS_PER_SECOND:,}: {verdict(figures.verify_met)}"
    )
    out(
        f"    CPU time of this process                      {figures.verify_cpu_seconds:7.2f} s"
        "  (the rest: waiting for PostgreSQL)"
    )
    out(
        f"    chains and heads only (chains_verify)         {figures.chains_only_seconds:7.2f} s"
        f"  {figures.chains_only_events_per_second:11,.0f} events/s"
    )
    out(
        f"  hashlib.sha256 over the same bytes (baseline)   {figures.baseline_seconds:7.2f} s"
        f"  {figures.baseline_events_per_second:11,.0f} events/s"
    )
    out(f"  verify / baseline                               {figures.verify_over_baseline:7.1%}")
    out(
        f"  checkpoint build over {figures.checkpoint_tree_size:,} events         "
        f"{figures.checkpoint_build_seconds:7.2f} s"
    )
    rss = (
        f"peak RSS {figures.dossier_peak_rss_mb:.0f} MB (at start "
        f"{figures.dossier_start_rss_mb:.0f} MB)  target < {TARGET_DOSSIER_RSS_MB:g} MB: "
        f"{verdict(figures.rss_met)}"
        if figures.dossier_peak_rss_mb is not None
        else "built in-process: RSS not measured"
    )
    out(
        f"  dossier: {figures.dossier_events:,} events + "
        f"{figures.dossier_file_bytes / 1024**2:,.0f} MB file -> "
        f"{figures.dossier_zip_bytes / 1024**2:,.0f} MB ZIP in "
        f"{figures.dossier_seconds:.1f} s; {rss}"
    )
    verified = {True: "OK", False: "FAILED", None: "not run"}[figures.dossier_offline_verified]
    out(f"  offline verifier on the dossier: {verified}")
    directory = Path(settings.VAR_DIR) / "bench"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"custody_db-{date.today().isoformat()}-{int(time.time())}.json"
    data = asdict(figures) | {
        "targets": {
            "verify_events_per_second": TARGET_EVENTS_PER_SECOND,
            "dossier_peak_rss_mb": TARGET_DOSSIER_RSS_MB,
        },
        "met": figures.met,
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
    out(f"  figures written to {path}")
    return path


def use_bench_signing_key() -> Path:
    """Point NCB_SIGNING_KEY_FILE at the bench's own key (generated once under var/bench/,
    kept: checkpoints already signed must stay the latest key's) unless one is configured."""
    configured = os.environ.get("NCB_SIGNING_KEY_FILE")
    if configured:
        return Path(configured)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    var_dir = Path(os.environ.get("NCB_VAR_DIR", REPO_ROOT / "var"))
    path = var_dir / "bench" / "bench_signing_key.pem"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
    os.environ["NCB_SIGNING_KEY_FILE"] = str(path)
    return path


def run(*, scale: float = 1.0) -> bool:
    """The `python -m bench` entry point: the dedicated database, generated if needed."""
    from bench.cases_data import use_bench_database
    from bench.evidence_data import ensure_evidence_dataset

    use_bench_signing_key()
    use_bench_database()
    ensure_evidence_dataset(scale=scale)
    figures = run_scenario(scale=scale)
    report(figures)
    record_figures(figures)
    return figures.met


def record_figures(figures: CustodyDbFigures) -> None:
    """The lines of `python -m bench`'s table."""
    from bench._results import record

    record(
        scenario="custody verify (db)",
        scale=figures.scale,
        median_ms=round(figures.verify_seconds * 1000, 1),
        throughput=figures.verify_events_per_second,
        throughput_unit="events/s",
        baseline_ratio=round(1 / figures.verify_over_baseline, 2),
        met=figures.verify_met,
        target=f">= {TARGET_EVENTS_PER_SECOND:,} events/s; baseline "
        f"hashlib.sha256 {figures.baseline_events_per_second:,}/s",
        note=f"{figures.events:,} events, {figures.items:,} items; time = one full run",
    )
    record(
        scenario="custody checkpoint build",
        scale=figures.scale,
        median_ms=round(figures.checkpoint_build_seconds * 1000, 1),
        throughput=round(
            figures.checkpoint_tree_size / max(figures.checkpoint_build_seconds, 1e-9)
        ),
        throughput_unit="events/s",
        note=f"over {figures.checkpoint_tree_size:,} events, one run",
    )
    record(
        scenario="memory: dossier export",
        scale=figures.scale,
        median_ms=round(figures.dossier_seconds * 1000, 1),
        peak_rss_mb=figures.dossier_peak_rss_mb,
        met=figures.rss_met,
        target=f"peak RSS of the exporting process < {TARGET_DOSSIER_RSS_MB:g} MB",
        note=f"{figures.dossier_file_bytes / 1024**2:,.0f} MB file, "
        f"{figures.dossier_events:,} events; time = one export",
    )


def _child(export_id: int) -> int:
    """The dossier process: Django on the environment the parent set, nothing else loaded."""
    import django

    django.setup()
    print(json.dumps(build_dossier_in_this_process(export_id)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.custody_db", description=__doc__)
    parser.add_argument("--scale", type=float, default=0.05, help="size factor (default 0.05)")
    parser.add_argument("--build-dossier", type=int, metavar="EXPORT_ID", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.build_dossier is not None:
        return _child(arguments.build_dossier)
    return 0 if run(scale=arguments.scale) else 1


if __name__ == "__main__":
    sys.exit(main())
