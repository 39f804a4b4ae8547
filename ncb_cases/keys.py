"""The instance's Ed25519 signing key: where it comes from, its public key and key id.

One key signs everything this instance vouches for: custody checkpoints, court-dossier
manifests and outgoing HST messages, so a partner registers one public key per
instance. Each signed format carries its own `format` label, so a signature over one kind of
document can never pass for another.

Where the key comes from (settings read with getattr, so none is required):

- `NCB_SIGNING_KEY_FILE` (setting, else the environment variable): a PKCS#8 PEM file holding
  the Ed25519 private key, encrypted with the passphrase `NCB_SIGNING_KEY_PASSPHRASE`
  (setting or environment) when it is set. Production must configure it.
- Otherwise, when DEBUG is on or tests are running, a development key is generated once as
  `<VAR_DIR>/dev_signing_key.pem` (mode 0600) and kept, like settings.py's development
  secret key, so checkpoints signed yesterday still verify today.
- Otherwise `SigningKeyUnavailable`: an instance without a key cannot sign custody.

Rotation (`manage.py rotate_signing_key`, steps in SECURITY.md): a new key replaces the file,
and the old key's PUBLIC half is appended to the retired-keys file
`NCB_RETIRED_SIGNING_KEYS_FILE` (setting or environment; default
`<VAR_DIR>/retired_signing_keys.json`). The old private key is not kept: nothing new can be
signed with it, but `verification_keyring()` (current + retired public keys, by kid) still
verifies what it signed: checkpoints, and HST messages of NCBs hosted here. Exported dossiers
carry their key and need nothing from here.

`instance_ncb_code()` names whose key it is (the `ncb_code` of checkpoints and dossiers):
`NCB_INSTANCE_CODE` (setting or environment), default "NCB-THB".

The loaded key is cached per process and per file (path and modification time), so a worker
signs thousands of events without re-reading the file, and a replaced file is picked up.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_FILE_SETTING = "NCB_SIGNING_KEY_FILE"
RETIRED_KEYS_SETTING = "NCB_RETIRED_SIGNING_KEYS_FILE"
RETIRED_KEYS_NAME = "retired_signing_keys.json"
RETIRED_KEYS_FORMAT = "ncb-thb-retired-keys/1"
PASSPHRASE_SETTING = "NCB_SIGNING_KEY_PASSPHRASE"
INSTANCE_CODE_SETTING = "NCB_INSTANCE_CODE"
DEFAULT_INSTANCE_CODE = "NCB-THB"
DEVELOPMENT_KEY_NAME = "dev_signing_key.pem"


class SigningKeyUnavailable(ImproperlyConfigured):
    """No signing key is configured (and none may be generated), or the file is unusable."""


def _setting(name: str) -> str:
    value = getattr(settings, name, None)
    if value in (None, ""):
        value = os.environ.get(name, "")
    return str(value).strip()


def instance_ncb_code() -> str:
    """The code under which this instance signs (checkpoints' and dossiers' `ncb_code`)."""
    return _setting(INSTANCE_CODE_SETTING) or DEFAULT_INSTANCE_CODE


def signing_key_path() -> Path:
    """The PEM file of the signing key: the configured one, or the development key's
    (generated on first use) when DEBUG is on or tests run. Raises SigningKeyUnavailable."""
    configured = _setting(KEY_FILE_SETTING)
    if configured:
        return Path(configured)
    if not _development_key_allowed():
        raise SigningKeyUnavailable(
            f"{KEY_FILE_SETTING} is not set: point it at the instance's Ed25519 private key "
            "(PKCS#8 PEM). A development key is generated only when DEBUG is on."
        )
    return development_key_path()


def development_key_path() -> Path:
    """`<VAR_DIR>/dev_signing_key.pem`, created (mode 0600) if it does not exist yet."""
    var_dir = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var"))
    path = var_dir / DEVELOPMENT_KEY_NAME
    if not path.exists():
        _write_new_key(path)
    return path


def _development_key_allowed() -> bool:
    # Tests run with DEBUG off, as production does; they still need a key to sign with.
    running_tests = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
    return bool(getattr(settings, "DEBUG", False)) or running_tests


def _write_new_key(path: Path) -> None:
    """Write a fresh key to `path` unless another process got there first.

    The PEM is written to a private temporary file beside it (0600 from the start: the key
    never exists readable by others) and published with a hard link, which fails if the
    file exists: two processes starting together end up with one key, not two.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor, temporary = tempfile.mkstemp(prefix=".signing-key-", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:  # mkstemp creates it with mode 0600
            handle.write(pem)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


# How long a loaded key is used before its file is looked at again: a worker signing hundreds
# of messages a second need not stat the file for each, and a replaced key is still picked
# up within seconds.
KEY_FILE_RECHECK_SECONDS = 5.0
_checked: dict[tuple[str, str], tuple[float, Ed25519PrivateKey]] = {}


def signing_private_key() -> Ed25519PrivateKey:
    """The instance's Ed25519 private key (cached per process while the file is unchanged)."""
    path = signing_key_path()
    passphrase = _setting(PASSPHRASE_SETTING)
    now = time.monotonic()
    recent = _checked.get((str(path), passphrase))
    if recent is not None and now - recent[0] < KEY_FILE_RECHECK_SECONDS:
        return recent[1]
    try:
        modified = path.stat().st_mtime_ns
    except OSError as error:
        raise SigningKeyUnavailable(f"cannot read the signing key file {path}: {error}") from None
    key = _load_private_key(str(path), modified, passphrase)
    _checked[(str(path), passphrase)] = (now, key)
    return key


@lru_cache(maxsize=4)
def _load_private_key(path: str, modified: int, passphrase: str) -> Ed25519PrivateKey:
    try:
        data = Path(path).read_bytes()
        key = serialization.load_pem_private_key(data, password=passphrase.encode() or None)
    except (OSError, ValueError, TypeError) as error:
        # Never echo the file's content: it is a private key.
        raise SigningKeyUnavailable(
            f"the signing key file {path} is not a readable PKCS#8 PEM private key "
            f"({type(error).__name__})"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyUnavailable(f"the signing key in {path} is not an Ed25519 key")
    return key


def signing_public_key() -> Ed25519PublicKey:
    """The public half of the instance's signing key."""
    return signing_private_key().public_key()


def _raw_public_key() -> bytes:
    return signing_public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def signing_key_id() -> str:
    """The kid of the instance's key: first 16 hex digits of SHA-256 of the raw public key.

    The rule of `messages_hst.signing.key_id` and `evidence.checkpoints.key_id` (written out
    here because this app may import neither), so one key has one kid everywhere."""
    return hashlib.sha256(_raw_public_key()).hexdigest()[:16]


def signing_public_key_text() -> str:
    """The public key as partners register it: unpadded base64url of its raw 32 bytes."""
    return base64.urlsafe_b64encode(_raw_public_key()).rstrip(b"=").decode("ascii")


# --- Rotation: retired public keys, kept for verification ------------------------------------


def public_key_text(public_key: Ed25519PublicKey) -> str:
    """Unpadded base64url of the raw 32 bytes (how partners register a key)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_key_id(public_key: Ed25519PublicKey) -> str:
    """The kid of any public key, by `signing_key_id`'s rule."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def retired_keys_path() -> Path:
    """The JSON file of the instance's retired public keys (it may not exist yet)."""
    configured = _setting(RETIRED_KEYS_SETTING)
    if configured:
        return Path(configured)
    return Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / RETIRED_KEYS_NAME


def _retired_entries(path: Path) -> list[dict[str, str]]:
    try:
        modified = path.stat().st_mtime_ns
    except FileNotFoundError:
        return []
    except OSError as error:
        raise SigningKeyUnavailable(f"cannot read the retired keys file {path}: {error}") from None
    return _load_retired_entries(str(path), modified)


@lru_cache(maxsize=4)
def _load_retired_entries(path: str, modified: int) -> list[dict[str, str]]:
    try:
        document = json.loads(Path(path).read_bytes())
        entries = document["keys"]
        if document.get("format") != RETIRED_KEYS_FORMAT or not isinstance(entries, list):
            raise ValueError("not a retired-keys document")
        for entry in entries:
            _public_key_from_text(entry["public_key"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SigningKeyUnavailable(
            f"the retired keys file {path} is not a {RETIRED_KEYS_FORMAT} document "
            f"({type(error).__name__})"
        ) from None
    return entries


def _public_key_from_text(text: str) -> Ed25519PublicKey:
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return Ed25519PublicKey.from_public_bytes(raw)


def retired_public_keys() -> dict[str, Ed25519PublicKey]:
    """`{kid: public key}` of the keys this instance signed with before its current one.

    The kid is recomputed from each key, never trusted from the file."""
    ring = {}
    for entry in _retired_entries(retired_keys_path()):
        key = _public_key_from_text(entry["public_key"])
        ring[public_key_id(key)] = key
    return ring


def verification_keyring() -> dict[str, Ed25519PublicKey]:
    """`{kid: public key}` of every key this instance has signed with: the current one and
    the retired ones. What verifies this instance's own checkpoints and messages."""
    ring = retired_public_keys()
    current = signing_public_key()
    ring[public_key_id(current)] = current
    return ring


def signing_key_rotate(
    *, new_key_file: Path | None = None, now: dt.datetime | None = None
) -> tuple[str, str]:
    """Retire the current key and write a new one; returns `(old kid, new kid)`.

    1. The current key's public half is appended to the retired-keys file (first, so that at no
       moment can a signature by it stop verifying).
    2. A new key is written, mode 0600: over the configured key file (atomic rename: a
       process reads the old key or the new one, never half a file), or to `new_key_file`
       when the key file is mounted read-only (a container secret) and the operator swaps it.
    Raises SigningKeyUnavailable when the current key does not load (nothing is changed).
    """
    current_path = signing_key_path()
    old_public = signing_public_key()
    old_kid = public_key_id(old_public)
    _retired_record(old_public, now or dt.datetime.now(dt.UTC))
    target = Path(new_key_file) if new_key_file else current_path
    new_key = Ed25519PrivateKey.generate()
    pem = new_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        _encryption(),
    )
    _write_private(target, pem)
    _checked.clear()
    return old_kid, public_key_id(new_key.public_key())


def _encryption() -> serialization.KeySerializationEncryption:
    # The new key is protected as the old one was: same passphrase, if any.
    passphrase = _setting(PASSPHRASE_SETTING)
    if passphrase:
        return serialization.BestAvailableEncryption(passphrase.encode())
    return serialization.NoEncryption()


def _retired_record(public_key: Ed25519PublicKey, retired_at: dt.datetime) -> None:
    path = retired_keys_path()
    entries = list(_retired_entries(path))
    kid = public_key_id(public_key)
    if all(entry.get("kid") != kid for entry in entries):
        entries.append(
            {
                "kid": kid,
                "public_key": public_key_text(public_key),
                "retired_at": retired_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    document = {"format": RETIRED_KEYS_FORMAT, "keys": entries}
    _write_replacing(path, (json.dumps(document, indent=2) + "\n").encode(), mode=0o644)


def _write_private(path: Path, data: bytes) -> None:
    _write_replacing(path, data, mode=0o600)


def _write_replacing(path: Path, data: bytes, *, mode: int) -> None:
    """Write `data` to a temporary file beside `path` (created 0600), set `mode`, then
    rename it over `path`: readers see the old file or the new one, never a partial one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
