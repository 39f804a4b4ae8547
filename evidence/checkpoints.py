"""Signed checkpoints (tree heads) of the custody log, and the Ed25519 helpers they share.

A checkpoint says: "the custody log of NCB <ncb_code> had <tree_size> events and its RFC 6962
Merkle root was <root_hash> at <timestamp>", signed with the NCB's Ed25519 key, as a
Certificate Transparency log signs its tree heads. The signed bytes are the RFC 8785 canonical
JSON of the body below, which carries a `format` label so that a signature over a checkpoint can
never be taken for a signature over anything else the same key signs (HST messages, dossier
manifests):

    {"format": "ncb-thb-checkpoint/1", "kid": ..., "ncb_code": ..., "root_hash": <64 hex>,
     "timestamp": <RFC 3339 UTC>, "tree_size": <int>}

and the checkpoint as stored and exported is that body plus `"signature"`: the base64url
(unpadded) of the 64-byte Ed25519 signature.

Keys: a public key travels as the unpadded base64url of its raw 32 bytes (the JWK `x` form),
and its key id (kid) is the first 16 hex characters of SHA-256 of those raw bytes: the same
rules as the HST signatures (`messages_hst.signing`), so one NCB key has one text and one kid
everywhere. (This module cannot import that one: it travels alone in the offline verifier.)

Pure (standard library + `cryptography`): shipped in the court dossier's offline verifier.
"""

import base64
import binascii
import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from evidence.canonical import canonical_json_bytes
from evidence.hashing import HEX64, is_utc_timestamp, utc_timestamp
from evidence.merkle import verify_consistency

CHECKPOINT_FORMAT = "ncb-thb-checkpoint/1"
CHECKPOINT_FIELDS = ("format", "kid", "ncb_code", "root_hash", "timestamp", "tree_size")
SIGNATURE_ALGORITHM = "EdDSA"
"""The `alg` of signature blocks and keys, as JOSE (RFC 8037) and the HST signatures name it."""


_B64URL = re.compile(r"[A-Za-z0-9_-]*")


class CheckpointError(ValueError):
    """A checkpoint is malformed, names another key, or its signature does not verify."""


# -- keys and signatures ----------------------------------------------------------------------


def b64url_encode(data: bytes) -> str:
    """Unpadded base64url, as JOSE and the HST signatures write keys and signatures."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decodes unpadded base64url strictly: one text per byte string, as the HST signatures do
    (padding, other alphabets and non-zero trailing bits are refused with ValueError)."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text):
        raise ValueError("not unpadded base64url text")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not unpadded base64url text") from error
    if b64url_encode(raw) != text:
        raise ValueError("not the canonical base64url form of its bytes")
    return raw


def public_key_raw(public_key: Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of an Ed25519 public key."""
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_text(public_key: Ed25519PublicKey) -> str:
    """An Ed25519 public key as the unpadded base64url of its raw 32 bytes."""
    return b64url_encode(public_key_raw(public_key))


def public_key_from_text(text: str) -> Ed25519PublicKey:
    """The Ed25519 public key written by `public_key_text`; ValueError when it is not one."""
    raw = b64url_decode(text)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def key_id(public_key: Ed25519PublicKey | bytes) -> str:
    """The kid of a public key: the first 16 hex characters of SHA-256 of its raw 32 bytes."""
    raw = public_key if isinstance(public_key, bytes) else public_key_raw(public_key)
    return hashlib.sha256(raw).hexdigest()[:16]


def signature_create(private_key: Ed25519PrivateKey, body: Mapping[str, Any]) -> str:
    """Ed25519 signature over the RFC 8785 bytes of `body`, as unpadded base64url."""
    return b64url_encode(private_key.sign(canonical_json_bytes(dict(body))))


def signature_valid(public_key: Ed25519PublicKey, body: Mapping[str, Any], signature: str) -> bool:
    """True when `signature` (base64url) is `public_key`'s signature over `body`'s RFC 8785."""
    try:
        raw = b64url_decode(signature)
        public_key.verify(raw, canonical_json_bytes(dict(body)))
    except (ValueError, InvalidSignature):
        return False
    return True


# -- checkpoints ------------------------------------------------------------------------------


def checkpoint_body(
    *,
    tree_size: int,
    root_hash: bytes | str,
    timestamp: dt.datetime | str,
    ncb_code: str,
    kid: str,
) -> dict[str, Any]:
    """The signed part of a checkpoint, validated; `root_hash` raw (32 bytes) or hex."""
    if isinstance(root_hash, bytes):
        root_hash = root_hash.hex()
    if isinstance(timestamp, dt.datetime):
        timestamp = utc_timestamp(timestamp)
    body = {
        "format": CHECKPOINT_FORMAT,
        "kid": kid,
        "ncb_code": ncb_code,
        "root_hash": root_hash,
        "timestamp": timestamp,
        "tree_size": tree_size,
    }
    _check_body(body)
    return body


def checkpoint_sign(
    *,
    private_key: Ed25519PrivateKey,
    tree_size: int,
    root_hash: bytes | str,
    timestamp: dt.datetime | str,
    ncb_code: str,
) -> dict[str, Any]:
    """A signed checkpoint: the body (with the key's kid) and its `signature`."""
    body = checkpoint_body(
        tree_size=tree_size,
        root_hash=root_hash,
        timestamp=timestamp,
        ncb_code=ncb_code,
        kid=key_id(private_key.public_key()),
    )
    return {**body, "signature": signature_create(private_key, body)}


def checkpoint_verify(checkpoint: Mapping[str, Any], public_key: Ed25519PublicKey | str) -> None:
    """Returns when `checkpoint` is well formed and signed by `public_key`; else raises.

    `public_key` is a key object or its base64url text. Raises CheckpointError saying what is
    wrong: a missing, extra or malformed field, a kid that is not this key's, or a signature
    that does not verify (any changed field).
    """
    if isinstance(public_key, str):
        try:
            public_key = public_key_from_text(public_key)
        except ValueError as error:
            raise CheckpointError(f"the public key is not an Ed25519 key: {error}") from error
    if not isinstance(checkpoint, Mapping):
        raise CheckpointError("a checkpoint is a JSON object")
    expected = {*CHECKPOINT_FIELDS, "signature"}
    if set(checkpoint) != expected:
        missing = sorted(expected - set(checkpoint))
        extra = sorted(set(checkpoint) - expected)
        raise CheckpointError(f"checkpoint fields differ: missing {missing}, unexpected {extra}")
    body = {name: checkpoint[name] for name in CHECKPOINT_FIELDS}
    _check_body(body)
    kid = key_id(public_key)
    if body["kid"] != kid:
        raise CheckpointError(f"checkpoint names key {body['kid']}, not the given key {kid}")
    signature = checkpoint["signature"]
    if not isinstance(signature, str) or not signature_valid(public_key, body, signature):
        raise CheckpointError(
            "checkpoint signature does not verify: a field or the signature was changed"
        )


def checkpoints_consistent(
    *, older: Mapping[str, Any], newer: Mapping[str, Any], proof: Sequence[bytes]
) -> bool:
    """True when `proof` (RFC 6962) shows `newer`'s log extends `older`'s: nothing that `older`
    covered was changed or removed since. Verify both signatures first (`checkpoint_verify`)."""
    return verify_consistency(
        older["tree_size"],
        newer["tree_size"],
        bytes.fromhex(older["root_hash"]),
        bytes.fromhex(newer["root_hash"]),
        proof,
    )


def _check_body(body: Mapping[str, Any]) -> None:
    if body["format"] != CHECKPOINT_FORMAT:
        raise CheckpointError(f"checkpoint format {body['format']!r} is not {CHECKPOINT_FORMAT}")
    tree_size = body["tree_size"]
    if type(tree_size) is not int or tree_size < 0:
        raise CheckpointError(f"tree_size must be a whole number, not {tree_size!r}")
    if not isinstance(body["root_hash"], str) or not HEX64.fullmatch(body["root_hash"]):
        raise CheckpointError("root_hash must be 64 lowercase hexadecimal characters")
    if not is_utc_timestamp(body["timestamp"]):
        raise CheckpointError(f"timestamp {body['timestamp']!r} is not RFC 3339 UTC")
    if not isinstance(body["ncb_code"], str) or not body["ncb_code"]:
        raise CheckpointError("ncb_code must be a non-empty string")
    kid = body["kid"]
    if not isinstance(kid, str) or len(kid) != 16 or not HEX64.fullmatch(kid * 4):
        raise CheckpointError("kid must be 16 lowercase hexadecimal characters")
