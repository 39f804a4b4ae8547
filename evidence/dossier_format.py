"""The court dossier's layout: what is in the ZIP, the manifest, and its writer and reader.

A dossier is one ZIP file:

    manifest.json              the machine-readable record, RFC 8785 canonical JSON (below)
    dossier.pdf                the same record for people (made by the Django side), if listed
    files/<sha256>             each evidence file whose content was asked for, by its SHA-256
    verifier/README.txt        how to check the dossier offline
    verifier/evidence/*.py     the offline verifier: `cd verifier && python -m evidence.verify
                               ../dossier.zip` (Python 3.10+ and the `cryptography` package)

Nothing else may be in the ZIP: the verifier flags any member the manifest does not list.

The manifest (format "ncb-thb-dossier/1"):

    format, created_at (RFC 3339 UTC), ncb_code
    keys        [{kid, alg: "EdDSA", public_key: base64url of the raw 32 bytes}]
    checkpoint  the latest signed checkpoint (evidence.checkpoints)
    items       [{item: public id, description: {...free text for people...},
                  head_hash: the hash of the item's last event at export,
                  events: [{sequence, canonical: the event's canonical JSON as text,
                            prev_hash, hash, leaf_index, inclusion_proof: [hex, ...]}],
                  files: [{path: "files/<sha256>" or null when not included, sha256, size,
                           media_type, name}]}]
    documents   [{path, sha256, size, media_type}]: dossier.pdf and the verifier's files
    context     {...}: free-form (case reference, export purpose...), signed like the rest
    signature   {alg: "EdDSA", kid, value}: the NCB key's Ed25519 signature over the RFC 8785
                bytes of the manifest without `signature`

`leaf_index` is the event's position in the instance-wide custody log (its Merkle leaf) and
`inclusion_proof` proves it against the checkpoint; both are null for events appended after
that checkpoint, which only the hash chain and the manifest signature then protect.

The checkpoint proves the events were in the log, unchanged, when it was signed; the manifest
signature proves nothing was added, removed or changed in the dossier since export (such as the
last events of an item, which no chain link would miss).

Pure (standard library + `cryptography`): shipped with the verifier.
"""

import dataclasses
import datetime as dt
import hashlib
import json
import sys
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from evidence.canonical import canonical_json, canonical_json_bytes
from evidence.checkpoints import (
    SIGNATURE_ALGORITHM,
    key_id,
    public_key_text,
    signature_create,
)
from evidence.hashing import HEX64, is_utc_timestamp, utc_timestamp

DOSSIER_FORMAT = "ncb-thb-dossier/1"
MANIFEST_NAME = "manifest.json"
PDF_NAME = "dossier.pdf"
FILES_DIR = "files/"
VERIFIER_DIR = "verifier/"
CHUNK_SIZE = 1024 * 1024
"""Files are hashed and copied 1 MB at a time: a 1 GB file never sits in memory."""

# The modules the offline verifier needs, shipped as verifier/evidence/<name>.
VERIFIER_MODULES = (
    "verify.py",
    "dossier_format.py",
    "checkpoints.py",
    "merkle.py",
    "hashing.py",
    "canonical.py",
)
_SHIPPED_INIT = (
    b'"""NCB-THB offline dossier verifier (shipped copy): python -m evidence.verify."""\n'
)
_SHIPPED_README = """\
NCB-THB court dossier: how to verify it offline
================================================

This folder holds the verifier of the dossier ZIP it came in. It needs Python 3.10 or later
and the `cryptography` package (pip install cryptography); no network, no database.

    cd verifier
    python -m evidence.verify ../dossier.zip

It checks every custody event's hash chain, each event's inclusion proof against the signed
checkpoint, the checkpoint and manifest signatures, and the SHA-256 of every evidence file and
of dossier.pdf. It exits with status 0 and a summary when everything holds; otherwise it names
each failed check and the event or file concerned, and exits with status 1.

The public key is read from the dossier itself. Compare the key id (kid) it prints with the
one the National Central Bureau publishes, or pass that key: --trusted-key <base64url>.
"""


class ManifestError(ValueError):
    """The manifest is not a well-formed dossier manifest (says where)."""


# -- building ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DossierEvent:
    """A custody event as exported: its stored bytes and columns, and its place in the log."""

    sequence: int
    canonical_bytes: bytes
    prev_hash: str
    hash: str
    leaf_index: int | None = None
    inclusion_proof: Sequence[bytes] | None = None


@dataclasses.dataclass(frozen=True)
class DossierFile:
    """An evidence file: listed always, its content in `files/<sha256>` when `included`."""

    sha256: str
    size: int
    media_type: str
    name: str = ""
    included: bool = True


@dataclasses.dataclass(frozen=True)
class DossierItem:
    """An evidence item, its whole custody chain and its files."""

    item: str
    events: Sequence[DossierEvent]
    files: Sequence[DossierFile] = ()
    description: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class DossierDocument:
    """Any other listed member: dossier.pdf, the verifier's files."""

    path: str
    sha256: str
    size: int
    media_type: str


def file_path(sha256: str) -> str:
    """Where an evidence file's content lives inside the ZIP."""
    return FILES_DIR + sha256


def document_for(path: str, data: bytes, media_type: str) -> DossierDocument:
    """The listing of a small in-memory member (the PDF, a verifier file)."""
    return DossierDocument(path, hashlib.sha256(data).hexdigest(), len(data), media_type)


def build_manifest(
    *,
    ncb_code: str,
    public_keys: Iterable[Ed25519PublicKey],
    checkpoint: Mapping[str, Any],
    items: Sequence[DossierItem],
    documents: Sequence[DossierDocument] = (),
    created_at: dt.datetime | str,
    context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The unsigned manifest (a plain dict, see the module docstring); sign it with
    `manifest_sign`. Validated with `read_manifest`'s rules, so a bad export fails here."""
    manifest = {
        "format": DOSSIER_FORMAT,
        "created_at": created_at if isinstance(created_at, str) else utc_timestamp(created_at),
        "ncb_code": ncb_code,
        "keys": [
            {
                "kid": key_id(key),
                "alg": SIGNATURE_ALGORITHM,
                "public_key": public_key_text(key),
            }
            for key in public_keys
        ],
        "checkpoint": dict(checkpoint),
        "items": [_item_entry(item) for item in items],
        "documents": [dataclasses.asdict(document) for document in documents],
        "context": dict(context or {}),
    }
    _check_manifest(manifest, signed=False)
    return manifest


def _item_entry(item: DossierItem) -> dict[str, Any]:
    return {
        "item": item.item,
        "description": dict(item.description),
        "head_hash": item.events[-1].hash if item.events else "",
        "events": [
            {
                "sequence": event.sequence,
                "canonical": bytes(event.canonical_bytes).decode("utf-8"),
                "prev_hash": event.prev_hash,
                "hash": event.hash,
                "leaf_index": event.leaf_index,
                "inclusion_proof": (
                    None
                    if event.inclusion_proof is None
                    else [node.hex() for node in event.inclusion_proof]
                ),
            }
            for event in item.events
        ],
        "files": [
            {
                "path": file_path(entry.sha256) if entry.included else None,
                "sha256": entry.sha256,
                "size": entry.size,
                "media_type": entry.media_type,
                "name": entry.name,
            }
            for entry in item.files
        ],
    }


def manifest_unsigned(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest without its signature: what the signature covers."""
    return {key: value for key, value in manifest.items() if key != "signature"}


def manifest_sign(manifest: Mapping[str, Any], private_key: Ed25519PrivateKey) -> dict[str, Any]:
    """The manifest with `signature`: the key's Ed25519 signature over the rest's RFC 8785."""
    unsigned = manifest_unsigned(manifest)
    signature = {
        "kid": key_id(private_key.public_key()),
        "alg": SIGNATURE_ALGORITHM,
        "value": signature_create(private_key, unsigned),
    }
    return {**unsigned, "signature": signature}


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    """manifest.json as written: RFC 8785, so it reads the same on every platform."""
    return canonical_json_bytes(dict(manifest))


# -- the shipped verifier ---------------------------------------------------------------------


def verifier_files() -> dict[str, bytes]:
    """The offline verifier as ZIP members: {"verifier/evidence/verify.py": source, ...}.

    `evidence/canonical.py` is the file that really implements RFC 8785 (in the repository
    `ncb_cases/canonical.py`, which `evidence.canonical` re-exports; in a shipped copy, itself),
    so the verifier runs without the project. `__init__.py` is written fresh: the project's
    own package init may one day import Django.
    """
    here = Path(__file__).resolve().parent
    rfc8785_source = Path(sys.modules[canonical_json.__module__].__file__ or "")
    members = {
        VERIFIER_DIR + "README.txt": _SHIPPED_README.encode("utf-8"),
        VERIFIER_DIR + "evidence/__init__.py": _SHIPPED_INIT,
    }
    for name in VERIFIER_MODULES:
        source = rfc8785_source if name == "canonical.py" else here / name
        members[VERIFIER_DIR + "evidence/" + name] = source.read_bytes()
    return members


def verifier_documents() -> list[DossierDocument]:
    """The manifest listing of `verifier_files()`."""
    return [
        document_for(path, data, "text/x-python" if path.endswith(".py") else "text/plain")
        for path, data in verifier_files().items()
    ]


# -- writing ----------------------------------------------------------------------------------

Content = bytes | Callable[[], IO[bytes]]
"""A member's content: bytes, or a function opening a binary stream (copied 1 MB at a time)."""


def write_dossier(
    target: str | Path | IO[bytes], *, manifest: Mapping[str, Any], contents: Mapping[str, Content]
) -> None:
    """Writes the dossier ZIP: manifest.json, then every listed member from `contents`.

    `contents` maps each included file's and each document's path to its content; a listed
    path without content is an error (the verifier would reject the dossier). Memory stays
    bounded by CHUNK_SIZE whatever the files' sizes. The manifest is written as given: sign it
    first.
    """
    listed = listed_members(manifest)
    missing = sorted(set(listed) - set(contents))
    if missing:
        raise ManifestError(f"no content given for {', '.join(missing)}")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST_NAME, manifest_bytes(manifest))
        for path, size in listed.items():
            content = contents[path]
            if isinstance(content, bytes):
                archive.writestr(path, content)
                continue
            # Evidence files are mostly compressed already (images, video, archives): store.
            info = zipfile.ZipInfo(path, date_time=time.localtime()[:6])
            info.compress_type = zipfile.ZIP_STORED
            with (
                content() as source,
                archive.open(info, "w", force_zip64=size >= 2**31) as sink,
            ):
                while chunk := source.read(CHUNK_SIZE):
                    sink.write(chunk)


def listed_members(manifest: Mapping[str, Any]) -> dict[str, int]:
    """Every ZIP member a (well-formed) manifest lists besides manifest.json, with its size."""
    listed: dict[str, int] = {}
    for item in manifest["items"]:
        for entry in item["files"]:
            if entry["path"] is not None:
                listed[entry["path"]] = entry["size"]
    for document in manifest["documents"]:
        listed[document["path"]] = document["size"]
    return listed


# -- reading ----------------------------------------------------------------------------------


def read_manifest(data: bytes) -> dict[str, Any]:
    """Parses manifest.json and checks its shape; raises ManifestError naming the bad field.

    Shape only: whether hashes, proofs and signatures hold is `evidence.verify`'s job.
    """
    try:
        manifest = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise ManifestError(f"manifest.json is not JSON: {error}") from error
    _check_manifest(manifest, signed=True)
    return manifest


def _check_manifest(manifest: Any, *, signed: bool) -> None:
    _expect(isinstance(manifest, dict), "manifest", "must be a JSON object")
    _expect(manifest.get("format") == DOSSIER_FORMAT, "format", f"must be {DOSSIER_FORMAT}")
    _expect(is_utc_timestamp(manifest.get("created_at")), "created_at", "must be RFC 3339 UTC")
    _expect(_text(manifest.get("ncb_code")), "ncb_code", "must be a non-empty string")
    keys = manifest.get("keys")
    _expect(isinstance(keys, list) and keys, "keys", "must list at least one public key")
    for index, key in enumerate(keys):
        where = f"keys[{index}]"
        _expect(isinstance(key, dict), where, "must be an object")
        _expect(key.get("alg") == SIGNATURE_ALGORITHM, where, "must be an Ed25519 key")
        _expect(_text(key.get("kid")) and _text(key.get("public_key")), where, "needs kid and key")
    _expect(isinstance(manifest.get("checkpoint"), dict), "checkpoint", "must be an object")
    _expect(isinstance(manifest.get("context", {}), dict), "context", "must be an object")
    items = manifest.get("items")
    _expect(isinstance(items, list) and items, "items", "must list at least one item")
    for index, item in enumerate(items):
        _check_item(item, f"items[{index}]")
    documents = manifest.get("documents")
    _expect(isinstance(documents, list), "documents", "must be a list")
    for index, document in enumerate(documents):
        where = f"documents[{index}]"
        _check_listed(document, where)
        path = document.get("path")
        _expect(
            _text(path)
            and path != MANIFEST_NAME
            and not path.startswith(("/", FILES_DIR))
            and ".." not in path.split("/")
            and not path.endswith("/"),
            f"{where}.path",
            "must be a relative path outside files/",
        )
    paths = [document["path"] for document in documents]
    _expect(len(paths) == len(set(paths)), "documents", "lists a path twice")
    if signed:
        signature = manifest.get("signature")
        _expect(isinstance(signature, dict), "signature", "is missing")
        _expect(
            signature.get("alg") == SIGNATURE_ALGORITHM
            and _text(signature.get("kid"))
            and _text(signature.get("value")),
            "signature",
            "needs alg EdDSA, kid and value",
        )


def _check_item(item: Any, where: str) -> None:
    _expect(isinstance(item, dict), where, "must be an object")
    _expect(_text(item.get("item")), f"{where}.item", "must be the item's public id")
    _expect(isinstance(item.get("description", {}), dict), f"{where}.description", "object")
    events = item.get("events")
    _expect(isinstance(events, list) and events, f"{where}.events", "must list the events")
    for index, event in enumerate(events):
        at = f"{where}.events[{index}]"
        _expect(isinstance(event, dict), at, "must be an object")
        _expect(_whole(event.get("sequence")), f"{at}.sequence", "must be a whole number")
        _expect(isinstance(event.get("canonical"), str), f"{at}.canonical", "must be text")
        _expect(_hex64(event.get("hash")), f"{at}.hash", "must be 64 hex characters")
        _expect(_hex64(event.get("prev_hash")), f"{at}.prev_hash", "must be 64 hex characters")
        _expect(
            "leaf_index" in event and "inclusion_proof" in event,
            at,
            "needs leaf_index and inclusion_proof (null for events after the checkpoint)",
        )
        leaf_index, proof = event["leaf_index"], event["inclusion_proof"]
        _expect(
            (leaf_index is None and proof is None)
            or (_whole(leaf_index) and isinstance(proof, list) and all(map(_hex64, proof))),
            f"{at}.inclusion_proof",
            "needs a leaf_index and a list of 64-hex hashes (or neither)",
        )
    _expect(_hex64(item.get("head_hash")), f"{where}.head_hash", "must be 64 hex characters")
    files = item.get("files")
    _expect(isinstance(files, list), f"{where}.files", "must be a list")
    for index, entry in enumerate(files):
        at = f"{where}.files[{index}]"
        _check_listed(entry, at)
        _expect(
            "path" in entry and entry["path"] in (None, file_path(entry["sha256"])),
            f"{at}.path",
            f"must be {file_path(entry['sha256'])} or null",
        )
        _expect(isinstance(entry.get("name", ""), str), f"{at}.name", "must be text")


def _check_listed(entry: Any, where: str) -> None:
    _expect(isinstance(entry, dict), where, "must be an object")
    _expect(_hex64(entry.get("sha256")), f"{where}.sha256", "must be 64 hex characters")
    _expect(_whole(entry.get("size")), f"{where}.size", "must be a whole number")
    _expect(_text(entry.get("media_type")), f"{where}.media_type", "must be a media type")


def _expect(condition: Any, where: str, message: str) -> None:
    if not condition:
        raise ManifestError(f"{where} {message}")


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _hex64(value: Any) -> bool:
    return isinstance(value, str) and HEX64.fullmatch(value) is not None


def _whole(value: Any) -> bool:
    return type(value) is int and value >= 0
