"""Which keys sign and verify HST messages on this instance.

Outgoing messages are signed with the instance key (`ncb_cases.keys`). A received message
verifies against the keyring of its sender NCB: the keys registered for it
(`contacts.NCBPublicKey`, active ones), plus this instance's own key when the sender is hosted
here (transport `local`), since then this instance signed it (with its current key or one
retired by `rotate_signing_key`).
"""

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from contacts.choices import MessageTransport
from contacts.models import NationalCentralBureau, NCBPublicKey
from messages_hst import signing
from ncb_cases import keys


def sender_keyring(ncb: NationalCentralBureau | None) -> dict[str, Ed25519PublicKey]:
    """`{kid: public key}` that may have signed a message from `ncb` (empty for None)."""
    if ncb is None:
        return {}
    registered = NCBPublicKey.objects.active().filter(ncb=ncb).values_list("public_key", flat=True)
    ring = signing.keyring(registered)
    if ncb.transport == MessageTransport.LOCAL:
        # This instance's current and retired keys: a message signed before a key rotation
        # and delivered (or re-verified) after it still verifies.
        ring.update(keys.verification_keyring())
    return ring


def sign_as_instance(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with its `signature` block, signed with this instance's key."""
    return signing.sign_message(document, keys.signing_private_key())
