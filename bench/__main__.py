"""`python -m bench [--scale S]`: run every benchmark scenario of this package and print it.

A scenario is any module `bench/<name>.py` with a function `run(*, scale: float) -> bool`
(True when its targets were met). Adding one needs no change here. `--scale` multiplies each
scenario's default size (1.0: the sizes of DESIGN.md §7; 0.1 for a quick look).
"""

import argparse
import importlib
import pkgutil
import sys
import time

import bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="size factor (default 1.0)")
    parser.add_argument("only", nargs="*", help="scenario names to run (default: all)")
    arguments = parser.parse_args(argv)
    names = sorted(
        module.name
        for module in pkgutil.iter_modules(bench.__path__)
        if not module.name.startswith("_")
    )
    failed = []
    for name in names:
        if arguments.only and name not in arguments.only:
            continue
        module = importlib.import_module(f"bench.{name}")
        if not callable(getattr(module, "run", None)):
            continue  # A helper module (data generator), not a scenario.
        print(f"== bench.{name} (scale {arguments.scale:g})", flush=True)
        started = time.perf_counter()
        if not module.run(scale=arguments.scale):
            failed.append(name)
        print(f"== bench.{name}: {time.perf_counter() - started:.1f} s\n", flush=True)
    if failed:
        print(f"targets missed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
