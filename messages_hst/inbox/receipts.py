"""The signed RECEIPT the receiving NCB answers with (HST.md §5 RECEIPT, §7.4).

A full HST message from the recipient NCB to the sender, signed with this instance's key and
stored as its RFC 8785 canonical bytes on the inbound row: a replay returns these very bytes,
so every copy of the receipt for one message is byte-identical. (The sender's side, verifying
it, is `messages_hst.receipts`.)
"""

import datetime as dt
import uuid
from typing import Any

from messages_hst import keys, signing
from messages_hst.codelists import CODELISTS_VERSION, PRIORITIES
from messages_hst.models import InboundMessage
from messages_hst.schema import HST_VERSION
from ncb_cases.canonical import canonical_json_bytes

# Four years: HST.md §3 allows at most five; a receipt holds no personal data.
RECEIPT_RETENTION = dt.timedelta(days=4 * 365)
MAX_RECEIPT_PROBLEMS = 500


def rfc3339(moment: dt.datetime) -> str:
    """UTC, millisecond precision, `Z` suffix (the form of HST.md §2)."""
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def receipt_document(
    *, inbound: InboundMessage, document: dict[str, Any], warnings: list[dict], now: dt.datetime
) -> dict[str, Any]:
    """The unsigned RECEIPT for `inbound` (verified and valid), with its warnings if any."""
    recipient = inbound.recipient_ncb
    priority = document.get("priority")
    receipt: dict[str, Any] = {
        "ref_message_id": str(inbound.message_id),
        # The digest of the canonical message, which is what the sender signed and recorded
        # (equal to the raw bytes' SHA-256 when the peer posted canonical JSON, as it must).
        "received_digest": signing.message_digest(document),
        "received_at": rfc3339(inbound.received_at),
        "signature_valid": True,
        "schema_valid": True,
    }
    if warnings:
        receipt["problems"] = warnings[:MAX_RECEIPT_PROBLEMS]
    return {
        "hst_version": HST_VERSION,
        "codelists_version": CODELISTS_VERSION,
        "message_id": str(uuid.uuid4()),
        "message_type": "RECEIPT",
        "created_at": rfc3339(now),
        # A FLASH message's receipt travels as fast as the message did.
        "priority": priority if priority in PRIORITIES else "ROUTINE",
        "sender": {
            "ncb_code": recipient.code,
            "ncb_name": recipient.name,
            "country": recipient.country.iso2,
        },
        "recipients": [{"ncb_code": inbound.sender_code, "role": "TO"}],
        "subject": "Receipt",
        "language": "en",
        "thread": {"in_reply_to": str(inbound.message_id)},
        "handling": {
            "confidentiality_level": "INTERPOL_FOR_OFFICIAL_USE_ONLY",
            "dissemination": "RECIPIENTS_ONLY",
            "handling_codes": ["H0"],
            "permitted_actions": "NO_DIRECT_ACTION",
            "purpose": ["criminal_investigation"],
            "retention": {"review_on": (now.date() + RECEIPT_RETENTION).isoformat()},
            "victim_data_present": False,
            "minor_data_present": False,
        },
        "body": {"receipt": receipt},
    }


def receipt_bytes(
    *, inbound: InboundMessage, document: dict[str, Any], warnings: list[dict], now: dt.datetime
) -> bytes:
    """The signed RECEIPT for `inbound`, as the canonical bytes that are stored and sent."""
    unsigned = receipt_document(inbound=inbound, document=document, warnings=warnings, now=now)
    return canonical_json_bytes(keys.sign_as_instance(unsigned))
