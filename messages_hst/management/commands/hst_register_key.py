"""`manage.py hst_register_key NCB_CODE PUBLIC_KEY [--note N]`: trust a partner's key.

Registers the public key that a partner instance prints with `hst_public_key` as a key of the
NCB it hosts (`contacts.NCBPublicKey`): messages and receipts from that NCB then verify against
it. Idempotent: the same key again keeps its row (and re-activates it if it was revoked).

A base64url key may start with "-": put `--` before it, as for any argument that looks like
an option (`manage.py hst_register_key DE -- -mGwsybmB79e...`).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contacts.choices import MessageTransport
from contacts.models import NationalCentralBureau
from contacts.services import ncb_public_key_register, public_key_raw
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction


class Command(BaseCommand):
    help = (
        "Register PUBLIC_KEY (43-character base64url Ed25519 key, as printed by "
        "hst_public_key on the partner's instance) as a signing key of the NCB NCB_CODE. "
        "Write `--` before a key that starts with '-': hst_register_key DE -- -abc..."
    )

    def add_arguments(self, parser):
        parser.add_argument("ncb_code", metavar="NCB_CODE", help="The NCB's HST code, e.g. DE.")
        parser.add_argument("public_key", metavar="PUBLIC_KEY")
        parser.add_argument(
            "--note", default="", help="Where the key came from (200 characters at most)."
        )

    def handle(self, *args, ncb_code: str, public_key: str, note: str, **options):
        if len(note) > 200:
            raise CommandError("--note: at most 200 characters.")
        try:  # the input first: a pasted key that is cut short needs no database to refuse
            public_key_raw(public_key)
        except ValidationError as error:
            raise CommandError(f"public key: {' '.join(error.messages)}") from None
        ncb = ncb_by_code(ncb_code)
        try:
            with transaction.atomic():
                existed = ncb.public_keys.filter(public_key=public_key.strip()).exists()
                key = ncb_public_key_register(ncb=ncb, public_key=public_key, note=note)
                audit_record(
                    actor=None,
                    action=AuditAction.UPDATE,
                    obj=ncb,
                    details={"public_key_registered": key.kid, "ncb": ncb.code},
                )
        except ValidationError as error:
            raise CommandError(one_line(error)) from None
        verb = "already registered" if existed else "registered"
        self.stdout.write(f"Key {key.kid} {verb} for {ncb.code} ({ncb.name}).")
        if ncb.transport == MessageTransport.LOCAL:
            self.stderr.write(
                f"Note: {ncb.code} is hosted on this instance (transport local): messages "
                f"signed with this key will be taken as {ncb.code}'s. If {ncb.code} runs its "
                f"own instance, run hst_set_transport {ncb.code} peer --endpoint URL."
            )


def ncb_by_code(code: str) -> NationalCentralBureau:
    """The NCB with this HST code (case-insensitive); CommandError naming it otherwise."""
    ncb = NationalCentralBureau.objects.filter(code__iexact=code.strip()).first()
    if ncb is None:
        raise CommandError(
            f"No NCB with code “{code}” (load_reference_data creates one per member country)."
        )
    return ncb


def one_line(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{field.replace('_', ' ')}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
