"""The evidence file store: content-addressed by SHA-256, streamed, never overwritten.

Content is written under `sha256/<aa>/<bb>/<hash>` of a Django storage: the local directory
`EVIDENCE_FILE_ROOT` (default `<NCB_VAR_DIR>/evidence-files`) unless the `STORAGES` setting
names an `"evidence"` backend (any Django storage: S3, Azure...). Settings are read with
defaults, so none is required:

    EVIDENCE_FILE_ROOT = VAR_DIR / "evidence-files"   # local store (no "evidence" storage)
    EVIDENCE_FILE_MAX_SIZE = 2 * 1024**3              # bytes; None: no limit
    STORAGES["evidence"] = {...}                      # optional: another backend

An upload is read in chunks into a temporary file while it is hashed, so a 1 GB file never
sits in memory; only when it is complete is it moved into place under its hash. Its media
type is sniffed from its first bytes (`ncb_cases.sniffing`), never taken from the client, and
the name it arrived with is never part of the key. If the same
content is already stored it is reused and nothing is written. If the upload fails midway
(the client disconnects, the size limit is passed), the temporary file is removed and the
store is unchanged.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.translation import gettext as _

from evidence.hashing import HEX64
from ncb_cases import sniffing

CHUNK_SIZE = 1024 * 1024
STORAGE_ALIAS = "evidence"
DEFAULT_MAX_SIZE = 2 * 1024**3


def max_size_setting() -> int | None:
    """The largest file accepted, in bytes (`EVIDENCE_FILE_MAX_SIZE`, default 2 GiB; None or 0:
    no limit)."""
    return getattr(settings, "EVIDENCE_FILE_MAX_SIZE", DEFAULT_MAX_SIZE) or None


def size_limit_error(max_size: int) -> ValidationError:
    """The refusal of a file larger than `max_size`, on the `file` field."""
    return ValidationError(
        {
            "file": [
                _("The file is larger than the limit of %(limit)s (%(bytes)s bytes).")
                % {"limit": _human_size(max_size), "bytes": max_size}
            ]
        }
    )


def evidence_file_storage() -> Storage:
    """The storage evidence files live in (see the module docstring for the settings)."""
    if STORAGE_ALIAS in getattr(settings, "STORAGES", {}):
        return storages[STORAGE_ALIAS]
    return FileSystemStorage(location=evidence_file_root())


def evidence_file_root() -> Path:
    """The local directory of the default store."""
    root = getattr(settings, "EVIDENCE_FILE_ROOT", None)
    if root is None:
        root = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / (
            "evidence-files"
        )
    return Path(root)


def storage_key(sha256: str) -> str:
    """Where content with this SHA-256 is stored (`sha256/ab/cd/abcd…`)."""
    if not isinstance(sha256, str) or not HEX64.fullmatch(sha256):
        raise ValueError("a SHA-256 is 64 lowercase hexadecimal characters")
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


@dataclass(frozen=True)
class StoredContent:
    """The outcome of `content_store`: the content's hash, size, key, whether it was new, and
    its media type as sniffed from the bytes."""

    sha256: str
    size: int
    key: str
    created: bool
    media_type: str = sniffing.OCTET_STREAM


class _TemporaryContent(File):
    """A finished temporary file; FileSystemStorage moves (rather than copies) such a file."""

    def temporary_file_path(self) -> str:
        return self.file.name


def content_store(
    source: IO[bytes] | Iterable[bytes],
    *,
    expected_sha256: str | None = None,
    max_size: int | None = None,
    storage: Storage | None = None,
) -> StoredContent:
    """Stream `source` (a binary file, an UploadedFile, or an iterable of byte chunks) into
    the store and return its hash and key.

    The SHA-256 is computed on the fly, chunk by chunk. `expected_sha256` (the hash the client
    says it sent) must match, and the content may not pass `max_size` (default the
    `EVIDENCE_FILE_MAX_SIZE` setting): otherwise ValidationError and nothing is stored. The
    media type is sniffed from the content (`media_type`). Same
    content already stored: reused, not rewritten (`created` False). Any failure leaves no
    file behind.
    """
    storage = storage or evidence_file_storage()
    if max_size is None:
        max_size = max_size_setting()
    if expected_sha256 is not None and not HEX64.fullmatch(str(expected_sha256)):
        raise ValidationError(
            {"sha256": [_("A SHA-256 hash is 64 lowercase hexadecimal characters.")]}
        )
    digest = hashlib.sha256()
    size = 0
    head = b""
    temporary = tempfile.NamedTemporaryFile(  # noqa: SIM115 -- closed in every path below
        prefix="evidence-upload-", dir=_temporary_dir(storage), delete=False
    )
    try:
        with temporary:
            for chunk in _chunks(source):
                size += len(chunk)
                if max_size is not None and size > max_size:
                    raise size_limit_error(max_size)
                if len(head) < sniffing.SNIFF_BYTES:
                    head += chunk[: sniffing.SNIFF_BYTES - len(head)]
                digest.update(chunk)
                temporary.write(chunk)
        sha256 = digest.hexdigest()
        if expected_sha256 is not None and expected_sha256 != sha256:
            raise ValidationError(
                {
                    "sha256": [
                        _(
                            "The file received does not have the SHA-256 you gave "
                            "(received %(actual)s): it was changed or cut on the way."
                        )
                        % {"actual": sha256}
                    ]
                }
            )
        zip_names = None
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            zip_names = sniffing.zip_member_names(temporary.name)
        media_type = sniffing.sniff_media_type(head, zip_names=zip_names)
        key = storage_key(sha256)
        if storage.exists(key):
            return StoredContent(sha256, size, key, created=False, media_type=media_type)
        with open(temporary.name, "rb") as handle:
            saved = storage.save(key, _TemporaryContent(handle, name=key))
        if saved != key:
            # Another upload of the same content won the race: keep its file, drop ours.
            storage.delete(saved)
            return StoredContent(sha256, size, key, created=False, media_type=media_type)
        return StoredContent(sha256, size, key, created=True, media_type=media_type)
    finally:
        _remove(temporary.name)


def content_open(sha256: str, *, storage: Storage | None = None) -> IO[bytes]:
    """The stored content with this hash, opened for reading (FileNotFoundError if absent)."""
    storage = storage or evidence_file_storage()
    key = storage_key(sha256)
    if not storage.exists(key):
        raise FileNotFoundError(key)
    return storage.open(key, "rb")


def content_hash(sha256: str, *, storage: Storage | None = None) -> str | None:
    """SHA-256 of the content stored under `sha256` as it is now, re-read chunk by chunk.

    None when the content is missing. A result other than `sha256` means the stored file
    was altered.
    """
    try:
        handle = content_open(sha256, storage=storage)
    except FileNotFoundError:
        return None
    digest = hashlib.sha256()
    with handle:
        for chunk in iter(lambda: handle.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


def content_delete_if_unused(sha256: str, *, storage: Storage | None = None) -> bool:
    """Remove stored content that no evidence file row names (after a failed add)."""
    from evidence.models import EvidenceFile

    if EvidenceFile.objects.filter(sha256=sha256).exists():
        return False
    storage = storage or evidence_file_storage()
    key = storage_key(sha256)
    if storage.exists(key):
        storage.delete(key)
        return True
    return False


def _chunks(source: IO[bytes] | Iterable[bytes]) -> Iterator[bytes]:
    if hasattr(source, "chunks"):  # Django UploadedFile / File
        yield from source.chunks(CHUNK_SIZE)
    elif hasattr(source, "read"):
        yield from iter(lambda: source.read(CHUNK_SIZE), b"")
    else:
        for chunk in source:
            if not isinstance(chunk, bytes | bytearray | memoryview):
                raise TypeError("evidence content must be bytes")
            yield bytes(chunk)


def _temporary_dir(storage: Storage) -> str | None:
    """Beside the store when it is local (the final move is then a rename), else the
    system's upload temporary directory."""
    if isinstance(storage, FileSystemStorage):
        directory = Path(storage.location) / "tmp"
        directory.mkdir(parents=True, exist_ok=True)
        return str(directory)
    return getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)


def _human_size(size: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} B"


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
