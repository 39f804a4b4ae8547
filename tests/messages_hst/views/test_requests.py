"""Tracked requests /messages/requests/ (overdue first, reminders) and the dashboard panel."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from messages_hst.choices import MessageType, RequestDirection, RequestOutcome
from messages_hst.models import HSTMessage, TrackedRequest
from tests.messages_hst.views.conftest import sent_message

pytestmark = pytest.mark.django_db


def track(ncb, *, direction, due_in_days, ref="R1", message_id=None, counterpart="DE", **fields):
    return TrackedRequest.objects.create(
        ncb=ncb,
        direction=direction,
        counterpart_code=counterpart,
        request_message_id=message_id or uuid.uuid4(),
        request_ref=ref,
        action="IDENTIFY_PERSON",
        due_on=timezone.localdate() + dt.timedelta(days=due_in_days),
        **fields,
    )


def requests_url():
    return reverse("messages_hst:requests")


def test_open_requests_both_directions_overdue_first(client_for, officer_fr, ncb_fr, ncb_de):
    # given two items we asked (one overdue), one we owe, one answered, one of Germany
    later = track(ncb_fr, direction=RequestDirection.SENT, due_in_days=10, ref="R1")
    overdue = track(ncb_fr, direction=RequestDirection.SENT, due_in_days=-3, ref="R2")
    owed = track(ncb_fr, direction=RequestDirection.RECEIVED, due_in_days=2, ref="R3")
    track(ncb_fr, direction=RequestDirection.SENT, due_in_days=-9, ref="R4", outcome="DONE")
    track(ncb_de, direction=RequestDirection.SENT, due_in_days=-1, ref="R5", counterpart="FR")

    # when
    response = client_for(officer_fr).get(requests_url())

    # then
    assert response.status_code == 200
    assert response.context["sent"] == [overdue, later]
    assert response.context["received"] == [owed]
    assert "overdue" in response.content.decode()


@pytest.mark.parametrize("user", ["srb_europe", "user_without_ncb"])
def test_users_who_read_no_message_get_403(request, client_for, user):
    # when
    response = client_for(request.getfixturevalue(user)).get(requests_url())

    # then
    assert response.status_code == 403


def test_anonymous_is_sent_to_the_login_page(client_for):
    # when
    response = client_for(None).get(requests_url())

    # then
    assert response.status_code == 302


def test_send_a_reminder_of_an_overdue_request(
    client_for,
    officer_fr,
    supervisor_fr,
    ncb_fr,
    ncb_de,
    case_fr,
    django_capture_on_commit_callbacks,
):
    # given our REQUEST to Germany, its first item overdue
    request_message = sent_message(
        ncb_fr, officer_fr, supervisor_fr, case=case_fr, recipients=[ncb_de]
    )
    item = track(
        ncb_fr,
        direction=RequestDirection.SENT,
        due_in_days=-2,
        message_id=request_message.message_id,
        ref=request_message.document["body"]["requests"][0]["ref"],
    )
    page = client_for(officer_fr).get(requests_url()).content.decode()
    assert reverse("messages_hst:request_reminder", args=[item.pk]) in page

    # when
    with django_capture_on_commit_callbacks():
        response = client_for(officer_fr).post(
            reverse("messages_hst:request_reminder", args=[item.pk])
        )

    # then a REMINDER draft opens, and the item remembers it was reminded
    reminder = HSTMessage.objects.get(message_type=MessageType.REMINDER)
    assert response.status_code == 302
    assert response["Location"] == reverse("messages_hst:edit", args=[reminder.message_id])
    item.refresh_from_db()
    assert item.reminded_at is not None


def test_no_reminder_for_what_we_owe(client_for, officer_fr, ncb_fr):
    # given
    owed = track(ncb_fr, direction=RequestDirection.RECEIVED, due_in_days=-2)

    # when
    response = client_for(officer_fr).post(
        reverse("messages_hst:request_reminder", args=[owed.pk])
    )

    # then refused with a message, back to the list
    assert response.status_code == 302
    assert response["Location"] == requests_url()
    assert not HSTMessage.objects.filter(message_type=MessageType.REMINDER).exists()


def test_reminder_of_another_ncb_item_is_404(client_for, officer_de, ncb_fr):
    # given
    item = track(ncb_fr, direction=RequestDirection.SENT, due_in_days=-2)

    # when
    response = client_for(officer_de).post(
        reverse("messages_hst:request_reminder", args=[item.pk])
    )

    # then
    assert response.status_code == 404


def test_analyst_may_not_remind(client_for, analyst_fr, ncb_fr):
    # given
    item = track(ncb_fr, direction=RequestDirection.SENT, due_in_days=-2)

    # when
    response = client_for(analyst_fr).post(
        reverse("messages_hst:request_reminder", args=[item.pk])
    )

    # then
    assert response.status_code == 403


def test_dashboard_shows_the_overdue_requests_of_the_ncb(client_for, officer_fr, ncb_fr, ncb_de):
    # given one overdue item of France, one not yet due, one of Germany
    track(ncb_fr, direction=RequestDirection.SENT, due_in_days=-4, ref="R7", counterpart="DE")
    track(ncb_fr, direction=RequestDirection.RECEIVED, due_in_days=6, ref="R8")
    track(ncb_de, direction=RequestDirection.SENT, due_in_days=-4, ref="R9", counterpart="IT")

    # when
    page = client_for(officer_fr).get(reverse("dashboard")).content.decode()

    # then (each reference as the panel writes it: a bare "R9" may be in a CSRF token)
    assert "Overdue requests" in page
    assert _reference("R7") in page
    assert _reference("R8") not in page
    assert _reference("R9") not in page
    assert requests_url() in page


def _reference(ref: str) -> str:
    return f'<span class="mono">{ref}</span>'


def test_dashboard_panel_is_absent_for_srb_monitors(client_for, srb_europe, ncb_fr):
    # given
    track(ncb_fr, direction=RequestDirection.SENT, due_in_days=-4, ref="R7")

    # when
    page = client_for(srb_europe).get(reverse("dashboard")).content.decode()

    # then
    assert "Overdue requests" not in page


def test_answered_items_leave_the_dashboard(client_for, officer_fr, ncb_fr):
    # given
    track(
        ncb_fr,
        direction=RequestDirection.SENT,
        due_in_days=-4,
        ref="R7",
        outcome=RequestOutcome.DONE,
    )

    # when
    page = client_for(officer_fr).get(reverse("dashboard")).content.decode()

    # then
    assert "No request is overdue." in page
