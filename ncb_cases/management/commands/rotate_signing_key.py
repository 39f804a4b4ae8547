"""`manage.py rotate_signing_key [--new-key-file PATH]`: replace the instance signing key.

The current key's public half is recorded in the retired-keys file (`ncb_cases.keys`), so
checkpoints and HST messages it signed keep verifying; a new Ed25519 key is written (0600)
over `NCB_SIGNING_KEY_FILE`, or to `--new-key-file` when that file is a read-only container
secret that the operator then swaps. Audited. The steps around it (partners, dossiers) are in
SECURITY.md, "Rotating the signing key".
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ncb_cases import keys
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction


class Command(BaseCommand):
    help = (
        "Retire the instance signing key (its public key stays trusted for verification) and "
        "write a new one over NCB_SIGNING_KEY_FILE, or to --new-key-file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key-file",
            type=Path,
            default=None,
            help="Write the new key here instead of replacing NCB_SIGNING_KEY_FILE (e.g. when "
            "the key is a read-only container secret); then point NCB_SIGNING_KEY_FILE at it "
            "and restart web, worker and beat.",
        )

    def handle(self, *args, new_key_file: Path | None = None, **options):
        if new_key_file is not None and new_key_file.exists():
            raise CommandError(f"{new_key_file} exists: give a path for a new file.")
        try:
            # The audit row is written only if the key files were; a failed write leaves
            # at most an extra retired entry for the still-current key, which is harmless.
            with transaction.atomic():
                old_kid, new_kid = keys.signing_key_rotate(new_key_file=new_key_file)
                audit_record(
                    actor=None,
                    action=AuditAction.UPDATE,
                    details={"signing_key_rotated": {"retired": old_kid, "current": new_kid}},
                )
        except (keys.SigningKeyUnavailable, OSError) as error:
            raise CommandError(str(error)) from None
        written = new_key_file or keys.signing_key_path()
        self.stdout.write(f"Retired key {old_kid}: recorded in {keys.retired_keys_path()}.")
        self.stdout.write(f"New key {new_kid}: written to {written}.")
        if new_key_file is not None:
            self.stdout.write(
                "Next: make NCB_SIGNING_KEY_FILE point at the new file and restart web, "
                "worker and beat."
            )
        self.stdout.write(
            "Then give partners the new public key (hst_public_key) to register with "
            "hst_register_key; they keep the old one until your queued messages are delivered."
        )
