"""System check: in production the database role must not be able to bypass the custody triggers.

The append-only triggers of the custody log (migration 0002) stop the application's role from
rewriting history only if that role cannot drop or disable them: a PostgreSQL superuser can do
anything, and a table's owner can `ALTER TABLE … DISABLE TRIGGER`. So a deployment connects as
a role that owns nothing and is not superuser (migrations run as the owner, separately).

Deploy-only: `manage.py check --deploy --database default` (the production entry point runs
it before gunicorn starts, as the application role). A plain `check`, `migrate` (run as the
owner, on purpose), CI and `make run` (the postgres superuser) are not concerned.
"""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import connections

APPEND_ONLY_TABLES = (
    "evidence_custodyevent",
    "evidence_evidencefile",
    "evidence_custodycheckpoint",
    "ncb_cases_auditevent",
)


def custody_role_errors(connection) -> list[Error]:
    """Errors when `connection`'s PostgreSQL role could bypass the append-only triggers.

    Checks: superuser; owner (directly or through a role it belongs to) of an append-only
    table; a database whose name lets TRUNCATE through (`test_…`).
    Nothing to say for other databases (SQLite has no roles; its triggers are checked by the
    test suite).
    """
    if connection.vendor != "postgresql":
        return []
    errors: list[Error] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        role, superuser = (row[0], bool(row[1])) if row else ("?", False)
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s) AND pg_has_role(current_user, tableowner, 'USAGE') "
            "ORDER BY tablename",
            [list(APPEND_ONLY_TABLES)],
        )
        owned = [name for (name,) in cursor.fetchall()]
        cursor.execute("SELECT current_database()")
        (database,) = cursor.fetchone()
    if superuser:
        errors.append(
            Error(
                f"The database role {role!r} is a PostgreSQL superuser: it could disable the "
                "append-only triggers of the custody log and the audit trail.",
                hint="Run the application as a role that is neither superuser nor owner of "
                "the tables; run migrations as the owner.",
                id="evidence.E001",
            )
        )
    if owned:
        errors.append(
            Error(
                f"The database role {role!r} owns (or is a member of the owner of) "
                f"{', '.join(owned)}: an owner can disable their append-only triggers.",
                hint="Transfer ownership to a separate migration role (ALTER TABLE … OWNER TO) "
                "and grant the application role SELECT, INSERT only on these tables.",
                id="evidence.E002",
            )
        )
    if database.startswith("test_"):
        errors.append(
            Error(
                f"The database is named {database!r}: the custody triggers let TRUNCATE "
                "through in databases named test_… (the test suite's flush).",
                hint="Give the production database another name.",
                id="evidence.E003",
            )
        )
    return errors


@register(Tags.security, Tags.database, deploy=True)
def check_custody_role(app_configs, databases=None, **kwargs) -> list[Error]:
    """`check --deploy --database default`: the role of each database checked."""
    errors: list[Error] = []
    for alias in databases or ():
        errors.extend(custody_role_errors(connections[alias]))
    return errors
