"""The sender's check of a RECEIPT (HST.md §5 RECEIPT, §7.4): only a receipt that the
recipient NCB signed, for this very message and these very bytes, makes a delivery DELIVERED.

Building receipts is the receiving side's business (`messages_hst.inbox.receipts`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from messages_hst import keys, signing
from messages_hst.choices import SignatureStatus
from messages_hst.models import Delivery

SIGNATURE_DETAILS = {
    "missing": "receipt is not signed",
    "unknown_key": "receipt signed with a key not registered for the recipient NCB",
    "bad_signature": "receipt signature invalid",
}


@dataclass(frozen=True)
class ReceiptCheck:
    """The verdict on a receipt: `ok`, or `detail` saying precisely what is wrong.

    `document` is the parsed receipt message (None if it is not JSON), `signature_status` a
    `SignatureStatus` value ("" when the signature was not looked at).
    """

    ok: bool
    detail: str
    document: dict[str, Any] | None = None
    signature_status: str = SignatureStatus.NOT_CHECKED


def receipt_verify(
    delivery: Delivery,
    receipt_bytes: bytes,
    *,
    keyring: Mapping[str, Ed25519PublicKey] | None = None,
) -> ReceiptCheck:
    """Check `receipt_bytes` against `delivery` (its message and recipient NCB loaded; the
    message signed, so that its `digest` is set).

    The receipt must be a JSON RECEIPT message sent by the recipient NCB, signed with one of
    its keys (`keys.sender_keyring(recipient)`, one query, unless `keyring` is given), whose
    `body.receipt` names this message (`ref_message_id`), the digest of the bytes that were
    sent (`received_digest`) and reports our signature and the schema valid.
    """
    message, recipient = delivery.message, delivery.recipient_ncb
    try:
        document = json.loads(receipt_bytes)
    except (ValueError, UnicodeDecodeError):
        return ReceiptCheck(False, "receipt is not JSON")
    if not isinstance(document, dict):
        return ReceiptCheck(False, "receipt is not a JSON object")
    if document.get("message_type") != "RECEIPT":
        return ReceiptCheck(False, "the answer is not a RECEIPT message", document)
    sender = document.get("sender")
    if not isinstance(sender, Mapping) or sender.get("ncb_code") != recipient.code:
        return ReceiptCheck(False, "receipt not sent by the recipient NCB", document)
    ring = keys.sender_keyring(recipient) if keyring is None else keyring
    verdict = signing.verify_message(document, ring)
    if not verdict.ok:
        return ReceiptCheck(False, SIGNATURE_DETAILS[verdict.status], document, verdict.status)
    body = document.get("body")
    receipt = body.get("receipt") if isinstance(body, Mapping) else None
    if not isinstance(receipt, Mapping):
        return ReceiptCheck(False, "receipt has no body.receipt", document, verdict.status)
    if receipt.get("ref_message_id") != str(message.message_id):
        return ReceiptCheck(
            False, "receipt acknowledges another message", document, verdict.status
        )
    if not message.digest or receipt.get("received_digest") != message.digest:
        return ReceiptCheck(
            False, "receipt digest differs from the message sent", document, verdict.status
        )
    if receipt.get("signature_valid") is not True or receipt.get("schema_valid") is not True:
        return ReceiptCheck(False, "receipt reports the message invalid", document, verdict.status)
    return ReceiptCheck(True, "receipt verified", document, verdict.status)
