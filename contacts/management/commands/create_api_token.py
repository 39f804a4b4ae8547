"""`manage.py create_api_token USERNAME [--name N] [--expires-days D]` (DESIGN.md §6)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from contacts import services

DEFAULT_NAME = "created by manage.py create_api_token"


class Command(BaseCommand):
    help = (
        "Create a personal API token for USERNAME and print its key alone on stdout, so that "
        "scripts can capture it. The key is shown once; only its hash is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default=DEFAULT_NAME, help="What the token is for.")
        parser.add_argument(
            "--expires-days",
            type=int,
            default=None,
            help="Validity in days, 1 to 365 (default: API_TOKEN_DEFAULT_EXPIRY_DAYS).",
        )

    def handle(self, *args, username: str, name: str, expires_days: int | None, **options):
        user_model = get_user_model()
        user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"No user named “{username}”.")
        if not user.is_active:
            raise CommandError(f"User “{username}” is inactive; a token would not work.")
        try:
            _token, key = services.api_token_create(
                user=user, name=name, expires_days=expires_days
            )
        except ValidationError as exc:
            raise CommandError(_one_line(exc)) from None
        self.stdout.write(key)


def _one_line(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"--{field.replace('_', '-')}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
