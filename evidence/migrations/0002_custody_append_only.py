"""The database refuses UPDATE, DELETE and TRUNCATE of the custody log, on PostgreSQL and SQLite.

Append-only tables: custody events, evidence files (their recorded SHA-256 is what custody
hand-offs re-check) and custody checkpoints. The approach is ncb_cases' migration 0002.

PostgreSQL: a plpgsql trigger function raises, for each row UPDATE or DELETE and for every
TRUNCATE. TRUNCATE is let through only in a database whose name starts with `test_`: Django
empties a test database with TRUNCATE after each transactional test, and a database name is
something the application's role cannot change (a session setting, which any role can SET,
would protect nothing). `evidence.checks` refuses to start in production on a database so
named, and refuses a role that could drop or disable these triggers (superuser or owner).

SQLite: RAISE(ABORT) triggers. SQLite has no TRUNCATE (`DELETE FROM t` without WHERE runs the
row triggers once triggers exist). DELETE is allowed only while the connection's
`ncb_cases_audit_wipe_allowed()` says a whole-database wipe is under way, which only the test
suite's flush between transactional tests does (ncb_cases/models/audit.py); every other
client, the sqlite3 shell included, is refused.

Beware: on SQLite, Django rebuilds a table to alter it, which drops its triggers. A later
migration that alters one of these tables must re-create them (tests/evidence/test_append_only.py
fails if they are missing).
"""

from django.db import migrations

TABLES = ("evidence_custodyevent", "evidence_evidencefile", "evidence_custodycheckpoint")
FUNCTION = "evidence_custody_refuse_change"

POSTGRESQL_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' AND current_database() LIKE 'test\\_%' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'the custody log is append-only: % of % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END;
    $$;
    """,
    *(
        statement
        for table in TABLES
        for statement in (
            f"""
            CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
            """,
            f"""
            CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
            """,
            f"""
            CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
            """,
        )
    ),
]
POSTGRESQL_REVERSE = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_{rule} ON {table};"
        for table in TABLES
        for rule in ("no_truncate", "no_delete", "no_update")
    ),
    f"DROP FUNCTION IF EXISTS {FUNCTION}();",
]

SQLITE_FORWARD = [
    statement
    for table in TABLES
    for statement in (
        f"""
        CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN
            SELECT RAISE(ABORT, 'the custody log is append-only: UPDATE of {table} refused');
        END;
        """,
        f"""
        CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        WHEN NOT ncb_cases_audit_wipe_allowed()
        BEGIN
            SELECT RAISE(ABORT, 'the custody log is append-only: DELETE of {table} refused');
        END;
        """,
    )
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {table}_{rule};"
    for table in TABLES
    for rule in ("no_delete", "no_update")
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
    dependencies = [("evidence", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
