"""`manage.py check --deploy`: production settings pass at WARNING level, and the instance's
own checks refuse DEBUG, a published or short SECRET_KEY and a wildcard host."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ncb_cases.checks import production_settings_check

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "q7-Rk2vX9pLm4Tz8Wb1Nc6Hd3Js5Fg0Ya_Ue7Io2Pq9Lr4Kt8Vx1Zm6Cb3Nh5Dj0Gs"


def test_production_settings_pass_the_deploy_checks_at_warning_level(tmp_path):
    key_file = tmp_path / "signing_key.pem"
    key_file.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
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
