"""`/api/v1/search/?q=`: everything the caller may see, never a victim without the permission."""

import pytest

from ncb_cases import services
from tests.factories import share_case

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/search/"


def _search(client, q):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_suspects_name_finds_the_case_and_the_person(
    api_client_for, analyst_fr, case_fr, suspect_fr
):
    # when
    found = _search(api_client_for(analyst_fr), "moreau")
    # then
    assert [case["reference"] for case in found["cases"]] == [case_fr.reference]
    assert [person["public_id"] for person in found["persons"]] == [str(suspect_fr.public_id)]
    assert found["truncated"] is False


def test_a_victims_name_finds_nothing_without_the_permission(
    api_client_for, supervisor_fr, analyst_fr, admin_user, case_fr, victim_fr
):
    for user in (supervisor_fr, analyst_fr, admin_user):
        # when
        response = api_client_for(user).get(SEARCH, {"q": "Okafor"})
        # then
        assert response.json()["cases"] == []
        assert response.json()["persons"] == []
        assert "Okafor" not in response.content.decode().replace('"q":"Okafor"', "")


def test_a_holder_finds_the_victim_but_sees_them_masked(
    api_client_for, officer_fr, case_fr, victim_fr
):
    # when
    found = _search(api_client_for(officer_fr), "jewel")
    # then
    (person,) = found["persons"]
    assert (person["display_name"], person["aliases"]) == ("Victim V-1", [])


def test_a_phone_number_in_any_notation_finds_the_cases_that_know_it(
    api_client_for, officer_fr, case_fr, suspect_fr
):
    # when
    found = _search(api_client_for(officer_fr), "+33 (0)1 99 00 10 01")
    # then
    assert [(m["kind"], m["case_reference"]) for m in found["phone_matches"]] == [
        ("phone", case_fr.reference)
    ]


def test_a_victims_phone_or_passport_is_not_matched_without_the_permission(
    api_client_for, supervisor_fr, officer_fr, case_fr, victim_fr
):
    # given
    supervisor, holder = api_client_for(supervisor_fr), api_client_for(officer_fr)
    # then
    assert _search(supervisor, "+234 803 000 0001")["phone_matches"] == []
    assert _search(supervisor, "A00000001")["document_matches"] == []
    assert len(_search(holder, "+234 803 000 0001")["phone_matches"]) == 1
    assert len(_search(holder, "A00000001")["document_matches"]) == 1


def test_a_plate_finds_the_case_of_the_vehicle(api_client_for, officer_fr, case_fr):
    # given
    services.vehicle_add(actor=officer_fr, case=case_fr, data={"plate": "TS-123-XX"})
    # when
    found = _search(api_client_for(officer_fr), "ts 123 xx")
    # then
    assert [m["case_reference"] for m in found["vehicle_matches"]] == [case_fr.reference]


def test_nothing_of_another_ncbs_case_is_found_until_it_is_shared(
    api_client_for, officer_fr, officer_de, ncb_fr, case_de
):
    # given
    services.person_create(
        actor=officer_de,
        case=case_de,
        data={
            "role": "SUSPECT",
            "family_name": "Schmidt-Test",
            "phones": [{"number": "+49 30 555 0101"}],
        },
    )
    client = api_client_for(officer_fr)
    before = (_search(client, "Hamburg"), _search(client, "+49 30 555 0101"))
    # when
    share_case(case_de, ncb_fr)
    after = _search(client, "Hamburg")
    # then
    assert before[0]["cases"] == []
    assert before[1]["phone_matches"] == []
    assert [case["reference"] for case in after["cases"]] == [case_de.reference]


@pytest.mark.parametrize("q", ["", "   ", "x" * 201])
def test_an_empty_or_overlong_query_is_a_400_naming_q(api_client_for, officer_fr, q):
    response = api_client_for(officer_fr).get(SEARCH, {"q": q})
    assert (response.status_code, list(response.json())) == (400, ["q"])


def test_the_search_costs_the_same_queries_however_much_it_finds(
    api_client_for, officer_fr, case_fr, countries, django_assert_max_num_queries
):
    # given 60 cases whose title matches
    for number in range(60):
        services.case_create(actor=officer_fr, data={"title": f"Fictitious salon {number}"})
    client = api_client_for(officer_fr)
    # when
    with django_assert_max_num_queries(12):
        found = _search(client, "salon")
    # then
    assert (len(found["cases"]), found["truncated"]) == (50, True)
