"""The one table of `python -m bench`: what every scenario reports into; a helper, not a scenario.

A scenario calls `record(...)` once per line of the table (a scenario may have several: the
case list and its text search, the custody verification and its checkpoint build …). The runner
(`bench.__main__`) runs each scenario in a process of its own, so the peak RSS of a line is that
scenario's process (`peak_rss_mb()`, filled in by `record` when the scenario gives none), then
collects the lines (`dump` / `load`), prints them as one table (`format_table`) and writes them
as JSON under VAR_DIR/bench/ (`write_json`: `<timestamp>.json` and `latest.json`).

Columns: median and p95 time per request (ms), throughput (with its unit: requests/s,
events/s, messages/s), peak RSS (MB), SQL queries per request, the ratio of the median to the
baseline measured in the same run (hand-written SQL + json.dumps, hashlib.sha256 …; for a
throughput, baseline / measured, so that above 1 always means slower than the baseline), and
whether the line's target was met (None: the line has no target).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    scenario: str
    scale: float
    median_ms: float | None = None
    p95_ms: float | None = None
    throughput: float | None = None
    throughput_unit: str = "req/s"
    peak_rss_mb: float | None = None
    queries: int | None = None
    baseline_ratio: float | None = None
    met: bool | None = None
    target: str = ""
    note: str = ""
    details: dict = field(default_factory=dict)


RESULTS: list[Result] = []


def record(**values) -> Result:
    """Add one line to this process's table; its peak RSS is this process's unless given."""
    result = Result(**values)
    if result.peak_rss_mb is None:
        result.peak_rss_mb = round(peak_rss_mb(), 1)
    RESULTS.append(result)
    return result


def peak_rss_mb() -> float:
    """This process's peak resident set (ru_maxrss: kilobytes on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def children_peak_rss_mb() -> float:
    """The largest peak resident set of the waited-for child processes."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(times_ms: list[float]) -> dict[str, float]:
    """Median, p95 and throughput (one client, back to back) of request times in ms."""
    median = statistics.median(times_ms)
    return {
        "median_ms": round(median, 2),
        "p95_ms": round(percentile(times_ms, 0.95), 2),
        "throughput": round(1000.0 / median, 1) if median else None,
    }


def var_dir() -> Path:
    return Path(os.environ.get("NCB_VAR_DIR", REPO_ROOT / "var"))


# --- Between the runner and a scenario's process ------------------------------------------------


def dump(path: Path) -> None:
    path.write_text(json.dumps([asdict(result) for result in RESULTS]))


def load(path: Path) -> list[Result]:
    if not path.exists() or not path.read_text().strip():
        return []
    return [Result(**values) for values in json.loads(path.read_text())]


# --- The table ----------------------------------------------------------------------------------

COLUMNS = (
    ("scenario", 30),
    ("scale", 6),
    ("median", 10),
    ("p95", 10),
    ("throughput", 18),
    ("peak RSS", 9),
    ("SQL/req", 7),
    ("vs base", 8),
    ("target", 7),
)


def _number(value: float | None, unit: str = "", digits: int = 1) -> str:
    if value is None:
        return "-"
    if abs(value) >= 10_000:
        return f"{value:,.0f}{unit}"
    return f"{value:,.{digits}f}{unit}"


def format_table(results: list[Result]) -> str:
    header = " ".join(
        f"{name:>{width}}" if i else f"{name:<{width}}" for i, (name, width) in enumerate(COLUMNS)
    )
    lines = [header, "-" * len(header)]
    for result in results:
        verdict = {True: "met", False: "MISSED", None: "-"}[result.met]
        throughput = (
            f"{_number(result.throughput)} {result.throughput_unit}"
            if result.throughput is not None
            else "-"
        )
        cells = (
            result.scenario,
            f"{result.scale:g}",
            _number(result.median_ms, " ms", 2),
            _number(result.p95_ms, " ms", 2),
            throughput,
            _number(result.peak_rss_mb, " MB", 0),
            "-" if result.queries is None else str(result.queries),
            _number(result.baseline_ratio, "x", 2),
            verdict,
        )
        lines.append(
            " ".join(
                f"{cell:>{width}}" if i else f"{cell:<{width}}"
                for i, (cell, (_name, width)) in enumerate(zip(cells, COLUMNS, strict=True))
            )
        )
    notes = [
        f"  {r.scenario}: " + "; ".join(text for text in (r.target, r.note) if text)
        for r in results
        if r.target or r.note
    ]
    if notes:
        lines += ["", "targets and notes:", *notes]
    return "\n".join(lines)


def write_json(results: list[Result], *, scale: float, scale_label: str) -> Path:
    """`VAR_DIR/bench/<timestamp>.json` and a copy as `latest.json`; the path of the first."""
    directory = var_dir() / "bench"
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(tz=UTC)
    data = {
        "measured_at": now.isoformat(timespec="seconds"),
        "scale": scale,
        "scale_label": scale_label,
        "cpus": os.cpu_count(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "results": [asdict(result) for result in results],
    }
    text = json.dumps(data, indent=2) + "\n"
    path = directory / f"{now.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(text)
    (directory / "latest.json").write_text(text)
    return path
