"""The dashboard: contact points of the officer's NCB, plus their recent cases, open tasks and
the shares that end soon."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.choices import ContactRole
from ncb_cases import services
from tests.factories import (
    CaseFactory,
    ContactPointFactory,
    CountryFactory,
    NcbFactory,
    share_case,
)

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(client_for):
    # when
    response = client_for(None).get(reverse("dashboard"))
    # then
    assert response.status_code == 302


def test_dashboard_still_shows_the_ncbs_contact_points(client_for, officer_fr, ncb_fr):
    # given
    ContactPointFactory(ncb=ncb_fr, role=ContactRole.PRIMARY, full_name="Camille DURAND-TEST")
    # when
    page = client_for(officer_fr).get(reverse("dashboard")).content.decode()
    # then
    assert "Camille DURAND-TEST" in page


def test_officer_sees_recently_updated_cases_of_their_ncb_and_shared_with_it(
    client_for, officer_fr, case_fr, case_de, ncb_fr
):
    # given
    shared = CaseFactory(owner_ncb=case_de.owner_ncb, title="Shared Bremen case")
    share_case(shared, ncb_fr)
    # when
    response = client_for(officer_fr).get(reverse("dashboard"))
    # then
    assert set(response.context["recent_cases"]) == {case_fr, shared}
    assert case_de.title not in response.content.decode()


def test_recent_cases_are_the_five_last_updated(client_for, officer_fr, ncb_fr, countries):
    # given
    cases = CaseFactory.create_batch(7, owner_ncb=ncb_fr)
    services.case_update(actor=officer_fr, case=cases[0], data={"title": "Touched last"})
    # when
    recent = client_for(officer_fr).get(reverse("dashboard")).context["recent_cases"]
    # then
    assert len(recent) == 5
    assert recent[0].title == "Touched last"


def test_officer_sees_their_open_tasks_soonest_due_first_with_undated_ones_last(
    client_for, officer_fr, supervisor_fr, case_fr
):
    # given
    today = timezone.localdate()
    for title, due in [("Later", 9), ("Undated", None), ("Sooner", 2), ("Overdue", -1)]:
        services.task_create(
            actor=supervisor_fr,
            case=case_fr,
            title=title,
            assignee=officer_fr,
            due_on=today + datetime.timedelta(days=due) if due is not None else None,
        )
    done = services.task_create(
        actor=supervisor_fr, case=case_fr, title="Done", assignee=officer_fr
    )
    services.task_complete(actor=officer_fr, task=done)
    services.task_create(
        actor=supervisor_fr, case=case_fr, title="Not mine", assignee=supervisor_fr
    )
    # when
    response = client_for(officer_fr).get(reverse("dashboard"))
    # then
    assert [task.title for task in response.context["open_tasks"]] == [
        "Overdue",
        "Sooner",
        "Later",
        "Undated",
    ]
    assert "overdue since" in response.content.decode()


def test_tasks_of_a_case_no_longer_shared_disappear(
    client_for, officer_fr, supervisor_fr, officer_de, case_fr, ncb_de
):
    # given
    share = share_case(case_fr, ncb_de)
    services.task_create(actor=officer_fr, case=case_fr, title="Berlin check", assignee=officer_de)
    services.case_unshare(actor=supervisor_fr, share=share)
    # when
    response = client_for(officer_de).get(reverse("dashboard"))
    # then
    assert response.context["open_tasks"] == []


def test_shares_ending_within_two_weeks_are_listed_for_giver_and_recipient(
    client_for, officer_fr, officer_de, case_fr, ncb_de, ncb_fr
):
    # given
    soon = share_case(case_fr, ncb_de, expires_at=timezone.now() + datetime.timedelta(days=3))
    later_case = CaseFactory(owner_ncb=ncb_fr)
    share_case(later_case, ncb_de, expires_at=timezone.now() + datetime.timedelta(days=60))
    # when
    giver = client_for(officer_fr).get(reverse("dashboard"))
    recipient = client_for(officer_de).get(reverse("dashboard"))
    # then
    assert giver.context["expiring_shares"] == [soon]
    assert "shared with INTERPOL Wiesbaden" in giver.content.decode()
    assert recipient.context["expiring_shares"] == [soon]
    assert "shared with your NCB" in recipient.content.decode()


def test_another_ncbs_expiring_shares_are_not_shown(
    client_for, officer_fr, case_de, ncb_fr, srb_europe_bureau
):
    # given: a German case shared with a third NCB, which France cannot see
    italy = NcbFactory(
        country=CountryFactory(
            iso2="IT",
            iso3="ITA",
            name="Italy",
            capital="Rome",
            sub_regional_bureau=srb_europe_bureau,
        )
    )
    share_case(case_de, italy, expires_at=timezone.now() + datetime.timedelta(days=2))
    # when
    response = client_for(officer_fr).get(reverse("dashboard"))
    # then
    assert response.context["expiring_shares"] == []


@pytest.mark.parametrize("scenario", ["srb_europe", "user_without_ncb"])
def test_users_without_case_access_see_no_case_panels(client_for, request, case_fr, scenario):
    # given
    user = request.getfixturevalue(scenario)
    # when
    response = client_for(user).get(reverse("dashboard"))
    # then
    assert response.status_code == 200
    assert response.context["reads_cases"] is False
    assert case_fr.reference not in response.content.decode()
    assert reverse("cases:create") not in response.content.decode()


def test_analyst_sees_cases_but_no_new_case_button(client_for, analyst_fr, case_fr):
    # when
    response = client_for(analyst_fr).get(reverse("dashboard"))
    # then
    assert response.context["recent_cases"] == [case_fr]
    assert reverse("cases:create") not in response.content.decode()


def test_the_case_search_on_the_dashboard_posts_the_term(client_for, officer_fr, case_fr):
    # given
    client = client_for(officer_fr)
    # when
    response = client.post(reverse("cases:list"), {"q": "Nail bars"})
    # then
    assert "Nail" not in response.url
    assert [row.case for row in client.get(response.url).context["rows"]] == [case_fr]


@pytest.mark.parametrize("count", [1, 8])
def test_dashboard_runs_a_constant_number_of_queries(
    client_for, officer_fr, ncb_fr, ncb_de, count, django_assert_max_num_queries
):
    # given
    for index in range(count):
        case = CaseFactory(owner_ncb=ncb_fr)
        services.task_create(
            actor=officer_fr, case=case, title=f"Task {index}", assignee=officer_fr
        )
        share_case(case, ncb_de, expires_at=timezone.now() + datetime.timedelta(days=5))
    client = client_for(officer_fr)
    # when
    # (the panels of other apps add a fixed few: overdue HST requests 1, returned drafts 1,
    # evidence in transit 2; the NCB's open cases 2; see tests/ncb_cases/test_dashboard_*.py)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("dashboard"))
    # then
    assert len(response.context["open_tasks"]) == count
    assert len(response.context["expiring_shares"]) == count
