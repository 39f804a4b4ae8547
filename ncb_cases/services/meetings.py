"""Writes of meetings: the meeting itself, its action items and documents (issue 6 item 5).

Only supervisors of the organising NCB and instance admins change a meeting
(`selectors.meetings.can_change_meeting`); anyone else gets PermissionDenied, which adapters
answer with 404. Every function is atomic, reports every field error at once
(`ValidationError` keyed by field) and writes one audit row naming what changed, never its
content. Linked cases are only those the actor may see; links the actor cannot see are kept
untouched by an edit (a link grants nothing, and hiding it must not delete it).

Documents are stored by content hash under `settings.VAR_DIR / "meeting-files"`, never under
the uploaded name; their type is sniffed from the bytes and must match the file name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import uuid
import zoneinfo
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from contacts.models import NationalCentralBureau, SubRegionalBureau
from contacts.permissions import is_instance_admin
from contacts.validators import validate_time_zone
from ncb_cases import attachments, sniffing
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction
from ncb_cases.models import Case, Meeting, MeetingActionItem, MeetingDocument, MeetingParticipant
from ncb_cases.selectors.access import visible_cases
from ncb_cases.selectors.meetings import can_change_meeting, meeting_organiser
from ncb_cases.services._common import Errors, as_date, reject_unknown_fields

MEETING_DATA_FIELDS = (
    "kind",
    "title",
    "organising_ncb",
    "organising_bureau",
    "starts_at",
    "ends_at",
    "timezone",
    "place",
    "online",
    "agenda",
    "minutes",
    "participants",
    "cases",
)
ACTION_ITEM_DATA_FIELDS = ("description", "owner_ncb", "owner_name", "due_on", "done_on")
DEFAULT_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
_SNIFF_BYTES = 8192

# Media types accepted for meeting documents, by the file-name extensions that announce them.
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
}

KNOWN_MEDIA_TYPES = frozenset(DOCUMENT_TYPES.values())


# --- Meetings ---------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, actor: AbstractBaseUser, data: Mapping[str, Any]) -> Meeting:
    """Create a meeting organised by the actor's NCB (admins name `organising_ncb`).

    `data` keys (MEETING_DATA_FIELDS): `kind` (WORKING / OPERATIONAL), `title`,
    `organising_ncb` (admins only: an NCB or its code), `organising_bureau` (a sub-regional
    bureau or its code, optional), `starts_at` / `ends_at` (aware datetimes, or naive ones and
    ISO strings read in the meeting's `timezone`), `timezone` (IANA), `place`, `online`,
    `agenda`, `minutes`, `participants` (NCBs or codes, at least one), `cases` (cases or
    public ids, each visible to the actor).

    Refused, every error at once: the end not after the start, neither a place nor online,
    an unknown time zone, NCB, bureau or case, no participant. Needs a supervisor of an NCB
    or an instance admin (PermissionDenied). One CREATE audit row.
    """
    organiser = meeting_organiser(actor)
    if organiser is None and not is_instance_admin(actor):
        raise PermissionDenied
    meeting = Meeting(created_by=actor)
    if organiser is not None:
        meeting.organising_ncb_id = organiser.ncb_id
    errors = Errors()
    if organiser is None and not data.get("organising_ncb"):
        errors.add("organising_ncb", _("Say which NCB organises the meeting."))
    # What a new meeting cannot do without is reported as missing, not silently defaulted.
    data = {"starts_at": None, "ends_at": None, "participants": [], **data}
    participants, cases = _apply_meeting_data(
        meeting, data, actor, errors, admin=organiser is None
    )
    _full_clean(meeting, errors)
    errors.raise_if_any()

    meeting.save()
    _save_participants(meeting, participants)
    meeting.cases.set(cases or [])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=meeting,
        details={"kind": meeting.kind, "participants": len(participants or [])},
    )
    return meeting


@transaction.atomic
def meeting_update(
    *, actor: AbstractBaseUser, meeting: Meeting, data: Mapping[str, Any]
) -> Meeting:
    """Change some of a meeting's fields (`data` as for `meeting_create`, any subset; the
    organising NCB cannot change: another one is refused). `participants`, when given,
    replaces the list (what was already sent to an NCB that stays is kept); `cases`, when
    given, replaces the linked cases the actor can see, and keeps those they cannot. Same
    refusals as `meeting_create`. One UPDATE audit row naming the changed fields."""
    meeting = _lock_editable(actor, meeting)
    errors = Errors()
    if "organising_ncb" in data:
        given = data["organising_ncb"]
        code = given.code if isinstance(given, NationalCentralBureau) else str(given or "")
        if code.strip().upper() != meeting.organising_ncb.code:
            errors.add("organising_ncb", _("The organising NCB of a meeting cannot change."))
        data = {key: value for key, value in data.items() if key != "organising_ncb"}
    participants, cases = _apply_meeting_data(meeting, data, actor, errors, admin=False)
    _full_clean(meeting, errors)
    errors.raise_if_any()

    meeting.save()
    if participants is not None:
        _save_participants(meeting, participants)
    if cases is not None:
        hidden = meeting.cases.exclude(pk__in=visible_cases(actor).values("pk"))
        meeting.cases.set([*hidden, *cases])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=meeting, details={"fields": sorted(data)}
    )
    return meeting


def _lock_editable(actor: AbstractBaseUser, meeting: Meeting) -> Meeting:
    locked = Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if locked is None or not can_change_meeting(actor, locked):
        raise PermissionDenied
    return locked


def _apply_meeting_data(meeting: Meeting, data: Mapping, actor, errors: Errors, *, admin: bool):
    reject_unknown_fields(data, MEETING_DATA_FIELDS, errors)
    for key in ("kind", "title", "place", "agenda", "minutes"):
        if key in data:
            value = data[key]
            setattr(
                meeting, key, (value or "").strip() if isinstance(value, str | None) else value
            )
    if "online" in data:
        meeting.online = bool(data["online"])
    if "timezone" in data:
        meeting.timezone = str(data["timezone"] or "").strip()
        try:
            validate_time_zone(meeting.timezone)
        except ValidationError as exc:
            errors.add_exception(exc, field="timezone")
    if "organising_ncb" in data and admin:
        ncb = _ncb(data["organising_ncb"], "organising_ncb", errors)
        if ncb is not None:
            meeting.organising_ncb = ncb
    if "organising_bureau" in data:
        meeting.organising_bureau = _bureau(data["organising_bureau"], errors)
    zone = _zone(meeting.timezone)
    for key in ("starts_at", "ends_at"):
        if key in data and not data[key]:
            errors.add(key, _("This field is required."))
        elif key in data:
            moment = _as_datetime(data[key], zone, key, errors)
            if moment is not None:
                setattr(meeting, key, moment)
    _check_times(meeting, errors)
    participants = None
    if "participants" in data:
        participants = _participants(data["participants"], errors)
    cases = None
    if "cases" in data:
        cases = _visible_cases(data["cases"] or [], actor, errors)
    return participants, cases


def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _as_datetime(value, zone: dt.tzinfo, field: str, errors: Errors) -> dt.datetime | None:
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            errors.add(field, _("Enter a date and time as YYYY-MM-DDTHH:MM."))
            return None
        value = parsed
    if not isinstance(value, dt.datetime):
        errors.add(field, _("Enter a date and time as YYYY-MM-DDTHH:MM."))
        return None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zone)
    return value


def _check_times(meeting: Meeting, errors: Errors) -> None:
    times_known = "starts_at" not in errors and "ends_at" not in errors
    if times_known and meeting.starts_at and meeting.ends_at <= meeting.starts_at:
        errors.add("ends_at", _("The meeting must end after it starts."))
    if not meeting.online and not (meeting.place or "").strip():
        errors.add("place", _("Give a place, or say that the meeting is online."))


def _ncb(value, field: str, errors: Errors) -> NationalCentralBureau | None:
    if isinstance(value, NationalCentralBureau):
        return value
    found = NationalCentralBureau.objects.filter(code=str(value or "").strip().upper()).first()
    if found is None:
        errors.add(field, _("“%(value)s” is not a known NCB.") % {"value": value})
    return found


def _bureau(value, errors: Errors) -> SubRegionalBureau | None:
    if value in (None, ""):
        return None
    if isinstance(value, SubRegionalBureau):
        return value
    found = SubRegionalBureau.objects.filter(code=str(value).strip().upper()).first()
    if found is None:
        errors.add(
            "organising_bureau",
            _("“%(value)s” is not a known sub-regional bureau.") % {"value": value},
        )
    return found


def _participants(values, errors: Errors) -> list[NationalCentralBureau] | None:
    if isinstance(values, str):
        values = [part for part in values.replace(",", " ").split() if part]
    values = list(values or [])
    ncbs = [value for value in values if isinstance(value, NationalCentralBureau)]
    codes = [
        str(value).strip().upper()
        for value in values
        if not isinstance(value, NationalCentralBureau)
    ]
    found = {ncb.code: ncb for ncb in NationalCentralBureau.objects.filter(code__in=codes)}
    unknown = sorted({code for code in codes if code not in found})
    if unknown:
        errors.add("participants", _("Unknown NCB: %(codes)s.") % {"codes": ", ".join(unknown)})
        return None
    result = list({ncb.pk: ncb for ncb in [*ncbs, *found.values()]}.values())
    if not result:
        errors.add("participants", _("Invite at least one NCB."))
        return None
    return result


def _visible_cases(values: Iterable, actor, errors: Errors) -> list[Case] | None:
    ids = []
    for value in values:
        if isinstance(value, Case):
            ids.append(value.public_id)
            continue
        try:
            ids.append(uuid.UUID(str(value)))
        except (TypeError, ValueError, AttributeError):
            errors.add("cases", _("“%(value)s” is not a case id.") % {"value": value})
            return None
    found = list(visible_cases(actor).filter(public_id__in=ids))
    if len(found) != len(set(ids)):
        # The same words for a missing case and one the actor may not see.
        errors.add("cases", _("Link only cases you can see."))
        return None
    return found


def _full_clean(meeting: Meeting, errors: Errors) -> None:
    try:
        meeting.full_clean(exclude=[*errors.fields(), "created_by"], validate_constraints=False)
    except ValidationError as exc:
        errors.add_exception(exc)


def _save_participants(meeting: Meeting, ncbs: list[NationalCentralBureau]) -> None:
    wanted = {ncb.pk for ncb in ncbs}
    meeting.participations.exclude(ncb_id__in=wanted).delete()
    existing = set(meeting.participations.values_list("ncb_id", flat=True))
    MeetingParticipant.objects.bulk_create(
        [MeetingParticipant(meeting=meeting, ncb_id=pk) for pk in sorted(wanted - existing)]
    )


@transaction.atomic
def meeting_messages_record(
    *, meeting: Meeting, purpose: str, message_id: uuid.UUID, ncb_ids: Iterable[int]
) -> int:
    """Record on the participations of `ncb_ids` that the HST message `message_id` carries the
    meeting's `purpose` ("invitation" or "minutes"), now. Called by
    `messages_hst.services.meetings` in its own transaction; returns how many were updated."""
    if purpose not in ("invitation", "minutes"):
        raise ValueError(purpose)
    return MeetingParticipant.objects.filter(meeting=meeting, ncb_id__in=list(ncb_ids)).update(
        **{f"{purpose}_message_id": message_id, f"{purpose}_sent_at": timezone.now()}
    )


# --- Action items -----------------------------------------------------------------------------


@transaction.atomic
def meeting_action_item_add(
    *, actor: AbstractBaseUser, meeting: Meeting, data: Mapping[str, Any]
) -> MeetingActionItem:
    """Add an action item: `description`, `owner_ncb` (an NCB or code, the organiser or a
    participant), `owner_name`, `due_on`, `done_on` (dates or YYYY-MM-DD). Every error at
    once. Needs the right to change the meeting. One UPDATE audit row on the meeting."""
    meeting = _lock_editable(actor, meeting)
    item = MeetingActionItem(meeting=meeting)
    errors = Errors()
    if not data.get("owner_ncb"):
        errors.add("owner_ncb", _("Say which NCB owns the action."))
    _apply_item_data(item, meeting, data, errors)
    _full_clean_item(item, errors)
    errors.raise_if_any()
    item.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=meeting,
        details={"action_item": "added", "item": item.pk},
    )
    return item


@transaction.atomic
def meeting_action_item_update(
    *, actor: AbstractBaseUser, item: MeetingActionItem, data: Mapping[str, Any]
) -> MeetingActionItem:
    """Change an action item (any subset of `meeting_action_item_add`'s keys), e.g. mark it
    done with `done_on`. Same refusals. One UPDATE audit row on the meeting."""
    meeting = _lock_editable(actor, item.meeting)
    item = MeetingActionItem.objects.select_for_update().get(pk=item.pk)
    errors = Errors()
    _apply_item_data(item, meeting, data, errors)
    _full_clean_item(item, errors)
    errors.raise_if_any()
    item.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=meeting,
        details={"action_item": "changed", "item": item.pk, "fields": sorted(data)},
    )
    return item


def _apply_item_data(item: MeetingActionItem, meeting: Meeting, data: Mapping, errors: Errors):
    reject_unknown_fields(data, ACTION_ITEM_DATA_FIELDS, errors)
    for key in ("description", "owner_name"):
        if key in data:
            setattr(item, key, str(data[key] or "").strip())
    if "description" in data and not item.description:
        errors.add("description", _("Say what is to be done."))
    if data.get("owner_ncb"):
        ncb = _ncb(data["owner_ncb"], "owner_ncb", errors)
        if ncb is not None:
            taking_part = (
                ncb.pk == meeting.organising_ncb_id
                or meeting.participations.filter(ncb=ncb).exists()
            )
            if not taking_part:
                errors.add("owner_ncb", _("Choose the organiser or a participating NCB."))
            else:
                item.owner_ncb = ncb
    for key in ("due_on", "done_on"):
        if key in data:
            setattr(item, key, as_date(data[key], key, errors))
    if item.done_on and item.done_on > timezone.localdate():
        errors.add("done_on", _("An action cannot be done in the future."))


def _full_clean_item(item: MeetingActionItem, errors: Errors) -> None:
    try:
        item.full_clean(exclude=[*errors.fields(), "meeting"])
    except ValidationError as exc:
        errors.add_exception(exc)


# --- Documents --------------------------------------------------------------------------------


def document_max_bytes() -> int:
    return int(getattr(settings, "MEETING_DOCUMENT_MAX_BYTES", DEFAULT_DOCUMENT_MAX_BYTES))


def document_root() -> Path:
    return Path(settings.VAR_DIR) / "meeting-files"


def document_path(sha256: str) -> Path:
    """Where the file with this SHA-256 lives: never a name a user chose."""
    if len(sha256) != 64 or any(char not in "0123456789abcdef" for char in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return document_root() / sha256[:2] / sha256


def sniff_media_type(head: bytes, path: Path | None = None) -> str | None:
    """The media type the bytes really are if a meeting document may be one (PDF, PNG, JPEG,
    DOCX, plain text: any text `ncb_cases.sniffing` recognises counts as plain text), else None.

    `head`: the first bytes; `path`: the whole file, needed to tell a DOCX from other ZIPs.
    """
    zip_names = None
    if path is not None and head.startswith(b"PK"):
        zip_names = sniffing.zip_member_names(path)
    actual = sniffing.sniff_media_type(head, zip_names=zip_names)
    if sniffing.is_text_media_type(actual):
        return DOCUMENT_TYPES[".txt"]
    return actual if actual in KNOWN_MEDIA_TYPES else None


def _receive(upload, errors: Errors) -> tuple[Path, str, int, bytes] | None:
    """Stream `upload` into a temporary file under the store, hashing and counting; None (error
    recorded, nothing kept) when it exceeds the limit."""
    limit = document_max_bytes()
    root = document_root()
    root.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    handle, name = tempfile.mkstemp(dir=root, prefix=".upload-")
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in _chunks(upload):
                size += len(chunk)
                if size > limit:
                    errors.add(
                        "file",
                        _("The file is larger than %(limit)s MB.")
                        % {"limit": f"{limit / (1024 * 1024):g}"},
                    )
                    temp.unlink(missing_ok=True)
                    return None
                if len(head) < _SNIFF_BYTES:
                    head += chunk[: _SNIFF_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp, digest.hexdigest(), size, head


def _chunks(upload):
    if hasattr(upload, "chunks"):
        yield from upload.chunks()
        return
    if isinstance(upload, bytes):
        upload = io.BytesIO(upload)
    while chunk := upload.read(64 * 1024):
        yield chunk


@transaction.atomic
def meeting_document_add(
    *, actor: AbstractBaseUser, meeting: Meeting, title: str, upload, filename: str = ""
) -> MeetingDocument:
    """Store an uploaded file for the meeting's participants and return its record.

    `upload`: an uploaded file (or bytes / a binary file object with `filename`). Refused
    (field `file`) when empty, larger than `MEETING_DOCUMENT_MAX_BYTES` (default 20 MB), not a
    PDF, PNG, JPEG, DOCX or plain-text file, or when the bytes are not what the file name says
    (nor what the browser declared, when it declared one of those types). Stored at
    `meeting-files/<sha[:2]>/<sha>`; the name is kept for display and download only. Needs
    the right to change the meeting. One CREATE audit row on the document (its title and
    name are not in the trail).
    """
    meeting = _lock_editable(actor, meeting)
    errors = Errors()
    title = (title or "").strip()
    # Kept for display and download only, cleaned of directories and control characters.
    filename = attachments.clean_filename(filename or getattr(upload, "name", "") or "")
    if not title:
        errors.add("title", _("Give the document a title."))
    elif len(title) > 200:
        errors.add("title", _("At most 200 characters."))
    extension = Path(filename).suffix.lower()
    expected = DOCUMENT_TYPES.get(extension)
    if not filename or len(filename) > 255:
        errors.add("file", _("The file needs a name of at most 255 characters."))
    elif expected is None:
        errors.add("file", _("Upload a PDF, PNG, JPEG, DOCX or plain-text (.txt) file."))
    received = None if errors.fields() else _receive(upload, errors)
    if received is None:
        errors.raise_if_any()
    temp, sha256, size, head = received
    try:
        actual = sniff_media_type(head, temp)
        declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
        if size == 0:
            errors.add("file", _("The file is empty."))
        elif actual is None:
            errors.add("file", _("This file is not a PDF, PNG, JPEG, DOCX or plain-text file."))
        elif actual != expected or (declared in KNOWN_MEDIA_TYPES and declared != actual):
            errors.add(
                "file",
                _("The file's content does not match its name or type (the content is %(type)s).")
                % {"type": actual},
            )
        errors.raise_if_any()
        target = document_path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            temp.unlink()
        else:
            os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    document = MeetingDocument(
        meeting=meeting,
        title=title,
        filename=filename,
        media_type=actual,
        size=size,
        sha256=sha256,
        uploaded_by=actor,
    )
    document.full_clean(exclude=["uploaded_by", "meeting"])
    document.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=document,
        details={"meeting": str(meeting.public_id), "size": size, "media_type": actual},
    )
    return document


def meeting_document_open(*, actor: AbstractBaseUser, document: MeetingDocument, ip=None):
    """Open the stored file of `document` (obtained from `meeting_document_get_for_user`) for
    download and write one EXPORT audit row. Raises FileNotFoundError if the store lost it."""
    handle = document_path(document.sha256).open("rb")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=document,
            ip=ip,
            details={"meeting": str(document.meeting.public_id)},
        )
    return handle
