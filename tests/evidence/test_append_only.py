"""The database refuses to rewrite the custody log: UPDATE, DELETE (and TRUNCATE on PostgreSQL)."""

import importlib
import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from evidence.models import CustodyEvent, EvidenceFile
from ncb_cases.models.audit import sqlite_test_database_wipe
from tests.evidence.factories import add_file, evidence_item, use_temporary_store

append_only = importlib.import_module("evidence.migrations.0002_custody_append_only")

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE and roles exist on PostgreSQL only"
)


def _execute(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def event(officer_fr):
    return evidence_item(actor=officer_fr).custody_events.get()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE evidence_custodyevent SET place = 'elsewhere' WHERE id = %s",
        "UPDATE evidence_custodyevent SET canonical = canonical WHERE id = %s",
        "DELETE FROM evidence_custodyevent WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_or_remove_a_custody_event(event, sql):
    # when / then
    with pytest.raises(DatabaseError, match="append-only"):
        _execute(sql, [event.pk])
    assert CustodyEvent.objects.filter(pk=event.pk, place=event.place).exists()


def test_the_database_refuses_to_delete_every_custody_event_at_once(event):
    # when / then
    with pytest.raises(DatabaseError, match="append-only"):
        _execute("DELETE FROM evidence_custodyevent")
    assert CustodyEvent.objects.count() == 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE evidence_evidencefile SET sha256 = %s WHERE id = %s",
        "DELETE FROM evidence_evidencefile WHERE id = %s AND sha256 <> %s",
    ],
)
def test_the_database_refuses_to_change_or_remove_an_evidence_file(
    officer_fr, settings, tmp_path, sql
):
    # given
    use_temporary_store(settings, tmp_path)
    stored = add_file(actor=officer_fr, item=evidence_item(actor=officer_fr))
    params = ["f" * 64, stored.pk] if sql.startswith("UPDATE") else [stored.pk, "f" * 64]

    # when / then
    with pytest.raises(DatabaseError, match="append-only"):
        _execute(sql, params)
    assert EvidenceFile.objects.get(pk=stored.pk).sha256 == stored.sha256


def test_a_custody_event_cannot_be_saved_twice(event):
    # when / then
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_the_append_only_triggers_are_installed(db):
    # given
    expected = {
        f"{table}_{rule}"
        for table in append_only.TABLES
        for rule in ("no_update", "no_delete")
        + (("no_truncate",) if connection.vendor == "postgresql" else ())
    }

    # when
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        installed = {row[0] for row in cursor.fetchall()}

    # then
    assert expected <= installed


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's flush deletes row by row")
def test_on_sqlite_only_the_test_suites_wipe_may_delete_custody_rows(event):
    # when
    with sqlite_test_database_wipe():
        _execute("DELETE FROM evidence_custodyevent WHERE id = %s", [event.pk])

    # then
    assert not CustodyEvent.objects.filter(pk=event.pk).exists()


@postgresql_only
def test_on_postgresql_truncate_is_refused_outside_a_test_database(transactional_db):
    # given: a scratch database (not named test_…) with the migration's trigger function
    import psycopg

    name = f"evidence_probe_{uuid.uuid4().hex[:8]}"
    settings = connection.settings_dict
    params = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
    }
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    probe = None
    try:
        probe = psycopg.connect(dbname=name, **{k: v for k, v in params.items() if v})
        probe.autocommit = True
        cursor = probe.cursor()
        for table in append_only.TABLES:
            cursor.execute(f"CREATE TABLE {table} (id int)")
        for statement in append_only.POSTGRESQL_FORWARD:
            cursor.execute(statement)
        cursor.execute("INSERT INTO evidence_custodyevent VALUES (1)")

        # when / then
        with pytest.raises(psycopg.Error, match="append-only: TRUNCATE"):
            cursor.execute("TRUNCATE evidence_custodyevent")
        with pytest.raises(psycopg.Error, match="append-only: DELETE"):
            cursor.execute("DELETE FROM evidence_custodyevent")
        cursor.execute("SELECT count(*) FROM evidence_custodyevent")
        assert cursor.fetchone() == (1,)
    finally:
        if probe is not None:
            probe.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
