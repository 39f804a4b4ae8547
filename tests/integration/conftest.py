"""A real Celery worker for integration tests, on the test database and the test's broker.

`celery_worker` starts `celery -A ncb_cases worker --pool=solo` as a separate process with the
environment of the tests, pointed at the test database (rows must be committed for it to see
them: the fixture uses `transactional_db`) and at the broker the tests send to: Redis when
REDIS_URL is set, otherwise kombu's filesystem broker in a temporary folder that the test
process switches to as well. The worker consumes a queue of its own, so that another worker on
the same Redis (a developer's `make run`, a parallel test run) cannot take its tasks.
"""

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection
from kombu import pools as kombu_pools

from ncb_cases import keys

READY_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 15


@dataclass
class CeleryWorker:
    process: subprocess.Popen
    log_path: Path
    queue: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, condition, seconds: float = 60) -> None:
        """Poll `condition()` until it is true; fail with the worker's log after `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        pytest.fail(f"The worker did not finish in {seconds} s:\n{self.log()}")


@pytest.fixture
def signing_key(monkeypatch, settings, tmp_path):
    """One instance key file for this process and the worker: request it before
    `celery_worker` (the worker reads the environment when it starts)."""
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "ncb-signing-key.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setenv(keys.KEY_FILE_SETTING, str(path))
    monkeypatch.delenv(keys.INSTANCE_CODE_SETTING, raising=False)
    settings.NCB_SIGNING_KEY_FILE = str(path)
    return key


def worker_database_url() -> str:
    """The URL of the database the tests run on, for a process that reads DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        # settings.py keeps the SQLite test database in a file, so another process can open it.
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "localhost"
        port = db["PORT"] or 5432
        return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"
    raise NotImplementedError(f"No worker database URL for {connection.vendor}")


def filesystem_broker_options(folder: Path) -> dict:
    # The same layout as settings.py builds from CELERY_BROKER_DIR.
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


def forget_broker_connections(app) -> None:
    # Pooled connections keep the transport options they were opened with; drop them so that
    # the next task is sent with the current ones (what Celery itself does after a fork).
    # kombu also keeps producer pools in a registry of its own, keyed by connection: a pool
    # closed here but left there answers "Acquire on closed pool" to the next test's send.
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_worker(transactional_db, settings, tmp_path):
    """A running worker consuming this test's queue; stopped (warm shutdown) afterwards."""
    from ncb_cases.celery import app

    queue = f"ncb-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ncb_cases.settings",
        "DATABASE_URL": worker_database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "PYTHONUNBUFFERED": "1",
        # What the worker itself enqueues (a task chaining the next) stays on its queue.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    # The Celery app reads the CELERY_* Django settings live, so overriding them (undone by
    # the `settings` fixture) points this process at the worker's broker folder and queue.
    if not settings.REDIS_URL:
        broker_folder = tmp_path / "broker"
        env["CELERY_BROKER_DIR"] = str(broker_folder)
        settings.CELERY_BROKER_DIR = broker_folder
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(broker_folder)
        for key in ("data_folder_in", "processed_folder"):
            Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]).mkdir(parents=True)
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    forget_broker_connections(app)

    log_path = tmp_path / "celery-worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ncb_cases",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                f"--queues={queue}",
                f"--hostname={queue}@%h",
                # Nothing to synchronise with: these only slow the start-up down.
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    worker = CeleryWorker(process=process, log_path=log_path, queue=queue)
    try:
        wait_until_ready(worker)
        yield worker
    finally:
        process.terminate()  # SIGTERM: warm shutdown, the current task finishes
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if settings.REDIS_URL:
            delete_redis_queue(app, queue)
        forget_broker_connections(app)


def wait_until_ready(worker: CeleryWorker) -> None:
    # The worker logs "celery@<hostname> ready." once it consumes; polling its log works with
    # every broker, where `app.control.ping` needs a broadcast-capable one.
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            pytest.fail(f"The Celery worker exited at start-up:\n{worker.log()}")
        if " ready." in worker.log():
            return
        time.sleep(0.1)
    pytest.fail(f"The Celery worker was not ready in {READY_TIMEOUT_SECONDS} s:\n{worker.log()}")


def delete_redis_queue(app, queue: str) -> None:
    # The queue's list is gone once empty, but kombu's binding set for it would stay behind.
    with app.connection_for_write() as conn:
        conn.default_channel.client.delete(queue, f"_kombu.binding.{queue}")
