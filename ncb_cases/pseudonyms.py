"""How a person is shown: the ONE place where a protected identity is masked or revealed.

Pages, the API, exports, search results and the network graph all present persons through
`person_view()` (or `person_display_name()` for a label). Never read `family_name`,
`date_of_birth`, phones or documents of a `Person` directly in an adapter: a victim, possible
victim or child is *protected*, and outside an audited reveal
(`ncb_cases.selectors.victim_identity_reveal`) they appear only under their stable case
pseudonym, "Victim V-3".

What is masked for a protected person: names (incl. original script and aliases), date and
place of birth, addresses, phones and identity documents. What stays: role, sex,
nationalities, country of birth, the child flag and the victim context (recruitment, means of
control), which analysts need and which do not identify the person on their own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.utils.translation import gettext as _

from contacts.validators import format_phone_for_display
from ncb_cases.choices import VICTIM_ROLES

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ncb_cases.models import Person


@dataclass(frozen=True)
class PhoneView:
    number: str  # E.164
    display: str  # international format, for people
    kind: str


@dataclass(frozen=True)
class DocumentView:
    public_id: UUID
    doc_type: str
    number: str
    issuing_state: str
    issued_on: date | None
    expires_on: date | None
    authenticity: str
    mrz: str
    withheld_by_exploiter: bool


@dataclass(frozen=True)
class PersonView:
    """What an adapter may show of a person. Identity fields are empty when masked."""

    public_id: UUID
    case_public_id: UUID
    case_reference: str
    role: str
    display_name: str
    pseudonym: str | None  # "V-3" for protected persons, else None
    identity_protected: bool  # victim, possible victim or child
    identity_masked: bool  # True: the identity fields below are empty on purpose
    is_child: bool
    sex: str
    nationalities: tuple[str, ...]
    country_of_birth: str  # ISO alpha-2 or ""
    roles_in_process: tuple[str, ...]
    recruitment_methods: tuple[str, ...]
    recruitment_platforms: tuple[str, ...]
    means_of_control: tuple[str, ...]
    relationship_to_trafficker: str
    referred_to_support: bool
    exploitation_started_on: date | None
    family_name: str
    forenames: str
    name_original_script: str
    aliases: tuple[str, ...]
    date_of_birth: str
    place_of_birth: str
    addresses: str
    phones: tuple[PhoneView, ...]
    documents: tuple[DocumentView, ...]
    created_at: datetime
    updated_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (dates as ISO strings, UUIDs as strings, tuples as lists)."""
        return _jsonable(dataclasses.asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def pseudonym_label(person: Person) -> str:
    """The pseudonym label: "Victim V-3", or "Protected person V-4" for a child non-victim."""
    number = person.pseudonym or "V-?"
    if person.role in VICTIM_ROLES:
        return _("Victim %(pseudonym)s") % {"pseudonym": number}
    return _("Protected person %(pseudonym)s") % {"pseudonym": number}


def real_name(person: Person) -> str:
    """FAMILY NAME in capitals then forenames, as HST renders it; the first alias otherwise."""
    name = " ".join(part for part in (person.family_name.upper(), person.forenames) if part)
    if name:
        return name
    if person.aliases:
        return f"“{person.aliases[0]}”"
    return _("Unidentified person")


def person_display_name(person: Person, *, identity_visible: bool) -> str:
    """The label of a person: the pseudonym when protected and not revealed, else the name."""
    if person.identity_protected and not identity_visible:
        return pseudonym_label(person)
    return real_name(person)


def person_view(person: Person, *, identity_visible: bool) -> PersonView:
    """Everything an adapter may show of `person`.

    `identity_visible=True` only in an audited reveal (or for an export audited the same way):
    a protected person's identity is otherwise masked whatever the reader's permissions.
    Non-protected persons (suspects, witnesses …) are always shown in full. Phones and
    documents are read from `person.phones.all()` / `person.documents.all()`: prefetch them.
    """
    masked = person.identity_protected and not identity_visible
    case = person.case
    if masked:
        phones: tuple[PhoneView, ...] = ()
        documents: tuple[DocumentView, ...] = ()
    else:
        phones = tuple(
            PhoneView(
                number=phone.number,
                display=format_phone_for_display(phone.number),
                kind=phone.kind,
            )
            for phone in person.phones.all()
        )
        documents = tuple(
            DocumentView(
                public_id=document.public_id,
                doc_type=document.doc_type,
                number=document.number,
                issuing_state=document.issuing_state,
                issued_on=document.issued_on,
                expires_on=document.expires_on,
                authenticity=document.authenticity,
                mrz=document.mrz,
                withheld_by_exploiter=document.withheld_by_exploiter,
            )
            for document in person.documents.all()
        )
    return PersonView(
        public_id=person.public_id,
        case_public_id=case.public_id,
        case_reference=case.reference,
        role=person.role,
        display_name=person_display_name(person, identity_visible=identity_visible),
        pseudonym=person.pseudonym if person.identity_protected else None,
        identity_protected=person.identity_protected,
        identity_masked=masked,
        is_child=person.is_child,
        sex=person.sex,
        nationalities=tuple(person.nationalities),
        country_of_birth=person.country_of_birth.iso2 if person.country_of_birth_id else "",
        roles_in_process=tuple(person.roles_in_process),
        recruitment_methods=tuple(person.recruitment_methods),
        recruitment_platforms=tuple(person.recruitment_platforms),
        means_of_control=tuple(person.means_of_control),
        relationship_to_trafficker=person.relationship_to_trafficker,
        referred_to_support=person.referred_to_support,
        exploitation_started_on=person.exploitation_started_on,
        family_name="" if masked else person.family_name,
        forenames="" if masked else person.forenames,
        name_original_script="" if masked else person.name_original_script,
        aliases=() if masked else tuple(person.aliases),
        date_of_birth="" if masked else person.date_of_birth,
        place_of_birth="" if masked else person.place_of_birth,
        addresses="" if masked else person.addresses,
        phones=phones,
        documents=documents,
        created_at=person.created_at,
        updated_at=person.updated_at,
    )


def person_views(persons: Iterable[Person], *, identity_visible: bool = False) -> list[PersonView]:
    """`person_view` for many persons (lists, exports); masked by default."""
    return [person_view(person, identity_visible=identity_visible) for person in persons]
