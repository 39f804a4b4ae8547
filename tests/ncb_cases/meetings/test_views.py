"""The meeting pages: who sees what (the visibility matrix), linked cases, forms, audit, and
the calendar list's fixed query count."""

import datetime as dt

import pytest
from django.urls import reverse

from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent, Meeting
from tests.ncb_cases.meetings.factories import action_item, meeting

pytestmark = pytest.mark.django_db


def detail_url(meeting):
    return reverse("meetings:detail", args=[meeting.public_id])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("supervisor_fr", 200),  # organising NCB
        ("officer_fr", 200),
        ("analyst_fr", 200),
        ("officer_it", 200),  # participating NCB
        ("officer_ng", 200),
        ("srb_europe", 200),  # monitor of the organising bureau
        ("admin_user", 200),
        ("officer_de", 404),  # Germany does not take part
        ("supervisor_de", 404),
        ("srb_africa", 404),  # another bureau's monitor
        ("user_without_ncb", 404),
    ],
)
def test_meeting_detail_visibility_matrix(request, client_for, meeting_fr, who, status):
    # given
    user = request.getfixturevalue(who)
    # when
    response = client_for(user).get(detail_url(meeting_fr))
    # then
    assert response.status_code == status


def test_anonymous_user_is_sent_to_sign_in(client_for, meeting_fr):
    response = client_for(None).get(detail_url(meeting_fr))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_refused_read_is_audited_as_denied_and_a_granted_one_as_view(
    client_for, meeting_fr, officer_de, officer_it
):
    client_for(officer_de).get(detail_url(meeting_fr))
    client_for(officer_it).get(detail_url(meeting_fr))
    events = AuditEvent.objects.filter(object_public_id=meeting_fr.public_id)
    assert set(events.values_list("actor__username", "action")) == {
        ("officer_de", AuditAction.DENIED),
        ("officer_it", AuditAction.VIEW),
    }


def test_unknown_meeting_is_404_and_not_audited(client_for, officer_fr):
    response = client_for(officer_fr).get(
        reverse("meetings:detail", args=["00000000-0000-4000-8000-000000000000"])
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.DENIED).exists()


def test_linked_case_is_shown_only_to_those_who_may_see_it(
    client_for, meeting_fr, case_fr, officer_fr, officer_it, srb_europe
):
    # given
    meeting_fr.cases.set([case_fr])
    # then: the French officer sees the case; Italy (a participant) and the monitor do not
    assert case_fr.reference in client_for(officer_fr).get(detail_url(meeting_fr)).text
    assert case_fr.reference not in client_for(officer_it).get(detail_url(meeting_fr)).text
    assert case_fr.reference not in client_for(srb_europe).get(detail_url(meeting_fr)).text
    # and the link grants nothing
    case_url = reverse("cases:detail", args=[case_fr.public_id])
    assert client_for(officer_it).get(case_url).status_code == 404


def test_list_shows_upcoming_and_past_meetings_by_month(
    client_for, meeting_fr, supervisor_fr, ncb_fr, ncb_it, officer_it
):
    # given
    past = meeting(
        organiser=ncb_fr,
        created_by=supervisor_fr,
        participants=[ncb_it],
        starts_in=-dt.timedelta(days=40),
        title="Working meeting on forced labour in agriculture (fictitious)",
        minutes="Agreed to exchange route data.",
    )
    client = client_for(officer_it)
    # when
    upcoming_page = client.get(reverse("meetings:list")).text
    past_page = client.get(reverse("meetings:list") + "?when=past").text
    # then
    assert "Mama Joy" in upcoming_page
    assert past.title not in upcoming_page
    assert past.title in past_page
    assert "Mama Joy" not in past_page
    assert past.starts_at.strftime("%B %Y") in past_page


def test_list_hides_meetings_of_others(client_for, meeting_fr, officer_de):
    response = client_for(officer_de).get(reverse("meetings:list"))
    assert response.status_code == 200
    assert "Mama Joy" not in response.text


@pytest.mark.parametrize("count", [1, 12])
def test_list_has_a_fixed_number_of_queries(
    client_for,
    officer_it,
    supervisor_fr,
    ncb_fr,
    ncb_it,
    ncb_ng,
    count,
    django_assert_max_num_queries,
):
    # given
    for index in range(count):
        meeting(
            organiser=ncb_fr,
            created_by=supervisor_fr,
            participants=[ncb_it, ncb_ng],
            starts_in=dt.timedelta(days=3 + 20 * index),
        )
    client = client_for(officer_it)
    # when / then
    with django_assert_max_num_queries(9):
        response = client.get(reverse("meetings:list"))
    assert response.text.count("meeting-card__title") == count


def test_detail_shows_action_items_with_owner_and_due_date(
    client_for, meeting_fr, ncb_it, officer_ng
):
    action_item(meeting_fr, ncb_it, "Trace the Benin City recruiters", dt.date(2030, 5, 2))
    page = client_for(officer_ng).get(detail_url(meeting_fr)).text
    assert "Trace the Benin City recruiters" in page
    assert "INTERPOL Rome" in page
    assert "2030-05-02" in page


def test_only_the_organisers_supervisor_sees_the_edit_controls(
    client_for, meeting_fr, supervisor_fr, officer_fr, officer_it
):
    edit = reverse("meetings:edit", args=[meeting_fr.public_id])
    assert edit in client_for(supervisor_fr).get(detail_url(meeting_fr)).text
    assert edit not in client_for(officer_fr).get(detail_url(meeting_fr)).text
    assert client_for(officer_fr).get(edit).status_code == 404
    assert client_for(officer_it).get(edit).status_code == 404


def test_create_form_shows_field_errors(client_for, supervisor_fr, ncb_it):
    # when
    response = client_for(supervisor_fr).post(
        reverse("meetings:create"),
        {
            "kind": "WORKING",
            "title": "Debrief (fictitious)",
            "timezone": "Europe/Paris",
            "starts_at": "2030-06-01T10:00",
            "ends_at": "2030-06-01T09:00",
            "place": "",
            "participants": [ncb_it.pk],
        },
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"ends_at", "place"}
    assert not Meeting.objects.exists()


def test_create_form_plans_the_meeting(client_for, supervisor_fr, ncb_it, case_fr):
    response = client_for(supervisor_fr).post(
        reverse("meetings:create"),
        {
            "kind": "OPERATIONAL",
            "title": "Joint action day (fictitious)",
            "timezone": "Europe/Paris",
            "starts_at": "2030-06-01T10:00",
            "ends_at": "2030-06-01T12:00",
            "online": "on",
            "participants": [ncb_it.pk],
            "cases": [case_fr.pk],
        },
    )
    created = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(created)
    assert created.starts_at == dt.datetime(2030, 6, 1, 8, 0, tzinfo=dt.UTC)
    assert list(created.cases.all()) == [case_fr]


def test_officer_and_monitor_may_not_open_the_create_form(client_for, officer_fr, srb_europe):
    assert client_for(officer_fr).get(reverse("meetings:create")).status_code == 404
    assert client_for(srb_europe).get(reverse("meetings:create")).status_code == 404


def test_action_item_added_and_marked_done_through_the_page(
    client_for, supervisor_fr, meeting_fr, ncb_it
):
    client = client_for(supervisor_fr)
    response = client.post(
        reverse("meetings:item_add", args=[meeting_fr.public_id]),
        {"item-description": "Send phone analysis", "item-owner_ncb": ncb_it.pk},
    )
    assert response.status_code == 302
    item = meeting_fr.action_items.get()
    client.post(reverse("meetings:item_done", args=[meeting_fr.public_id, item.pk]))
    item.refresh_from_db()
    assert item.done_on is not None


def test_participant_may_not_add_action_items(client_for, officer_it, meeting_fr, ncb_it):
    response = client_for(officer_it).post(
        reverse("meetings:item_add", args=[meeting_fr.public_id]),
        {"item-description": "Something", "item-owner_ncb": ncb_it.pk},
    )
    assert response.status_code == 404
    assert not meeting_fr.action_items.exists()


@pytest.mark.parametrize("count", [1, 10])
def test_detail_has_a_fixed_number_of_queries(
    client_for, supervisor_fr, meeting_fr, ncb_it, case_fr, count, django_assert_max_num_queries
):
    # given: items, linked cases and documents in numbers
    meeting_fr.cases.set([case_fr])
    for index in range(count):
        action_item(meeting_fr, ncb_it, f"Action {index}", dt.date(2030, 1, 1 + index))
    client = client_for(supervisor_fr)
    # when / then
    with django_assert_max_num_queries(14):
        response = client.get(detail_url(meeting_fr))
    assert response.text.count("Action ") >= count
