"""The sender's check of a RECEIPT (HST.md §5 RECEIPT, §7.4): only a receipt that the
recipient NCB signed, for this very message and these very bytes, makes a delivery DELIVERED.

Building receipts is the receiving side's business (`messages_hst.inbox.receipts`).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db.models.signals import post_delete, post_save

from contacts.models import NationalCentralBureau, NCBPublicKey
from messages_hst import keys, signing
from messages_hst.choices import SignatureStatus
from messages_hst.models import Delivery

SIGNATURE_DETAILS = {
    "missing": "receipt is not signed",
    "unknown_key": "receipt signed with a key not registered for the recipient NCB",
    "bad_signature": "receipt signature invalid",
}


# The recipients' keyrings, per process, for a few seconds (setting
# HST_RECEIPT_KEYRING_SECONDS, default 5; 0 turns the cache off): a worker verifying hundreds
# of receipts a second from the same few NCBs asked the database for the same keys each time.
# A key registered or revoked in this process empties the cache at once; one changed in
# another process (the admin, the web) is seen here within those seconds.
_keyrings: dict[tuple[int, str], tuple[float, dict[str, Ed25519PublicKey]]] = {}
_keyrings_lock = threading.Lock()


def recipient_keyring(ncb: NationalCentralBureau) -> dict[str, Ed25519PublicKey]:
    """`keys.sender_keyring(ncb)`, from this process's cache while it is fresh."""
    ttl = float(getattr(settings, "HST_RECEIPT_KEYRING_SECONDS", 5))
    if ttl <= 0:
        return keys.sender_keyring(ncb)
    key, clock = (ncb.pk, ncb.transport), time.monotonic()
    cached = _keyrings.get(key)
    if cached is not None and cached[0] > clock:
        return cached[1]
    ring = keys.sender_keyring(ncb)
    with _keyrings_lock:
        _keyrings[key] = (clock + ttl, ring)
    return ring


def forget_keyrings(**_signal) -> None:
    """Empty the keyring cache (a key or an NCB record changed here)."""
    with _keyrings_lock:
        _keyrings.clear()


for _model in (NCBPublicKey, NationalCentralBureau):
    post_save.connect(
        forget_keyrings, sender=_model, dispatch_uid=f"hst-keyrings-{_model.__name__}"
    )
    post_delete.connect(
        forget_keyrings, sender=_model, dispatch_uid=f"hst-keyrings-del-{_model.__name__}"
    )


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
    its keys (`recipient_keyring(recipient)`: one query, none while this process's copy is
    fresh, unless `keyring` is given), whose
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
    ring = recipient_keyring(recipient) if keyring is None else keyring
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
