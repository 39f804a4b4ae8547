"""Rewriting the custody log behind the application's back, as an attacker with database
access would: on SQLite the append-only triggers are dropped, on PostgreSQL disabled (CI
connects as a superuser). The test's transaction brings them back when it rolls back."""

from django.db import connection

CUSTODY_TRIGGERS = ("evidence_custodyevent_no_update", "evidence_custodyevent_no_delete")


def disable_custody_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Pending deferred checks of this transaction's inserts must run first:
            # PostgreSQL refuses to alter a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE evidence_custodyevent DISABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for trigger in CUSTODY_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {trigger}")


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
