"""`manage.py hst_set_transport NCB_CODE {local,peer,gateway} [--endpoint URL]`.

Which transport carries HST messages to an NCB (HST.md §7.3): `local` (hosted on this
instance), `peer` (its own instance, reached at `<URL>/api/v1/hst/inbox/`) or `gateway` (the
I-24/7 drop folder). A peer endpoint is the base URL of the partner's instance: https, or plain
http only where the setting HST_PEER_ALLOW_HTTP allows it (tests and the two-instance demo);
no query string, no fragment, no credentials. It is stored without a trailing slash.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import transaction

from contacts.choices import MessageTransport
from contacts.models import NationalCentralBureau
from messages_hst.management.commands.hst_register_key import ncb_by_code
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction


class Command(BaseCommand):
    help = (
        "Set the transport that carries HST messages to NCB_CODE; `peer` needs --endpoint, "
        "the base URL of the NCB's own instance."
    )

    def add_arguments(self, parser):
        parser.add_argument("ncb_code", metavar="NCB_CODE", help="The NCB's HST code, e.g. DE.")
        parser.add_argument("transport", choices=MessageTransport.values)
        parser.add_argument(
            "--endpoint",
            default="",
            metavar="URL",
            help="Base URL of the NCB's instance, e.g. https://ncb-thb.example.test (peer only).",
        )

    def handle(self, *args, ncb_code: str, transport: str, endpoint: str, **options):
        ncb = ncb_by_code(ncb_code)
        endpoint = peer_endpoint_clean(transport, endpoint)
        with transaction.atomic():
            ncb = NationalCentralBureau.objects.select_for_update().get(pk=ncb.pk)
            before = (ncb.transport, ncb.peer_endpoint)
            ncb.transport, ncb.peer_endpoint = transport, endpoint
            try:
                ncb.full_clean()
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            ncb.save(update_fields=["transport", "peer_endpoint", "updated_at"])
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                obj=ncb,
                details={
                    "ncb": ncb.code,
                    "transport": [before[0], transport],
                    "peer_endpoint": [before[1], endpoint],
                },
            )
        where = f" at {endpoint}" if endpoint else ""
        self.stdout.write(f"{ncb.code} ({ncb.name}): transport {transport}{where}.")


def peer_endpoint_clean(transport: str, endpoint: str) -> str:
    """The endpoint to store for `transport`; CommandError saying what is wrong otherwise."""
    endpoint = endpoint.strip()
    if transport != MessageTransport.PEER:
        if endpoint:
            raise CommandError(f"--endpoint: only the peer transport has one, not {transport}.")
        return ""
    if not endpoint:
        raise CommandError("--endpoint: the peer transport needs the partner instance's URL.")
    allow_http = bool(getattr(settings, "HST_PEER_ALLOW_HTTP", False))
    schemes = ["https", "http"] if allow_http else ["https"]
    try:
        URLValidator(schemes=schemes)(endpoint)
    except ValidationError:
        if urlsplit(endpoint).scheme == "http":
            raise CommandError(
                f"--endpoint: “{endpoint}” is plain http; peers are reached over https "
                "(HST_PEER_ALLOW_HTTP=1 allows http for tests and demos)."
            ) from None
        raise CommandError(f"--endpoint: “{endpoint}” is not an http(s) URL.") from None
    parts = urlsplit(endpoint)
    if parts.query or parts.fragment or parts.username or parts.password:
        raise CommandError(
            f"--endpoint: “{endpoint}” must be a base URL, without query, fragment or credentials."
        )
    return endpoint.rstrip("/")
