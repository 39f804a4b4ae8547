"""The benchmark's CPU sampler (`bench/cpu_sampling/sitecustomize.py`, in real processes) and
its report (`bench.cpu_report`)."""

import os
import subprocess
import sys
from pathlib import Path

from bench import cpu_report

SAMPLER_PATH = Path(cpu_report.__file__).resolve().parent / "cpu_sampling"
BUSY = """
import time
def spin_for_a_while():
    end = time.process_time() + 0.5
    while time.process_time() < end:
        pass
spin_for_a_while()
"""


def run_python(code: str, folder: Path, *, sampled_words: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": str(SAMPLER_PATH),
        "BENCH_CPU_SAMPLES": str(folder),
        "BENCH_CPU_SAMPLES_OF": sampled_words,
        "HST_INSTANCE_NAME": "a",
    }
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, timeout=60, check=False
    )


def test_a_named_process_samples_its_cpu_while_switched_on(tmp_path):
    # given the switch on
    (tmp_path / "ON").touch()

    # when a process whose command line holds a sampled word spins for half a second of CPU
    finished = run_python(BUSY, tmp_path, sampled_words="spin_for_a_while")

    # then it exits normally (the timer stopped before the interpreter's end) and its
    # samples name the busy function, under its command line and instance
    assert finished.returncode == 0, finished.stderr
    (written,) = tmp_path.glob("*.txt")
    command_line, instance, *stacks = written.read_text().splitlines()
    assert "spin_for_a_while" in command_line
    assert instance == "a"
    counts = {line.partition(" ")[2]: int(line.partition(" ")[0]) for line in stacks}
    busy = sum(count for stack, count in counts.items() if "spin_for_a_while" in stack)
    assert busy >= 10  # half a second of CPU at the kernel's tick (4 ms at 250 Hz) or finer
    assert busy >= 0.8 * sum(counts.values())


def test_nothing_is_kept_while_switched_off(tmp_path):
    finished = run_python(BUSY, tmp_path, sampled_words="spin_for_a_while")

    assert finished.returncode == 0, finished.stderr
    assert list(tmp_path.glob("*.txt")) == []


def test_a_process_not_named_is_left_alone(tmp_path):
    (tmp_path / "ON").touch()

    finished = run_python(BUSY, tmp_path, sampled_words="celery gunicorn")

    assert finished.returncode == 0, finished.stderr
    assert list(tmp_path.glob("*.txt")) == []


def test_the_report_adds_up_processes_by_part(tmp_path):
    # given two Celery children of instance a, a web server of b and an approving process
    root = str(Path(cpu_report.__file__).resolve().parent.parent) + "/"
    task = f"{root}messages_hst/tasks.py:38:dispatch_message"
    sign = f"{root}messages_hst/signing.py:138:sign_message"
    library = "/x/.venv/lib/python3.11/site-packages/django/db/models/query.py:611:get"
    files = {
        "1.txt": ["python -m celery -A ncb_cases worker", "a", f"3 {task};{sign}", f"1 {task}"],
        "2.txt": ["python -m celery -A ncb_cases worker", "a", f"4 {task};{library}"],
        "3.txt": ["python -m gunicorn ncb_cases.wsgi:application", "b", f"2 {task}"],
        "4.txt": ["python -m bench.hst_load approve --batch x", "a", f"10 {library}"],
    }
    for name, lines in files.items():
        (tmp_path / name).write_text("\n".join(lines) + "\n")

    # when they are read
    parts = cpu_report.read_samples(tmp_path)

    # then each part holds its processes' samples, inclusive and self
    assert {name: part.samples for name, part in parts.items()} == {
        "a worker": 8,
        "b web": 2,
        "approvers": 10,
    }
    assert parts["a worker"].inclusive[task] == 8
    assert parts["a worker"].own[sign] == 3
    text = cpu_report.report(parts, top=5)
    assert "approvers: 10 samples, 50.0% of all" in text
    assert "100.0%  messages_hst/tasks.py:38:dispatch_message" in text
    assert " 37.5%  messages_hst/signing.py:138:sign_message" in text
    assert "django/db/models/query.py" not in text.split("self, any code")[0]
