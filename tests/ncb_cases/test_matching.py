"""Cross-case matching: "also in FR-2026-000041", only for cases the user may see."""

import pytest
from django.core.exceptions import ValidationError

from ncb_cases import matching, services
from tests.factories import share_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_case_fr(officer_fr, countries):
    return services.case_create(actor=officer_fr, data={"title": "Massage parlour in Grenoble"})


def _person(actor, case, **data):
    return services.person_create(actor=actor, case=case, data={"role": "SUSPECT", **data})


def test_a_phone_seen_in_another_visible_case_is_reported(
    case_fr, suspect_fr, second_case_fr, officer_fr
):
    # given the suspect's number, written differently, in a second case
    _person(officer_fr, second_case_fr, phones=["01 99 00 10 01"])
    # when
    matches = matching.case_matches_for_user(user=officer_fr, case=case_fr)
    # then
    assert matches == [
        matching.CaseMatch(
            "phone",
            second_case_fr.reference,
            second_case_fr.public_id,
            "+33199001001",
            suspect_fr.public_id,
        )
    ]


def test_a_match_in_a_case_the_user_cannot_see_is_never_revealed(
    case_fr, suspect_fr, case_de, officer_de, officer_fr, supervisor_fr, ncb_fr
):
    # given the same phone in the German case, not shared with France
    _person(officer_de, case_de, phones=["+33 1 99 00 10 01"])
    # then
    assert matching.case_matches_for_user(user=officer_fr, case=case_fr) == []
    assert matching.phone_matches_for_user(user=officer_fr, phone="+33199001001") == [
        matching.CaseMatch("phone", case_fr.reference, case_fr.public_id, "+33199001001")
    ]
    # when Germany shares its case with France
    share_case(case_de, ncb_fr)
    # then
    refs = [
        m.case_reference for m in matching.case_matches_for_user(user=officer_fr, case=case_fr)
    ]
    assert refs == [case_de.reference]


def test_the_other_ncb_sees_the_match_only_once_it_may_see_both_cases(
    case_fr, suspect_fr, case_de, officer_de, ncb_de
):
    # given
    _person(officer_de, case_de, phones=["+33 1 99 00 10 01"])
    assert matching.case_matches_for_user(user=officer_de, case=case_de) == []
    # when
    share_case(case_fr, ncb_de)
    # then
    assert [
        m.case_reference for m in matching.case_matches_for_user(user=officer_de, case=case_de)
    ] == [case_fr.reference]


def test_a_victims_phone_is_matched_only_for_holders_and_without_its_value(
    case_fr, victim_fr, second_case_fr, officer_fr, supervisor_fr
):
    # given a suspect in the second case calling from the victim's number
    _person(officer_fr, second_case_fr, phones=["+234 803 000 0001"])
    # then the holder (officer_fr) learns there is a match, not the number
    holder_matches = matching.case_matches_for_user(user=officer_fr, case=case_fr)
    assert [(m.kind, m.value, m.source_public_id) for m in holder_matches] == [
        ("phone", "", victim_fr.public_id)
    ]
    # and the supervisor, without the permission, learns nothing about the victim's phone
    assert matching.case_matches_for_user(user=supervisor_fr, case=case_fr) == []


def test_a_victim_found_in_another_case_is_reported_only_to_holders_there(
    case_fr, victim_fr, suspect_fr, officer_fr, supervisor_fr, countries
):
    # given the supervisor's own case, where a suspect uses the victim's phone
    other = services.case_create(actor=supervisor_fr, data={"title": "Other"})
    _person(supervisor_fr, other, phones=["+234 803 000 0001"])
    # then officer_fr (holder on case_fr, not on `other`'s victims — there are none) sees it
    assert [
        m.case_reference for m in matching.case_matches_for_user(user=officer_fr, case=other)
    ] == [case_fr.reference]
    # and the supervisor, who holds no grant on case_fr, does not find the victim there
    assert matching.case_matches_for_user(user=supervisor_fr, case=other) == []


def test_documents_match_on_number_and_issuing_state(case_fr, officer_fr, second_case_fr):
    # given
    holder = _person(
        officer_fr, case_fr, documents=[{"number": "PA1234567", "issuing_state": "NGA"}]
    )
    _person(
        officer_fr, second_case_fr, documents=[{"number": "pa 123-4567", "issuing_state": "NGA"}]
    )
    third = services.case_create(actor=officer_fr, data={"title": "Third"})
    _person(officer_fr, third, documents=[{"number": "PA1234567", "issuing_state": "GHA"}])
    # when
    matches = matching.person_matches_for_user(user=officer_fr, person=holder)
    # then
    assert [(m.kind, m.case_reference) for m in matches] == [
        ("document", second_case_fr.reference)
    ]
    lookup = matching.document_matches_for_user(user=officer_fr, number="PA-1234567")
    assert {m.case_reference for m in lookup} == {
        case_fr.reference,
        second_case_fr.reference,
        third.reference,
    }


def test_a_person_matches_on_name_and_full_birth_date(
    case_fr, suspect_fr, officer_fr, second_case_fr
):
    # given
    _person(
        officer_fr,
        second_case_fr,
        family_name="MOREAU TEST",
        forenames="didier",
        date_of_birth="1975-11-30",
    )
    _person(
        officer_fr,
        second_case_fr,
        family_name="Moreau-Test",
        forenames="Didier",
        date_of_birth="1975",
    )
    # when
    matches = matching.person_matches_for_user(user=officer_fr, person=suspect_fr)
    # then only the full birth date matches, and the match carries no value
    assert [(m.kind, m.case_reference, m.value) for m in matches] == [
        ("person", second_case_fr.reference, "")
    ]


def test_vehicle_plates_match_across_cases(case_fr, second_case_fr, officer_fr):
    # given
    services.vehicle_add(actor=officer_fr, case=case_fr, data={"plate": "AB-123-CD"})
    services.vehicle_add(actor=officer_fr, case=second_case_fr, data={"plate": "ab 123 cd"})
    # then
    assert [
        m.case_reference for m in matching.case_matches_for_user(user=officer_fr, case=case_fr)
    ] == [second_case_fr.reference]
    assert len(matching.vehicle_matches_for_user(user=officer_fr, plate="AB123CD")) == 2


def test_an_invalid_phone_lookup_names_the_field(officer_fr):
    with pytest.raises(ValidationError) as raised:
        matching.phone_matches_for_user(user=officer_fr, phone="12")
    assert "phone" in raised.value.message_dict


def test_matching_a_case_costs_the_same_queries_whatever_its_size(
    case_fr, officer_fr, second_case_fr, django_assert_max_num_queries
):
    # given many persons with phones and documents
    for index in range(12):
        _person(
            officer_fr,
            case_fr,
            phones=[f"+33 1 99 00 20 {index:02d}"],
            documents=[{"number": f"X{index:07d}", "issuing_state": "FRA"}],
        )
    _person(officer_fr, second_case_fr, phones=["+33 1 99 00 20 05"])
    # then
    with django_assert_max_num_queries(12):
        matches = matching.case_matches_for_user(user=officer_fr, case=case_fr)
    assert len(matches) == 1


def test_nothing_is_matched_for_a_case_the_user_cannot_see(case_fr, officer_de):
    assert matching.case_matches_for_user(user=officer_de, case=case_fr) == []
