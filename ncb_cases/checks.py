"""Deploy checks of the instance itself: refuse to start in production with settings that
would expose officers' and victims' data (Django's own `--deploy` checks only warn).

The web container runs `manage.py check --deploy --fail-level WARNING` before gunicorn, so any
of these errors (and any of Django's deploy warnings) stops the start-up with the reason.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

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
