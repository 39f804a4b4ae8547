"""Appending custody events: the state machine, two-sided transfers, integrity checks.

Every event goes through `append_event`, under the item's row lock: it writes the event's
canonical bytes (`evidence.hashing`), derives the row from them, links it to the item's head
and moves the item's state. `custody_event_append` is the one entry point for people (pages,
API); the `custody_<action>` functions are the same with the action's arguments spelled out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.permissions import officer_of
from evidence import storage
from evidence.choices import (
    ACTION_EFFECTS,
    ALLOWED_ACTIONS,
    HAND_OFF_ACTIONS,
    RELEASE_ACTIONS,
    CustodyAction,
    EvidenceState,
)
from evidence.hashing import HEX64, event_canonical_bytes, event_content, utc_timestamp
from evidence.models import CustodyEvent, EvidenceFile, EvidenceItem
from evidence.services._common import (
    Errors,
    clean_claimed_time,
    clean_custodian,
    clean_text,
    lock_editable_item,
    next_log_index,
)
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction
from ncb_cases.selectors import editable_cases

EVENT_DATA_FIELDS = (
    "to_custodian",
    "place",
    "purpose",
    "legal_authority",
    "seal_number",
    "seal_intact",
    "claimed_time",
    "notes",
    "file_hashes",
    "storage_location",
)
# Actions a person records (COLLECTED opens the chain in `evidence_item_create`;
# INTEGRITY_FAILURE is appended by the system).
RECORDABLE_ACTIONS = tuple(
    action
    for action in CustodyAction.values
    if action not in (CustodyAction.COLLECTED, CustodyAction.INTEGRITY_FAILURE)
)
_MISSING = object()


# --- The state machine -----------------------------------------------------------------------


def allowed_actions(item: EvidenceItem) -> tuple[str, ...]:
    """The actions a person may record for `item` in its present state."""
    return ALLOWED_ACTIONS[item.state]


def require_action_allowed(item: EvidenceItem, action: str) -> None:
    """ValidationError on `action`, naming the allowed actions, unless the state allows it."""
    allowed = allowed_actions(item)
    if action in allowed:
        return
    state = EvidenceState(item.state).label.lower()
    if not allowed:
        message = _("An item that is %(state)s allows no further custody action.") % {
            "state": state
        }
    else:
        message = _(
            "%(action)s is not possible for an item that is %(state)s; allowed: %(allowed)s."
        ) % {
            "action": CustodyAction(action).label,
            "state": state,
            "allowed": ", ".join(str(CustodyAction(code).label) for code in allowed),
        }
    raise ValidationError({"action": [message]})


# --- The one writer of custody events ----------------------------------------------------------


def append_event(
    *,
    item: EvidenceItem,
    actor: AbstractBaseUser,
    action: str,
    from_custodian: Mapping[str, str] | object | None = _MISSING,
    to_custodian: Mapping[str, str] | None = None,
    place: str = "",
    purpose: str = "",
    legal_authority: str = "",
    seal_number: str = "",
    seal_intact: bool | None = None,
    file_hashes_rechecked: Iterable[Mapping[str, Any]] = (),
    notes: str = "",
    claimed_time: dt.datetime | None = None,
    **extra: Any,
) -> CustodyEvent:
    """Append one event to `item`'s chain and move the item's state; return the saved event.

    For the services of this package only: the caller holds the item's row lock (or created
    the item in this transaction) and has validated the action. `from_custodian` defaults to
    the item's current custodian. The server's clock sets the time; `claimed_time` is kept
    beside it. Extra keyword arguments become extra (hashed) keys of the event.
    """
    if from_custodian is _MISSING:
        current = item.custodian
        from_custodian = current if any(current.values()) else None
    content = event_content(
        item=str(item.public_id),
        sequence=item.last_sequence + 1,
        action=str(action),
        time=utc_timestamp(timezone.now()),
        recorded_by=actor.get_username(),
        prev_hash=item.head_hash,
        from_custodian=from_custodian,  # type: ignore[arg-type]
        to_custodian=to_custodian,
        place=place,
        purpose=purpose,
        seal_intact=seal_intact,
        file_hashes_rechecked=file_hashes_rechecked,
        notes=notes,
        item_number=item.item_number,
        legal_authority=legal_authority,
        seal_number=seal_number,
        claimed_time=utc_timestamp(claimed_time) if claimed_time else None,
        **extra,
    )
    canonical = event_canonical_bytes(content)
    event = CustodyEvent.from_canonical(
        item=item, canonical=canonical, log_index=next_log_index(), recorded_by=actor
    )
    event.save(force_insert=True)

    item.last_sequence = event.sequence
    item.head_hash = event.hash
    changed = ["last_sequence", "head_hash", "updated_at"]
    new_state = ACTION_EFFECTS.get(action)
    if new_state and new_state != item.state:
        item.state = new_state
        changed.append("state")
    takes_custody = action in (CustodyAction.ACCEPTED, CustodyAction.RETURNED)
    if takes_custody and to_custodian:
        item.custodian_person = to_custodian["person"]
        item.custodian_agency = to_custodian["agency"]
        item.custodian_country = to_custodian["country"]
        changed += ["custodian_person", "custodian_agency", "custodian_country"]
    if seal_number and seal_number != item.seal_number:
        item.seal_number = seal_number
        changed.append("seal_number")
    if action == CustodyAction.INTEGRITY_FAILURE and not item.integrity_failed:
        item.integrity_failed = True
        changed.append("integrity_failed")
    item.save(update_fields=changed)
    return event


# --- Recording an action -----------------------------------------------------------------------


def custody_event_append(
    *,
    actor: AbstractBaseUser,
    item: EvidenceItem,
    action: str,
    data: Mapping[str, Any] | None = None,
    recheck_files: bool = True,
    ip: str | None = None,
) -> CustodyEvent:
    """Record a custody action on `item` and return its event.

    `action`: one of RECORDABLE_ACTIONS, allowed in the item's state (`ALLOWED_ACTIONS`).
    `data` keys (EVENT_DATA_FIELDS, all optional unless the action needs them):
    `to_custodian` (`{"person", "agency", "country"}`: required to release, send abroad or
    return; for an acceptance, the receiving person if the release named none), `place`,
    `purpose`, `legal_authority` (required across a border: sending abroad, or a release to a
    custodian in another country; required to destroy), `seal_number` (required to seal),
    `seal_intact` (bool), `claimed_time` (when the client says it happened; kept beside the
    server's time, flagged if more than 5 minutes apart), `notes` (required to cancel a
    transfer), `file_hashes` (SHA-256 hex digests the receiver computed on their side),
    `storage_location` (where the item is kept from now on).

    Transfers are two-sided: RELEASED or SENT_ABROAD puts the item in transit; ACCEPTED, by a
    person other than the releaser and (for an officer) of the receiving country's NCB, makes
    the receiver the custodian. At each hand-off the server re-hashes the item's stored files
    (before taking the lock: a large file is read outside the transaction); any mismatch, a
    reported hash matching no file, or a broken seal appends an INTEGRITY_FAILURE event right
    after and flags the item. Nothing is ever overwritten. The returned event carries
    `integrity_failure` (that event, or None).

    Writes one UPDATE audit row. Needs the right to change the case (PermissionDenied);
    ValidationError keyed by field otherwise, and then nothing is written.
    """
    data = dict(data or {})
    errors = Errors()
    if action not in RECORDABLE_ACTIONS:
        errors.add(
            "action",
            _("Choose one of: %(allowed)s.")
            % {
                "allowed": ", ".join(str(CustodyAction(code).label) for code in RECORDABLE_ACTIONS)
            },
        )
    for key in sorted(set(data) - set(EVENT_DATA_FIELDS)):
        errors.add(key, _("This field cannot be set here."))
    reported = _reported_hashes(data.get("file_hashes"), errors)
    errors.raise_if_any()
    if not EvidenceItem.objects.filter(pk=item.pk, case__in=editable_cases(actor)).exists():
        raise PermissionDenied
    rechecked = _recheck_stored_files(item) if recheck_files and action in HAND_OFF_ACTIONS else []
    with transaction.atomic():
        locked = lock_editable_item(actor, item)
        event = _record(locked, actor, action, data, reported, rechecked)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            ip=ip,
            details={"custody_action": action, "sequence": event.sequence},
        )
    item.refresh_from_db()
    return event


def _record(
    item: EvidenceItem,
    actor: AbstractBaseUser,
    action: str,
    data: Mapping[str, Any],
    reported: list[str],
    rechecked: list[dict[str, Any]],
) -> CustodyEvent:
    require_action_allowed(item, action)
    errors = Errors()
    to_custodian = clean_custodian(data.get("to_custodian"), "to_custodian", errors)
    place = clean_text(data, "place", 300, errors)
    purpose = clean_text(data, "purpose", 500, errors)
    legal_authority = clean_text(data, "legal_authority", 300, errors)
    seal_number = clean_text(data, "seal_number", 80, errors)
    notes = clean_text(data, "notes", 4000, errors)
    storage_location = clean_text(data, "storage_location", 300, errors)
    claimed_time = clean_claimed_time(data.get("claimed_time"), "claimed_time", errors)
    seal_intact = data.get("seal_intact")
    if seal_intact not in (None, True, False):
        errors.add("seal_intact", _("Say yes or no, or leave it empty if not checked."))
    extra: dict[str, Any] = {}
    from_custodian = item.custodian if any(item.custodian.values()) else None

    if action in RELEASE_ACTIONS:
        if to_custodian is None and "to_custodian" not in errors:
            errors.add("to_custodian", _("Name who the item is handed to."))
        to_country = to_custodian["country"] if to_custodian else ""
        from_country = item.custodian_country
        if action == CustodyAction.SENT_ABROAD and to_custodian is not None:
            if not to_country:
                errors.add("to_custodian.country", _("Name the country the item is sent to."))
            elif to_country == from_country:
                errors.add(
                    "to_custodian.country",
                    _("Sent abroad goes to another country than %(country)s.")
                    % {"country": from_country},
                )
        cross_border = action == CustodyAction.SENT_ABROAD or (
            to_country and from_country and to_country != from_country
        )
        if cross_border and not legal_authority:
            errors.add(
                "legal_authority",
                _(
                    "A transfer to another country needs its legal basis: the mutual legal "
                    "assistance request or letter rogatory reference."
                ),
            )
    elif action == CustodyAction.ACCEPTED:
        release = _pending_release(item)
        if release.recorded_by_id == actor.pk:
            errors.add(
                NON_FIELD_ERRORS,
                _(
                    "You released this item: a different person of the receiving party must "
                    "accept it."
                ),
            )
        officer = officer_of(actor)
        if (
            officer is not None
            and release.to_country
            and officer.ncb.country.iso2 != release.to_country
        ):
            errors.add(
                NON_FIELD_ERRORS,
                _("Only someone of the receiving party (%(country)s) may accept this item.")
                % {"country": release.to_country},
            )
        person = (to_custodian or {}).get("person") or release.to_person
        if to_custodian and (
            (to_custodian["agency"] and to_custodian["agency"] != release.to_agency)
            or (to_custodian["country"] and to_custodian["country"] != release.to_country)
        ):
            errors.add(
                "to_custodian",
                _("The item was released to %(agency)s (%(country)s); only they accept it.")
                % {"agency": release.to_agency or "-", "country": release.to_country or "-"},
            )
        to_custodian = {
            "person": person,
            "agency": release.to_agency,
            "country": release.to_country,
        }
        from_custodian = {
            "person": release.from_person,
            "agency": release.from_agency,
            "country": release.from_country,
        }
        legal_authority = legal_authority or release.legal_authority
        extra["release_sequence"] = release.sequence
    elif action == CustodyAction.TRANSFER_CANCELLED:
        release = _pending_release(item)
        if not notes:
            errors.add("notes", _("Say why the transfer is cancelled."))
        extra["release_sequence"] = release.sequence
    elif action == CustodyAction.SEALED:
        if not seal_number:
            errors.add("seal_number", _("Give the number of the new seal."))
    elif action == CustodyAction.RETURNED:
        if to_custodian is None and "to_custodian" not in errors:
            errors.add("to_custodian", _("Name who the item was returned to."))
    elif action == CustodyAction.DESTROYED and not legal_authority:
        errors.add("legal_authority", _("Give the order under which the item was destroyed."))
    errors.raise_if_any()

    file_checks = _file_checks(item, rechecked, reported)
    event = append_event(
        item=item,
        actor=actor,
        action=action,
        from_custodian=from_custodian,
        to_custodian=to_custodian,
        place=place,
        purpose=purpose,
        legal_authority=legal_authority,
        seal_number=seal_number,
        seal_intact=seal_intact,
        file_hashes_rechecked=file_checks,
        notes=notes,
        claimed_time=claimed_time,
        **extra,
    )
    if storage_location and storage_location != item.storage_location:
        item.storage_location = storage_location
        item.save(update_fields=["storage_location", "updated_at"])
    event.integrity_failure = _integrity_failure(item, actor, event, file_checks, seal_intact)
    return event


def _pending_release(item: EvidenceItem) -> CustodyEvent:
    """The release that put the item in transit (the state machine guarantees one)."""
    release = (
        CustodyEvent.objects.filter(item=item, action__in=RELEASE_ACTIONS)
        .order_by("-sequence")
        .first()
    )
    if release is None:
        raise ValidationError(
            {"action": [_("This item is in transit but no release of it is recorded.")]}
        )
    return release


def _reported_hashes(value: Any, errors: Errors) -> list[str]:
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        value = value.split()
    hashes = []
    for entry in value:
        text = str(entry.get("sha256", "") if isinstance(entry, Mapping) else entry).strip()
        if not HEX64.fullmatch(text.lower()):
            errors.add(
                "file_hashes",
                _("“%(value)s” is not a SHA-256 hash (64 hexadecimal characters).")
                % {"value": text[:80]},
            )
            continue
        hashes.append(text.lower())
    return hashes


def _recheck_stored_files(item: EvidenceItem) -> list[dict[str, Any]]:
    """Re-hash every stored file of the item, streaming (outside any transaction)."""
    checks = []
    for sha256 in EvidenceFile.objects.filter(item=item).values_list("sha256", flat=True):
        actual = storage.content_hash(sha256)
        checks.append(
            {"sha256": sha256, "actual": actual, "matches": actual == sha256, "by": "server"}
        )
    return checks


def _file_checks(
    item: EvidenceItem, rechecked: list[dict[str, Any]], reported: list[str]
) -> list[dict[str, Any]]:
    if not reported:
        return rechecked
    known = set(EvidenceFile.objects.filter(item=item).values_list("sha256", flat=True))
    return [
        *rechecked,
        *(
            {"sha256": value, "actual": value, "matches": value in known, "by": "reported"}
            for value in reported
        ),
    ]


def _integrity_failure(
    item: EvidenceItem,
    actor: AbstractBaseUser,
    event: CustodyEvent,
    file_checks: list[dict[str, Any]],
    seal_intact: bool | None,
) -> CustodyEvent | None:
    failed_files = [check["sha256"] for check in file_checks if not check["matches"]]
    seal_broken = seal_intact is False
    if not failed_files and not seal_broken:
        return None
    reasons = []
    if failed_files:
        reasons.append(
            _("%(count)s file hash(es) did not match the recorded SHA-256.")
            % {"count": len(failed_files)}
        )
    if seal_broken:
        reasons.append(_("The seal was found broken."))
    return append_event(
        item=item,
        actor=actor,
        action=CustodyAction.INTEGRITY_FAILURE,
        notes=" ".join(str(reason) for reason in reasons),
        failure={
            "event": event.sequence,
            "files": failed_files,
            "seal_broken": seal_broken,
        },
    )
