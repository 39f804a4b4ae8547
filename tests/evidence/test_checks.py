"""The deploy check refuses a PostgreSQL role that could bypass the custody triggers."""

import pytest
from django.core import checks
from django.db import connection

from evidence.checks import custody_role_errors

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
