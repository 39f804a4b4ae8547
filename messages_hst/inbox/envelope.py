"""Reading a received body's envelope and telling whom it is for (before anything is stored,
nothing here writes): the JSON object, its sender code and message id, and the recipient NCB
hosted on this instance."""

import ipaddress
import json
import uuid
from dataclasses import dataclass
from typing import Any

from contacts.choices import MessageTransport
from contacts.models import NationalCentralBureau
from messages_hst.inbox.problems import problem


@dataclass(frozen=True)
class Envelope:
    """What the inbox reads of a body before storing it; `problems` when it is no message."""

    document: dict[str, Any] | None
    sender_code: str
    message_id: uuid.UUID | None
    problems: list[dict[str, str]]


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        # Two readers could take different values of a repeated member: refuse (RFC 7493 2.3).
        raise ValueError("an object repeats a member name")
    return result


def read_envelope(raw: bytes) -> Envelope:
    try:
        document = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_unique_members,
            parse_constant=_refuse_constant,
        )
    except UnicodeDecodeError:
        refusal = problem("", "malformed_json", "the body is not UTF-8 text")
        return Envelope(None, "", None, [refusal])
    except (ValueError, RecursionError) as error:
        # JSONDecodeError names a position, never the content.
        refusal = problem("", "malformed_json", f"the body is not valid JSON: {error}")
        return Envelope(None, "", None, [refusal])
    if not isinstance(document, dict):
        refusal = problem("", "not_an_object", "an HST message is a JSON object")
        return Envelope(None, "", None, [refusal])
    sender = document.get("sender")
    sender_code = sender.get("ncb_code") if isinstance(sender, dict) else None
    if not isinstance(sender_code, str) or len(sender_code) > 12:
        sender_code = ""
    return Envelope(document, sender_code, as_uuid(document.get("message_id")), [])


def as_uuid(value: Any) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def client_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip())) if value else None
    except ValueError:
        return None


def hosted_ncb(code: str | None) -> NationalCentralBureau | None:
    """The NCB of `code` if it is hosted on this instance (transport `local`), else None."""
    if not code:
        return None
    return (
        NationalCentralBureau.objects.select_related("country")
        .filter(code=code.strip().upper(), transport=MessageTransport.LOCAL)
        .first()
    )


def resolve_recipient(
    recipient_code: str | None, document: dict[str, Any]
) -> tuple[NationalCentralBureau | None, list[dict[str, str]]]:
    """The recipient hosted here, or the problem (404: not hosted here; 400: ambiguous).

    With `HST-Recipient`, it must name an NCB hosted on this instance (404 otherwise: this
    instance is the wrong address, resending here will never help). Without it, the message's
    recipients decide: exactly one hosted here is the recipient; none is 404; several is 400
    (the sender must say which delivery this is, one per recipient).
    """
    if recipient_code:
        ncb = hosted_ncb(recipient_code)
        if ncb is None:
            return None, [
                problem("", "unknown_recipient", "the HST-Recipient NCB is not hosted here")
            ]
        return ncb, []
    recipients = document.get("recipients")
    codes = {
        r.get("ncb_code")
        for r in (recipients if isinstance(recipients, list) else [])
        if isinstance(r, dict) and isinstance(r.get("ncb_code"), str)
    }
    hosted = list(
        NationalCentralBureau.objects.select_related("country").filter(
            code__in=codes, transport=MessageTransport.LOCAL
        )
    )
    if len(hosted) == 1:
        return hosted[0], []
    if not hosted:
        refusal = problem(
            "/recipients", "unknown_recipient", "none of the recipients is hosted here"
        )
        return None, [refusal]
    refusal = problem(
        "/recipients",
        "recipient_ambiguous",
        "several recipients are hosted here: name one in the HST-Recipient header",
    )
    return None, [refusal]
