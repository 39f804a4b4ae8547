"""The deploy checks refuse a PostgreSQL role that could bypass the custody triggers, and an
instance whose signing key does not load."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core import checks
from django.db import connection

from evidence.checks import custody_role_errors, signing_key_errors

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and table owners exist on PostgreSQL only"
)


@postgresql_only
def test_a_superuser_role_that_owns_the_custody_tables_is_refused(db):
    # given: the test suite connects as the postgres superuser, owner of every table
    # when
    errors = custody_role_errors(connection)

    # then
    ids = {error.id for error in errors}
    assert {"evidence.E001", "evidence.E002"} <= ids
    owned = next(error for error in errors if error.id == "evidence.E002")
    assert "evidence_custodyevent" in owned.msg
    assert "ncb_cases_auditevent" in owned.msg


@postgresql_only
def test_a_test_named_database_is_refused_because_truncate_passes_there(db):
    # when
    errors = custody_role_errors(connection)

    # then
    assert "evidence.E003" in {error.id for error in errors}


@postgresql_only
def test_a_plain_role_that_owns_nothing_passes(db):
    # given: a role without superuser or ownership, assumed for this transaction only
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE evidence_check_app NOSUPERUSER NOLOGIN")
        cursor.execute("SET LOCAL ROLE evidence_check_app")

    # when
    ids = {error.id for error in custody_role_errors(connection)}

    # then
    assert ids == {"evidence.E003"}  # only the test database's own name remains


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite has no database roles")
def test_sqlite_has_no_role_to_check(db):
    # when / then
    assert custody_role_errors(connection) == []


def test_the_check_runs_only_with_deploy(db):
    # when
    plain = checks.run_checks(tags=[checks.Tags.security], databases=["default"])
    deploy = checks.run_checks(
        tags=[checks.Tags.security], include_deployment_checks=True, databases=["default"]
    )

    # then
    plain_ids = {message.id for message in plain}
    deploy_ids = {message.id for message in deploy}
    assert not any(code.startswith("evidence.") for code in plain_ids)
    if connection.vendor == "postgresql":
        assert "evidence.E001" in deploy_ids


@pytest.fixture
def key_file(tmp_path):
    """A path for the signing key file, nothing written yet."""
    return tmp_path / "signing_key.pem"


def test_a_signing_key_file_that_does_not_exist_is_an_error_naming_the_setting(settings, key_file):
    # given
    settings.DEBUG = False
    settings.NCB_SIGNING_KEY_FILE = str(key_file)

    # when
    [error] = signing_key_errors()

    # then
    assert error.id == "evidence.E004"
    assert str(key_file) in error.msg
    assert "NCB_SIGNING_KEY_FILE" in error.hint


def test_a_signing_key_file_that_holds_no_private_key_is_an_error(settings, key_file):
    # given
    key_file.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    settings.DEBUG = False
    settings.NCB_SIGNING_KEY_FILE = str(key_file)

    # when
    [error] = signing_key_errors()

    # then
    assert error.id == "evidence.E004"
    assert "not a readable PKCS#8 PEM private key" in error.msg
    assert "not a key" not in error.msg  # a key file's content is never echoed


def test_a_readable_ed25519_signing_key_passes(settings, key_file):
    # given
    key_file.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.DEBUG = False
    settings.NCB_SIGNING_KEY_FILE = str(key_file)

    # when / then
    assert signing_key_errors() == []


def test_with_debug_on_the_signing_key_is_not_checked(settings, key_file):
    # given: a development instance, whose key is generated on first use
    settings.DEBUG = True
    settings.NCB_SIGNING_KEY_FILE = str(key_file)

    # when / then
    assert signing_key_errors() == []
    assert not key_file.exists()


def test_the_signing_key_check_runs_only_with_deploy(settings, key_file, db):
    # given
    settings.DEBUG = False
    settings.NCB_SIGNING_KEY_FILE = str(key_file)

    # when
    plain = checks.run_checks(tags=[checks.Tags.security])
    deploy = checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)

    # then
    assert "evidence.E004" not in {message.id for message in plain}
    assert "evidence.E004" in {message.id for message in deploy}
