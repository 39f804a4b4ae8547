"""Court dossiers: asking for one (audited, with a purpose) and building it (a Celery task).

`dossier_export_request` records the request (a `DossierExport`, an EXPORT audit row with the
purpose) and enqueues `evidence.tasks.build_dossier` once the transaction commits.
`dossier_build` is what the task runs: it claims the export, signs a fresh checkpoint if the
log grew, and writes the ZIP laid out by `evidence.dossier_format`:

- manifest.json: every custody event of the item(s) as stored (canonical bytes, hashes), each
  event's position in the log and its inclusion proof against the checkpoint, the signed
  checkpoint, the instance's public key, a description of each item and its files; signed with
  the instance key (`ncb_cases.keys`);
- dossier.pdf: the same record for people (`evidence.pdf`, drawn from the manifest itself);
- files/<sha256>: each evidence file's content when asked (streamed 1 MB at a time and
  re-hashed on the way: a stored file that no longer matches its SHA-256 fails the export);
- verifier/: the offline verifier, `python -m evidence.verify dossier.zip`.

Memory stays bounded whatever the files' sizes and the log's length: files are streamed, the
log is read once for all proofs (`evidence.checkpointing`), and the ZIP is written to a
temporary file, then moved into the evidence store (`dossiers/<public id>.zip`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence import checkpointing, dossier_format, storage
from evidence.choices import DossierStatus
from evidence.hashing import utc_timestamp, verify_chain
from evidence.models import (
    CustodyCheckpoint,
    CustodyEvent,
    DossierExport,
    EvidenceFile,
    EvidenceItem,
)
from evidence.pdf import dossier_pdf
from ncb_cases import keys
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction
from ncb_cases.models import Case
from ncb_cases.selectors import editable_cases
from ncb_cases.services._common import Errors

logger = logging.getLogger(__name__)

PURPOSE_MAX_LENGTH = 1000
STALE_AFTER = dt.timedelta(hours=2)
"""A RUNNING export not finished after this long is taken to have lost its worker: it may be
claimed again (tasks are acked late, so the broker redelivers it)."""
STORAGE_PREFIX = "dossiers/"

# Progress, in percent, at the end of each phase; the files' bytes fill the last stretch.
PROGRESS_CLAIMED = 2
PROGRESS_CHECKPOINT = 15
PROGRESS_PROOFS = 30
PROGRESS_PDF = 40
PROGRESS_FILES_DONE = 95


class DossierBuildError(Exception):
    """The dossier cannot be built as asked; the message is shown to the requester (it names
    no person)."""


# -- asking ----------------------------------------------------------------------------------


@transaction.atomic
def dossier_export_request(
    *,
    actor: AbstractBaseUser,
    case: Case,
    item: EvidenceItem | None = None,
    purpose: str,
    include_files: bool = False,
    ip: str | None = None,
) -> DossierExport:
    """Ask for the court dossier of `item` (or of every item of `case`) and return the export.

    Needs the right to change the case (PermissionDenied otherwise: exporting evidence out of
    the system is a write-level act). `purpose` (why: court, proceedings, MLA request) is
    required and goes into the EXPORT audit row written here. ValidationError keyed by field
    for an empty purpose, an item of another case, or a case without evidence. The build is
    enqueued when the transaction commits (`evidence.tasks.build_dossier`).
    """
    if not editable_cases(actor).filter(pk=case.pk).exists():
        raise PermissionDenied
    errors = Errors()
    purpose = (purpose or "").strip()
    if not purpose:
        errors.add(
            "purpose",
            _("Say why the dossier is exported (the court, the proceedings or the request)."),
        )
    elif len(purpose) > PURPOSE_MAX_LENGTH:
        errors.add("purpose", _("At most %(limit)s characters.") % {"limit": PURPOSE_MAX_LENGTH})
    if item is not None and item.case_id != case.pk:
        errors.add("item", _("This item belongs to another case."))
    if item is None and not EvidenceItem.objects.filter(case=case).exists():
        errors.add("case", _("This case has no evidence item to export."))
    errors.raise_if_any()
    export = DossierExport(
        case=case,
        item=item,
        purpose=purpose,
        include_files=bool(include_files),
        requested_by=actor,
    )
    export.save(force_insert=True)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=item or case,
        case=case,
        purpose=purpose,
        ip=ip,
        details={
            "dossier": str(export.public_id),
            "scope": "item" if item is not None else "case",
            "include_files": export.include_files,
        },
    )
    transaction.on_commit(partial(_enqueue_build, export.pk))
    return export


def _enqueue_build(export_id: int) -> None:
    from evidence.tasks import build_dossier

    build_dossier.delay(export_id)


# -- building --------------------------------------------------------------------------------


def dossier_build(export_id: int) -> DossierExport | None:
    """Build the dossier of export `export_id` if it is waiting; return it (None if it was not
    waiting: already built, being built by another worker, or deleted).

    The export is claimed with one conditional UPDATE (pending, or running for longer than
    STALE_AFTER), so two deliveries of the task never build it twice. Progress is written as
    it goes (each UPDATE commits at once, for the status page). Any failure marks the export
    FAILED with a message for the requester, and is logged; nothing is retried here.
    """
    now = timezone.now()
    claimed = (
        DossierExport.objects.filter(pk=export_id)
        .filter(
            Q(status=DossierStatus.PENDING)
            | Q(status=DossierStatus.RUNNING, started_at__lt=now - STALE_AFTER)
        )
        .update(status=DossierStatus.RUNNING, started_at=now, progress=PROGRESS_CLAIMED, error="")
    )
    if not claimed:
        return None
    export = DossierExport.objects.select_related("case", "item", "requested_by").get(pk=export_id)
    try:
        key, size, sha256 = _build(export)
    except DossierBuildError as error:
        return _fail(export, str(error))
    except Exception:
        logger.exception("dossier %s could not be built", export.public_id)
        return _fail(export, _("The dossier could not be built; the operators were told."))
    DossierExport.objects.filter(pk=export.pk).update(
        status=DossierStatus.DONE,
        progress=100,
        storage_key=key,
        size=size,
        sha256=sha256,
        finished_at=timezone.now(),
    )
    export.refresh_from_db()
    logger.info("dossier %s built: %s bytes", export.public_id, size)
    return export


def _fail(export: DossierExport, message: str) -> DossierExport:
    DossierExport.objects.filter(pk=export.pk).update(
        status=DossierStatus.FAILED, error=message[:1000], finished_at=timezone.now()
    )
    export.refresh_from_db()
    return export


class _Progress:
    """Writes the export's progress, once per whole percent at most."""

    def __init__(self, export: DossierExport) -> None:
        self.export_id = export.pk
        self.percent = PROGRESS_CLAIMED

    def __call__(self, percent: float) -> None:
        percent = int(min(max(percent, 0), 99))
        if percent > self.percent:
            self.percent = percent
            DossierExport.objects.filter(pk=self.export_id).update(progress=percent)


def _build(export: DossierExport) -> tuple[str, int, str]:
    progress = _Progress(export)
    if not editable_cases(export.requested_by).filter(pk=export.case_id).exists():
        raise DossierBuildError(_("The requester may no longer export from this case."))
    items = (
        [export.item]
        if export.item is not None
        else list(EvidenceItem.objects.filter(case=export.case).order_by("number"))
    )
    checkpoint = _current_checkpoint()
    progress(PROGRESS_CHECKPOINT)
    events = _events_by_item(items)
    proofs = checkpointing.inclusion_proofs(
        (row.log_index for rows in events.values() for row in rows), checkpoint.tree_size
    )
    progress(PROGRESS_PROOFS)
    files = _files_by_item(items)
    dossier_items = [
        dossier_format.DossierItem(
            item=str(item.public_id),
            events=[
                dossier_format.DossierEvent(
                    sequence=row.sequence,
                    canonical_bytes=bytes(row.canonical),
                    prev_hash=row.prev_hash,
                    hash=row.hash,
                    leaf_index=row.log_index if row.log_index in proofs else None,
                    inclusion_proof=proofs.get(row.log_index),
                )
                for row in events[item.pk]
            ],
            files=[
                dossier_format.DossierFile(
                    sha256=entry.sha256,
                    size=entry.size,
                    media_type=entry.media_type or "application/octet-stream",
                    name=entry.original_name,
                    included=export.include_files,
                )
                for entry in files.get(item.pk, [])
            ],
            description=_description(item),
        )
        for item in items
    ]
    private_key = keys.signing_private_key()
    manifest_fields = {
        "ncb_code": keys.instance_ncb_code(),
        "public_keys": _manifest_keys(private_key, checkpoint),
        "checkpoint": checkpoint.checkpoint,
        "items": dossier_items,
        "created_at": timezone.now(),
        "context": {
            "dossier": str(export.public_id),
            "case": export.case.reference,
            "scope": "item" if export.item is not None else "case",
            "purpose": export.purpose,
            "exported_by": export.requested_by.get_username(),
            "requested_at": utc_timestamp(export.created_at),
        },
    }
    # The PDF is drawn from the manifest it is then listed in: they cannot disagree.
    pdf = dossier_pdf(dossier_format.build_manifest(**manifest_fields))
    progress(PROGRESS_PDF)
    documents = [
        dossier_format.document_for(dossier_format.PDF_NAME, pdf, "application/pdf"),
        *dossier_format.verifier_documents(),
    ]
    manifest = dossier_format.manifest_sign(
        dossier_format.build_manifest(**manifest_fields, documents=documents), private_key
    )
    contents: dict[str, dossier_format.Content] = {
        dossier_format.PDF_NAME: pdf,
        **dossier_format.verifier_files(),
    }
    readers = _file_readers(manifest, progress)
    contents.update({path: reader.open for path, reader in readers.items()})
    return _write_and_store(export, manifest, contents, readers)


def _current_checkpoint() -> CustodyCheckpoint:
    """A checkpoint over the whole log as it is now (signed here if the log grew), by the
    instance's current key; DossierBuildError when the log no longer matches its past."""
    try:
        checkpointing.custody_checkpoint_build()
    except checkpointing.CustodyLogError as error:
        logger.error("dossier refused: the custody log does not verify: %s", error)
        raise DossierBuildError(
            _(
                "The custody log no longer matches its signed checkpoints; an administrator must "
                "run verify_custody. No dossier is issued until it does."
            )
        ) from error
    checkpoint = checkpointing.custody_checkpoint_latest()
    if checkpoint is None:  # No event at all: an item always has one, so not reached.
        raise DossierBuildError(_("The custody log is empty."))
    # A checkpoint signed before a key rotation (retired key) still serves until the log grows.
    if (
        checkpoint.kid not in keys.verification_keyring()
        or checkpoint.ncb_code != keys.instance_ncb_code()
    ):
        raise DossierBuildError(
            _(
                "The latest checkpoint was signed with another key than the instance's current "
                "one; record a custody event so that a new checkpoint is signed, then export."
            )
        )
    return checkpoint


def _manifest_keys(private_key, checkpoint: CustodyCheckpoint) -> list:
    """The current key (it signs the manifest), and the retired key that signed the
    checkpoint if the latest one predates a rotation: the dossier carries every key it needs."""
    current = private_key.public_key()
    if checkpoint.kid == keys.public_key_id(current):
        return [current]
    return [current, keys.verification_keyring()[checkpoint.kid]]


def _events_by_item(items: list[EvidenceItem]) -> dict[int, list[Any]]:
    """Each item's events as stored, checked: a dossier is never issued over a broken chain."""
    rows = (
        CustodyEvent.objects.filter(item__in=[item.pk for item in items])
        .order_by("item_id", "sequence")
        .only("item_id", "sequence", "canonical", "prev_hash", "hash", "log_index")
    )
    by_item: dict[int, list[Any]] = {item.pk: [] for item in items}
    for row in rows.iterator(chunk_size=checkpointing.STREAM_CHUNK):
        by_item[row.item_id].append(row)
    numbers = {item.pk: item.item_number for item in items}
    report = verify_chain(
        (pk, row.sequence, bytes(row.canonical), row.prev_hash, row.hash)
        for pk, item_rows in by_item.items()
        for row in item_rows
    )
    if report.broken is not None:
        link = report.broken
        logger.error("dossier refused: custody chain broken: %s", link)
        raise DossierBuildError(
            _(
                "The custody chain of item %(item)s is broken at event %(sequence)s (%(kind)s); "
                "no dossier is issued over it. An administrator must run verify_custody."
            )
            % {
                "item": numbers.get(link.item, link.item),
                "sequence": link.sequence,
                "kind": link.kind,
            }
        )
    for item in items:
        head = report.heads.get(item.pk, (0, ""))
        if head != (item.last_sequence, item.head_hash):
            raise DossierBuildError(
                _(
                    "The custody chain of item %(item)s ends at event %(found)s, but its last "
                    "event is recorded as %(recorded)s; no dossier is issued over it."
                )
                % {"item": item.item_number, "found": head[0], "recorded": item.last_sequence}
            )
    return by_item


def _files_by_item(items: list[EvidenceItem]) -> dict[int, list[EvidenceFile]]:
    by_item: dict[int, list[EvidenceFile]] = {}
    rows = EvidenceFile.objects.filter(item__in=[item.pk for item in items]).order_by(
        "item_id", "created_at", "id"
    )
    for entry in rows:
        by_item.setdefault(entry.item_id, []).append(entry)
    return by_item


def _description(item: EvidenceItem) -> dict[str, Any]:
    """What the manifest and the PDF say about an item, for people (signed with the rest)."""
    return {
        "item_number": item.item_number,
        "case": item.case.reference,
        "kind": item.kind,
        "description": item.description,
        "collected_at": utc_timestamp(item.collected_at),
        "collected_by": item.collected_by,
        "collected_place": item.collected_place,
        "legal_authority": item.legal_authority,
        "seal_number": item.seal_number,
        "storage_location": item.storage_location,
        "custodian": item.custodian,
        "state": item.state,
        "integrity_failed": item.integrity_failed,
    }


# -- streaming the files and the ZIP -------------------------------------------------------


class _HashingReader:
    """Opens a stored file for `write_dossier` and hashes what is copied, so the export can
    tell afterwards that each file was the one listed (and report progress on the way)."""

    def __init__(self, sha256: str, on_bytes: Callable[[int], None]) -> None:
        self.sha256 = sha256
        self.on_bytes = on_bytes
        self.digest = hashlib.sha256()
        self.source: IO[bytes] | None = None

    def open(self) -> _HashingReader:
        try:
            self.source = storage.content_open(self.sha256)
        except FileNotFoundError as error:
            raise DossierBuildError(
                _("The content of file %(sha)s is missing from the evidence store.")
                % {"sha": self.sha256}
            ) from error
        return self

    def read(self, size: int = -1) -> bytes:
        assert self.source is not None
        chunk = self.source.read(size)
        self.digest.update(chunk)
        self.on_bytes(len(chunk))
        return chunk

    def __enter__(self) -> _HashingReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.source is not None:
            self.source.close()


def _file_readers(
    manifest: dict[str, Any], progress: Callable[[float], None]
) -> dict[str, _HashingReader]:
    included = {}
    for item in manifest["items"]:
        for entry in item["files"]:
            if entry["path"] is not None:
                included[entry["path"]] = entry
    total = sum(entry["size"] for entry in included.values()) or 1
    copied = 0
    span = PROGRESS_FILES_DONE - PROGRESS_PDF

    def on_bytes(count: int) -> None:
        nonlocal copied
        copied += count
        progress(PROGRESS_PDF + span * copied / total)

    return {path: _HashingReader(entry["sha256"], on_bytes) for path, entry in included.items()}


class _BuiltZip(File):
    """The finished ZIP in its temporary file: a local store moves it into place (a rename in
    the same directory tree) instead of copying a gigabyte; other stores copy it."""

    def temporary_file_path(self) -> str:
        return self.file.name


def _write_and_store(
    export: DossierExport,
    manifest: dict[str, Any],
    contents: dict[str, dossier_format.Content],
    readers: dict[str, _HashingReader],
) -> tuple[str, int, str]:
    store = storage.evidence_file_storage()
    key = f"{STORAGE_PREFIX}{export.public_id}.zip"
    directory = Path(store.location) / "tmp" if isinstance(store, FileSystemStorage) else None
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
    descriptor, path = tempfile.mkstemp(prefix="dossier-", suffix=".zip", dir=directory)
    os.close(descriptor)
    try:
        dossier_format.write_dossier(path, manifest=manifest, contents=contents)
        for reader in readers.values():
            if reader.digest.hexdigest() != reader.sha256:
                logger.error("dossier refused: stored file %s was altered", reader.sha256)
                raise DossierBuildError(
                    _(
                        "The stored content of file %(sha)s no longer has that SHA-256: it was "
                        "altered in the evidence store. No dossier is issued with it."
                    )
                    % {"sha": reader.sha256}
                )
        digest = hashlib.sha256()
        size = 0
        with open(path, "rb") as handle:
            while chunk := handle.read(dossier_format.CHUNK_SIZE):
                digest.update(chunk)
                size += len(chunk)
        if store.exists(key):  # A stale run's leftover: this run's ZIP replaces it.
            store.delete(key)
        with open(path, "rb") as handle:
            saved = store.save(key, _BuiltZip(handle, name=key))
        return saved, size, digest.hexdigest()
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


class DossierNotReady(Exception):
    """The dossier is not built (yet, or its build failed): there is nothing to download."""


def dossier_open(export: DossierExport) -> IO[bytes]:
    """The finished dossier ZIP of `export`, opened for streaming (FileNotFoundError if it is
    not built or gone from the store). Not audited: people download through
    `dossier_download`."""
    if export.status != DossierStatus.DONE or not export.storage_key:
        raise FileNotFoundError(str(export.public_id))
    return storage.evidence_file_storage().open(export.storage_key, "rb")


def dossier_filename(export: DossierExport) -> str:
    """The ZIP's download name: `dossier-<item number or case reference>.zip`, no slash."""
    reference = export.item.item_number if export.item is not None else export.case.reference
    return f"dossier-{reference.replace('/', '_')}.zip"


@transaction.atomic
def dossier_download(
    *, actor: AbstractBaseUser, export: DossierExport, ip: str | None = None
) -> IO[bytes]:
    """Open the finished ZIP of `export` for `actor` to download, and audit it.

    `export` comes from `evidence.selectors.dossier_get_for_user` (only its requester, while
    they may see the case); PermissionDenied for anyone else. DossierNotReady while it is not
    built; FileNotFoundError if its ZIP is gone from the store. Writes one EXPORT audit row
    (the purpose stated when it was asked for, `details.download`) per download, in the same
    transaction. The caller streams and closes the handle.
    """
    if export.requested_by_id != actor.pk:
        raise PermissionDenied
    if export.status != DossierStatus.DONE:
        raise DossierNotReady(str(export.public_id))
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=export.item or export.case,
        case=export.case,
        purpose=export.purpose,
        ip=ip,
        details={"dossier": str(export.public_id), "download": True},
    )
    # Opened after the audit row: a ZIP gone from the store rolls the row back with it.
    return dossier_open(export)
