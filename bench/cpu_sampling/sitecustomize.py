"""CPU samples of the benchmark's processes, when `BENCH_CPU_SAMPLES` names a folder
(`python -m bench.hst --cpu-samples DIR`; read with `python -m bench.cpu_report DIR`).

Python imports this module at start-up in every process whose path holds this folder (the
instances' processes get it added when the variable is set). It samples only processes whose
command line holds one of the words of `BENCH_CPU_SAMPLES_OF` (default: the Celery workers,
gunicorn and the approving processes): the interval timer it starts is kept across `exec`, and
a program that does not handle SIGPROF dies of it.

The samples count CPU, not waits: `ITIMER_PROF` fires after each slice of the process's CPU
time (at the kernel's tick, e.g. 4 ms at 250 Hz), so a process blocked on a socket or a lock
is never sampled. Each sample is the Python stack of the main thread (the one running requests
and tasks in gunicorn's sync workers and Celery's prefork children). Samples are kept only
while the file `ON` exists in the folder (the benchmark creates it for the measured phase),
and written to `<pid>.txt`: the command line, the instance's name, then one line per distinct
stack, `count frame;frame;...`, outermost first.
"""

import os
import sys

FOLDER = os.environ.get("BENCH_CPU_SAMPLES", "")
WORDS = os.environ.get("BENCH_CPU_SAMPLES_OF", "celery gunicorn bench.hst_load").split()
INTERVAL = 0.001  # seconds of CPU; the kernel's tick rounds it up
WRITE_EVERY = 40  # samples: a process killed at the end loses at most these


def _command_line() -> str:
    return " ".join(getattr(sys, "orig_argv", sys.argv))


def _install() -> None:
    import atexit
    import collections
    import signal

    counts: collections.Counter[str] = collections.Counter()
    state = {"taken": 0, "on": False}
    switch = os.path.join(FOLDER, "ON")

    def write() -> None:
        path = os.path.join(FOLDER, f"{os.getpid()}.txt")
        lines = [_command_line().replace("\n", " "), os.environ.get("HST_INSTANCE_NAME", "")]
        lines += [f"{count} {stack}" for stack, count in counts.items()]
        with open(path, "w", encoding="utf-8") as file:
            file.write("\n".join(lines) + "\n")

    def sample(_signum, frame) -> None:
        if not os.path.exists(switch):
            if state["on"]:  # the measured phase just ended
                state["on"] = False
                write()
            return
        state["on"] = True
        frames = []
        while frame is not None:
            code = frame.f_code
            frames.append(f"{code.co_filename}:{code.co_firstlineno}:{code.co_name}")
            frame = frame.f_back
        counts[";".join(reversed(frames))] += 1
        state["taken"] += 1
        if state["taken"] % WRITE_EVERY == 0:
            write()

    def start() -> None:
        signal.signal(signal.SIGPROF, sample)
        signal.setitimer(signal.ITIMER_PROF, INTERVAL, INTERVAL)

    def start_in_child() -> None:  # a fork (Celery's and gunicorn's workers): its own file
        counts.clear()
        state.update(taken=0, on=False)
        start()

    def stop() -> None:
        # Before the interpreter restores SIGPROF's default action, which kills.
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, signal.SIG_IGN)
        if counts:
            write()

    start()
    os.register_at_fork(after_in_child=start_in_child)
    atexit.register(stop)


if FOLDER and any(word in _command_line() for word in WORDS):
    _install()
