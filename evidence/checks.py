"""Deploy checks of the evidence domain: the custody log's protections must hold in production.

1. The database role must not be able to bypass the custody triggers (E001 - E003).
2. The instance signing key must load (E004): without it no checkpoint is signed, no dossier is
   issued, and `verify_custody` cannot check a signature; better to refuse to start than to
   find out at the first checkpoint.

The append-only triggers of the custody log (migration 0002) stop the application's role from
rewriting history only if that role cannot drop or disable them: a PostgreSQL superuser can do
anything, and a table's owner can `ALTER TABLE … DISABLE TRIGGER`. So a deployment connects as
a role that owns nothing and is not superuser (migrations run as the owner, separately).

Deploy-only: `manage.py check --deploy --database default` (the production entry point runs
it before gunicorn starts, as the application role). A plain `check`, `migrate` (run as the
owner, on purpose), CI and `make run` (the postgres superuser) are not concerned.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import connections

from ncb_cases import keys

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


def signing_key_errors() -> list[Error]:
    """An error when DEBUG is off and the instance signing key does not load.

    With DEBUG on a development key is generated on first use (`ncb_cases.keys`), so there is
    nothing to check (and a check must not create one as a side effect).
    """
    if settings.DEBUG:
        return []
    try:
        keys.signing_private_key()
    except keys.SigningKeyUnavailable as error:
        return [
            Error(
                f"The instance signing key does not load: {error}. Without it no custody "
                "checkpoint is signed and no court dossier is issued.",
                hint=f"Set {keys.KEY_FILE_SETTING} (setting or environment) to a PKCS#8 PEM "
                "file holding the instance's Ed25519 private key, readable by the application "
                "(e.g. `openssl genpkey -algorithm ed25519 -out signing_key.pem`), and "
                f"{keys.PASSPHRASE_SETTING} if the file is encrypted.",
                id="evidence.E004",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_signing_key(app_configs, **kwargs) -> list[Error]:
    """`check --deploy`: the instance signing key loads (DEBUG off)."""
    return signing_key_errors()
