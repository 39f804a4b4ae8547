"""The review list page, the decision form, the API, and who may reach them."""

import datetime as dt

import pytest

from ncb_cases.choices import RetentionState
from ncb_cases.models import RetentionReview
from ncb_cases.services.retention import retention_review_list_refresh
from tests.ncb_cases.retention.conftest import LISTING_DAY

pytestmark = pytest.mark.django_db

LIST_URL = "/cases/retention/"
API_LIST_URL = "/api/v1/retention/"


def _decide_url(case):
    return f"/cases/{case.public_id}/retention/"


def _api_decide_url(case):
    return f"/api/v1/cases/{case.public_id}/retention/"


# -- browser -----------------------------------------------------------------------------


def test_supervisor_sees_the_due_case_on_the_review_list(listed_case, supervisor_fr, client_for):
    # when
    response = client_for(supervisor_fr).get(LIST_URL)

    # then
    assert response.status_code == 200
    assert listed_case.reference in response.content.decode()


@pytest.mark.parametrize("who", ["officer_fr", "analyst_fr", "srb_europe"])
def test_other_roles_get_404_for_the_review_list(request, listed_case, client_for, who):
    response = client_for(request.getfixturevalue(who)).get(LIST_URL)
    assert response.status_code == 404


def test_the_list_of_another_ncb_does_not_show_the_case(listed_case, supervisor_de, client_for):
    response = client_for(supervisor_de).get(LIST_URL)
    assert response.status_code == 200
    assert listed_case.reference not in response.content.decode()


def test_the_dashboard_of_a_supervisor_links_to_the_review_list(
    listed_case, supervisor_fr, client_for
):
    response = client_for(supervisor_fr).get("/")
    assert response.status_code == 200
    assert LIST_URL in response.content.decode()


@pytest.mark.parametrize("who", ["officer_fr", "analyst_fr", "supervisor_de", "srb_europe"])
def test_decision_form_is_404_for_anyone_but_owner_supervisors(
    request, listed_case, client_for, who
):
    client = client_for(request.getfixturevalue(who))
    assert client.get(_decide_url(listed_case)).status_code == 404
    response = client.post(_decide_url(listed_case), {"decision": "DELETE", "reason": "x"})
    assert response.status_code == 404
    listed_case.refresh_from_db()
    assert listed_case.retention_state == RetentionState.ACTIVE


def test_decision_form_of_an_unknown_case_is_404(listed_case, supervisor_fr, client_for):
    unknown = "/cases/00000000-0000-0000-0000-000000000000/retention/"
    response = client_for(supervisor_fr).get(unknown)
    assert response.status_code == 404


def test_supervisor_retains_through_the_form(listed_case, supervisor_fr, client_for):
    # given
    client = client_for(supervisor_fr)
    assert client.get(_decide_url(listed_case)).status_code == 200

    # when
    response = client.post(
        _decide_url(listed_case),
        {"decision": "RETAIN", "retain_until": "2034-01-01", "reason": "Trial pending (test)."},
    )

    # then
    assert response.status_code == 302
    listed_case.refresh_from_db()
    assert listed_case.retention_review_on == dt.date(2034, 1, 1)


def test_the_form_shows_the_service_error_on_its_field(listed_case, supervisor_fr, client_for):
    response = client_for(supervisor_fr).post(
        _decide_url(listed_case), {"decision": "RETAIN", "reason": "Trial pending (test)."}
    )
    assert response.status_code == 200
    assert "Give the date of the next review." in response.content.decode()


# -- API ----------------------------------------------------------------------------------


def test_api_lists_the_review_list_of_the_supervisors_ncb(
    listed_case, supervisor_fr, api_client_for
):
    response = api_client_for(supervisor_fr).get(API_LIST_URL)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["case_reference"] == listed_case.reference
    assert row["due_on"] == listed_case.retention_review_on.isoformat()


@pytest.mark.parametrize(
    ("who", "status"), [("officer_fr", 403), ("analyst_fr", 403), (None, 401)]
)
def test_api_list_is_refused_to_other_roles(request, listed_case, api_client_for, who, status):
    user = request.getfixturevalue(who) if who else None
    assert api_client_for(user).get(API_LIST_URL).status_code == status


def test_api_decision_deletes_the_case(listed_case, supervisor_fr, api_client_for):
    # when
    response = api_client_for(supervisor_fr).post(
        _api_decide_url(listed_case), {"decision": "DELETE", "reason": "Purpose met (test)."}
    )

    # then
    assert response.status_code == 201, response.content
    assert response.json()["decision"] == "DELETE"
    assert response.json()["retention_state"] == RetentionState.DELETED


def test_api_bad_input_is_a_400_naming_the_field(listed_case, supervisor_fr, api_client_for):
    response = api_client_for(supervisor_fr).post(
        _api_decide_url(listed_case),
        {"decision": "RETAIN", "retain_until": "2040-01-01", "reason": "Long (test)."},
        format="json",
    )
    assert response.status_code == 400
    assert "retain_until" in response.json()


@pytest.mark.parametrize(
    ("who", "status"), [("officer_fr", 404), ("supervisor_de", 404), ("analyst_fr", 403)]
)
def test_api_decision_is_refused_to_anyone_but_owner_supervisors(
    request, listed_case, api_client_for, who, status
):
    response = api_client_for(request.getfixturevalue(who)).post(
        _api_decide_url(listed_case), {"decision": "DELETE", "reason": "x"}
    )
    assert response.status_code == status
    assert RetentionReview.objects.get(case=listed_case).is_open


def test_the_review_list_costs_a_constant_number_of_queries(
    old_case, clock, officer_fr, supervisor_fr, api_client_for, django_assert_max_num_queries
):
    # given: twelve due cases
    from ncb_cases import services

    for number in range(11):
        services.case_create(actor=officer_fr, data={"title": f"Fictitious case {number}"})
    clock.move_to(LISTING_DAY)
    assert retention_review_list_refresh().listed == 12
    client = api_client_for(supervisor_fr)

    # when / then
    with django_assert_max_num_queries(6):
        response = client.get(API_LIST_URL)
    assert response.json()["count"] == 12


def test_the_review_list_page_costs_a_constant_number_of_queries(
    old_case, clock, officer_fr, supervisor_fr, client_for, django_assert_max_num_queries
):
    # given: five due cases
    from ncb_cases import services

    for number in range(4):
        services.case_create(actor=officer_fr, data={"title": f"Fictitious case {number}"})
    clock.move_to(LISTING_DAY)
    retention_review_list_refresh()
    client = client_for(supervisor_fr)

    # when / then: session, user, officer, the list; whatever the number of rows
    with django_assert_max_num_queries(12):
        response = client.get(LIST_URL)
    assert response.content.decode().count('/retention/"') >= 5
