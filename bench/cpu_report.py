"""Where the benchmark's processes spent their CPU: `python -m bench.cpu_report DIR [--top N]`.

Reads the samples `bench/cpu_sampling/sitecustomize.py` wrote under DIR (`python -m bench.hst
--cpu-samples DIR`) and prints, per part (the approving processes, each instance's web server
and Celery worker), its share of all samples, then the functions that were running or
waiting on a callee in the largest shares of its samples ("inclusive": where the time goes,
by call path) and those running themselves ("self": what is hot).
"""

from __future__ import annotations

import argparse
import collections
from dataclasses import dataclass, field
from pathlib import Path

OWN_CODE_MARKERS = ("/site-packages/", "<frozen", "/lib/python3")
ROOT = str(Path(__file__).resolve().parent.parent) + "/"  # cut from the frames shown


@dataclass
class Part:
    samples: int = 0
    inclusive: collections.Counter[str] = field(default_factory=collections.Counter)
    own: collections.Counter[str] = field(default_factory=collections.Counter)


def part_of(command_line: str, instance: str) -> str:
    """The benchmark part a process belongs to, from its command line and instance name."""
    if "hst_load" in command_line and " approve" in command_line:
        return "approvers"
    for word, role in (("celery", "worker"), ("gunicorn", "web")):
        if word in command_line:
            return f"{instance or '?'} {role}"
    return command_line.split(" -", 1)[0][-40:]


def read_samples(folder: Path) -> dict[str, Part]:
    """Every process's samples under `folder`, added up by part."""
    parts: dict[str, Part] = collections.defaultdict(Part)
    for path in sorted(folder.glob("*.txt")):
        command_line, instance, *stacks = path.read_text(encoding="utf-8").splitlines()
        part = parts[part_of(command_line, instance)]
        for line in stacks:
            count_text, _, stack = line.partition(" ")
            count = int(count_text)
            frames = stack.split(";")
            part.samples += count
            for frame in set(frames):
                part.inclusive[frame] += count
            part.own[frames[-1]] += count
    return dict(parts)


def shown(frame: str, root: str) -> str:
    return frame.replace(root, "")


def report(parts: dict[str, Part], *, top: int = 25, root: str = ROOT) -> str:
    """The parts' shares and hottest functions, as text."""
    total = sum(part.samples for part in parts.values()) or 1
    lines = []
    for name, part in sorted(parts.items(), key=lambda item: -item[1].samples):
        lines.append(f"{name}: {part.samples} samples, {100 * part.samples / total:.1f}% of all")
        ours = [
            (frame, count)
            for frame, count in part.inclusive.most_common()
            if not any(marker in frame for marker in OWN_CODE_MARKERS)
        ]
        lines.append("  inclusive, this project's code:")
        lines += [
            f"    {100 * count / part.samples:5.1f}%  {shown(frame, root)}"
            for frame, count in ours[:top]
        ]
        lines.append("  self, any code:")
        lines += [
            f"    {100 * count / part.samples:5.1f}%  {shown(frame, root)}"
            for frame, count in part.own.most_common(top)
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--top", type=int, default=25, help="functions shown per list")
    arguments = parser.parse_args(argv)
    print(report(read_samples(arguments.folder), top=arguments.top))


if __name__ == "__main__":
    main()
