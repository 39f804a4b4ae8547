"""Ed25519 detached signatures of HST messages (HST.md §2, RFC 8032) and their key ids.

Decisions, for the spec:

- Signing input: the RFC 8785 canonical bytes (`ncb_cases.canonical.canonical_json_bytes`) of
  the message without its `signature` member. The signature travels inside the message it
  signs, and re-serialising the JSON on the way (pretty printing, another key order) cannot
  break it. Re-signing replaces the signature; nothing else changes.
- Signature block: `{"alg": "EdDSA", "kid": ..., "value": ...}`, `value` being the 64-byte
  signature in base64url without padding (86 characters).
- Key id: `kid` = the first 16 hex digits (64 bits) of SHA-256 over the raw 32-byte public key.
  Anyone holding the key derives it (no registry needed), it is short enough for a header, and
  64 bits make accidental collisions among a few thousand NCB keys negligible. A collision could
  only make a lookup pick the wrong key (`bad_signature`), never a false `ok`.
- Public keys as text: base64url without padding of the raw 32 bytes (43 characters), the form
  of the JWK `x` member (RFC 8037), so a partner can paste it into a JWK as is.
- Private keys at rest: PKCS#8 PEM, optionally encrypted (for `NCB_SIGNING_KEY_FILE`).
- Rotation: a receiver keeps `{kid: key}` for every registered key of an NCB (`keyring`); the
  sender signs with its newest key; an old key stays registered until nothing signed with it is
  still expected.
- Digest: `message_digest` is SHA-256 over the canonical bytes of the whole message, signature
  included. It is the footer of the text rendering and a RECEIPT's `received_digest`; peers post
  the canonical bytes, so it is also the digest of the raw body.

Pure Python plus `cryptography`; no Django.
"""

import base64
import binascii
import copy
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ncb_cases.canonical import canonical_json_bytes

ALGORITHM = "EdDSA"
KID_HEX_DIGITS = 16
PublicKeyLike = Ed25519PublicKey | str
VerificationStatus = Literal["ok", "unknown_key", "bad_signature", "missing"]


@dataclass(frozen=True)
class VerificationResult:
    """The verdict on a signature: only `ok` means the sender's key signed these bytes."""

    status: VerificationStatus
    kid: str | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _raw_public(key: Ed25519PublicKey | Ed25519PrivateKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The `kid` of a key pair: first 16 hex digits of SHA-256 of the raw public key."""
    return hashlib.sha256(_raw_public(key)).hexdigest()[:KID_HEX_DIGITS]


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _from_b64url(text: Any, length: int) -> bytes:
    """Strict base64url without padding: the one text form of exactly `length` bytes."""
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise ValueError("not base64url text")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:
        raise ValueError("not base64url text") from exc
    if len(raw) != length or _b64url(raw) != text:
        raise ValueError(f"not the base64url form of {length} bytes")
    return raw


def public_key_to_text(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """base64url (no padding) of the raw 32-byte public key, as registered at partners."""
    return _b64url(_raw_public(key))


def public_key_from_text(text: str) -> Ed25519PublicKey:
    """The public key written by `public_key_to_text`; ValueError on anything else."""
    return Ed25519PublicKey.from_public_bytes(_from_b64url(text.strip(), 32))


def private_key_to_pem(key: Ed25519PrivateKey, passphrase: bytes | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def private_key_from_pem(data: bytes, passphrase: bytes | None = None) -> Ed25519PrivateKey:
    """The Ed25519 key of a PKCS#8 PEM file; ValueError if it holds another kind of key."""
    key = serialization.load_pem_private_key(data, password=passphrase)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the PEM file does not hold an Ed25519 private key")
    return key


def keyring(keys: Iterable[PublicKeyLike]) -> dict[str, Ed25519PublicKey]:
    """`{kid: key}` for the registered keys of a sender (objects or their text form)."""
    loaded = [public_key_from_text(k) if isinstance(k, str) else k for k in keys]
    return {key_id(key): key for key in loaded}


def signing_input(message: Mapping[str, Any]) -> bytes:
    """The bytes that are signed: the canonical JSON of the message without `signature`."""
    return canonical_json_bytes({k: v for k, v in message.items() if k != "signature"})


def message_digest(message: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the whole message, signature included."""
    return hashlib.sha256(canonical_json_bytes(message)).hexdigest()


def sign_message(message: Mapping[str, Any], private_key: Ed25519PrivateKey) -> dict[str, Any]:
    """A copy of `message` carrying the signature of `private_key` (the input is not changed)."""
    signed = copy.deepcopy(dict(message))
    signed.pop("signature", None)
    value = private_key.sign(signing_input(signed))
    signed["signature"] = {"alg": ALGORITHM, "kid": key_id(private_key), "value": _b64url(value)}
    return signed


def verify_message(
    message: Mapping[str, Any], public_keys: Mapping[str, PublicKeyLike]
) -> VerificationResult:
    """Check the signature of `message` against the sender's keys `{kid: key}`. Never raises
    for a malformed message; only `status == "ok"` may be trusted."""
    signature = message.get("signature") if isinstance(message, Mapping) else None
    if signature is None:
        return VerificationResult("missing", detail="the message is not signed")
    if not isinstance(signature, Mapping) or signature.get("alg") != ALGORITHM:
        return VerificationResult("bad_signature", detail="the signature block is not EdDSA")
    kid = signature.get("kid")
    key = public_keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        return VerificationResult("unknown_key", kid if isinstance(kid, str) else None,
                                  "no registered key has this kid")  # fmt: skip
    if isinstance(key, str):
        key = public_key_from_text(key)
    try:
        key.verify(_from_b64url(signature.get("value"), 64), signing_input(message))
    except ValueError as exc:  # also CanonicalizationError and UnicodeEncodeError
        return VerificationResult("bad_signature", kid, f"unreadable signature or message: {exc}")
    except InvalidSignature:
        return VerificationResult("bad_signature", kid, "the signature does not match the message")
    return VerificationResult("ok", kid)
