"""Writes of the directory of victim-support organisations (issue 6, item 2), and who may
make them.

A country's organisations are recorded by the supervisors of its own NCB (they know them and
answer for the list) and by instance admins. Every write validates everything at once (field
errors, nothing half-saved) and writes its audit row in the same transaction. The audit row
names the fields changed, never a shelter's address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pycountry
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from contacts.choices import OfficerRole, SupportOrganisationKind, SupportService
from contacts.models import Country, SupportOrganisation
from contacts.permissions import is_instance_admin, officer_of
from contacts.validators import normalize_phone
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction

User = AbstractBaseUser | AnonymousUser

ORGANISATION_FIELDS = (
    "country",
    "name",
    "kind",
    "services",
    "languages",
    "city",
    "address",
    "phone",
    "phone_24_7",
    "email",
    "website",
    "contact_person",
    "notes",
    "is_active",
)
_TEXT_FIELDS = ("name", "city", "address", "email", "website", "contact_person", "notes")


# --- Who may do what --------------------------------------------------------------------------


def can_manage_support_organisations(user: User, country: Country) -> bool:
    """A supervisor of the NCB of `country`, or an instance admin; nobody else."""
    if is_instance_admin(user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    officer = officer_of(user)
    return (
        officer is not None
        and officer.role == OfficerRole.SUPERVISOR
        and officer.ncb.country_id == country.pk
    )


def manageable_countries(user: User):
    """The countries whose organisations `user` may record: all for admins, their own NCB's
    for a supervisor, none otherwise. One query when evaluated."""
    if is_instance_admin(user):
        return Country.objects.all()
    officer = officer_of(user)
    if officer is None or officer.role != OfficerRole.SUPERVISOR or not user.is_active:
        return Country.objects.none()
    return Country.objects.filter(pk=officer.ncb.country_id)


def can_see_shelter_address(user: User, organisation: SupportOrganisation) -> bool:
    """Whether `user` may read the organisation's street address.

    A shelter's address is protected (victims live there): only officers, supervisors and
    analysts of the NCB of the shelter's country, and instance admins, see it, and only in the
    browser (never in the API, a CSV or an HST message). Other organisations' addresses are
    public contact details.
    """
    if organisation.kind != SupportOrganisationKind.SHELTER:
        return True
    if is_instance_admin(user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    officer = officer_of(user)
    return (
        officer is not None
        and officer.role != OfficerRole.SRB_MONITOR
        and officer.ncb.country_id == organisation.country_id
    )


# --- Validation of codes ----------------------------------------------------------------------


def language_codes(value) -> list[str]:
    """`value` (a list, or a text of codes separated by commas or spaces) as a list of
    distinct ISO 639-1 codes in lower case; ValidationError naming the unknown ones."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list | tuple):
        raise ValidationError(_("Give a list of ISO 639-1 language codes, such as fr, en."))
    codes: list[str] = []
    unknown: list[str] = []
    for item in value:
        code = str(item).strip().lower()
        if not code:
            continue
        if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
            unknown.append(str(item).strip())
        elif code not in codes:
            codes.append(code)
    if unknown:
        raise ValidationError(
            _("Not ISO 639-1 language codes: %(codes)s. Use two letters, such as fr, en, it.")
            % {"codes": ", ".join(unknown)}
        )
    return codes


def service_codes(value) -> list[str]:
    """`value` as a list of distinct SupportService codes, in the code list's order;
    ValidationError naming the unknown ones."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValidationError(_("Give a list of service codes."))
    unknown = [str(item) for item in value if item not in SupportService.values]
    if unknown:
        raise ValidationError(
            _("Unknown services: %(unknown)s. Choose among: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(SupportService.values)}
        )
    return [code for code in SupportService.values if code in value]


# --- Writes -----------------------------------------------------------------------------------


@transaction.atomic
def support_organisation_create(
    *, actor: AbstractBaseUser, data: Mapping[str, Any]
) -> SupportOrganisation:
    """Record a support organisation in a country's directory.

    `data` (ORGANISATION_FIELDS): `country` (ISO alpha-2 or a Country), `name` and `kind`
    (SupportOrganisationKind) required; `services` (SupportService codes), `languages` (ISO
    639-1), `phone` (any notation, stored as E.164), the rest free text. Every error at once,
    keyed by field; nothing is saved if any. PermissionDenied unless the actor may manage the
    country's organisations. One CREATE audit row.
    """
    organisation = SupportOrganisation()
    _apply(organisation, data, actor=actor, creating=True)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=organisation,
        details=_audit_details(organisation, sorted(data)),
    )
    return organisation


@transaction.atomic
def support_organisation_update(
    *, actor: AbstractBaseUser, organisation: SupportOrganisation, data: Mapping[str, Any]
) -> SupportOrganisation:
    """Change the facts sent in `data` (as for `support_organisation_create`; only the keys
    given). PermissionDenied unless the actor may manage the organisation's country (and, if
    it moves, the new country). One UPDATE audit row naming the fields sent."""
    organisation = SupportOrganisation.objects.select_for_update().get(pk=organisation.pk)
    if not can_manage_support_organisations(actor, organisation.country):
        raise PermissionDenied
    _apply(organisation, data, actor=actor, creating=False)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=organisation,
        details=_audit_details(organisation, sorted(data)),
    )
    return organisation


def _audit_details(organisation: SupportOrganisation, fields: list[str]) -> dict[str, Any]:
    # The organisation has no public id: the trail names it by its row id and country.
    return {
        "support_organisation": organisation.pk,
        "country": organisation.country.iso2,
        "fields": fields,
    }


def _apply(
    organisation: SupportOrganisation, data: Mapping, *, actor: AbstractBaseUser, creating: bool
) -> None:
    errors: dict[str, list[str]] = {}
    for key in data:
        if key not in ORGANISATION_FIELDS:
            errors.setdefault(key, []).append(_("This field cannot be set here."))
    if "country" in data or creating:
        country = _country(data.get("country"), errors)
        if country is not None:
            if not can_manage_support_organisations(actor, country):
                raise PermissionDenied
            organisation.country = country
    for key in _TEXT_FIELDS:
        if key in data:
            setattr(organisation, key, str(data[key] or "").strip())
    if "kind" in data:
        organisation.kind = str(data["kind"] or "")
    for key, clean in (("services", service_codes), ("languages", language_codes)):
        if key in data:
            try:
                setattr(organisation, key, clean(data[key]))
            except ValidationError as exc:
                errors.setdefault(key, []).extend(exc.messages)
    if "phone" in data:
        try:
            organisation.phone = normalize_phone(str(data["phone"] or ""))
        except ValidationError as exc:
            errors.setdefault("phone", []).extend(exc.messages)
    for key in ("phone_24_7", "is_active"):
        if key in data:
            if data[key] not in (True, False):
                errors.setdefault(key, []).append(_("Answer yes or no."))
            else:
                setattr(organisation, key, data[key])
    if organisation.phone_24_7 and not organisation.phone and "phone" not in errors:
        errors.setdefault("phone", []).append(_("Give the phone number reachable 24/7."))
    try:
        organisation.full_clean(exclude=list(errors))
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            field = "name" if key == "__all__" else key
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    organisation.save()


def _country(value, errors: dict[str, list[str]]) -> Country | None:
    if isinstance(value, Country):
        return value
    if value in (None, ""):
        errors.setdefault("country", []).append(_("Choose the country."))
        return None
    country = Country.objects.filter(iso2=str(value).strip().upper()).first()
    if country is None:
        errors.setdefault("country", []).append(
            _("“%(value)s” is not a known ISO alpha-2 country code.") % {"value": value}
        )
    return country
