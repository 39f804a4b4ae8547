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
  that server, named `ncb_hst_<random>_<name>` and dropped at the end; on SQLite a file. Both
  are clones of a template migrated once per test process (`databases.py`);
- its own NCB_VAR_DIR, signing key (a fresh Ed25519 PEM, NCB_SIGNING_KEY_FILE), evidence store
  and gateway folder;
- a gunicorn web server (2 workers, what production runs; `--preload`) on a free 127.0.0.1
  port;
- a Celery worker (prefork, 2 processes, with the beat for the outbox relay) on Redis when
  REDIS_URL is set — both instances share that Redis database but each has its own queue
  (CELERY_TASK_DEFAULT_QUEUE) and cache key prefix (`instance_settings.py`) — or on kombu's
  filesystem broker in its folder;
- the production settings with DEBUG off (SECRET_KEY generated, ALLOWED_HOSTS 127.0.0.1),
  HST_PEER_ALLOW_HTTP=1 and NCB_REQUIRE_MFA=0 (tokens are how the tests sign in).

Set-up (`bootstrap.py`, both instances in parallel, on the cloned template): the hosted NCB
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
`.password` (of every seeded user), `.queue` (its Celery queue), `.api(token)`,
`.anonymous()` (a client without credentials), `.manage(*args, check=True)`, `.shell(code)`,
`.start_web()`, `.stop_web()`, `.kill_web()`, `.wait_for_web()`, `.start_worker()`,
`.stop_worker()`, `.kill_worker()`, `.wait_for_worker()`, `.web_running`, `.worker_running`,
`.logs()`. `start_*` wait until ready unless given `wait=False`; `stop_*` send SIGTERM (warm
shutdown) and SIGKILL after 15 s; `kill_*` SIGKILL the whole process group at once.
`TwoInstances` has `.a`, `.b`, unpacks as `a, b = pair` and has `.stop()`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from messages_hst import signing
from tests.integration.hst import databases
from tests.integration.hst.instance import (
    BASE_DIR,
    LOG_TAIL_CHARACTERS,
    Instance,
    InstanceError,
    InstanceSpec,
    TwoInstances,
)

__all__ = ["Instance", "InstanceError", "TwoInstances", "free_port", "start_two_instances"]

SETTINGS_MODULE = "tests.integration.hst.instance_settings"
BOOTSTRAP_TIMEOUT_SECONDS = 300
BOOTSTRAP_MARKER = "HST-BOOTSTRAP "


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
    web_threads: int = 1,
    worker_prefetch_multiplier: int | None = None,
    beat: bool = True,
    extra_env: dict[str, str] | None = None,
) -> Iterator[TwoInstances]:
    """Set up and start instances `a` (hosting `codes[0]`) and `b` (hosting `codes[1]`),
    each knowing the other as its peer; stop everything and drop the databases on exit.

    `demo` seeds the demo data (`seed_demo`'s, without its messages) instead of the minimal
    seed; `debug` runs with DEBUG on
    (pages with static files served, as `make run`); `extra_env` is added to both
    environments (e.g. `HST_RELAY_INTERVAL_SECONDS`, `HST_PEER_TIMEOUT_SECONDS`).
    `web_threads` (gunicorn's threads per worker) and `worker_prefetch_multiplier` (the Celery
    worker's; None: the settings') are the benchmark's process options; tests keep the defaults.
    """
    base_dir = Path(base_dir)
    ports = ports or (free_port(), free_port())
    password = password or secrets.token_urlsafe(12)
    run_id = uuid.uuid4().hex[:10]
    base_dir.mkdir(parents=True, exist_ok=True)
    timings = _Timings(base_dir / "setup.log")
    template_url = databases.template_source(_build_template)
    timings.note("template database ready")
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
                    template_url=template_url,
                    run_id=run_id,
                    password=password,
                    debug=debug,
                    extra_env=extra_env or {},
                    worker_concurrency=worker_concurrency,
                    worker_pool=worker_pool,
                    web_workers=web_workers,
                    web_threads=web_threads,
                    worker_prefetch_multiplier=worker_prefetch_multiplier,
                    beat=beat,
                )
            )
        pair = TwoInstances(*instances)
        a, b = pair
        with ThreadPoolExecutor(max_workers=2) as pool:
            seeds = list(pool.map(_bootstrap, [a, b], [b, a], [demo, demo]))
        timings.note("databases cloned and seeded")
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
            instance.wait_for_worker()
        timings.note("web servers and workers ready")
        yield pair
    finally:
        # Nothing of the instances is kept but their logs: no need to wait for a warm
        # shutdown, and a database being dropped ends any connection left.
        for instance in instances:
            instance.kill_web()
            instance.kill_worker()
        for instance in instances:
            _release(instance)


class _Timings:
    """Where the set-up's seconds went, in `<base_dir>/setup.log` (slow machines vary)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.started = self.last = time.monotonic()

    def note(self, what: str) -> None:
        now = time.monotonic()
        with self.path.open("a") as log:
            log.write(f"{what}: +{now - self.last:.1f} s (total {now - self.started:.1f} s)\n")
        self.last = now


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prepare(
    spec: InstanceSpec,
    *,
    template_url: str,
    run_id: str,
    password: str,
    debug: bool,
    extra_env: dict[str, str],
    worker_concurrency: int,
    worker_pool: str,
    web_workers: int,
    web_threads: int,
    worker_prefetch_multiplier: int | None,
    beat: bool,
) -> Instance:
    directory = spec.directory
    (directory / "var").mkdir(parents=True, exist_ok=True)
    key = signing.generate_private_key()
    key_path = directory / "signing-key.pem"
    key_path.write_bytes(signing.private_key_to_pem(key))
    key_path.chmod(0o600)
    queue = f"ncb-hst-{run_id}-{spec.name}"
    database_url = databases.database_clone(
        template_url, f"ncb_hst_{run_id}_{spec.name}", directory
    )
    env = _environment(
        directory,
        database_url=database_url,
        ncb_code=spec.ncb_code,
        key_path=key_path,
        queue=queue,
        debug=debug,
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
        web_threads=web_threads,
        worker_prefetch_multiplier=worker_prefetch_multiplier,
        beat=beat,
        queue=queue,
        public_key=signing.public_key_to_text(key),
        kid=signing.key_id(key),
    )


def _environment(
    directory: Path,
    *,
    database_url: str,
    ncb_code: str,
    key_path: Path | None,
    queue: str,
    debug: bool,
) -> dict[str, str]:
    """The environment of an instance's processes: this one's, minus anything that would
    point them at the test process's database, broker folder or settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_", "CELERY_", "HST_", "NCB_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "PYTHONPATH": os.pathsep.join(_python_path()),
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": database_url,
            "NCB_VAR_DIR": str(directory / "var"),
            "NCB_INSTANCE_CODE": f"NCB-THB-{ncb_code}",
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
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "HST_INSTANCE_CACHE_PREFIX": queue,
            "HST_INSTANCE_NAME": directory.name,
        }
    )
    if key_path is not None:
        env["NCB_SIGNING_KEY_FILE"] = str(key_path)
    return env


def _python_path() -> list[str]:
    """The checkout, and the benchmark's CPU sampler when `BENCH_CPU_SAMPLES` asks for it
    (`bench/cpu_sampling/sitecustomize.py`: Python imports it at start-up from the path)."""
    if os.environ.get("BENCH_CPU_SAMPLES"):
        return [str(BASE_DIR / "bench" / "cpu_sampling"), str(BASE_DIR)]
    return [str(BASE_DIR)]


def _build_template(database_url: str) -> None:
    """Migrate `database_url` and load the reference data (what every instance starts from)."""
    with tempfile.TemporaryDirectory(prefix="ncb-hst-template-var-") as folder:
        env = _environment(
            Path(folder),
            database_url=database_url,
            ncb_code="template",
            key_path=None,
            queue="ncb-hst-template",
            debug=False,
        )
        _run_bootstrap(env, {"template": True}, what="template database")


def _bootstrap(instance: Instance, peer: Instance, demo: bool) -> dict:
    spec = {
        "hosted": instance.ncb_code,
        "peers": {peer.ncb_code: peer.url},
        "peer_keys": {peer.ncb_code: peer.public_key},
        "peer_note": f"two-instance harness: instance {peer.name} at {peer.url}",
        "password": instance.password,
        "demo": demo,
        "migrated": True,
    }
    result = _run_bootstrap(instance.env, spec, what=instance.name)
    (instance.directory / "manage.log").write_text(f"$ bootstrap → exit 0\n{result.stderr}")
    lines = [line for line in result.stdout.splitlines() if line.startswith(BOOTSTRAP_MARKER)]
    return json.loads(lines[-1][len(BOOTSTRAP_MARKER) :])


def _run_bootstrap(env: dict[str, str], spec: dict, *, what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "tests.integration.hst.bootstrap", json.dumps(spec)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=BOOTSTRAP_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0 or BOOTSTRAP_MARKER not in result.stdout:
        raise InstanceError(
            f"{what}: set-up failed (exit {result.returncode}):\n"
            f"{result.stdout[-LOG_TAIL_CHARACTERS:]}\n{result.stderr[-LOG_TAIL_CHARACTERS:]}"
        )
    return result


def _release(instance: Instance) -> None:
    errors = []
    for what, cleanup in (
        ("database", lambda: databases.database_drop(instance.database_url)),
        (
            "redis",
            lambda: databases.redis_keys_forget(instance.env.get("REDIS_URL", ""), instance.queue),
        ),
    ):
        try:
            cleanup()
        except Exception as error:  # keep releasing the rest; say what stayed behind
            errors.append(f"{what}: {error}")
    if errors:
        sys.stderr.write(f"{instance.name}: clean-up incomplete: {'; '.join(errors)}\n")
