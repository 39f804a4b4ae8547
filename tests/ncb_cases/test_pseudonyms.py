"""Presentation of persons: protected identities masked everywhere outside a reveal."""

import json

import pytest

from ncb_cases import selectors, services
from ncb_cases.pseudonyms import person_display_name, person_view

pytestmark = pytest.mark.django_db


def test_a_victim_is_shown_under_their_pseudonym_with_identity_fields_empty(victim_fr):
    # when
    view = person_view(victim_fr, identity_visible=False)
    # then
    assert view.display_name == "Victim V-1"
    assert view.pseudonym == "V-1"
    assert view.identity_masked
    assert (view.family_name, view.forenames, view.aliases) == ("", "", ())
    assert (view.date_of_birth, view.place_of_birth, view.addresses) == ("", "", "")
    assert (view.phones, view.documents) == ((), ())
    # what does not identify them on its own stays
    assert (view.role, view.sex, view.nationalities) == ("VICTIM", "F", ("NGA",))


def test_a_revealed_victim_is_shown_in_full(victim_fr):
    # when
    view = person_view(victim_fr, identity_visible=True)
    # then
    assert view.display_name == "OKAFOR-TEST Blessing"
    assert not view.identity_masked
    assert view.phones[0].number == "+2348030000001"
    assert view.documents[0].number == "A00000001"


def test_a_suspect_is_always_shown_in_full(suspect_fr):
    view = person_view(suspect_fr, identity_visible=False)
    assert view.display_name == "MOREAU-TEST Didier"
    assert view.pseudonym is None
    assert view.phones[0].display == "+33 1 99 00 10 01"


def test_printing_a_victim_or_their_document_never_shows_the_name(victim_fr):
    printed = f"{victim_fr} {victim_fr.documents.get()} {victim_fr.phones.get()}"
    assert "OKAFOR" not in printed.upper()
    assert "Victim V-1" in printed


def test_a_child_who_is_not_a_victim_is_a_protected_person(case_fr, officer_fr):
    # given
    witness = services.person_create(
        actor=officer_fr,
        case=case_fr,
        data={"role": "WITNESS", "family_name": "Young-Test", "date_of_birth": "2013"},
    )
    # then
    assert person_display_name(witness, identity_visible=False) == "Protected person V-1"


def test_views_of_a_case_are_masked_and_cost_a_constant_number_of_queries(
    case_fr, officer_fr, victim_fr, suspect_fr, django_assert_num_queries
):
    # given more persons
    for _ in range(5):
        services.person_create(
            actor=officer_fr, case=case_fr, data={"role": "VICTIM", "phones": ["+2348030000009"]}
        )
    # when
    with django_assert_num_queries(3):  # persons (+ case, country), phones, documents
        views = selectors.person_views_for_case(user=officer_fr, case=case_fr)
    # then
    assert [view.display_name for view in views[:2]] == ["Victim V-1", "MOREAU-TEST Didier"]
    assert all(view.identity_masked for view in views if view.identity_protected)


def test_a_view_serialises_to_json(victim_fr):
    data = person_view(victim_fr, identity_visible=True).as_dict()
    assert json.loads(json.dumps(data))["documents"][0]["issuing_state"] == "NGA"
