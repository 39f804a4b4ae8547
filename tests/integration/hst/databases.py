"""The databases (and Redis keys) of the two-instance harness.

An instance's database is a copy of a *template*: migrated and loaded with the reference data
once per test process (`template_source`), then cloned for every instance — `CREATE DATABASE
… TEMPLATE …` on PostgreSQL, SQLite's online backup on SQLite. Migrating costs seconds of CPU
per database; cloning costs a fraction of one, which matters on a small machine where every
module of fault tests starts its own pair.

On PostgreSQL (DATABASE_URL names one) the databases live on that server, named
`ncb_hst_<random>_<name>` (`ncb_hst_template_<random>` for the template) and are dropped at the
end (the template when the process exits); on SQLite they are files.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlsplit

import dj_database_url

_template_lock = threading.Lock()
_templates: dict[str, str] = {}


def server_settings() -> dict | None:
    """The PostgreSQL server of DATABASE_URL, or None when the tests run on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return None
    parsed = dj_database_url.parse(url)
    if "postgresql" not in parsed["ENGINE"]:
        return None
    return parsed


def template_source(build: Callable[[str], None]) -> str:
    """The URL of this process's template database, built on first use by `build(url)`
    (which must migrate and load the reference data, then close its connections)."""
    server = server_settings()
    kind = "postgresql" if server else "sqlite"
    with _template_lock:
        if kind not in _templates:
            if server:
                name = f"ncb_hst_template_{uuid.uuid4().hex[:10]}"
                url = _create(server, name)
                atexit.register(_drop_quietly, url)
            else:
                folder = Path(tempfile.mkdtemp(prefix="ncb-hst-template-"))
                atexit.register(shutil.rmtree, folder, ignore_errors=True)
                url = f"sqlite:///{folder / 'db.sqlite3'}"
            try:
                build(url)
            except BaseException:
                if server:
                    _drop_quietly(url)
                raise
            _templates[kind] = url
        return _templates[kind]


def database_clone(template_url: str, name: str, directory: Path) -> str:
    """A new database `name` (a file in `directory` on SQLite) holding a copy of the
    template; returns its URL."""
    server = server_settings()
    if server is None:
        path = directory / "db.sqlite3"
        source = sqlite3.connect(template_url[len("sqlite:///") :])
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return f"sqlite:///{path}"
    template = urlsplit(template_url).path.lstrip("/")
    return _create(server, name, template=template)


def database_drop(database_url: str) -> None:
    """Drop an instance's PostgreSQL database, ending its connections (SQLite: nothing)."""
    server = server_settings()
    if server is None or not database_url.startswith("postgres"):
        return
    name = urlsplit(database_url).path.lstrip("/")
    with _admin_connection(server) as connection, connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_keys_forget(redis_url: str, queue: str) -> None:
    """Delete an instance's queue, its kombu binding and its cache entries (prefix = queue)."""
    if not redis_url:
        return
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = [queue, f"_kombu.binding.{queue}"]
        keys += list(client.scan_iter(match=f"{queue}:*"))
        client.delete(*keys)
    finally:
        client.close()


def _create(server: dict, name: str, *, template: str | None = None) -> str:
    clause = f' TEMPLATE "{template}"' if template else ""
    with _admin_connection(server) as connection, connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"{clause}')
    credentials = quote(server["USER"] or "", safe="")
    if server["PASSWORD"]:
        credentials += ":" + quote(server["PASSWORD"], safe="")
    host = server["HOST"] or "localhost"
    port = server["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{name}"


def _drop_quietly(database_url: str) -> None:
    with contextlib.suppress(Exception):
        database_drop(database_url)


@contextlib.contextmanager
def _admin_connection(server: dict):
    import psycopg

    connection = psycopg.connect(
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
