"""One running instance of the application for the two-instance harness: its processes
(gunicorn, the Celery worker), its environment, `manage.py` in that environment and an HTTP
client on its URL. `instances.py` sets instances up; its docstring is the harness's manual.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BASE_DIR = Path(__file__).resolve().parents[3]
READY_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 15
LOG_TAIL_CHARACTERS = 6000


class InstanceError(RuntimeError):
    """An instance could not be set up, started or driven; the message carries its logs."""


@dataclass
class InstanceSpec:
    """What one instance hosts and where it listens, known before anything starts."""

    name: str
    ncb_code: str
    port: int
    directory: Path


@dataclass
class Instance:
    """One running instance: its processes, its environment and what its seed created."""

    name: str
    ncb_code: str
    port: int
    directory: Path
    database_url: str
    env: dict[str, str]
    password: str
    worker_concurrency: int = 2
    worker_pool: str = "prefork"
    web_workers: int = 2
    # Benchmark options (None / 1: what production runs): the Celery worker's prefetch
    # multiplier (the settings' CELERY_WORKER_PREFETCH_MULTIPLIER when None) and gunicorn's
    # threads per web worker (1: the sync worker).
    worker_prefetch_multiplier: int | None = None
    web_threads: int = 1
    beat: bool = True
    tokens: dict[str, str] = field(default_factory=dict)
    case_id: str | None = None
    public_key: str = ""
    kid: str = ""
    queue: str = ""
    _web: subprocess.Popen | None = field(default=None, repr=False)
    _worker: subprocess.Popen | None = field(default=None, repr=False)
    _worker_log_offset: int = field(default=0, repr=False)

    # --- Addresses and clients ------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, token: str, **options) -> httpx.Client:
        """An HTTP client on this instance's URL sending `Authorization: Token <token>`.
        Close it (or use it in a `with` block) when done."""
        options.setdefault("timeout", 30.0)
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Token {token}"}, **options
        )

    def anonymous(self, **options) -> httpx.Client:
        """An HTTP client without credentials (the inbox, /readyz)."""
        options.setdefault("timeout", 30.0)
        return httpx.Client(base_url=self.url, **options)

    # --- manage.py ------------------------------------------------------------------------

    def manage(
        self, *args: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess:
        """Run `manage.py *args` in this instance's environment; output in the result (text).
        Raises InstanceError with the output on a non-zero exit when `check`."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        with (self.directory / "manage.log").open("a") as log:
            log.write(f"$ manage.py {' '.join(args)[:200]}  → exit {result.returncode}\n")
            log.write(result.stdout[-LOG_TAIL_CHARACTERS:] + result.stderr[-LOG_TAIL_CHARACTERS:])
        if check and result.returncode != 0:
            raise InstanceError(
                f"{self.name}: manage.py {args[0] if args else ''} exited "
                f"{result.returncode}:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def shell(self, code: str, *, timeout: float = 120) -> str:
        """Run Python `code` with `manage.py shell -c` and return what it printed."""
        return self.manage("shell", "--no-imports", "-c", code, timeout=timeout).stdout

    # --- Processes ------------------------------------------------------------------------

    @property
    def web_running(self) -> bool:
        return self._web is not None and self._web.poll() is None

    @property
    def worker_running(self) -> bool:
        return self._worker is not None and self._worker.poll() is None

    def start_web(self, *, wait: bool = True) -> None:
        """Start gunicorn on `self.port`; with `wait`, return once /readyz answers 200."""
        if self.web_running:
            return
        self._web = self._spawn(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "ncb_cases.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={self.web_workers}",
                f"--threads={self.web_threads}",
                "--timeout=60",
                "--graceful-timeout=5",
                "--access-logfile=-",
                # The application is imported once, in the master, then forked: two
                # instances' web workers do not each spend a second of CPU starting Django.
                "--preload",
                "--error-logfile=-",
            ],
        )
        if wait:
            self.wait_for_web()

    def wait_for_web(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        last = "no answer"
        while time.monotonic() < deadline:
            if not self.web_running:
                raise InstanceError(f"{self.name}: the web server exited.\n{self.logs()}")
            try:
                response = httpx.get(f"{self.url}/readyz", timeout=2)
            except httpx.HTTPError as error:
                last = type(error).__name__
            else:
                if response.status_code == 200:
                    return
                last = f"{response.status_code} {response.text[:200]}"
            time.sleep(0.1)
        raise InstanceError(
            f"{self.name}: /readyz not ready in {READY_TIMEOUT_SECONDS} s ({last}).\n{self.logs()}"
        )

    def stop_web(self) -> None:
        """SIGTERM (gunicorn's graceful stop), SIGKILL after STOP_TIMEOUT_SECONDS."""
        _stop(self._web, signal.SIGTERM)
        self._web = None

    def kill_web(self) -> None:
        """SIGKILL the web server and its workers at once."""
        _stop(self._web, signal.SIGKILL)
        self._web = None

    def start_worker(self, *, wait: bool = True) -> None:
        """Start the Celery worker (with the beat unless `beat` is off); with `wait`, return
        once it consumes its queue."""
        if self.worker_running:
            return
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ncb_cases",
            "worker",
            f"--pool={self.worker_pool}",
            f"--concurrency={self.worker_concurrency}",
            "--loglevel=INFO",
            f"--queues={self.queue}",
            f"--hostname={self.queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if self.worker_prefetch_multiplier is not None:
            command.append(f"--prefetch-multiplier={self.worker_prefetch_multiplier}")
        if self.beat:
            command += ["--beat", f"--schedule={self.directory / 'celerybeat-schedule'}"]
        log_path = self.directory / "worker.log"
        self._worker_log_offset = log_path.stat().st_size if log_path.exists() else 0
        self._worker = self._spawn("worker", command)
        if wait:
            self.wait_for_worker()

    def wait_for_worker(self) -> None:
        """Return once the worker started last consumes its queue (InstanceError if it exits
        or takes longer than READY_TIMEOUT_SECONDS)."""
        # The worker logs "celery@<hostname> ready." once it consumes (see the single-worker
        # fixture in tests/integration/conftest.py); only this start's part of the log counts.
        log_path = self.directory / "worker.log"
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if not self.worker_running:
                raise InstanceError(f"{self.name}: the Celery worker exited.\n{self.logs()}")
            with log_path.open("rb") as log:
                log.seek(self._worker_log_offset)
                if b" ready." in log.read():
                    return
            time.sleep(0.1)
        raise InstanceError(
            f"{self.name}: the Celery worker was not ready in {READY_TIMEOUT_SECONDS} s.\n"
            f"{self.logs()}"
        )

    def stop_worker(self) -> None:
        """SIGTERM: warm shutdown (running tasks finish); SIGKILL after STOP_TIMEOUT_SECONDS."""
        _stop(self._worker, signal.SIGTERM)
        self._worker = None

    def kill_worker(self) -> None:
        """SIGKILL the worker and its pool processes at once: tasks die mid-flight."""
        _stop(self._worker, signal.SIGKILL)
        self._worker = None

    def stop(self) -> None:
        self.stop_web()
        self.stop_worker()

    def _spawn(self, kind: str, command: list[str]) -> subprocess.Popen:
        log = (self.directory / f"{kind}.log").open("ab")
        try:
            # A session of its own: stopping signals the whole group (gunicorn's and the
            # pool's children too), never this test process.
            return subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()

    def process_ids(self) -> dict[str, int]:
        """{"web": pid, "worker": pid} of the running processes: each leads a session of its
        own holding its children (the benchmark's CPU accounting, `bench/hst_cpu.py`)."""
        processes = {"web": self._web, "worker": self._worker}
        return {kind: p.pid for kind, p in processes.items() if p is not None and p.poll() is None}

    def logs(self) -> str:
        """The tails of this instance's logs, for a failure report."""
        parts = []
        for kind in ("web", "worker", "manage"):
            path = self.directory / f"{kind}.log"
            if path.exists():
                text = path.read_text(errors="replace")[-LOG_TAIL_CHARACTERS:]
                parts.append(f"----- {self.name} {kind}.log ({path}) -----\n{text}")
        return "\n".join(parts)


@dataclass
class TwoInstances:
    a: Instance
    b: Instance

    def __iter__(self) -> Iterator[Instance]:
        return iter((self.a, self.b))

    def logs(self) -> str:
        return "\n".join(instance.logs() for instance in self)

    def stop(self) -> None:
        for instance in self:
            instance.stop()


def _stop(process: subprocess.Popen | None, first_signal: int) -> None:
    """Signal the process group, wait, then SIGKILL the group if it is still there."""
    if process is None:
        return
    with contextlib.suppress(ProcessLookupError):
        if first_signal == signal.SIGKILL:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            # The leader only: gunicorn's master and Celery's main process stop their
            # children themselves, as in production.
            process.send_signal(first_signal)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    # Children left behind by a killed leader (pool processes, gunicorn workers).
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
