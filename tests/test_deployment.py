"""docker-compose.yml cannot run here (no Docker engine): its structure is checked instead, and
its database init script is run against the test run's PostgreSQL: the owner role migrates, the
application role passes `check --deploy --database default`, the owner and a superuser do not."""

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import psycopg.errors
import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_every_production_service(compose):
    assert {"postgres", "redis", "web", "worker", "beat", "migrate"} <= set(compose["services"])


@pytest.mark.parametrize("service", ["postgres", "redis", "web", "worker", "beat"])
def test_long_running_services_have_health_checks(compose, service):
    assert compose["services"][service]["healthcheck"]["test"]


@pytest.mark.parametrize("service", ["postgres", "redis", "web", "worker", "beat", "migrate"])
def test_images_are_pinned_to_a_version(compose, service):
    image = compose["services"][service]["image"]
    tag = image.partition(":")[2]
    assert tag, f"{service} image {image} is not pinned"
    assert tag != "latest", f"{service} image {image} is not pinned"
    assert re.search(r"\d", tag)


def test_postgres_keeps_its_data_in_a_named_volume(compose):
    volumes = compose["services"]["postgres"]["volumes"]
    assert any(v.startswith("pgdata:") for v in volumes)
    assert "pgdata" in compose["volumes"]


@pytest.mark.parametrize("service", ["web", "worker", "beat", "migrate"])
def test_application_services_are_wired_to_postgres_redis_and_a_secret_key(compose, service):
    env = compose["services"][service]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert env["DEBUG"] == "0"


def test_web_runs_gunicorn_after_migrations(compose):
    web = compose["services"]["web"]
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "gunicorn" in dockerfile
    assert "ncb_cases.wsgi" in dockerfile


def test_worker_and_beat_run_the_project_celery_app(compose):
    worker_command = compose["services"]["worker"]["command"]
    beat_command = compose["services"]["beat"]["command"]
    assert worker_command[:4] == ["celery", "-A", "ncb_cases", "worker"]
    assert beat_command[:4] == ["celery", "-A", "ncb_cases", "beat"]


# --- The two database roles (docker/postgres-init/) ---------------------------------------

INIT_DIR = ROOT / "docker" / "postgres-init"


def test_migrate_connects_as_the_owner_and_the_long_running_services_as_the_app_role(compose):
    # when
    urls = {name: compose["services"][name]["environment"]["DATABASE_URL"] for name in
            ("migrate", "web", "worker", "beat")}  # fmt: skip

    # then
    assert urls["migrate"].startswith("postgres://ncb_owner:${NCB_DB_OWNER_PASSWORD:?")
    for service in ("web", "worker", "beat"):
        assert urls[service].startswith("postgres://ncb_app:${NCB_DB_APP_PASSWORD:?")


def test_postgres_creates_both_roles_on_first_start(compose):
    # given
    postgres = compose["services"]["postgres"]
    script = (INIT_DIR / "10-ncb-roles.sh").read_text()

    # then: the init folder is mounted, and every variable the script reads is set
    assert "./docker/postgres-init:/docker-entrypoint-initdb.d:ro" in postgres["volumes"]
    assert postgres["environment"]["NCB_DB_OWNER"] == "ncb_owner"
    assert postgres["environment"]["NCB_DB_APP"] == "ncb_app"
    for variable in re.findall(r"\$(\w+)", script):
        assert variable in postgres["environment"], variable
    assert os.access(INIT_DIR / "10-ncb-roles.sh", os.X_OK)
    # the .psql file needs psql variables: the image must not run it on its own
    assert not list(INIT_DIR.glob("*.sql"))


def _postgres_server() -> dict | None:
    """Host, port, user and password of the test run's PostgreSQL server (a superuser)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"] or shutil.which("psql") is None:
        return None
    return {
        "host": database.get("HOST") or "127.0.0.1",
        "port": str(database.get("PORT") or 5432),
        "user": database.get("USER") or "postgres",
        "password": database.get("PASSWORD") or "",
    }


def _psql(server: dict, *arguments: str, database: str = "postgres") -> None:
    subprocess.run(
        ["psql", "--no-psqlrc", "-X", "-q", "-h", server["host"], "-p", server["port"],
         "-U", server["user"], "-d", database, "--set", "ON_ERROR_STOP=1", *arguments],
        env={**os.environ, "PGPASSWORD": server["password"]},
        check=True, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def _manage(tmp_path, database_url: str, *arguments: str) -> subprocess.CompletedProcess:
    """`manage.py <arguments>` with production settings, connected as in `database_url`."""
    key_file = tmp_path / "signing_key.pem"
    if not key_file.exists():
        key_file.write_bytes(
            Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_file.chmod(0o600)
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_SSL_REDIRECT"}},
        "DATABASE_URL": database_url,
        "SECRET_KEY": "q7-Rk2vX9pLm4Tz8Wb1Nc6Hd3Js5Fg0Ya_Ue7Io2Pq9Lr4Kt8Vx1Zm6Cb3Nh5Dj0Gs",
        "ALLOWED_HOSTS": "ncb.example.org",
        "BEHIND_TLS_PROXY": "1",
        "NCB_SIGNING_KEY_FILE": str(key_file),
        "NCB_VAR_DIR": str(tmp_path / "var"),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.fixture(scope="module")
def two_roles(tmp_path_factory):
    """A throwaway database set up as docker-compose's postgres does on its first start (the
    init script, run by psql as a superuser), migrated by the owner role. Dropped after."""
    server = _postgres_server()
    if server is None:
        pytest.skip("needs PostgreSQL and psql")
    suffix = secrets.token_hex(4)
    names = {
        "dbname": f"ncbroles_{suffix}",  # not test_…: evidence.E003 refuses those names
        "owner_role": f"ncbroles_owner_{suffix}",
        "owner_password": secrets.token_urlsafe(18),
        "app_role": f"ncbroles_app_{suffix}",
        "app_password": secrets.token_urlsafe(18),
    }
    tmp_path = tmp_path_factory.mktemp("two-roles")
    address = f"{server['host']}:{server['port']}/{names['dbname']}"
    urls = {
        "owner": f"postgres://{names['owner_role']}:{names['owner_password']}@{address}",
        "app": f"postgres://{names['app_role']}:{names['app_password']}@{address}",
        "superuser": f"postgres://{server['user']}:{server['password']}@{address}",
    }
    try:
        _psql(server, "-c", f'CREATE DATABASE "{names["dbname"]}"')
        variables = [part for item in names.items() for part in ("--set", "=".join(item))]
        _psql(server, *variables, "-f", str(INIT_DIR / "ncb-roles.psql"))
        migrated = _manage(tmp_path, urls["owner"], "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr
        yield {"server": server, "names": names, "urls": urls, "tmp_path": tmp_path}
    finally:
        _psql(server, "-c", f'DROP DATABASE IF EXISTS "{names["dbname"]}" WITH (FORCE)')
        _psql(server, "-c", f'DROP ROLE IF EXISTS "{names["app_role"]}"')
        _psql(server, "-c", f'DROP ROLE IF EXISTS "{names["owner_role"]}"')


def _deploy_check(two_roles, role: str) -> subprocess.CompletedProcess:
    return _manage(
        two_roles["tmp_path"],
        two_roles["urls"][role],
        "check", "--deploy", "--fail-level", "WARNING", "--database", "default",
    )  # fmt: skip


def test_the_application_role_passes_the_deploy_checks_with_the_database(two_roles):
    # when: the web container's start-up check, as the application role
    result = _deploy_check(two_roles, "app")

    # then
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_owner_role_is_refused_because_it_could_drop_the_triggers(two_roles):
    # when
    result = _deploy_check(two_roles, "owner")

    # then
    assert result.returncode != 0
    assert "evidence.E002" in result.stderr
    assert "evidence_custodyevent" in result.stderr
    assert "ncb_cases_auditevent" in result.stderr
    assert "evidence.E001" not in result.stderr


def test_a_superuser_is_refused(two_roles):
    # when
    result = _deploy_check(two_roles, "superuser")

    # then
    assert result.returncode != 0
    assert "evidence.E001" in result.stderr


def test_the_application_role_writes_rows_but_cannot_touch_the_schema(two_roles):
    # given
    names, server = two_roles["names"], two_roles["server"]
    connection = psycopg.connect(
        host=server["host"], port=server["port"], dbname=names["dbname"],
        user=names["app_role"], password=names["app_password"],
    )  # fmt: skip
    connection.autocommit = True
    refused = []
    try:
        with connection.cursor() as cursor:
            # when: rows (the default privileges reached the tables migrate created)
            cursor.execute("SELECT count(*) FROM ncb_cases_auditevent")
            cursor.execute("SELECT count(*) FROM evidence_custodyevent")
            cursor.execute("SELECT count(*) FROM django_migrations")
            # when: the statements that would defeat the append-only triggers
            for statement in (
                "ALTER TABLE evidence_custodyevent DISABLE TRIGGER ALL",
                "DROP TABLE ncb_cases_auditevent",
                "TRUNCATE evidence_custodycheckpoint",
                "CREATE TABLE intruder (id int)",
            ):
                try:
                    cursor.execute(statement)
                except psycopg.errors.InsufficientPrivilege:
                    refused.append(statement)
    finally:
        connection.close()

    # then
    assert len(refused) == 4
