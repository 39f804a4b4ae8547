"""Writes of victims' support referrals (issue 6, item 2): the referral with its consent,
its care status, the repatriation steps and the victim's role in court.

A referral is written only by someone who may change the case (`editable_cases`) *and* holds
the case's victim-identity permission (`victim_identity_permitted`): it ties a victim to the
organisation caring for them, which is as revealing as a name. Everyone else gets
PermissionDenied (adapters answer 404). Each write takes the case lock, validates everything
at once (field errors, nothing half-saved) and writes its audit row in the same transaction.

Rules
- Only a victim or possible victim of the case is referred.
- No referral without the victim's consent (`consent_on` and `consent_scope`), except for a
  child (`Person.is_child`), when a supervisor documents why (`consent_override_reason`).
- Care status: referred → accepted → in care → closed, one step at a time (a referral that
  is declined or ends early is closed from any open status); each step dated, not in the
  future, not before the previous one.
- Repatriation: requested (with the receiving country) → risk assessed → travel arranged →
  returned → re-integrated, one step at a time, each dated in order.
- Court role: any `CourtRole`; TESTIFIED needs the day of testimony.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.choices import OfficerRole
from contacts.models import SupportOrganisation
from contacts.support_services import service_codes
from ncb_cases import permissions
from ncb_cases.audit import audit_record
from ncb_cases.choices import (
    VICTIM_ROLES,
    AuditAction,
    CourtRole,
    ReferralStatus,
    RepatriationStatus,
)
from ncb_cases.models import Case, Person
from ncb_cases.models.support import SupportReferral
from ncb_cases.selectors.access import victim_identity_permitted
from ncb_cases.services._common import Errors, as_date, country, lock_editable_case

REFERRAL_FIELDS = (
    "victim",
    "organisation",
    "services_requested",
    "referred_on",
    "consent_given",
    "consent_on",
    "consent_scope",
    "consent_override_reason",
    "court_role",
    "testified_on",
    "notes",
)
UPDATE_FIELDS = ("services_requested", "court_role", "testified_on", "notes")
OVERRIDE_REASON_MIN_LENGTH = 20

# The care status moves one step forward; any open referral may be closed.
REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.REFERRED: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.CLOSED}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.IN_CARE, ReferralStatus.CLOSED}),
    ReferralStatus.IN_CARE: frozenset({ReferralStatus.CLOSED}),
    ReferralStatus.CLOSED: frozenset(),
}

# Repatriation steps in order, each with the field holding its date.
REPATRIATION_STEPS: tuple[tuple[str, str], ...] = (
    (RepatriationStatus.REQUESTED, "repatriation_requested_on"),
    (RepatriationStatus.RISK_ASSESSED, "risk_assessed_on"),
    (RepatriationStatus.TRAVEL_ARRANGED, "travel_arranged_on"),
    (RepatriationStatus.RETURNED, "returned_on"),
    (RepatriationStatus.REINTEGRATED, "reintegrated_on"),
)
_STEP_ORDER = [RepatriationStatus.NOT_REQUESTED, *(step for step, _field in REPATRIATION_STEPS)]
_STEP_DATE_FIELD = dict(REPATRIATION_STEPS)


def allowed_next_statuses(status: str) -> list[str]:
    """The care statuses a referral in `status` may move to, in order."""
    allowed = REFERRAL_TRANSITIONS.get(status, frozenset())
    return [value for value in ReferralStatus.values if value in allowed]


def next_repatriation_step(status: str) -> str | None:
    """The one repatriation step that may follow `status`; None once re-integrated."""
    index = _STEP_ORDER.index(status) if status in _STEP_ORDER else len(_STEP_ORDER)
    return _STEP_ORDER[index + 1] if index + 1 < len(_STEP_ORDER) else None


def repatriation_dates(referral: SupportReferral) -> list[tuple[str, date | None]]:
    """Each repatriation step with its date (None when not reached), in order."""
    return [(step, getattr(referral, field)) for step, field in REPATRIATION_STEPS]


def is_supervisor(user: AbstractBaseUser) -> bool:
    """Whether `user` is a supervisor of an NCB (the role that may override a child's
    missing consent)."""
    officer = permissions.case_reader(user)
    return officer is not None and officer.role == OfficerRole.SUPERVISOR


def _lock_referrable_case(actor: AbstractBaseUser, case: Case) -> Case:
    case = lock_editable_case(actor, case)
    if not victim_identity_permitted(user=actor, case=case):
        raise PermissionDenied
    return case


def _lock_referral(actor: AbstractBaseUser, referral: SupportReferral) -> SupportReferral:
    case = _lock_referrable_case(actor, referral.case)
    return (
        SupportReferral.objects.select_for_update(of=("self",))
        .select_related("case", "victim", "organisation__country", "repatriation_country")
        .get(pk=referral.pk, case=case)
    )


def _not_future(value: date | None, field: str, errors: Errors) -> None:
    if value is not None and value > timezone.localdate():
        errors.add(field, _("This date is in the future."))


def _required_date(data: Mapping, key: str, errors: Errors, message: str) -> date | None:
    value = as_date(data.get(key), key, errors)
    if value is None and key not in errors:
        errors.add(key, message)
    _not_future(value, key, errors)
    return value


# --- Referral ---------------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *, actor: AbstractBaseUser, case: Case, data: Mapping[str, Any]
) -> SupportReferral:
    """Refer a victim of `case` to a support organisation.

    `data` (REFERRAL_FIELDS): `victim` (a Person of this case, or its public id) who is a
    victim or possible victim; `organisation` (an active SupportOrganisation or its id);
    `services_requested` (SupportService codes); `referred_on` (not in the future);
    either `consent_given` True with `consent_on` (not in the future, not after the referral)
    and `consent_scope`, or, for a child only and by a supervisor,
    `consent_override_reason` (a documented reason of at least 20 characters);
    `court_role` (CourtRole) with `testified_on` for TESTIFIED; `notes`.

    Every error at once, keyed by field; nothing is saved if any. PermissionDenied unless the
    actor may change the case and holds its victim-identity permission. Marks the victim as
    referred to support. One CREATE audit row (no name, no address).
    """
    case = _lock_referrable_case(actor, case)
    errors = Errors()
    for key in data:
        if key not in REFERRAL_FIELDS:
            errors.add(key, _("This field cannot be set here."))
    referral = SupportReferral(case=case, created_by=actor)
    victim = _victim_of_case(data.get("victim"), case, errors)
    referral.victim = victim
    organisation = _organisation(data.get("organisation"), errors)
    referral.organisation = organisation
    _services(referral, data, errors)
    referral.referred_on = _required_date(
        data, "referred_on", errors, _("Give the day of the referral.")
    )
    _consent(referral, data, victim=victim, actor=actor, errors=errors)
    _court_role(referral, data, errors)
    referral.notes = str(data.get("notes") or "").strip()
    referral.status_changed_on = referral.referred_on
    _save(referral, errors)
    if victim is not None and not victim.referred_to_support:
        victim.referred_to_support = True
        victim.save(update_fields=["referred_to_support", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=referral,
        details={
            "victim": str(victim.public_id),
            "organisation": organisation.pk,
            "consent": "given" if referral.consent_given else "override",
        },
    )
    return referral


def _victim_of_case(value, case: Case, errors: Errors) -> Person | None:
    if value in (None, ""):
        errors.add("victim", _("Choose the victim."))
        return None
    if isinstance(value, Person):
        person = value if value.case_id == case.pk else None
    else:
        person = Person.objects.filter(case=case, public_id=_uuid(value)).first()
    if person is None:
        errors.add("victim", _("Choose a victim of this case."))
        return None
    if person.role not in VICTIM_ROLES:
        errors.add("victim", _("Only a victim or possible victim of the case can be referred."))
        return None
    return person


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _organisation(value, errors: Errors) -> SupportOrganisation | None:
    if value in (None, ""):
        errors.add("organisation", _("Choose the organisation."))
        return None
    if isinstance(value, SupportOrganisation):
        organisation = value
    else:
        try:
            organisation = (
                SupportOrganisation.objects.select_related("country").filter(pk=int(value)).first()
            )
        except (TypeError, ValueError):
            organisation = None
    if organisation is None:
        errors.add("organisation", _("Choose an organisation of the directory."))
        return None
    if not organisation.is_active:
        errors.add("organisation", _("This organisation does not take referrals any more."))
        return None
    return organisation


def _services(referral: SupportReferral, data: Mapping, errors: Errors) -> None:
    try:
        referral.services_requested = service_codes(data.get("services_requested"))
    except ValidationError as exc:
        errors.add_exception(exc, field="services_requested")


def _consent(
    referral: SupportReferral,
    data: Mapping,
    *,
    victim: Person | None,
    actor: AbstractBaseUser,
    errors: Errors,
) -> None:
    given = data.get("consent_given")
    reason = str(data.get("consent_override_reason") or "").strip()
    if given not in (True, False, None, ""):
        errors.add("consent_given", _("Answer yes or no."))
        return
    if given:
        referral.consent_given = True
        referral.consent_on = _required_date(
            data, "consent_on", errors, _("Give the day the victim consented.")
        )
        referral.consent_scope = str(data.get("consent_scope") or "").strip()
        if not referral.consent_scope:
            errors.add(
                "consent_scope",
                _("Record what the victim agreed may be shared, and with whom."),
            )
        if (
            referral.consent_on is not None
            and referral.referred_on is not None
            and referral.consent_on > referral.referred_on
        ):
            errors.add("consent_on", _("Consent must be given on or before the referral."))
        if reason:
            errors.add(
                "consent_override_reason",
                _("The victim consented: there is nothing to override."),
            )
        return
    # No consent: only a child, only on a supervisor's documented decision.
    if victim is not None and not victim.is_child:
        errors.add(
            "consent_given",
            _("No referral without the victim's consent: record the day and its scope."),
        )
        return
    if not is_supervisor(actor):
        errors.add(
            "consent_override_reason",
            _("Only a supervisor may refer a child without consent."),
        )
        return
    if len(reason) < OVERRIDE_REASON_MIN_LENGTH:
        errors.add(
            "consent_override_reason",
            _("Document why the child is referred without consent (a sentence at least)."),
        )
        return
    referral.consent_given = False
    referral.consent_on = None
    referral.consent_scope = ""
    referral.consent_override_reason = reason
    referral.consent_override_by = actor


def _court_role(referral: SupportReferral, data: Mapping, errors: Errors) -> None:
    if "court_role" in data and data["court_role"] not in (None, ""):
        if data["court_role"] not in CourtRole.values:
            errors.add(
                "court_role",
                _("Choose one of: %(roles)s.") % {"roles": ", ".join(CourtRole.values)},
            )
            return
        referral.court_role = data["court_role"]
    if "testified_on" in data:
        referral.testified_on = as_date(data["testified_on"], "testified_on", errors)
        _not_future(referral.testified_on, "testified_on", errors)
    if referral.court_role == CourtRole.TESTIFIED:
        if referral.testified_on is None and "testified_on" not in errors:
            errors.add("testified_on", _("Give the day the victim testified."))
    elif referral.testified_on is not None and "testified_on" not in errors:
        errors.add("testified_on", _("A day of testimony goes with the role “Testified”."))


def _save(referral: SupportReferral, errors: Errors, update_fields=None) -> None:
    try:
        referral.full_clean(
            exclude=[*errors.fields(), "case", "victim", "organisation", "created_by"]
        )
    except ValidationError as exc:
        errors.add_exception(exc)
    errors.raise_if_any()
    if update_fields:
        referral.save(update_fields=[*update_fields, "updated_at"])
    else:
        referral.save()


@transaction.atomic
def referral_update(
    *, actor: AbstractBaseUser, referral: SupportReferral, data: Mapping[str, Any]
) -> SupportReferral:
    """Change the services requested, the court role (with `testified_on`) or the notes
    (UPDATE_FIELDS; only the keys given). The consent, the care status and the repatriation
    change only through their own services. One UPDATE audit row naming the fields sent."""
    referral = _lock_referral(actor, referral)
    errors = Errors()
    for key in data:
        if key not in UPDATE_FIELDS:
            errors.add(key, _("This field cannot be set here."))
    if "services_requested" in data:
        _services(referral, data, errors)
    if "notes" in data:
        referral.notes = str(data["notes"] or "").strip()
    _court_role(referral, data, errors)
    _save(referral, errors, update_fields=list(UPDATE_FIELDS))
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=referral, details={"fields": sorted(data)}
    )
    return referral


@transaction.atomic
def referral_change_status(
    *, actor: AbstractBaseUser, referral: SupportReferral, to_status: str, on
) -> SupportReferral:
    """Move the referral's care status to `to_status` on the day `on` (a date or
    YYYY-MM-DD): only a move of REFERRAL_TRANSITIONS from its current status (read under
    lock), on a day neither in the future nor before its previous change. One UPDATE audit
    row with both statuses."""
    referral = _lock_referral(actor, referral)
    errors = Errors()
    allowed = allowed_next_statuses(referral.status)
    if to_status not in allowed:
        current = ReferralStatus(referral.status).label
        if allowed:
            message = _("A referral that is %(current)s can only become: %(allowed)s.") % {
                "current": current,
                "allowed": ", ".join(str(ReferralStatus(value).label) for value in allowed),
            }
        else:
            message = _("The referral is closed: its status cannot change again.")
        errors.add("to_status", message)
    day = _required_date({"on": on}, "on", errors, _("Give the day of the change."))
    previous = referral.status_changed_on or referral.referred_on
    if day is not None and previous is not None and day < previous:
        errors.add(
            "on",
            _("The referral last changed on %(day)s: a later change cannot be dated before.")
            % {"day": previous.isoformat()},
        )
    errors.raise_if_any()
    before = referral.status
    referral.status = to_status
    referral.status_changed_on = day
    _save(referral, errors, update_fields=["status", "status_changed_on"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=referral,
        details={"status": [before, to_status], "on": day.isoformat()},
    )
    return referral


@transaction.atomic
def referral_repatriation_step(
    *,
    actor: AbstractBaseUser,
    referral: SupportReferral,
    to_status: str,
    on,
    receiving_country=None,
) -> SupportReferral:
    """Record the next repatriation step `to_status` reached on the day `on`.

    Only the one step following the current one (REPATRIATION_STEPS); its day neither in the
    future nor before the previous step's. The first step (REQUESTED) names the receiving
    country (ISO alpha-2 or a Country); a later step may correct it. One UPDATE audit row.
    """
    referral = _lock_referral(actor, referral)
    errors = Errors()
    expected = next_repatriation_step(referral.repatriation_status)
    if to_status != expected:
        if expected is None:
            message = _("The victim is re-integrated: the repatriation is complete.")
        else:
            message = _("The next step is “%(step)s”: steps are recorded in order.") % {
                "step": RepatriationStatus(expected).label
            }
        errors.add("to_status", message)
    day = _required_date({"on": on}, "on", errors, _("Give the day of this step."))
    previous = [value for _step, value in repatriation_dates(referral) if value is not None]
    if day is not None and previous and day < max(previous):
        errors.add(
            "on",
            _("The previous step is dated %(day)s: this one cannot be earlier.")
            % {"day": max(previous).isoformat()},
        )
    fields = ["repatriation_status"]
    if receiving_country not in (None, ""):
        found = country(receiving_country, "receiving_country", errors)
        if found is not None:
            referral.repatriation_country = found
            fields.append("repatriation_country")
    elif to_status == RepatriationStatus.REQUESTED and referral.repatriation_country_id is None:
        errors.add("receiving_country", _("Name the country the victim returns to."))
    errors.raise_if_any()
    before = referral.repatriation_status
    referral.repatriation_status = to_status
    date_field = _STEP_DATE_FIELD[to_status]
    setattr(referral, date_field, day)
    _save(referral, errors, update_fields=[*fields, date_field])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=referral,
        details={
            "repatriation": [before, to_status],
            "on": day.isoformat(),
            "receiving_country": referral.repatriation_country.iso2
            if referral.repatriation_country
            else None,
        },
    )
    return referral
