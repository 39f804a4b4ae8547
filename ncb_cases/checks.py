"""Deploy checks of the instance itself: refuse to start in production with settings that
would expose officers' and victims' data (Django's own `--deploy` checks only warn).

The database role (superuser, owner of the append-only tables) and whether the signing key
loads at all are checked by the evidence app (`evidence/checks.py`, evidence.E001 - E004);
this module adds SQLite in production (E005) and a key file others can read (W001).

The web container runs `manage.py check --deploy --fail-level WARNING` before gunicorn, so any
of these errors (and any of Django's deploy warnings) stops the start-up with the reason.
"""

import stat

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import connections

from ncb_cases import keys

MIN_SECRET_KEY_LENGTH = 50
# Keys that are public (this repository, its tests, its Dockerfile, Django's examples).
KNOWN_SECRET_KEYS = frozenset(
    {
        "tests-only-insecure-secret-key-0123456789-abcdefghijklmnop",
        "build-only-collectstatic",
        "changeme",
        "secret",
    }
)


@register(Tags.security, deploy=True)
def production_settings_check(app_configs=None, **kwargs) -> list[Error]:
    errors: list[Error] = []
    if settings.DEBUG:
        errors.append(
            Error(
                "DEBUG is on: error pages would show settings, SQL and case data to anyone.",
                hint="Unset DEBUG (or DEBUG=0) in production.",
                id="ncb_cases.E001",
            )
        )
    key = settings.SECRET_KEY or ""
    if key in KNOWN_SECRET_KEYS or key.startswith("django-insecure-"):
        errors.append(
            Error(
                "SECRET_KEY is a published default: sessions and signed links can be forged.",
                hint="Generate one: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
                id="ncb_cases.E002",
            )
        )
    elif len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5:
        errors.append(
            Error(
                f"SECRET_KEY is too weak: at least {MIN_SECRET_KEY_LENGTH} random characters.",
                hint="Generate one: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
                id="ncb_cases.E003",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS accepts any host name: password-reset and absolute links could "
                "point elsewhere.",
                hint="List the instance's host names in ALLOWED_HOSTS.",
                id="ncb_cases.E004",
            )
        )
    return errors


@register(Tags.database, deploy=True)
def sqlite_in_production_check(app_configs=None, databases=None, **kwargs) -> list[Error]:
    """`check --deploy --database default`: SQLite is the embedded development default only."""
    if settings.DEBUG:
        return []
    return [
        Error(
            f"The database {alias!r} is SQLite: it has no roles (any process that can write the "
            "file can drop the custody and audit triggers) and one writer at a time.",
            hint="Set DATABASE_URL=postgres://<application role>@<host>:5432/<database>; "
            "see README, Deployment.",
            id="ncb_cases.E005",
        )
        for alias in databases or ()
        if connections[alias].vendor == "sqlite"
    ]


@register(Tags.security, deploy=True)
def signing_key_file_mode_check(app_configs=None, **kwargs) -> list[Warning]:
    """`check --deploy`: the private key file is readable by its owner only (DEBUG off).

    Whether the key loads at all is evidence.E004's concern; nothing to say here then."""
    if settings.DEBUG:
        return []
    try:
        path = keys.signing_key_path()
        mode = stat.S_IMODE(path.stat().st_mode)
    except (keys.SigningKeyUnavailable, OSError):
        return []
    if not mode & 0o077:
        return []
    return [
        Warning(
            f"The signing key file {path} has mode {mode:04o}: other accounts on the host "
            "(or group members) can read the instance's private key and sign as this NCB.",
            hint=f"chmod 600 {path}, owned by the account the application runs as.",
            id="ncb_cases.W001",
        )
    ]
