"""`python -m bench [--scale quick|full|S] [names…]`: run the benchmark scenarios, print one table.

A scenario is any module `bench/<name>.py` with a function `run(*, scale: float) -> bool`
(True when its targets were met) that reports its lines into `bench._results.record`. Adding
one needs no change here. `--scale` multiplies each scenario's default size: `full` (1.0) is
the size of DESIGN.md §7 (100,000 cases, 1,000,000 custody events …), `quick` (the default,
0.05) a few minutes on a laptop. Each scenario runs in a process of its own (its peak RSS is
its own; a crash is one failed line, not the end of the run); its detailed output is printed
as it goes, then the table of every scenario, also written as JSON to VAR_DIR/bench/
(`<timestamp>.json` and `latest.json`). Exit status 1 when a target was missed.
"""

import argparse
import importlib
import pkgutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench
from bench import _results

SCALES = {"quick": 0.05, "full": 1.0}
# Run last: starts two whole instances and takes the longest.
LAST = ("hst",)


def parse_scale(text: str) -> float:
    if text in SCALES:
        return SCALES[text]
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: quick, full or a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("the scale must be positive")
    return value


def scenario_names() -> list[str]:
    names = []
    for module in pkgutil.iter_modules(bench.__path__):
        if module.name.startswith("_"):
            continue
        if callable(getattr(importlib.import_module(f"bench.{module.name}"), "run", None)):
            names.append(module.name)  # Otherwise a helper module (data generator, tools).
    return sorted(names, key=lambda name: (name in LAST, name))


def run_child(name: str, scale: float, results_file: Path) -> int:
    """In the scenario's own process: run it, leave its lines in `results_file`."""
    module = importlib.import_module(f"bench.{name}")
    try:
        met = module.run(scale=scale)
    finally:
        _results.dump(results_file)
    return 0 if met else 1


def run_scenario(name: str, scale: float) -> list[_results.Result]:
    print(f"== bench.{name} (scale {scale:g})", flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ncb-bench-") as directory:
        results_file = Path(directory) / "results.json"
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench",
                "--scale",
                repr(scale),
                "--child",
                str(results_file),
                name,
            ],
            check=False,
        )
        lines = _results.load(results_file)
    elapsed = time.perf_counter() - started
    print(f"== bench.{name}: {elapsed:.1f} s (exit status {completed.returncode})\n", flush=True)
    if not lines:
        lines = [
            _results.Result(
                scenario=name,
                scale=scale,
                met=False,
                note=f"no figures: the scenario exited with status {completed.returncode}",
            )
        ]
    elif completed.returncode not in (0, 1):
        lines[-1].note = (lines[-1].note + "; " if lines[-1].note else "") + (
            f"exited with status {completed.returncode}"
        )
        lines[-1].met = False
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--scale",
        type=parse_scale,
        default=SCALES["quick"],
        help="quick (0.05, default), full (1.0) or a factor",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("only", nargs="*", help="scenario names to run (default: all)")
    arguments = parser.parse_args(argv)
    if arguments.child is not None:
        return run_child(arguments.only[0], arguments.scale, arguments.child)
    names = scenario_names()
    unknown = [name for name in arguments.only if name not in names]
    if unknown:
        parser.error(f"no such scenario: {', '.join(unknown)} (known: {', '.join(names)})")
    lines: list[_results.Result] = []
    for name in names:
        if arguments.only and name not in arguments.only:
            continue
        lines += run_scenario(name, arguments.scale)
    label = next((key for key, value in SCALES.items() if value == arguments.scale), "custom")
    print(_results.format_table(lines))
    path = _results.write_json(lines, scale=arguments.scale, scale_label=label)
    print(f"\nfigures written to {path} (and latest.json beside it)")
    missed = [line.scenario for line in lines if line.met is False]
    if missed:
        print(f"targets missed: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
