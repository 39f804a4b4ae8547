"""Writes of cases: opening, editing, workflow, offence type, links, tasks, notes.

Every service is keyword-only and atomic, re-checks the actor's right on a fresh locked row,
validates with `full_clean()`, writes its audit row (and timeline entry) in the same
transaction, and raises `ValidationError` keyed by field with a message a person can act
on, or `PermissionDenied` for an actor without the right (adapters answer 404).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from contacts.models import NationalCentralBureau
from contacts.permissions import is_instance_admin
from ncb_cases import permissions
from ncb_cases.audit import audit_record
from ncb_cases.choices import (
    CASE_STATUS_TRANSITIONS,
    AuditAction,
    CaseLinkType,
    CaseOutcome,
    CaseStatus,
    CountryRole,
    ExploitationForm,
    HandlingCode,
    NoteKind,
    OffenceType,
    PalermoAct,
    PalermoMeans,
    PalermoPurpose,
)
from ncb_cases.models import (
    Case,
    CaseCountry,
    CaseExploitationForm,
    CaseLink,
    CaseNote,
    CaseReferenceCounter,
    Task,
)
from ncb_cases.selectors.access import VIEW_VICTIM_IDENTITY, editable_cases, visible_cases
from ncb_cases.services._common import (
    Errors,
    as_date,
    codes,
    country,
    lock_editable_case,
    reject_unknown_fields,
    require_visible_case,
    timeline,
)
from ncb_cases.services.retention import case_retention_touch

# What `case_create` / `case_update` accept in `data` (status has its own service).
CASE_DATA_FIELDS = (
    "title",
    "summary",
    "offence_type",
    "exploitation_forms",
    "countries",
    "palermo_acts",
    "palermo_means",
    "palermo_purposes",
    "opened_on",
    "lead_officer",
    "confidentiality_level",
    "handling_codes",
    "h3_text",
    "source_reliability",
    "information_accuracy",
    "retention_review_on",
)
_CODE_LIST_FIELDS = {
    "palermo_acts": PalermoAct,
    "palermo_means": PalermoMeans,
    "palermo_purposes": PalermoPurpose,
    "handling_codes": HandlingCode,
}
_PLAIN_FIELDS = (
    "title",
    "summary",
    "confidentiality_level",
    "h3_text",
    "source_reliability",
    "information_accuracy",
)


# --- Opening and editing ----------------------------------------------------------------------


@transaction.atomic
def case_create(
    *,
    actor: AbstractBaseUser,
    data: Mapping[str, object],
    owner_ncb: NationalCentralBureau | None = None,
) -> Case:
    """Open a case for the actor's NCB (admins name `owner_ncb`) and return it.

    `data` keys (CASE_DATA_FIELDS): `title` (required), `summary`, `offence_type`,
    `exploitation_forms` (codes), `countries` (`[{"country": "NG", "role": "ORIGIN"}, …]` or
    `(iso2, role)` pairs), `palermo_acts` / `palermo_means` / `palermo_purposes` /
    `handling_codes` (codes), `opened_on`, `lead_officer` (a user of the owner NCB),
    `confidentiality_level`, `h3_text`, `source_reliability`, `information_accuracy`,
    `retention_review_on`.

    The reference `<ISO2>-<year>-<000001>` is numbered per NCB and year under a lock. The
    creator is granted `view_victim_identity` on the case. Writes a CREATED timeline entry
    and a CREATE audit row. Officers and supervisors (not analysts) and admins only.
    """
    if not permissions.can_edit_cases(actor):
        raise PermissionDenied
    officer = permissions.case_reader(actor)
    if is_instance_admin(actor):
        owner_ncb = owner_ncb or (officer.ncb if officer else None)
        if owner_ncb is None:
            raise ValidationError({"owner_ncb": [_("Name the NCB that owns the case.")]})
    else:
        if owner_ncb is not None and owner_ncb.pk != officer.ncb_id:
            raise ValidationError({"owner_ncb": [_("You can open cases only for your own NCB.")]})
        owner_ncb = officer.ncb
    case = Case(owner_ncb=owner_ncb, created_by=actor)
    errors = Errors()
    relations = _apply_case_data(case, data, errors)
    if "title" not in data:
        errors.add("title", _("A case needs a title."))
    _full_clean(case, errors, exclude=["reference"])
    errors.raise_if_any()

    case.reference = _next_reference(owner_ncb)
    case.save()
    _save_relations(case, relations)
    assign_perm(VIEW_VICTIM_IDENTITY, actor, case)
    timeline(
        case=case,
        kind=NoteKind.CREATED,
        text=_("Case %(reference)s opened.") % {"reference": case.reference},
        author=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=case)
    return case


@transaction.atomic
def case_update(*, actor: AbstractBaseUser, case: Case, data: Mapping[str, object]) -> Case:
    """Change some of a case's fields (`data`: any CASE_DATA_FIELDS; the rest is untouched).

    An `offence_type` change is put on the timeline (as `case_change_offence_type`); so is a
    change of confidentiality. Status has its own service. Writes one UPDATE audit row
    naming the changed fields. Needs the right to change the case.
    """
    case = lock_editable_case(actor, case)
    errors = Errors()
    before = {field: getattr(case, field) for field in ("offence_type", "confidentiality_level")}
    old_opened_on = case.opened_on
    relations = _apply_case_data(case, data, errors)
    _full_clean(case, errors)
    errors.raise_if_any()

    changed = [key for key in data if key not in ("exploitation_forms", "countries")]
    case.save(update_fields=[*changed, "updated_at"])
    _save_relations(case, relations)
    if case.offence_type != before["offence_type"]:
        _offence_type_timeline(case, before["offence_type"], actor, reason="")
    if case.confidentiality_level != before["confidentiality_level"]:
        timeline(
            case=case,
            kind=NoteKind.CONFIDENTIALITY_CHANGE,
            text=_("Confidentiality changed from %(old)s to %(new)s.")
            % {"old": before["confidentiality_level"], "new": case.confidentiality_level},
            author=actor,
        )
    if case.opened_on != old_opened_on:
        # Without an exploitation date, childhood is judged at the opening of the case.
        from ncb_cases.services.persons import refresh_children

        refresh_children(case=case, actor=actor)
    if "retention_review_on" not in data:  # an explicit date is the editor's choice
        case_retention_touch(case=case)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=case, details={"fields": sorted(data)}
    )
    return case


def _full_clean(case: Case, errors: Errors, exclude=()) -> None:
    try:
        case.full_clean(exclude=[*exclude, *errors.fields()])
    except ValidationError as exc:
        errors.add_exception(exc)


def _apply_case_data(case: Case, data: Mapping, errors: Errors) -> dict:
    reject_unknown_fields(data, CASE_DATA_FIELDS, errors)
    for key in _PLAIN_FIELDS:
        if key in data:
            value = data[key]
            setattr(case, key, value.strip() if isinstance(value, str) else value)
    if "offence_type" in data:
        case.offence_type = data["offence_type"]
    for key, choices in _CODE_LIST_FIELDS.items():
        if key in data:
            cleaned = codes(data, key, choices, errors)
            if cleaned is not None:
                setattr(case, key, cleaned)
    for key in ("opened_on", "retention_review_on"):
        if key in data:
            value = as_date(data[key], key, errors)
            if value is not None or key == "opened_on":
                setattr(case, key, value)
    if "lead_officer" in data:
        case.lead_officer = _lead_officer(data["lead_officer"], case, errors)
    relations: dict = {}
    if "exploitation_forms" in data:
        relations["exploitation_forms"] = codes(
            data, "exploitation_forms", ExploitationForm, errors
        )
    if "countries" in data:
        relations["countries"] = _countries(data["countries"], errors)
    return relations


def _lead_officer(user, case: Case, errors: Errors):
    if user in (None, ""):
        return None
    officer = permissions.case_reader(user) if hasattr(user, "is_authenticated") else None
    if (
        officer is None
        or officer.ncb_id != case.owner_ncb_id
        or not permissions.can_edit_cases(user)
    ):
        errors.add(
            "lead_officer", _("The lead officer must be an officer of the NCB that owns the case.")
        )
        return case.lead_officer
    return user


def _countries(value, errors: Errors) -> list[tuple[object, str]] | None:
    pairs = []
    for index, item in enumerate(value or []):
        if isinstance(item, Mapping):
            code, role = item.get("country"), item.get("role")
        else:
            try:
                code, role = item
            except (TypeError, ValueError):
                errors.add(
                    "countries", _("Entry %(n)s: give a country and a role.") % {"n": index + 1}
                )
                continue
        if role not in CountryRole.values:
            errors.add(
                "countries",
                _("Entry %(n)s: the role must be one of %(roles)s.")
                % {"n": index + 1, "roles": ", ".join(CountryRole.values)},
            )
            continue
        found = country(code, "countries", errors)
        if found is not None and (found, role) not in pairs:
            pairs.append((found, role))
    return None if "countries" in errors else pairs


def _save_relations(case: Case, relations: dict) -> None:
    forms = relations.get("exploitation_forms")
    if forms is not None:
        CaseExploitationForm.objects.filter(case=case).exclude(form__in=forms).delete()
        existing = set(
            CaseExploitationForm.objects.filter(case=case).values_list("form", flat=True)
        )
        CaseExploitationForm.objects.bulk_create(
            [CaseExploitationForm(case=case, form=form) for form in forms if form not in existing]
        )
    countries = relations.get("countries")
    if countries is not None:
        CaseCountry.objects.filter(case=case).delete()
        CaseCountry.objects.bulk_create(
            [CaseCountry(case=case, country=found, role=role) for found, role in countries]
        )


def _next_reference(ncb: NationalCentralBureau) -> str:
    year = timezone.localdate().year
    # The counter row is locked until the transaction ends: two cases opened at the same
    # moment get consecutive numbers, never the same one.
    counter, _created = CaseReferenceCounter.objects.select_for_update().get_or_create(
        ncb=ncb, year=year
    )
    CaseReferenceCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    counter.refresh_from_db(fields=["last_number"])
    return f"{ncb.country.iso2}-{year}-{counter.last_number:06d}"


# --- Workflow ---------------------------------------------------------------------------------


@transaction.atomic
def case_change_status(
    *,
    actor: AbstractBaseUser,
    case: Case,
    status: str,
    outcome: str = "",
    reason: str = "",
) -> Case:
    """Move a case along its workflow (`CASE_STATUS_TRANSITIONS`) and put it on the timeline.

    Closing needs an `outcome` (CaseOutcome) and sets `closed_on`; reopening a closed case
    needs a supervisor of the owner NCB (or an admin) and a `reason`, and clears the outcome.
    An illegal move is refused with a message naming the allowed ones. Needs the right to
    change the case. One UPDATE audit row.
    """
    case = lock_editable_case(actor, case)
    old = case.status
    allowed = CASE_STATUS_TRANSITIONS[old]
    if status not in allowed:
        raise ValidationError(
            {
                "status": [
                    _("A case that is “%(old)s” can move to: %(allowed)s.")
                    % {
                        "old": CaseStatus(old).label,
                        "allowed": ", ".join(str(CaseStatus(s).label) for s in allowed),
                    }
                ]
            }
        )
    reason = (reason or "").strip()
    if status == CaseStatus.REOPENED:
        if not permissions.can_reopen_case(actor, case):
            raise PermissionDenied(_("Only a supervisor of the owner NCB can reopen a case."))
        if not reason:
            raise ValidationError({"reason": [_("Say why the case is reopened.")]})
        case.outcome = ""
        case.closed_on = None
    if status == CaseStatus.CLOSED:
        if outcome not in CaseOutcome.values:
            raise ValidationError(
                {
                    "outcome": [
                        _("Closing a case needs its outcome, one of: %(outcomes)s.")
                        % {"outcomes": ", ".join(str(label) for label in CaseOutcome.labels)}
                    ]
                }
            )
        case.outcome = outcome
        case.closed_on = max(timezone.localdate(), case.opened_on)
    case.status = status
    case.full_clean()
    case.save(update_fields=["status", "outcome", "closed_on", "updated_at"])
    case_retention_touch(case=case)
    text = _("Status changed from “%(old)s” to “%(new)s”.") % {
        "old": CaseStatus(old).label,
        "new": CaseStatus(status).label,
    }
    if status == CaseStatus.CLOSED:
        text += " " + _("Outcome: %(outcome)s.") % {"outcome": CaseOutcome(outcome).label}
    if reason:
        text += " " + _("Reason: %(reason)s") % {"reason": reason}
    timeline(
        case=case,
        kind=NoteKind.STATUS_CHANGE,
        text=text,
        author=actor,
        details={"from": old, "to": status, "outcome": case.outcome, "reason": reason},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        details={"status": [old, status]},
    )
    return case


@transaction.atomic
def case_change_offence_type(
    *, actor: AbstractBaseUser, case: Case, offence_type: str, reason: str = ""
) -> Case:
    """Requalify a case (smuggling cases become trafficking cases); each change is on the
    timeline with its optional `reason`. Unchanged: nothing written. One UPDATE audit row."""
    case = lock_editable_case(actor, case)
    if offence_type not in OffenceType.values:
        raise ValidationError(
            {
                "offence_type": [
                    _("Choose one of: %(types)s.") % {"types": ", ".join(OffenceType.values)}
                ]
            }
        )
    old = case.offence_type
    if offence_type == old:
        return case
    case.offence_type = offence_type
    case.save(update_fields=["offence_type", "updated_at"])
    _offence_type_timeline(case, old, actor, reason=reason)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        details={"offence_type": [old, offence_type]},
    )
    return case


def _offence_type_timeline(case: Case, old: str, actor, *, reason: str) -> CaseNote:
    text = _("Offence type changed from “%(old)s” to “%(new)s”.") % {
        "old": OffenceType(old).label,
        "new": OffenceType(case.offence_type).label,
    }
    if reason.strip():
        text += " " + _("Reason: %(reason)s") % {"reason": reason.strip()}
    return timeline(
        case=case,
        kind=NoteKind.OFFENCE_TYPE_CHANGE,
        text=text,
        author=actor,
        details={"from": old, "to": case.offence_type},
    )


# --- Links ------------------------------------------------------------------------------------


@transaction.atomic
def case_link_create(
    *,
    actor: AbstractBaseUser,
    from_case: Case,
    to_case: Case,
    link_type: str = CaseLinkType.RELATED,
    note: str = "",
) -> CaseLink:
    """Relate two cases. Needs the right to change `from_case` and to see `to_case`.

    The link is shown only to users who may see both cases, so no timeline entry names the
    other case. One CREATE audit row.
    """
    from_case = lock_editable_case(actor, from_case)
    require_visible_case(actor, to_case)
    if from_case.pk == to_case.pk:
        raise ValidationError({"to_case": [_("A case cannot be linked to itself.")]})
    if CaseLink.objects.filter(
        Q(from_case=from_case, to_case=to_case) | Q(from_case=to_case, to_case=from_case)
    ).exists():
        raise ValidationError({"to_case": [_("These two cases are already linked.")]})
    link = CaseLink(
        from_case=from_case,
        to_case=to_case,
        link_type=link_type,
        note=note.strip(),
        created_by=actor,
    )
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=link,
        case=from_case,
        details={"link_type": link_type},
    )
    return link


@transaction.atomic
def case_link_remove(*, actor: AbstractBaseUser, link: CaseLink) -> None:
    """Remove a link; needs the right to change the case it starts from."""
    from_case = lock_editable_case(actor, link.from_case)
    audit_record(actor=actor, action=AuditAction.DELETE, obj=link, case=from_case)
    link.delete()


# --- Tasks and notes --------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    actor: AbstractBaseUser,
    case: Case,
    title: str,
    description: str = "",
    assignee: AbstractBaseUser | None = None,
    due_on=None,
) -> Task:
    """Add a task to a case; the assignee must be someone who may see the case."""
    case = lock_editable_case(actor, case)
    errors = Errors()
    if assignee is not None and not visible_cases(assignee).filter(pk=case.pk).exists():
        errors.add("assignee", _("%(user)s may not see this case.") % {"user": assignee})
    task = Task(
        case=case,
        title=(title or "").strip(),
        description=(description or "").strip(),
        assignee=assignee,
        due_on=as_date(due_on, "due_on", errors),
        created_by=actor,
    )
    try:
        task.full_clean(exclude=errors.fields())
    except ValidationError as exc:
        errors.add_exception(exc)
    errors.raise_if_any()
    task.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=task)
    return task


@transaction.atomic
def task_complete(*, actor: AbstractBaseUser, task: Task) -> Task:
    """Mark a task done: by its assignee (who still sees the case) or whoever may change the
    case."""
    task = Task.objects.select_for_update().select_related("case").get(pk=task.pk)
    may_change = editable_cases(actor).filter(pk=task.case_id).exists()
    is_assignee = (
        task.assignee_id == actor.pk and visible_cases(actor).filter(pk=task.case_id).exists()
    )
    if not (may_change or is_assignee):
        raise PermissionDenied
    if task.done_at is not None:
        raise ValidationError(_("This task is already done."))
    task.done_at = timezone.now()
    task.done_by = actor
    task.save(update_fields=["done_at", "done_by", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, details={"done": True})
    return task


@transaction.atomic
def case_note_add(*, actor: AbstractBaseUser, case: Case, text: str) -> CaseNote:
    """Append a note to the case's timeline (notes are never edited)."""
    case = lock_editable_case(actor, case)
    note = CaseNote(case=case, kind=NoteKind.NOTE, text=(text or "").strip(), author=actor)
    note.full_clean()
    note.save()
    case_retention_touch(case=case)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=note)
    return note
