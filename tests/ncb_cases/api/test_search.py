"""`/api/v1/search/?q=`: everything the caller may see, never a victim without the permission."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings

from ncb_cases import services
from ncb_cases.choices import VICTIM_ROLES
from ncb_cases.models import CaseUserObjectPermission, Person
from tests.factories import share_case
from tests.ncb_cases.test_access_property import (
    _build,
    _oracle_search,
    _oracle_visible,
    world_strategy,
)

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


def test_an_analyst_posts_the_term_to_keep_it_out_of_urls_and_logs(
    api_client_for, analyst_fr, case_fr, suspect_fr
):
    # when
    response = api_client_for(analyst_fr).post(SEARCH, {"q": "Moreau"}, format="json")
    # then
    assert response.status_code == 200
    assert [person["public_id"] for person in response.json()["persons"]] == [
        str(suspect_fr.public_id)
    ]


def test_an_srb_monitor_may_not_search_by_post_either(api_client_for, srb_europe):
    response = api_client_for(srb_europe).post(SEARCH, {"q": "Moreau"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("q", ["", "   ", "x" * 201])
def test_an_empty_or_overlong_query_is_a_400_naming_q(api_client_for, officer_fr, q, method):
    response = getattr(api_client_for(officer_fr), method)(SEARCH, {"q": q})
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


# --- Property: the API answers exactly what the grant tables allow ----------------------------
# The worlds, the cast and the oracle are those of the selector-level property test: the API
# must not widen nor narrow what the selectors decide.


def _oracle_persons(user, visible, query) -> set[str]:
    """Persons whose name contains `query`, in visible cases; protected ones only where the
    user holds the victim-identity grant (from the grant rows alone)."""
    identity = set(
        CaseUserObjectPermission.objects.filter(
            user_id=user.pk or 0, permission__codename="view_victim_identity"
        ).values_list("content_object_id", flat=True)
    )
    return {
        str(person.public_id)
        for person in Person.objects.filter(case_id__in=visible)
        if query.lower() in person.family_name.lower()
        and (not (person.role in VICTIM_ROLES or person.is_child) or person.case_id in identity)
    }


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=world_strategy)
def test_the_case_list_and_search_answer_exactly_what_the_grants_allow(
    cast, world, api_client_for
):
    ncbs, users = cast
    # Each example in its own transaction, rolled back: worlds do not accumulate.
    with transaction.atomic():
        # given
        cases = _build(world, ncbs, users)
        by_public_id = {str(case.public_id): case.pk for case in cases}
        for user in users:
            client = api_client_for(user if user.is_authenticated else None)
            # when
            listed = client.get("/api/v1/cases/", {"page_size": 200})
            found = client.get(SEARCH, {"q": world["query"]})
            # then
            visible = _oracle_visible(user, cases)
            if listed.status_code in (401, 403):
                assert visible == set(), user
                assert found.status_code == listed.status_code
                continue
            listed_ids = {by_public_id[row["public_id"]] for row in listed.json()["results"]}
            found_ids = {by_public_id[row["public_id"]] for row in found.json()["cases"]}
            assert listed_ids == visible, user
            assert found_ids == _oracle_search(user, cases, visible, world["query"]), user
            for person in found.json()["persons"]:
                assert (
                    world["query"].lower() in person["family_name"].lower()
                    or (person["identity_masked"])
                ), user
        transaction.set_rollback(True)
