"""Two real instances of the application on this machine, for HST exchange tests and the demo.

    from tests.integration.hst.instances import start_two_instances

    with start_two_instances(base_dir) as pair:        # or the `two_instances` pytest fixture
        a, b = pair.a, pair.b                           # a hosts FR, b hosts DE
        officer = a.api(a.tokens["officer_fr"])         # an httpx.Client on a's URL, token set
        officer.get("/api/v1/messages/").json()
        b.manage("shell", "-c", "print(1)")            # manage.py in b's environment
        b.kill_worker(); b.start_worker()               # SIGKILL the worker, then restart it

Each instance has, under `base_dir/<name>/`:
- its own database: on PostgreSQL (when DATABASE_URL names one) a database created for it on
  that server, named `ncb_hst_<random>_<name>` and dropped at the end; on SQLite a file;
- its own NCB_VAR_DIR, signing key (a fresh Ed25519 PEM, NCB_SIGNING_KEY_FILE), evidence store
  and gateway folder;
- a gunicorn web server (2 workers, what production runs) on a free 127.0.0.1 port;
- a Celery worker (prefork, 2 processes, with the beat for the outbox relay) on Redis when
  REDIS_URL is set — both instances share that Redis database but each has its own queue and
  cache key prefix (`instance_settings.py`) — or on kombu's filesystem broker in its folder;
- the production settings with DEBUG off (SECRET_KEY generated, ALLOWED_HOSTS 127.0.0.1),
  HST_PEER_ALLOW_HTTP=1 and NCB_REQUIRE_MFA=0 (tokens are how the tests sign in).

Set-up (`bootstrap.py`, both instances in parallel): migrate, reference data, the hosted NCB
`local` and the other `peer` at the other instance's URL (`hst_set_transport`), the other
instance's public key registered (`hst_register_key`), the seed (users `officer_<cc>`,
`officer2_<cc>`, `supervisor_<cc>`, `supervisor2_<cc>`, `analyst_<cc>` of the hosted NCB with
API tokens, one case of `officer_<cc>`). Processes are started with `subprocess` in
their own process groups and always torn down, also when set-up fails. Their output goes to
`<name>/web.log`, `<name>/worker.log` and `<name>/manage.log`; `Instance.logs()` returns the
tails, which the fixture prints when a test fails.

API of an `Instance` (stable; the fault tests and the benchmark build on it):
`.name`, `.ncb_code`, `.url`, `.port`, `.database_url`, `.directory`, `.env`, `.tokens`
(username → API token key), `.case_id` (public id of the seeded case), `.public_key`, `.kid`,
`.password` (of every seeded user), `.api(token)`, `.manage(*args, check=True)`,
`.shell(code)`, `.start_web()`, `.stop_web()`, `.kill_web()`, `.start_worker()`,
`.stop_worker()`, `.kill_worker()`, `.web_running`, `.worker_running`, `.logs()`.
`TwoInstances` has `.a`, `.b`, unpacks as `a, b = pair` and has `.stop()`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import dj_database_url
import httpx

from messages_hst import signing

BASE_DIR = Path(__file__).resolve().parents[3]
SETTINGS_MODULE = "tests.integration.hst.instance_settings"
READY_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 15
BOOTSTRAP_TIMEOUT_SECONDS = 300
LOG_TAIL_CHARACTERS = 6000
BOOTSTRAP_MARKER = "HST-BOOTSTRAP "


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
    beat: bool = True
    tokens: dict[str, str] = field(default_factory=dict)
    case_id: str | None = None
    public_key: str = ""
    kid: str = ""
    queue: str = ""
    _web: subprocess.Popen | None = field(default=None, repr=False)
    _worker: subprocess.Popen | None = field(default=None, repr=False)

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
                "--timeout=60",
                "--graceful-timeout=5",
                "--access-logfile=-",
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
        if self.beat:
            command += ["--beat", f"--schedule={self.directory / 'celerybeat-schedule'}"]
        log_path = self.directory / "worker.log"
        offset = log_path.stat().st_size if log_path.exists() else 0
        self._worker = self._spawn("worker", command)
        if wait:
            self._wait_for_worker(log_path, offset)

    def _wait_for_worker(self, log_path: Path, offset: int) -> None:
        # The worker logs "celery@<hostname> ready." once it consumes (see the single-worker
        # fixture in tests/integration/conftest.py); only this start's part of the log counts.
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if not self.worker_running:
                raise InstanceError(f"{self.name}: the Celery worker exited.\n{self.logs()}")
            with log_path.open("rb") as log:
                log.seek(offset)
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


# --- Setting up -------------------------------------------------------------------------


@contextlib.contextmanager
def start_two_instances(
    base_dir: Path,
    *,
    codes: tuple[str, str] = ("FR", "DE"),
    ports: tuple[int, int] | None = None,
    demo: bool = False,
    debug: bool = False,
    password: str | None = None,
    worker_concurrency: int = 2,
    worker_pool: str = "prefork",
    web_workers: int = 2,
    beat: bool = True,
    extra_env: dict[str, str] | None = None,
) -> Iterator[TwoInstances]:
    """Set up and start instances `a` (hosting `codes[0]`) and `b` (hosting `codes[1]`),
    each knowing the other as its peer; stop everything and drop the databases on exit.

    `demo` seeds with `seed_demo` instead of the minimal seed; `debug` runs with DEBUG on
    (pages with static files served, as `make run`); `extra_env` is added to both
    environments (e.g. `HST_INSTANCE_RELAY_SECONDS`, `HST_PEER_TIMEOUT_SECONDS`).
    """
    base_dir = Path(base_dir)
    ports = ports or (free_port(), free_port())
    password = password or secrets.token_urlsafe(12)
    run_id = uuid.uuid4().hex[:10]
    specs = [
        InstanceSpec(name, code, port, base_dir / name)
        for name, code, port in zip(("a", "b"), codes, ports, strict=True)
    ]
    instances: list[Instance] = []
    try:
        for spec in specs:
            instances.append(
                _prepare(
                    spec,
                    run_id=run_id,
                    password=password,
                    debug=debug,
                    extra_env=extra_env or {},
                    worker_concurrency=worker_concurrency,
                    worker_pool=worker_pool,
                    web_workers=web_workers,
                    beat=beat,
                )
            )
        pair = TwoInstances(*instances)
        a, b = pair
        with ThreadPoolExecutor(max_workers=2) as pool:
            seeds = list(pool.map(_bootstrap, [a, b], [b, a], [demo, demo]))
        for instance, seed in zip(pair, seeds, strict=True):
            if seed["kid"] != instance.kid:  # hst_public_key must print the configured key
                raise InstanceError(f"{instance.name}: hst_public_key printed kid {seed['kid']}")
            instance.tokens = seed["tokens"]
            instance.case_id = seed["case_id"]
        for instance in pair:
            instance.start_web(wait=False)
            instance.start_worker(wait=False)
        for instance in pair:
            instance.wait_for_web()
            instance._wait_for_worker(instance.directory / "worker.log", 0)
        yield pair
    finally:
        # Nothing of the instances is kept but their logs: no need to wait for a warm
        # shutdown, and a database being dropped ends any connection left.
        for instance in instances:
            instance.kill_web()
            instance.kill_worker()
        for instance in instances:
            _release(instance)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prepare(
    spec: InstanceSpec,
    *,
    run_id: str,
    password: str,
    debug: bool,
    extra_env: dict[str, str],
    worker_concurrency: int,
    worker_pool: str,
    web_workers: int,
    beat: bool,
) -> Instance:
    directory = spec.directory
    (directory / "var").mkdir(parents=True, exist_ok=True)
    key = signing.generate_private_key()
    key_path = directory / "signing-key.pem"
    key_path.write_bytes(signing.private_key_to_pem(key))
    key_path.chmod(0o600)
    queue = f"ncb-hst-{run_id}-{spec.name}"
    database_url = _create_database(f"ncb_hst_{run_id}_{spec.name}", directory)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_", "CELERY_", "HST_", "NCB_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "PYTHONPATH": str(BASE_DIR),
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": database_url,
            "NCB_VAR_DIR": str(directory / "var"),
            "NCB_SIGNING_KEY_FILE": str(key_path),
            "NCB_INSTANCE_CODE": f"NCB-THB-{spec.ncb_code}",
            "NCB_REQUIRE_MFA": "0",
            "DEBUG": "1" if debug else "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_COOKIES": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "EVIDENCE_FILE_ROOT": str(directory / "var" / "evidence-files"),
            "CELERY_BROKER_DIR": str(directory / "broker"),
            "HST_GATEWAY_DIR": str(directory / "gateway"),
            "HST_PEER_ALLOW_HTTP": "1",
            "HST_INSTANCE_QUEUE": queue,
            "HST_INSTANCE_CACHE_PREFIX": queue,
        }
    )
    env.update(extra_env)
    return Instance(
        name=spec.name,
        ncb_code=spec.ncb_code,
        port=spec.port,
        directory=directory,
        database_url=database_url,
        env=env,
        password=password,
        worker_concurrency=worker_concurrency,
        worker_pool=worker_pool,
        web_workers=web_workers,
        beat=beat,
        queue=queue,
        public_key=signing.public_key_to_text(key),
        kid=signing.key_id(key),
    )


def _bootstrap(instance: Instance, peer: Instance, demo: bool) -> dict:
    spec = {
        "hosted": instance.ncb_code,
        "peers": {peer.ncb_code: peer.url},
        "peer_keys": {peer.ncb_code: peer.public_key},
        "peer_note": f"two-instance harness: instance {peer.name} at {peer.url}",
        "password": instance.password,
        "demo": demo,
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.integration.hst.bootstrap", json.dumps(spec)],
        cwd=BASE_DIR,
        env=instance.env,
        capture_output=True,
        text=True,
        timeout=BOOTSTRAP_TIMEOUT_SECONDS,
        check=False,
    )
    (instance.directory / "manage.log").write_text(
        f"$ bootstrap → exit {result.returncode}\n{result.stderr}"
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith(BOOTSTRAP_MARKER)]
    if result.returncode != 0 or not lines:
        raise InstanceError(
            f"{instance.name}: set-up failed (exit {result.returncode}):\n"
            f"{result.stdout[-LOG_TAIL_CHARACTERS:]}\n{result.stderr[-LOG_TAIL_CHARACTERS:]}"
        )
    return json.loads(lines[-1][len(BOOTSTRAP_MARKER) :])


# --- Databases and brokers ----------------------------------------------------------------


def _server_database_settings() -> dict | None:
    """The PostgreSQL server of DATABASE_URL, or None when the tests run on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return None
    parsed = dj_database_url.parse(url)
    if "postgresql" not in parsed["ENGINE"]:
        return None
    return parsed


def _create_database(name: str, directory: Path) -> str:
    server = _server_database_settings()
    if server is None:
        return f"sqlite:///{directory / 'db.sqlite3'}"
    with _admin_connection(server) as connection, connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(server["USER"] or "", safe="")
    if server["PASSWORD"]:
        credentials += ":" + quote(server["PASSWORD"], safe="")
    host = server["HOST"] or "localhost"
    port = server["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{name}"


def _drop_database(database_url: str) -> None:
    server = _server_database_settings()
    if server is None or not database_url.startswith("postgres"):
        return
    name = urlsplit(database_url).path.lstrip("/")
    with _admin_connection(server) as connection, connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def _admin_connection(server: dict):
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres",
        user=server["USER"] or None,
        password=server["PASSWORD"] or None,
        host=server["HOST"] or None,
        port=server["PORT"] or None,
    )
    connection.autocommit = True  # CREATE / DROP DATABASE cannot run in a transaction
    try:
        yield connection
    finally:
        connection.close()


def _forget_redis_keys(instance: Instance) -> None:
    url = instance.env.get("REDIS_URL", "")
    if not url:
        return
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = [instance.queue, f"_kombu.binding.{instance.queue}"]
        keys += list(client.scan_iter(match=f"{instance.queue}:*"))  # the cache's entries
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def _release(instance: Instance) -> None:
    errors = []
    for cleanup in (_drop_database, _forget_redis_keys):
        try:
            cleanup(instance.database_url if cleanup is _drop_database else instance)
        except Exception as error:  # keep releasing the rest; say what stayed behind
            errors.append(f"{cleanup.__name__}: {error}")
    if errors:
        sys.stderr.write(f"{instance.name}: clean-up incomplete: {'; '.join(errors)}\n")


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
