"""Writes of persons (with their phones and identity documents) and vehicles.

Protected persons (victims, possible victims, children) get a stable per-case number on
first becoming protected ("Victim V-3"); a child makes the whole case INTERPOL_CONFIDENTIAL.
Audit rows and timeline entries never carry a person's name.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from contacts.validators import normalize_phone
from ncb_cases.audit import audit_record
from ncb_cases.choices import (
    STRICTEST_CONFIDENTIALITY,
    VICTIM_ROLES,
    AuditAction,
    ConfidentialityLevel,
    MeansOfControl,
    NoteKind,
    PhoneKind,
    RecruitmentMethod,
    RoleInProcess,
)
from ncb_cases.models import Case, IdentityDocument, Person, PersonPhone, Vehicle
from ncb_cases.selectors.access import victim_identity_permitted
from ncb_cases.services._common import (
    Errors,
    as_date,
    codes,
    country,
    lock_editable_case,
    reject_unknown_fields,
    text_list,
    timeline,
)
from ncb_cases.services.retention import case_retention_touch
from ncb_cases.validators import (
    Mrz,
    clean_icao_code_list,
    normalize_document_number,
    parse_mrz,
)

PERSON_DATA_FIELDS = (
    "role",
    "family_name",
    "forenames",
    "name_original_script",
    "aliases",
    "sex",
    "date_of_birth",
    "place_of_birth",
    "country_of_birth",
    "nationalities",
    "addresses",
    "roles_in_process",
    "recruitment_methods",
    "recruitment_platforms",
    "means_of_control",
    "relationship_to_trafficker",
    "referred_to_support",
    "exploitation_started_on",
    "phones",
    "documents",
)
DOCUMENT_DATA_FIELDS = (
    "public_id",
    "doc_type",
    "number",
    "issuing_state",
    "issued_on",
    "expires_on",
    "authenticity",
    "mrz",
    "withheld_by_exploiter",
)
VEHICLE_DATA_FIELDS = (
    "vehicle_type",
    "plate",
    "registration_country",
    "make",
    "model",
    "colour",
    "description",
    "holder",
)
_PLAIN_PERSON_FIELDS = (
    "role",
    "family_name",
    "forenames",
    "name_original_script",
    "sex",
    "date_of_birth",
    "place_of_birth",
    "addresses",
    "relationship_to_trafficker",
    "referred_to_support",
)
_PERSON_CODE_LISTS = {
    "roles_in_process": RoleInProcess,
    "recruitment_methods": RecruitmentMethod,
    "means_of_control": MeansOfControl,
}


@transaction.atomic
def person_create(*, actor: AbstractBaseUser, case: Case, data: Mapping[str, Any]) -> Person:
    """Add a person to a case, with phones and identity documents, and return it.

    `data` keys (PERSON_DATA_FIELDS): `role` (required), names, `aliases` (list),
    `sex`, `date_of_birth` ("YYYY", "YYYY-MM" or "YYYY-MM-DD"), `place_of_birth`,
    `country_of_birth` (ISO alpha-2), `nationalities` (ICAO codes), `addresses`,
    `roles_in_process` / `recruitment_methods` / `means_of_control` (codes),
    `recruitment_platforms` (texts), `relationship_to_trafficker`, `referred_to_support`,
    `exploitation_started_on`, `phones` (`["+234 803 000 0001", {"number": …, "kind": …}]`),
    `documents` (`[{"doc_type", "number", "issuing_state", "issued_on", "expires_on",
    "authenticity", "mrz", "withheld_by_exploiter"}]`).

    Refused with every error at once, keyed by field (`documents.0.mrz`, `phones.1` for
    nested ones): unknown codes, impossible dates (birth after the start of exploitation,
    expiry not after issue), bad MRZ check digits, invalid phone numbers. Needs the right to
    change the case. One CREATE audit row.
    """
    case = lock_editable_case(actor, case)
    person = Person(case=case, created_by=actor)
    errors = Errors()
    if "role" not in data:
        errors.add("role", _("Say which role the person has in the case."))
    _apply_person_data(person, data, errors)
    phones = _clean_phones(data.get("phones") or [], case, errors)
    documents = _clean_documents(person, data.get("documents") or [], errors)
    _full_clean_person(person, errors)
    errors.raise_if_any()

    person.save()
    _save_phones(person, phones)
    _save_documents(person, documents, replace=False)
    _after_person_saved(person, case, actor)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=person, details={"role": person.role})
    return person


@transaction.atomic
def person_update(*, actor: AbstractBaseUser, person: Person, data: Mapping[str, Any]) -> Person:
    """Change some of a person's fields (`data` as for `person_create`, any subset).

    `phones`, when given, replaces the phone list; `documents`, when given, replaces the
    document list: an entry with the `public_id` of an existing document updates it, one
    without adds a document, and documents left out are removed. Same refusals as
    `person_create`. One UPDATE audit row naming the changed fields (never their values).
    """
    case = lock_editable_case(actor, person.case)
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.case = case
    errors = Errors()
    was_protected = person.identity_protected
    _apply_person_data(person, data, errors)
    phones = _clean_phones(data["phones"] or [], case, errors) if "phones" in data else None
    documents = (
        _clean_documents(person, data["documents"] or [], errors) if "documents" in data else None
    )
    _full_clean_person(person, errors)
    _refuse_lifting_protection(person, was_protected, actor, case, errors)
    errors.raise_if_any()

    person.save()
    if phones is not None:
        person.phones.all().delete()
        _save_phones(person, phones)
    if documents is not None:
        _save_documents(person, documents, replace=True)
    _after_person_saved(person, case, actor)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=person, details={"fields": sorted(data)}
    )
    return person


def _refuse_lifting_protection(person, was_protected, actor, case, errors: Errors) -> None:
    """A victim or child stops being pseudonymised only by someone who may see who they are:
    otherwise an edit (a new role, a later exploitation date) would reveal them to every
    reader of the case."""
    if errors.fields() or not was_protected:
        return
    person.refresh_derived_fields()
    if person.identity_protected or victim_identity_permitted(user=actor, case=case):
        return
    field = "role" if person.role not in VICTIM_ROLES else "exploitation_started_on"
    errors.add(
        field,
        _(
            "Only someone with victim-identity access to this case may make this change: "
            "it would lift the person's pseudonym."
        ),
    )


def refresh_children(*, case: Case, actor: AbstractBaseUser | None) -> None:
    """Recompute the child flag of every person of `case` (its opening date changed)."""
    for person in Person.objects.filter(case=case):
        person.case = case
        old = person.is_child
        person.refresh_derived_fields()
        if person.is_child != old:
            person.save(update_fields=["updated_at"])
            _ensure_victim_number(person, case)
    _apply_child_handling(case, actor)


def _apply_person_data(person: Person, data: Mapping, errors: Errors) -> None:
    reject_unknown_fields(data, PERSON_DATA_FIELDS, errors)
    for key in _PLAIN_PERSON_FIELDS:
        if key in data:
            value = data[key]
            if value is None and key != "referred_to_support":
                value = ""
            setattr(person, key, value.strip() if isinstance(value, str) else value)
    for key, choices in _PERSON_CODE_LISTS.items():
        if key in data:
            cleaned = codes(data, key, choices, errors)
            if cleaned is not None:
                setattr(person, key, cleaned)
    for key in ("aliases", "recruitment_platforms"):
        if key in data:
            cleaned = text_list(data, key, errors)
            if cleaned is not None:
                setattr(person, key, cleaned)
    if "nationalities" in data:
        value = data["nationalities"] or []
        try:
            person.nationalities = clean_icao_code_list(
                [value] if isinstance(value, str) else value
            )
        except ValidationError as exc:
            errors.add_exception(exc, field="nationalities")
    if "country_of_birth" in data:
        person.country_of_birth = country(data["country_of_birth"], "country_of_birth", errors)
    if "exploitation_started_on" in data:
        person.exploitation_started_on = as_date(
            data["exploitation_started_on"], "exploitation_started_on", errors
        )


def _full_clean_person(person: Person, errors: Errors) -> None:
    try:
        person.full_clean(exclude=errors.fields())
    except ValidationError as exc:
        errors.add_exception(exc)


def _clean_phones(entries, case: Case, errors: Errors) -> list[tuple[str, str]]:
    region = case.owner_ncb.country.iso2
    phones: list[tuple[str, str]] = []
    for index, entry in enumerate(entries):
        if isinstance(entry, Mapping):
            raw, kind = entry.get("number", ""), entry.get("kind") or PhoneKind.MOBILE
        else:
            raw, kind = entry, PhoneKind.MOBILE
        if kind not in PhoneKind.values:
            errors.add(f"phones.{index}", _("Unknown kind of phone: %(kind)s.") % {"kind": kind})
            continue
        try:
            number = normalize_phone(str(raw or ""), default_region=region)
        except ValidationError as exc:
            errors.add_exception(exc, field=f"phones.{index}")
            continue
        if not number:
            errors.add(f"phones.{index}", _("Enter a phone number."))
        elif number not in [known for known, _kind in phones]:
            phones.append((number, kind))
    return phones


def _save_phones(person: Person, phones: list[tuple[str, str]]) -> None:
    PersonPhone.objects.bulk_create(
        [PersonPhone(person=person, number=number, kind=kind) for number, kind in phones]
    )


def _clean_documents(person: Person, entries, errors: Errors) -> list[IdentityDocument]:
    existing = (
        {document.public_id: document for document in person.documents.all()} if person.pk else {}
    )
    documents: list[IdentityDocument] = []
    for index, entry in enumerate(entries):
        prefix = f"documents.{index}."
        entry_errors = Errors()
        reject_unknown_fields(entry, DOCUMENT_DATA_FIELDS, entry_errors)
        public_id = entry.get("public_id")
        if public_id:
            document = existing.get(_uuid_or_none(public_id))
            if document is None:
                entry_errors.add("public_id", _("Not a document of this person."))
                document = IdentityDocument()
        else:
            document = IdentityDocument()
        for key in ("doc_type", "issuing_state", "authenticity"):
            if key in entry:
                setattr(document, key, str(entry[key] or "").strip().upper())
        for key in ("number", "mrz"):
            if key in entry:
                setattr(document, key, str(entry[key] or "").strip())
        if "withheld_by_exploiter" in entry:
            document.withheld_by_exploiter = bool(entry["withheld_by_exploiter"])
        for key in ("issued_on", "expires_on"):
            if key in entry:
                setattr(document, key, as_date(entry[key], key, entry_errors))
        _reconcile_mrz(document, entry_errors)
        try:
            document.full_clean(exclude=["person", *entry_errors.fields()])
        except ValidationError as exc:
            entry_errors.add_exception(exc)
        for field, messages in entry_errors.by_field.items():
            errors.add(prefix + field, *messages)
        documents.append(document)
    return documents


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _reconcile_mrz(document: IdentityDocument, errors: Errors) -> None:
    """Fill the number and issuing state from a valid MRZ, and refuse a contradicting one."""
    if not document.mrz:
        return
    try:
        mrz: Mrz = parse_mrz(document.mrz)
    except ValidationError as exc:
        errors.add_exception(exc, field="mrz")
        return
    if not document.number:
        document.number = mrz.document_number
    elif normalize_document_number(document.number) != mrz.document_number:
        errors.add(
            "mrz",
            _("The MRZ gives document number %(mrz)s, not %(number)s.")
            % {"mrz": mrz.document_number, "number": document.number},
        )
    if not document.issuing_state:
        document.issuing_state = mrz.issuing_state
    elif document.issuing_state != mrz.issuing_state:
        errors.add(
            "mrz",
            _("The MRZ gives issuing state %(mrz)s, not %(state)s.")
            % {"mrz": mrz.issuing_state, "state": document.issuing_state},
        )


def _save_documents(person: Person, documents: list[IdentityDocument], *, replace: bool) -> None:
    kept = []
    for document in documents:
        document.person = person
        document.save()
        kept.append(document.pk)
    if replace:
        person.documents.exclude(pk__in=kept).delete()


def _after_person_saved(person: Person, case: Case, actor) -> None:
    _ensure_victim_number(person, case)
    _apply_child_handling(case, actor)
    case_retention_touch(case=case)  # a person added or changed is a substantial update


def _ensure_victim_number(person: Person, case: Case) -> None:
    """Number a protected person once, for good: V-numbers are never reused nor changed.

    The case row is locked by the calling service, so two persons cannot get one number.
    """
    if not person.identity_protected or person.victim_number is not None:
        return
    last = Person.objects.filter(case=case).aggregate(last=Max("victim_number"))["last"] or 0
    person.victim_number = last + 1
    person.save(update_fields=["victim_number"])


def _apply_child_handling(case: Case, actor) -> None:
    """A case holding a child's data is flagged and raised to the strictest confidentiality."""
    has_child = Person.objects.filter(case=case, is_child=True).exists()
    update_fields = []
    if has_child != case.minor_data_present:
        case.minor_data_present = has_child
        update_fields.append("minor_data_present")
    if has_child and case.confidentiality_level != STRICTEST_CONFIDENTIALITY:
        old = case.confidentiality_level
        case.confidentiality_level = STRICTEST_CONFIDENTIALITY
        update_fields.append("confidentiality_level")
        timeline(
            case=case,
            kind=NoteKind.CONFIDENTIALITY_CHANGE,
            text=_(
                "Confidentiality raised from %(old)s to %(new)s: the case holds a child's data."
            )
            % {
                "old": ConfidentialityLevel(old).label,
                "new": ConfidentialityLevel(STRICTEST_CONFIDENTIALITY).label,
            },
            author=actor,
            details={"from": old, "to": STRICTEST_CONFIDENTIALITY, "reason": "minor_data"},
        )
    if update_fields:
        case.save(update_fields=[*update_fields, "updated_at"])


# --- Vehicles ---------------------------------------------------------------------------------


@transaction.atomic
def vehicle_add(*, actor: AbstractBaseUser, case: Case, data: Mapping[str, Any]) -> Vehicle:
    """Add a vehicle to a case (`data`: VEHICLE_DATA_FIELDS; `plate` required; `holder` a
    person of the case or its public id; `registration_country` ISO alpha-2)."""
    case = lock_editable_case(actor, case)
    vehicle = Vehicle(case=case)
    _apply_vehicle_data(vehicle, data, case)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=vehicle)
    return vehicle


@transaction.atomic
def vehicle_update(
    *, actor: AbstractBaseUser, vehicle: Vehicle, data: Mapping[str, Any]
) -> Vehicle:
    case = lock_editable_case(actor, vehicle.case)
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    _apply_vehicle_data(vehicle, data, case)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=vehicle, details={"fields": sorted(data)}
    )
    return vehicle


@transaction.atomic
def vehicle_remove(*, actor: AbstractBaseUser, vehicle: Vehicle) -> None:
    case = lock_editable_case(actor, vehicle.case)
    audit_record(actor=actor, action=AuditAction.DELETE, obj=vehicle, case=case)
    vehicle.delete()


def _apply_vehicle_data(vehicle: Vehicle, data: Mapping, case: Case) -> None:
    errors = Errors()
    reject_unknown_fields(data, VEHICLE_DATA_FIELDS, errors)
    for key in ("vehicle_type", "plate", "make", "model", "colour", "description"):
        if key in data:
            setattr(vehicle, key, str(data[key] or "").strip())
    if "registration_country" in data:
        vehicle.registration_country = country(
            data["registration_country"], "registration_country", errors
        )
    if "holder" in data:
        vehicle.holder = _person_of_case(data["holder"], case, "holder", errors)
    try:
        vehicle.full_clean(exclude=errors.fields())
    except ValidationError as exc:
        errors.add_exception(exc)
    errors.raise_if_any()
    vehicle.save()


def _person_of_case(value, case: Case, field: str, errors: Errors) -> Person | None:
    if value in (None, ""):
        return None
    if isinstance(value, Person):
        person = value if value.case_id == case.pk else None
    else:
        public_id = _uuid_or_none(value)
        person = (
            Person.objects.filter(case=case, public_id=public_id).first() if public_id else None
        )
    if person is None:
        errors.add(field, _("Choose a person of this case."))
    return person
