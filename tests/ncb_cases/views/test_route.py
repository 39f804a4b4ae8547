"""Browser pages of a case's route: the tab and adding, editing, moving and removing legs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ncb_cases import services
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent, RouteLeg
from tests.ncb_cases.views.test_persons import (
    EDITORS,
    NON_READERS,
    READ_ONLY,
    READERS,
    assert_no_victim_identity,
    reader,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db


def add_leg(case, actor, **data):
    legs = {"stage": "TRANSIT", "mode": "ROAD", "from_country": "NG", "to_country": "LY"}
    return services.route_leg_add(actor=actor, case=case, data={**legs, **data})


@pytest.fixture
def leg_fr(case_fr, officer_fr, victim_fr):
    return add_leg(
        case_fr,
        officer_fr,
        stage="ORIGIN",
        from_place="Benin City",
        persons=[victim_fr],
        border_crossing_regular=False,
        border_crossing_method="IRREGULAR_LAND_CROSSING",
    )


def leg_post(**fields):
    data = {"stage": "TRANSIT", "mode": "ROAD", "from_country": "NG", "to_country": "LY"}
    data.update(fields)
    return data


def route_url(case):
    return reverse("cases:route", args=[case.public_id])


def write_urls(case, leg):
    return {
        "create": reverse("cases:route_leg_create", args=[case.public_id]),
        "edit": reverse("cases:route_leg_edit", args=[case.public_id, leg.public_id]),
    }


def seqs(case):
    return list(RouteLeg.objects.filter(case=case).order_by("seq").values_list("seq", "stage"))


# --- Permission matrix ------------------------------------------------------------------------


def test_anonymous_readers_are_sent_to_the_login_page(client_for, case_fr):
    # when
    response = client_for(None).get(route_url(case_fr))
    # then
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("scenario", READERS)
def test_readers_of_the_case_see_its_route(scenario, reader, client_for, case_fr, leg_fr):  # noqa: F811
    # when
    response = client_for(reader(scenario)).get(route_url(case_fr))
    # then
    assert response.status_code == 200
    assert response.context["active_tab"] == "route"
    assert "Benin City" in response.content.decode()


@pytest.mark.parametrize("scenario", NON_READERS)
def test_users_who_may_not_read_the_case_get_404_on_its_route(
    scenario,
    reader,  # noqa: F811
    client_for,
    case_fr,
    leg_fr,
):
    # when
    response = client_for(reader(scenario)).get(route_url(case_fr))
    # then
    assert response.status_code == 404


def test_reading_the_route_tab_is_an_audited_case_read(client_for, supervisor_fr, case_fr):
    # given
    before = AuditEvent.objects.filter(case=case_fr, action=AuditAction.VIEW).count()
    # when
    client_for(supervisor_fr).get(route_url(case_fr))
    # then
    assert AuditEvent.objects.filter(case=case_fr, action=AuditAction.VIEW).count() == before + 1


@pytest.mark.parametrize("scenario", EDITORS)
@pytest.mark.parametrize("page", ["create", "edit"])
def test_editors_open_the_leg_forms(scenario, page, reader, client_for, case_fr, leg_fr):  # noqa: F811
    # when
    response = client_for(reader(scenario)).get(write_urls(case_fr, leg_fr)[page])
    # then
    assert response.status_code == 200


@pytest.mark.parametrize("scenario", READ_ONLY + NON_READERS)
@pytest.mark.parametrize("page", ["create", "edit"])
def test_users_who_may_not_edit_get_404_on_the_leg_forms(
    scenario,
    page,
    reader,  # noqa: F811
    client_for,
    case_fr,
    leg_fr,
):
    # when
    response = client_for(reader(scenario)).get(write_urls(case_fr, leg_fr)[page])
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("scenario", READ_ONLY + NON_READERS)
def test_users_who_may_not_edit_cannot_add_edit_or_remove_legs_by_posting(
    scenario,
    reader,  # noqa: F811
    client_for,
    case_fr,
    leg_fr,
):
    # given
    client = client_for(reader(scenario))
    urls = write_urls(case_fr, leg_fr)
    remove = reverse("cases:route_leg_remove", args=[case_fr.public_id, leg_fr.public_id])
    # when
    answers = [
        client.post(urls["create"], leg_post()).status_code,
        client.post(urls["edit"], leg_post(stage="RETURN")).status_code,
        client.post(remove).status_code,
    ]
    # then
    assert answers == [404, 404, 404]
    assert seqs(case_fr) == [(1, "ORIGIN")]


def test_a_shared_read_write_ncb_adds_a_leg(reader, client_for, case_fr):  # noqa: F811
    # when
    response = client_for(reader("shared_read_write")).post(
        reverse("cases:route_leg_create", args=[case_fr.public_id]), leg_post()
    )
    # then
    assert response.status_code == 302
    assert seqs(case_fr) == [(1, "TRANSIT")]


def test_a_leg_of_another_case_in_the_url_is_404(client_for, officer_fr, case_fr, leg_fr):
    # given: a second French case, and the first case's leg addressed under it
    other = services.case_create(actor=officer_fr, data={"title": "Other", "offence_type": "THB"})
    url = reverse("cases:route_leg_edit", args=[other.public_id, leg_fr.public_id])
    # when
    response = client_for(officer_fr).get(url)
    # then
    assert response.status_code == 404


# --- Route tab --------------------------------------------------------------------------------


def test_the_route_shows_legs_in_order_with_the_crossing_and_victims_by_pseudonym(
    client_for, supervisor_fr, officer_fr, case_fr, leg_fr, countries
):
    # given
    add_leg(
        case_fr, officer_fr, stage="DESTINATION", from_country="IT", to_country="FR", mode="RAIL"
    )
    # when
    response = client_for(supervisor_fr).get(route_url(case_fr))
    # then
    content = response.content.decode()
    assert content.index("Benin City") < content.index("Italy")
    assert "Irregular land crossing" in content
    assert "Victim V-1" in content
    assert_no_victim_identity(content)


def test_editors_see_the_add_leg_button_and_readers_do_not(
    reader,  # noqa: F811
    client_for,
    case_fr,
):
    # given
    create = reverse("cases:route_leg_create", args=[case_fr.public_id])
    # when
    for_editor = client_for(reader("owner_officer")).get(route_url(case_fr)).content.decode()
    for_reader = client_for(reader("shared_read")).get(route_url(case_fr)).content.decode()
    # then
    assert create in for_editor
    assert create not in for_reader


def test_the_route_tab_costs_the_same_number_of_queries_whatever_the_number_of_legs(
    client_for, officer_fr, case_fr, victim_fr, django_assert_num_queries
):
    # given: the cost of a route of two legs
    client = client_for(officer_fr)
    for _ in range(2):
        add_leg(case_fr, officer_fr, persons=[victim_fr])
    with CaptureQueriesContext(connection) as small:
        client.get(route_url(case_fr))
    # when: eight more legs
    for _ in range(8):
        add_leg(case_fr, officer_fr, persons=[victim_fr])
    # then
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(route_url(case_fr))
    assert response.content.decode().count('class="route-leg"') == 10


# --- Adding, editing, moving, removing --------------------------------------------------------


def test_an_officer_adds_a_leg_at_the_end_with_its_travellers(
    client_for, officer_fr, case_fr, leg_fr, victim_fr, suspect_fr
):
    # when
    response = client_for(officer_fr).post(
        reverse("cases:route_leg_create", args=[case_fr.public_id]),
        leg_post(
            stage="DESTINATION",
            from_country="LY",
            to_country="IT",
            to_place="Lampedusa",
            mode="SEA",
            border_crossing_regular="no",
            border_crossing_method="IRREGULAR_SEA_CROSSING",
            departed_on="2024-02-01",
            arrived_on="2024-02-03",
            persons=[str(victim_fr.public_id), str(suspect_fr.public_id)],
        ),
        follow=True,
    )
    # then
    leg = RouteLeg.objects.get(case=case_fr, seq=2)
    assert (leg.to_place, leg.border_crossing_regular, leg.mode) == ("Lampedusa", False, "SEA")
    assert set(leg.persons.all()) == {victim_fr, suspect_fr}
    assert "Leg 2 added to the route." in response.content.decode()


def test_a_leg_added_at_position_one_moves_the_others_down(
    client_for, officer_fr, case_fr, leg_fr
):
    # when
    client_for(officer_fr).post(
        reverse("cases:route_leg_create", args=[case_fr.public_id]),
        leg_post(stage="RECRUITMENT", position="1"),
    )
    # then
    assert seqs(case_fr) == [(1, "RECRUITMENT"), (2, "ORIGIN")]


def test_an_arrival_before_the_departure_is_refused_on_the_arrival(
    client_for, officer_fr, case_fr
):
    # when
    response = client_for(officer_fr).post(
        reverse("cases:route_leg_create", args=[case_fr.public_id]),
        leg_post(departed_on="2024-03-02", arrived_on="2024-03-01"),
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["arrived_on"]
    assert "Nothing was saved" in response.content.decode()
    assert seqs(case_fr) == []


def test_a_leg_without_origin_is_refused_on_the_origin_country(client_for, officer_fr, case_fr):
    # when
    response = client_for(officer_fr).post(
        reverse("cases:route_leg_create", args=[case_fr.public_id]),
        leg_post(from_country=""),
    )
    # then
    assert response.context["form"].errors["from_country"]


def test_a_crossing_method_needs_to_say_whether_it_was_regular(client_for, officer_fr, case_fr):
    # when
    response = client_for(officer_fr).post(
        reverse("cases:route_leg_create", args=[case_fr.public_id]),
        leg_post(border_crossing_method="VISA_OVERSTAY"),
    )
    # then
    assert response.context["form"].errors["border_crossing_regular"]


def test_an_officer_edits_a_leg_and_moves_it_last(client_for, officer_fr, case_fr, leg_fr):
    # given
    add_leg(case_fr, officer_fr, stage="DESTINATION")
    # when
    response = client_for(officer_fr).post(
        reverse("cases:route_leg_edit", args=[case_fr.public_id, leg_fr.public_id]),
        leg_post(stage="RECRUITMENT", from_place="Benin City", position="2"),
    )
    # then
    assert response.status_code == 302
    assert seqs(case_fr) == [(1, "DESTINATION"), (2, "RECRUITMENT")]


def test_the_edit_form_is_filled_in_with_the_leg(client_for, officer_fr, case_fr, leg_fr):
    # when
    response = client_for(officer_fr).get(
        reverse("cases:route_leg_edit", args=[case_fr.public_id, leg_fr.public_id])
    )
    # then
    form = response.context["form"]
    assert form.initial["from_place"] == "Benin City"
    assert form.initial["border_crossing_regular"] == "no"
    assert_no_victim_identity(response.content.decode())


def test_removing_a_leg_renumbers_the_following_ones(client_for, officer_fr, case_fr, leg_fr):
    # given
    add_leg(case_fr, officer_fr, stage="DESTINATION")
    # when
    response = client_for(officer_fr).post(
        reverse("cases:route_leg_remove", args=[case_fr.public_id, leg_fr.public_id]),
        follow=True,
    )
    # then
    assert seqs(case_fr) == [(1, "DESTINATION")]
    assert "Leg 1 removed" in response.content.decode()


def test_removing_a_leg_needs_post(client_for, officer_fr, case_fr, leg_fr):
    # when
    response = client_for(officer_fr).get(
        reverse("cases:route_leg_remove", args=[case_fr.public_id, leg_fr.public_id])
    )
    # then
    assert response.status_code == 405
    assert seqs(case_fr) == [(1, "ORIGIN")]
