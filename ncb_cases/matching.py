"""Cross-case matching: "have we seen this phone number before?" (issue 3 item 6).

For persons, phones (E.164), identity documents (normalised number + issuing state),
vehicle plates, and persons' name + full date of birth, find the OTHER cases the user may see
where the same value appears, so that pages and the API can say "also in FR-2026-000041".

Rules:
- only cases visible to the user are searched; a match elsewhere is never revealed, not even
  as a count;
- identity data of protected persons (victims, possible victims, children) — their names,
  phones and documents — is matched only where the user holds `view_victim_identity` (on the
  source case for what is compared, on the target case for what is found), and a match found
  through a protected person never carries the value itself;
- one query per kind of value, whatever the number of persons (no per-row queries).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q

from contacts.validators import normalize_phone
from ncb_cases.models import Case, IdentityDocument, Person, PersonPhone, Vehicle
from ncb_cases.selectors.access import (
    identity_matchable_q,
    victim_identity_permitted,
    visible_cases,
)
from ncb_cases.validators import normalize_document_number, normalize_plate

User = AbstractBaseUser | AnonymousUser

PERSON, PHONE, DOCUMENT, VEHICLE = "person", "phone", "document", "vehicle"


@dataclass(frozen=True, order=True)
class CaseMatch:
    """One other case where a value of ours appears."""

    kind: str  # person, phone, document, vehicle
    case_reference: str  # the other case, e.g. "DE-2026-000003"
    case_public_id: UUID
    value: str  # the matching normalised value; "" when it belongs to a protected person
    source_public_id: UUID | None = None  # our person or vehicle it is about (None: a lookup)


# Into plain lists (`to_attr`): Django then skips building a related manager's queryset per
# person, which cost more than the two queries themselves for a case of 200 persons
# (`python -m bench api`, "api case persons (200)").
_VALUES_PREFETCH = (
    Prefetch("phones", queryset=PersonPhone.objects.all(), to_attr="matched_phones"),
    Prefetch("documents", queryset=IdentityDocument.objects.all(), to_attr="matched_documents"),
)


def case_matches_for_user(*, user: User, case: Case) -> list[CaseMatch]:
    """Everything in `case` (persons, phones, documents, vehicles) seen in other visible cases.

    Empty if `user` may not see `case`. About ten queries, whatever the size of the case.
    """
    if not visible_cases(user).filter(pk=case.pk).exists():
        return []
    persons = list(Person.objects.filter(case=case).prefetch_related(*_VALUES_PREFETCH))
    vehicles = list(Vehicle.objects.filter(case=case))
    return _matches(user=user, case=case, persons=persons, vehicles=vehicles)


def person_matches_for_user(*, user: User, person: Person) -> list[CaseMatch]:
    """What of `person` (name + date of birth, phones, documents, vehicles) appears in other
    visible cases. Empty if `user` may not see the person's case."""
    if not visible_cases(user).filter(pk=person.case_id).exists():
        return []
    person = Person.objects.prefetch_related(*_VALUES_PREFETCH).get(pk=person.pk)
    vehicles = list(Vehicle.objects.filter(holder=person))
    return _matches(user=user, case=person.case, persons=[person], vehicles=vehicles)


def _matches(
    *, user: User, case: Case, persons: list[Person], vehicles: list[Vehicle]
) -> list[CaseMatch]:
    identity_here = any(p.identity_protected for p in persons) and victim_identity_permitted(
        user=user, case=case
    )
    sources = [p for p in persons if not p.identity_protected or identity_here]
    phones: dict[str, list[Person]] = defaultdict(list)
    documents: dict[str, list[tuple[Person, IdentityDocument]]] = defaultdict(list)
    names: dict[str, list[Person]] = defaultdict(list)
    for person in sources:
        for phone in person.matched_phones:
            phones[phone.number].append(person)
        for document in person.matched_documents:
            if document.number_normalised:
                documents[document.number_normalised].append((person, document))
        if person.name_key:
            names[person.name_key].append(person)
    plates: dict[str, list[Vehicle]] = defaultdict(list)
    for vehicle in vehicles:
        if vehicle.plate_normalised:
            plates[vehicle.plate_normalised].append(vehicle)

    visible = visible_cases(user).exclude(pk=case.pk)
    found: set[CaseMatch] = set()

    def value_of(person: Person, value: str) -> str:
        return "" if person.identity_protected else value

    if phones:
        rows = (
            PersonPhone.objects.filter(number__in=list(phones), person__case__in=visible)
            .filter(identity_matchable_q(user, "person__", few_rows=True))
            .values_list("number", "person__case__reference", "person__case__public_id")
            .distinct()
        )
        for number, reference, public_id in rows:
            for person in phones[number]:
                found.add(
                    CaseMatch(
                        PHONE, reference, public_id, value_of(person, number), person.public_id
                    )
                )
    if documents:
        rows = (
            IdentityDocument.objects.filter(
                number_normalised__in=list(documents), person__case__in=visible
            )
            .filter(identity_matchable_q(user, "person__", few_rows=True))
            .values_list(
                "number_normalised",
                "issuing_state",
                "person__case__reference",
                "person__case__public_id",
            )
            .distinct()
        )
        for number, state, reference, public_id in rows:
            for person, document in documents[number]:
                if _same_issuer(document.issuing_state, state):
                    found.add(
                        CaseMatch(
                            DOCUMENT,
                            reference,
                            public_id,
                            value_of(person, number),
                            person.public_id,
                        )
                    )
    if names:
        rows = (
            Person.objects.filter(name_key__in=list(names), case__in=visible)
            .filter(identity_matchable_q(user, few_rows=True))
            .values_list("name_key", "case__reference", "case__public_id")
            .distinct()
        )
        for key, reference, public_id in rows:
            for person in names[key]:
                # The value of a name match is never shown: the page already shows the name
                # when it may, and the key would reveal a birth date otherwise.
                found.add(CaseMatch(PERSON, reference, public_id, "", person.public_id))
    if plates:
        rows = (
            Vehicle.objects.filter(plate_normalised__in=list(plates), case__in=visible)
            .values_list("plate_normalised", "case__reference", "case__public_id")
            .distinct()
        )
        for plate, reference, public_id in rows:
            for vehicle in plates[plate]:
                found.add(CaseMatch(VEHICLE, reference, public_id, plate, vehicle.public_id))
    return sorted(found, key=lambda match: (match.kind, match.case_reference, match.value))


def _same_issuer(ours: str, theirs: str) -> bool:
    # An unknown issuing state on either side does not prevent a match on the number.
    return not ours or not theirs or ours == theirs


# --- Lookups of a value typed by a person ------------------------------------------------------


def phone_matches_for_user(
    *, user: User, phone: str, exclude_case: Case | None = None
) -> list[CaseMatch]:
    """The visible cases where `phone` (any common notation) is known. One query.

    An invalid number raises ValidationError `{"phone": [...]}`.
    """
    try:
        number = normalize_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    if not number:
        return []
    rows = (
        PersonPhone.objects.filter(
            number=number, person__case__in=_lookup_cases(user, exclude_case)
        )
        .filter(identity_matchable_q(user, "person__", few_rows=True))
        .values_list("person__case__reference", "person__case__public_id")
        .distinct()
    )
    return sorted(
        {CaseMatch(PHONE, reference, public_id, number) for reference, public_id in rows}
    )


def document_matches_for_user(
    *, user: User, number: str, issuing_state: str = "", exclude_case: Case | None = None
) -> list[CaseMatch]:
    """The visible cases where a document with this number (and issuing state, if given) is
    known. One query."""
    normalised = normalize_document_number(number)
    if not normalised:
        return []
    documents = IdentityDocument.objects.filter(
        number_normalised=normalised, person__case__in=_lookup_cases(user, exclude_case)
    ).filter(identity_matchable_q(user, "person__", few_rows=True))
    state = (issuing_state or "").strip().upper()
    if state:
        documents = documents.filter(Q(issuing_state=state) | Q(issuing_state=""))
    rows = documents.values_list("person__case__reference", "person__case__public_id").distinct()
    return sorted(
        {CaseMatch(DOCUMENT, reference, public_id, normalised) for reference, public_id in rows}
    )


def vehicle_matches_for_user(
    *, user: User, plate: str, exclude_case: Case | None = None
) -> list[CaseMatch]:
    """The visible cases where a vehicle with this plate is known. One query."""
    normalised = normalize_plate(plate)
    if not normalised:
        return []
    rows = (
        Vehicle.objects.filter(
            plate_normalised=normalised, case__in=_lookup_cases(user, exclude_case)
        )
        .values_list("case__reference", "case__public_id")
        .distinct()
    )
    return sorted(
        {CaseMatch(VEHICLE, reference, public_id, normalised) for reference, public_id in rows}
    )


def _lookup_cases(user: User, exclude_case: Case | None):
    cases = visible_cases(user)
    return cases.exclude(pk=exclude_case.pk) if exclude_case is not None else cases
