"""`manage.py hst_public_key [--key-only]`: the public half of this instance's signing key.

What a partner instance registers (`manage.py hst_register_key <NCB> <key>` there) so that it
can verify the HST messages and receipts this instance signs for the NCBs it hosts.
"""

from django.core.management.base import BaseCommand, CommandError

from ncb_cases import keys


class Command(BaseCommand):
    help = (
        "Print this instance's signing key id and public key (unpadded base64url of the raw "
        "Ed25519 key), as partners register it with hst_register_key."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--key-only",
            action="store_true",
            help="Print the public key alone, for scripts.",
        )

    def handle(self, *args, key_only: bool = False, **options):
        try:
            public_key = keys.signing_public_key_text()
            kid = keys.signing_key_id()
        except keys.SigningKeyUnavailable as error:
            raise CommandError(str(error)) from None
        if key_only:
            self.stdout.write(public_key)
            return
        self.stdout.write(f"kid: {kid}")
        self.stdout.write(f"public_key: {public_key}")
