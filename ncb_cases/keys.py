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

`instance_ncb_code()` names whose key it is (the `ncb_code` of checkpoints and dossiers):
`NCB_INSTANCE_CODE` (setting or environment), default "NCB-THB".

The loaded key is cached per process and per file (path and modification time), so a worker
signs thousands of events without re-reading the file, and a replaced file is picked up.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
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
