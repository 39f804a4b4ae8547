"""`manage.py check --deploy`: production settings pass at WARNING level, and the instance's
own checks refuse DEBUG, a published or short SECRET_KEY, a wildcard host, SQLite, and warn
about a signing key file others can read. (The database role and a missing key:
tests/evidence/test_checks.py and, against a real two-role database, tests/test_deployment.py.)"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core import checks
from django.db import connections

from ncb_cases.checks import (
    production_settings_check,
    signing_key_file_mode_check,
    sqlite_in_production_check,
)

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "q7-Rk2vX9pLm4Tz8Wb1Nc6Hd3Js5Fg0Ya_Ue7Io2Pq9Lr4Kt8Vx1Zm6Cb3Nh5Dj0Gs"


def _key_file(path: Path, mode: int = 0o600) -> Path:
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(mode)
    return path


def test_production_settings_pass_the_deploy_checks_at_warning_level(tmp_path):
    key_file = _key_file(tmp_path / "signing_key.pem")
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_SSL_REDIRECT"}},
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "ncb.example.org",
        "BEHIND_TLS_PROXY": "1",
        "NCB_SIGNING_KEY_FILE": str(key_file),
        "NCB_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "error_id"),
    [
        ({"DEBUG": True}, "ncb_cases.E001"),
        (
            {"SECRET_KEY": "tests-only-insecure-secret-key-0123456789-abcdefghijklmnop"},
            "ncb_cases.E002",
        ),
        ({"SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, "ncb_cases.E002"),
        ({"SECRET_KEY": "short-but-random-Xy12"}, "ncb_cases.E003"),
        ({"SECRET_KEY": "ab" * 40}, "ncb_cases.E003"),
        ({"ALLOWED_HOSTS": ["*"]}, "ncb_cases.E004"),
    ],
)
def test_unsafe_production_settings_are_errors(settings, overrides, error_id):
    settings.DEBUG = False
    settings.SECRET_KEY = STRONG_KEY
    settings.ALLOWED_HOSTS = ["ncb.example.org"]
    for name, value in overrides.items():
        setattr(settings, name, value)
    assert [error.id for error in production_settings_check()] == [error_id]


def test_safe_settings_raise_nothing(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = STRONG_KEY
    settings.ALLOWED_HOSTS = ["ncb.example.org"]
    assert production_settings_check() == []


def test_the_web_container_runs_the_deploy_checks_before_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    command = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))
    assert command.index("check --deploy --fail-level WARNING") < command.index("gunicorn")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_signing_key_file_others_can_read_is_a_warning(settings, tmp_path, mode):
    # given
    settings.DEBUG = False
    settings.NCB_SIGNING_KEY_FILE = str(_key_file(tmp_path / "signing_key.pem", mode))

    # when
    [warning] = signing_key_file_mode_check()

    # then
    assert warning.id == "ncb_cases.W001"
    assert f"{mode:04o}" in warning.msg
    assert "chmod 600" in warning.hint


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_a_signing_key_file_only_its_owner_reads_passes(settings, tmp_path, mode):
    # given
    settings.DEBUG = False
    settings.NCB_SIGNING_KEY_FILE = str(_key_file(tmp_path / "signing_key.pem", mode))

    # when / then
    assert signing_key_file_mode_check() == []


def test_a_missing_signing_key_file_is_left_to_the_evidence_check(settings, tmp_path):
    # given: evidence.E004 already says the key does not load
    settings.DEBUG = False
    settings.NCB_SIGNING_KEY_FILE = str(tmp_path / "absent.pem")

    # when / then
    assert signing_key_file_mode_check() == []


def test_sqlite_in_production_is_an_error_and_fine_in_development(settings, monkeypatch):
    # given
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")

    # when
    settings.DEBUG = False
    production = sqlite_in_production_check(databases=["default"])
    settings.DEBUG = True
    development = sqlite_in_production_check(databases=["default"])

    # then
    assert [error.id for error in production] == ["ncb_cases.E005"]
    assert "DATABASE_URL" in production[0].hint
    assert development == []


def test_postgresql_is_no_concern_of_the_sqlite_check(settings, monkeypatch):
    # given
    monkeypatch.setattr(connections["default"], "vendor", "postgresql")
    settings.DEBUG = False

    # when / then
    assert sqlite_in_production_check(databases=["default"]) == []
    assert sqlite_in_production_check(databases=None) == []


def test_the_sqlite_check_is_a_deploy_database_check(settings):
    # when
    registered = checks.registry.registry.get_checks(include_deployment_checks=True)

    # then
    check = next(c for c in registered if c is sqlite_in_production_check)
    assert tuple(check.tags) == (checks.Tags.database,)
    assert sqlite_in_production_check not in checks.registry.registry.get_checks()
