"""The database refuses UPDATE and DELETE of audit events, on PostgreSQL and SQLite alike.

PostgreSQL: a plpgsql trigger function raises. TRUNCATE (used by Django's test flush) is a
statement no row trigger sees, which the test suite relies on.

SQLite: RAISE(ABORT) triggers. DELETE is allowed only while the connection's
`ncb_cases_audit_wipe_allowed()` function says a whole-database wipe is under way, which only
the test suite's flush between transactional tests does (see ncb_cases/models/audit.py).

Beware: on SQLite, Django rebuilds a table to alter it (create, copy, drop, rename), which
drops its triggers. A later migration that alters AuditEvent must re-create them;
tests/ncb_cases/test_audit.py fails if they are missing.
"""

from django.db import migrations

TABLE = "ncb_cases_auditevent"

POSTGRESQL_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION {TABLE}_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only: % of {TABLE} refused', TG_OP
            USING ERRCODE = 'restrict_violation';
    END;
    $$;
    """,
    f"""
    CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse_change();
    """,
    f"""
    CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse_change();
    """,
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete ON {TABLE};",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update ON {TABLE};",
    f"DROP FUNCTION IF EXISTS {TABLE}_refuse_change();",
]

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, 'audit events are append-only: UPDATE of {TABLE} refused');
    END;
    """,
    f"""
    CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    WHEN NOT ncb_cases_audit_wipe_allowed()
    BEGIN
        SELECT RAISE(ABORT, 'audit events are append-only: DELETE of {TABLE} refused');
    END;
    """,
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
]


def _run(schema_editor, statements_by_vendor: dict[str, list[str]]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements_by_vendor:
        raise NotImplementedError(f"No append-only trigger for {vendor}; add one here.")
    for statement in statements_by_vendor[vendor]:
        # params=None: the SQL is sent as is (its "%" belongs to plpgsql, not to Python).
        schema_editor.execute(statement, params=None)


def create_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD})


def drop_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):
    dependencies = [("ncb_cases", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
