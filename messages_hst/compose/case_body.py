"""The body and handling of a message drafted from a case (HST.md §3, §4).

Read through `ncb_cases.selectors` with the composing user's rights: persons with their
phones and documents, the route, the vehicles, the crime groups. A protected person (victim,
possible victim, child) is minimised unless the draft includes victim identities, which needs
the user's victim-identity permission on the case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from messages_hst.choices import MessageType
from messages_hst.compose.assets import add_assets
from messages_hst.compose.envelope import (
    INVESTIGATION_STATUS,
    PERSON_STATUS,
    PURPOSES,
    SUSPECT_ROLES,
    _clean,
    _iso,
    response_due,
)
from ncb_cases import selectors as case_selectors
from ncb_cases.choices import ConfidentialityLevel
from ncb_cases.models import Case, Person
from ncb_cases.models.case import RETENTION_REVIEW_YEARS, add_years


class Refs:
    """Local refs (P1, D1, L1 …) handed out in order, one per object."""

    def __init__(self) -> None:
        self._refs: dict[tuple[str, Any], str] = {}
        self._counts: dict[str, int] = {}

    def get(self, prefix: str, key: Any) -> str:
        if (prefix, key) not in self._refs:
            self._counts[prefix] = self._counts.get(prefix, 0) + 1
            self._refs[prefix, key] = f"{prefix}{self._counts[prefix]}"
        return self._refs[prefix, key]

    def find(self, prefix: str, key: Any) -> str | None:
        return self._refs.get((prefix, key))


def case_draft(
    *, user, case: Case, message_type: str, priority: str, include_victim_identity: bool
) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """`(body, handling, response_due)` of a message about `case` as `user` may write it.

    Http404 if the user may not read the case; PermissionDenied if victim identities are
    asked for without the case's victim-identity permission. A fixed number of queries.
    """
    if not case_selectors.visible_cases(user).filter(pk=case.pk).exists():
        raise Http404
    if include_victim_identity and not case_selectors.victim_identity_permitted(
        user=user, case=case
    ):
        raise PermissionDenied(_("You may not send the identity of this case's victims."))
    refs = Refs()
    persons = list(case_selectors.person_list_for_case(user=user, case=case))
    body: dict[str, Any] = {"case_summary": _case_summary(case, persons)}
    person_blocks, documents, comms = [], [], []
    for person in persons:
        ref = refs.get("P", person.pk)
        minimised = person.identity_protected and not include_victim_identity
        person_blocks.append(_person(person, ref, minimised=minimised))
        for document in person.documents.all():
            block = _document(document, refs.get("D", document.pk), holder_ref=ref)
            documents.append(_minimised_document(block) if minimised else block)
        if minimised:
            continue
        for phone in person.phones.all():
            comms.append(
                {"ref": refs.get("C", phone.pk), "kind": "PHONE", "value": phone.number,
                 "holder_ref": ref}
            )  # fmt: skip
    body["persons"] = person_blocks
    body["exploitation"] = _exploitation(case, persons, refs)
    locations, legs = _route(user, case, refs)
    body["locations"] = locations
    body["route_legs"] = legs
    body["documents"] = documents
    body["organisations"] = _organisations(user, case, refs)
    body["vehicles"] = _vehicles(user, case, refs)
    body["comms"] = comms
    due = None
    if message_type == MessageType.REQUEST:
        due = response_due(priority).isoformat()
        body["requests"] = _request_skeleton(case, persons, refs, due)
    add_assets(body, user=user, case=case, refs=refs, message_type=message_type, due=due)
    handling = case_handling(case, message_type=message_type, persons=persons)
    return _clean(body), handling, due


def _case_summary(case: Case, persons: list[Person]) -> dict[str, Any]:
    dates = [
        person.exploitation_started_on for person in persons if person.exploitation_started_on
    ]
    victims = [person for person in persons if person.role in PERSON_STATUS and
               PERSON_STATUS[person.role] in ("VICTIM", "POSSIBLE_VICTIM")]  # fmt: skip
    return _clean(
        {
            "offence_type": case.offence_type,
            "summary": (case.summary or case.title).strip()[:2000],
            "period": {"from": _iso(min(dates))} if dates else None,
            "status_of_investigation": INVESTIGATION_STATUS.get(case.status),
            "counts": _clean(
                {
                    "victims": len(victims) or None,
                    "minors": sum(person.is_child for person in persons) or None,
                    "suspects": sum(person.role in SUSPECT_ROLES for person in persons) or None,
                }
            ),
            "palermo_elements": _clean(
                {
                    "acts": list(case.palermo_acts),
                    "means": list(case.palermo_means),
                    "purposes": list(case.palermo_purposes),
                }
            ),
        }
    )


def _person(person: Person, ref: str, *, minimised: bool) -> dict[str, Any]:
    """A person block; minimised: ref, sex, year of birth, nationalities, status and the
    coded victim context only (no name, no place, no free text)."""
    context = _clean(
        {
            "recruitment_method": list(person.recruitment_methods),
            "means_of_control": list(person.means_of_control),
            "relationship_to_trafficker": person.relationship_to_trafficker,
            "referred_to_support": person.referred_to_support or None,
        }
    )
    block: dict[str, Any] = {
        "ref": ref,
        "sex": person.sex,
        "nationalities": list(person.nationalities),
        "status": PERSON_STATUS.get(person.role, "PERSON_OF_INTEREST"),
    }
    if minimised:
        block["date_of_birth"] = person.date_of_birth[:4] or None
    else:
        block.update(
            family_name=person.family_name.upper(),
            forenames=person.forenames,
            name_original_script=person.name_original_script,
            aliases=list(person.aliases),
            date_of_birth=person.date_of_birth,
            place_of_birth=person.place_of_birth,
            country_of_birth=person.country_of_birth.iso2 if person.country_of_birth_id else None,
            roles_in_process=list(person.roles_in_process),
        )
        if person.recruitment_platforms:
            context["recruitment_platforms"] = list(person.recruitment_platforms)
    if person.identity_protected and context:
        block["victim_context"] = context
    return _clean(block)


def _document(document, ref: str, *, holder_ref: str) -> dict[str, Any]:
    return _clean(
        {
            "ref": ref,
            "holder_ref": holder_ref,
            "doc_type": document.doc_type,
            "number": document.number,
            "issuing_state": document.issuing_state,
            "issue_date": _iso(document.issued_on),
            "expiry_date": _iso(document.expires_on),
            "authenticity": document.authenticity,
            "mrz": [line for line in document.mrz.splitlines() if line.strip()],
            "withheld_by_exploiter": document.withheld_by_exploiter or None,
        }
    )


def _minimised_document(block: dict[str, Any]) -> dict[str, Any]:
    """What a protected person's document says without identifying them: its kind, issuing
    state, authenticity and whether the exploiter withholds it (no number, dates or MRZ)."""
    kept = ("ref", "holder_ref", "doc_type", "issuing_state", "authenticity",
            "withheld_by_exploiter")  # fmt: skip
    return {key: block[key] for key in kept if key in block}


def _exploitation(case: Case, persons: list[Person], refs: Refs) -> list[dict[str, Any]]:
    victims = [p for p in persons if PERSON_STATUS.get(p.role) in ("VICTIM", "POSSIBLE_VICTIM")]
    exploiters = [p for p in persons if "EXPLOITER" in p.roles_in_process]
    dates = [p.exploitation_started_on for p in victims if p.exploitation_started_on]
    return [
        _clean(
            {
                "form": row.form,
                "period": {"from": _iso(min(dates))} if dates else None,
                "victims": [refs.get("P", p.pk) for p in victims],
                "exploiters": [refs.get("P", p.pk) for p in exploiters],
            }
        )
        for row in case.exploitation_forms.all()
    ]


def _route(user, case: Case, refs: Refs) -> tuple[list[dict], list[dict]]:
    locations: list[dict[str, Any]] = []

    def location(country, place: str) -> str:
        key = (country.iso2 if country else "", place.strip())
        known = refs.find("L", key)
        if known:
            return known
        ref = refs.get("L", key)
        locations.append(_clean({"ref": ref, "country": key[0], "place": key[1][:200]}))
        return ref

    legs = []
    for leg in case_selectors.route_leg_list_for_case(user=user, case=case):
        crossing = None
        if leg.border_crossing_regular is not None:
            crossing = _clean(
                {"regular": leg.border_crossing_regular, "method": leg.border_crossing_method}
            )
        legs.append(
            _clean(
                {
                    "seq": leg.seq,
                    "stage": leg.stage,
                    "from_ref": location(leg.from_country, leg.from_place),
                    "to_ref": location(leg.to_country, leg.to_place),
                    "mode": leg.mode,
                    "border_crossing": crossing,
                    "departure_date": _iso(leg.departed_on),
                    "arrival_date": _iso(leg.arrived_on),
                    "persons": [refs.get("P", person.pk) for person in leg.persons.all()],
                }
            )
        )
    return locations, legs


def _organisations(user, case: Case, refs: Refs) -> list[dict[str, Any]]:
    return [
        _clean(
            {
                "ref": refs.get("O", group.pk),
                "name": group.name,
                "kind": group.kind,
                "members": [refs.get("P", m.person_id) for m in group.memberships.all()],
            }
        )
        for group in case_selectors.group_list_for_case(user=user, case=case)
    ]


def _vehicles(user, case: Case, refs: Refs) -> list[dict[str, Any]]:
    return [
        _clean(
            {
                "ref": refs.get("V", vehicle.pk),
                "vehicle_type": vehicle.vehicle_type,
                "make": vehicle.make,
                "model": vehicle.model,
                "colour": vehicle.colour,
                "registration": vehicle.plate,
                "registration_country": (
                    vehicle.registration_country.iso2 if vehicle.registration_country_id else None
                ),
                "holder_ref": refs.find("P", vehicle.holder_id) if vehicle.holder_id else None,
            }
        )
        for vehicle in case_selectors.vehicle_list_for_case(user=user, case=case)
    ]


def _request_skeleton(case: Case, persons: list[Person], refs: Refs, due: str) -> list[dict]:
    """One request to start from: identify the case's suspects (the author refines it)."""
    suspects = [refs.get("P", p.pk) for p in persons if p.role in SUSPECT_ROLES]
    return [
        _clean(
            {
                "ref": "R1",
                "action": "IDENTIFY_PERSON",
                "target_refs": suspects,
                "justification": _(
                    "Persons sought in our case %(reference)s: please identify them and "
                    "tell us of any record you hold."
                )
                % {"reference": case.reference},
                "deadline": due,
            }
        )
    ]


def case_handling(
    case: Case, *, message_type: str, persons: list[Person] | None = None
) -> dict[str, Any]:
    """The handling block from the case's handling fields (confidentiality, codes, H3 text,
    4x4 evaluation, retention review). Victim data narrow dissemination to the recipients;
    a child's data also force the strictest confidentiality (HST.md principle 5)."""
    persons = persons or []
    victims = any(person.identity_protected for person in persons)
    children = any(person.is_child for person in persons)
    purposes = list(PURPOSES.get(message_type, ["criminal_investigation"]))
    if victims:
        purposes.append("victim_protection")
    codes = [code for code in ("H0", "H1", "H2", "H3") if code in (case.handling_codes or [])]
    handling = {
        "confidentiality_level": (
            ConfidentialityLevel.INTERPOL_CONFIDENTIAL if children else case.confidentiality_level
        ),
        "dissemination": "RECIPIENTS_ONLY" if victims else "RECIPIENT_AGENCY",
        "handling_codes": codes or ["H0"],
        "h3_text": case.h3_text[:500] if "H3" in codes else None,
        "permitted_actions": "DISCREET_CHECKS_ONLY",
        "purpose": list(dict.fromkeys(purposes)),
        "retention": {"review_on": _review_on(case)},
        "source_reliability": case.source_reliability,
        "information_accuracy": case.information_accuracy,
        "victim_data_present": False,
        "minor_data_present": False,
    }
    return {key: value for key, value in handling.items() if value is not None}


def _review_on(case: Case) -> str:
    # HST retention: review at the latest five years after the message is created (today).
    latest = add_years(timezone.localdate(), RETENTION_REVIEW_YEARS) - dt.timedelta(days=1)
    return min(case.retention_review_on or latest, latest).isoformat()
