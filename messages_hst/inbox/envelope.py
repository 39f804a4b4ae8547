"""Reading a received body's envelope and telling whom it is for (before anything is stored,
nothing here writes): the JSON object, its sender code and message id, and the recipient NCB
hosted on this instance (`directory.hosted_ncb`, re-exported here)."""

import ipaddress
import json
import uuid
from dataclasses import dataclass
from typing import Any

from contacts.models import NationalCentralBureau
from messages_hst.inbox.directory import hosted_ncb
from messages_hst.inbox.problems import problem
from ncb_cases.json_text import unstorable_text_path

__all__ = ["Envelope", "as_uuid", "client_ip", "hosted_ncb", "read_envelope", "resolve_recipient"]


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
    if (path := unstorable_text_path(document)) is not None:
        refusal = problem(
            path, "malformed_json", "a NUL character or a lone surrogate is not I-JSON text"
        )
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
    # One cached lookup per code (a message has a handful of recipients).
    hosted = [ncb for code in sorted(codes) if (ncb := hosted_ncb(code)) is not None]
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
