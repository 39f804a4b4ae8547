"""Writing evidence items and their files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence import storage
from evidence.choices import CustodyAction, EvidenceKind
from evidence.models import CLOCK_SKEW_TOLERANCE, EvidenceFile, EvidenceItem
from evidence.services._common import (
    Errors,
    clean_claimed_time,
    clean_custodian,
    clean_text,
    default_custodian,
    lock_editable_case,
    lock_editable_item,
)
from evidence.services.custody import append_event, require_action_allowed
from ncb_cases import attachments
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction
from ncb_cases.models import Case
from ncb_cases.selectors import editable_cases

ITEM_CREATE_FIELDS = (
    "kind",
    "description",
    "collected_at",
    "collected_by",
    "collected_place",
    "legal_authority",
    "seal_number",
    "storage_location",
    "custodian",
    "notes",
)
ITEM_UPDATE_FIELDS = ("description", "storage_location")


@transaction.atomic
def evidence_item_create(
    *,
    actor: AbstractBaseUser,
    case: Case,
    data: Mapping[str, Any],
    ip: str | None = None,
) -> EvidenceItem:
    """Register an evidence item of `case` and open its chain with a COLLECTED event.

    The COLLECTED event hashes what was seized and how (kind, description, collected by,
    place, legal authority, seal, storage location, the collection time as claimed time):
    later corrections of the description (`evidence_item_update`) never change the record.

    `data` keys (ITEM_CREATE_FIELDS): `kind` (EvidenceKind), `description`, `collected_at`
    (aware datetime or ISO text: when it was seized; kept as the event's claimed time),
    `collected_by` (who seized it, default the actor), `collected_place`, `legal_authority`
    (warrant, order), `seal_number`, `storage_location`, `custodian` (`{"person", "agency",
    "country"}`, default the actor, their NCB and its country), `notes`.

    The item is numbered `<case reference>/E-<n>` under a lock of the case. Writes a CREATE
    audit row. Needs the right to change the case (PermissionDenied otherwise); a closed case
    takes no new evidence. ValidationError names each invalid field.
    """
    case = lock_editable_case(actor, case)
    errors = Errors()
    unknown = sorted(set(data) - set(ITEM_CREATE_FIELDS))
    for key in unknown:
        errors.add(key, _("This field cannot be set here."))
    if case.is_closed:
        errors.add("case", _("The case is closed: reopen it to register new evidence."))
    collected_at = clean_claimed_time(data.get("collected_at"), "collected_at", errors)
    if collected_at is None and "collected_at" not in errors:
        errors.add("collected_at", _("Say when the item was collected."))
    elif collected_at is not None and collected_at > timezone.now() + CLOCK_SKEW_TOLERANCE:
        errors.add("collected_at", _("An item cannot be collected in the future."))
    custodian = clean_custodian(data.get("custodian"), "custodian", errors)
    if custodian is None and "custodian" not in errors:
        custodian = default_custodian(actor)
    notes = clean_text(data, "notes", 4000, errors)
    item = EvidenceItem(
        case=case,
        kind=str(data.get("kind") or ""),
        description=str(data.get("description") or "").strip(),
        collected_at=collected_at,
        collected_by=str(data.get("collected_by") or "").strip()
        or default_custodian(actor)["person"],
        collected_place=str(data.get("collected_place") or "").strip(),
        legal_authority=str(data.get("legal_authority") or "").strip(),
        seal_number=str(data.get("seal_number") or "").strip(),
        storage_location=str(data.get("storage_location") or "").strip(),
        created_by=actor,
    )
    if custodian:
        item.custodian_person = custodian["person"]
        item.custodian_agency = custodian["agency"]
        item.custodian_country = custodian["country"]
    try:
        item.full_clean(exclude=["case", "number", "item_number", "collected_at", "created_by"])
    except ValidationError as exc:
        errors.add_exception(exc)
    if item.kind and item.kind not in EvidenceKind.values:
        errors.add("kind", _("Choose a kind of evidence."))
    errors.raise_if_any()

    last = case.evidence_items.aggregate(last=Max("number"))["last"] or 0
    item.number = last + 1
    item.item_number = f"{case.reference}/E-{item.number}"
    item.save()
    append_event(
        item=item,
        actor=actor,
        action=CustodyAction.COLLECTED,
        from_custodian=None,
        to_custodian=custodian,
        place=item.collected_place,
        legal_authority=item.legal_authority,
        seal_number=item.seal_number,
        claimed_time=collected_at,
        notes=notes,
        kind=item.kind,
        description=item.description,
        collected_by=item.collected_by,
        storage_location=item.storage_location,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=item, ip=ip)
    return item


@transaction.atomic
def evidence_item_update(
    *,
    actor: AbstractBaseUser,
    item: EvidenceItem,
    data: Mapping[str, Any],
    ip: str | None = None,
) -> EvidenceItem:
    """Correct an item's description or storage location (ITEM_UPDATE_FIELDS).

    Everything else is part of the custody record and changes only through custody events.
    Writes one UPDATE audit row naming the changed fields. Needs the right to change the case.
    """
    item = lock_editable_item(actor, item)
    errors = Errors()
    for key in sorted(set(data) - set(ITEM_UPDATE_FIELDS)):
        errors.add(key, _("This is part of the custody record: record a custody event instead."))
    changed = []
    for key in ITEM_UPDATE_FIELDS:
        if key in data:
            value = str(data[key] or "").strip()
            if value != getattr(item, key):
                setattr(item, key, value)
                changed.append(key)
    try:
        item.full_clean(exclude=["case", "number", "item_number", "created_by"])
    except ValidationError as exc:
        errors.add_exception(exc)
    errors.raise_if_any()
    if changed:
        item.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=item, ip=ip, details={"fields": changed}
        )
    return item


def evidence_file_add(
    *,
    actor: AbstractBaseUser,
    item: EvidenceItem,
    content: IO[bytes] | Iterable[bytes],
    original_name: str = "",
    media_type: str = "",
    expected_sha256: str | None = None,
    parent: EvidenceFile | None = None,
    derivation_method: str = "",
    ip: str | None = None,
) -> EvidenceFile:
    """Attach a file to an item: streamed into the content-addressed store, hashed on the fly.

    `content` is a binary file, an UploadedFile or an iterable of byte chunks; it is never read
    whole into memory. `expected_sha256`, when the client gives it, must match what arrived.
    A derived copy names its `parent` (a file of the same item) and the `derivation_method`,
    and appends a COPIED custody event naming both hashes. Same content attached to the item
    twice: ValidationError. Writes a CREATE audit row. Needs the right to change the case.

    The stored media type is sniffed from the bytes (`ncb_cases.sniffing`); `media_type` is
    only what the client declared, kept in the audit row when it says something else (it is
    evidence: any type is accepted, and always served as an attachment). `original_name` is
    kept as metadata only, cleaned (`ncb_cases.attachments.clean_filename`): the stored key is
    the content's hash. A file over `EVIDENCE_FILE_MAX_SIZE` is refused on `file`.

    If anything fails (upload cut, hash mismatch, refused input) no row is written and content
    this call stored is removed again: no orphan file remains.
    """
    errors = Errors()
    original_name = attachments.clean_filename(original_name)
    declared_type = str(media_type or "").split(";")[0].strip().lower()
    derivation_method = str(derivation_method or "").strip()
    if parent is not None and parent.item_id != item.pk:
        errors.add("parent", _("A copy is made from a file of the same item."))
    if parent is not None and not derivation_method:
        errors.add("derivation_method", _("Say how the copy was made (tool, version, options)."))
    if parent is None and derivation_method:
        errors.add("parent", _("Name the file this copy was made from."))
    if len(derivation_method) > 500:
        errors.add("derivation_method", _("At most 500 characters."))
    if len(declared_type) > 200:
        errors.add("media_type", _("At most 200 characters."))
    errors.raise_if_any()
    max_size = storage.max_size_setting()
    declared_size = getattr(content, "size", None)
    if max_size is not None and isinstance(declared_size, int) and declared_size > max_size:
        # Already received whole by Django's upload handler: refuse before copying it again.
        raise storage.size_limit_error(max_size)
    # Refuse early (before reading a byte) when the actor may not change the item.
    if not EvidenceItem.objects.filter(pk=item.pk, case__in=editable_cases(actor)).exists():
        raise PermissionDenied
    stored = storage.content_store(content, expected_sha256=expected_sha256)
    try:
        return _file_row(
            actor=actor,
            item=item,
            stored=stored,
            original_name=original_name,
            declared_type=declared_type,
            parent=parent,
            derivation_method=derivation_method,
            ip=ip,
        )
    except BaseException:
        if stored.created:
            storage.content_delete_if_unused(stored.sha256)
        raise


@transaction.atomic
def _file_row(
    *,
    actor: AbstractBaseUser,
    item: EvidenceItem,
    stored: storage.StoredContent,
    original_name: str,
    declared_type: str,
    parent: EvidenceFile | None,
    derivation_method: str,
    ip: str | None,
) -> EvidenceFile:
    item = lock_editable_item(actor, item)
    if parent is not None:
        require_action_allowed(item, CustodyAction.COPIED)
    if item.files.filter(sha256=stored.sha256).exists():
        raise ValidationError(
            {"file": [_("This item already has a file with this content (same SHA-256).")]}
        )
    evidence_file = EvidenceFile(
        item=item,
        sha256=stored.sha256,
        size=stored.size,
        media_type=stored.media_type,
        original_name=original_name,
        storage_key=stored.key,
        parent=parent,
        derivation_method=derivation_method,
        added_by=actor,
    )
    evidence_file.full_clean(exclude=["item", "parent", "added_by"])
    evidence_file.save()
    if parent is not None:
        append_event(
            item=item,
            actor=actor,
            action=CustodyAction.COPIED,
            to_custodian=None,
            notes="",
            copy={
                "parent_sha256": parent.sha256,
                "sha256": evidence_file.sha256,
                "method": derivation_method,
            },
        )
    details = {
        "item": str(item.public_id),
        "size": evidence_file.size,
        "media_type": evidence_file.media_type,
    }
    if declared_type and declared_type != evidence_file.media_type:
        # The client's word is kept for the record, never used: the bytes decide.
        details["declared_media_type"] = declared_type[:200]
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=evidence_file,
        case=item.case,
        ip=ip,
        details=details,
    )
    return evidence_file


def evidence_file_open(
    *, actor: AbstractBaseUser, evidence_file: EvidenceFile, ip: str | None = None
) -> IO[bytes]:
    """Open the stored content of `evidence_file` (obtained through
    `selectors.evidence_file_get_for_user`) for download, and write one EXPORT audit row.

    FileNotFoundError when the store lost the content (nothing is audited then).
    """
    handle = storage.content_open(evidence_file.sha256)
    try:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=AuditAction.EXPORT,
                obj=evidence_file,
                case=evidence_file.item.case,
                ip=ip,
                details={"item": str(evidence_file.item.public_id), "size": evidence_file.size},
            )
    except BaseException:
        handle.close()
        raise
    return handle
