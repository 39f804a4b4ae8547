"""The message list /messages/: who sees which box, filters, pages, constant queries."""

import pytest
from django.urls import reverse

from messages_hst.choices import InboundStatus, MessageStatus
from tests.messages_hst.views.conftest import draft_of, received, sent_message

pytestmark = pytest.mark.django_db


def list_url():
    return reverse("messages_hst:list")


def test_anonymous_is_sent_to_the_login_page(client_for):
    # when
    response = client_for(None).get(list_url())

    # then
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("user", ["srb_europe", "user_without_ncb"])
def test_users_who_read_no_message_get_403(request, client_for, user):
    # given
    reader = request.getfixturevalue(user)

    # when
    response = client_for(reader).get(list_url())

    # then
    assert response.status_code == 403


@pytest.mark.parametrize("user", ["officer_fr", "supervisor_fr", "analyst_fr"])
def test_inbox_lists_what_the_ncb_received(request, client_for, inbound_fr, ncb_de, ncb_fr, user):
    # given a message received by Germany, not France
    other = received(ncb_de, ncb_fr)
    other.subject = "Addressed to Germany only (test)"
    other.save()

    # when
    response = client_for(request.getfixturevalue(user)).get(list_url(), {"box": "inbox"})

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("messages_hst:inbound", args=[inbound_fr.public_id]) in page
    assert "Addressed to Germany only" not in page


def test_drafts_box_lists_the_ncb_drafts_only(
    client_for, officer_fr, draft_fr, officer_de, ncb_de
):
    # given a German draft
    german = draft_of(ncb_de, officer_de, subject="German draft (test)")

    # when
    response = client_for(officer_fr).get(list_url(), {"box": "drafts"})

    # then
    page = response.content.decode()
    assert reverse("messages_hst:detail", args=[draft_fr.message_id]) in page
    assert reverse("messages_hst:detail", args=[german.message_id]) not in page


def test_outbox_shows_each_recipient_delivery_status(client_for, officer_fr, sent_fr):
    # when
    response = client_for(officer_fr).get(list_url(), {"box": "outbox"})

    # then
    page = response.content.decode()
    assert reverse("messages_hst:detail", args=[sent_fr.message_id]) in page
    assert "delivery-chip--pending" in page


def test_approval_box_holds_pending_messages_and_counts_them(
    client_for, supervisor_fr, pending_fr, draft_fr
):
    # when
    response = client_for(supervisor_fr).get(list_url(), {"box": "approval"})

    # then
    page = response.content.decode()
    assert reverse("messages_hst:detail", args=[pending_fr.message_id]) in page
    assert reverse("messages_hst:detail", args=[draft_fr.message_id]) not in page
    assert response.context["awaiting_approval"] == 1


def test_filter_by_type_and_status(client_for, officer_fr, ncb_fr, case_fr, supervisor_fr):
    # given a dispatched REQUEST and a cancelled INFO
    request_message = sent_message(ncb_fr, officer_fr, supervisor_fr, case=case_fr)
    info = sent_message(ncb_fr, officer_fr, supervisor_fr, message_type="INFO")
    info.status = MessageStatus.CANCELLED
    info.save()

    # when
    response = client_for(officer_fr).get(
        list_url(), {"box": "outbox", "message_type": "INFO", "status": "CANCELLED"}
    )

    # then
    page = response.content.decode()
    assert reverse("messages_hst:detail", args=[info.message_id]) in page
    assert reverse("messages_hst:detail", args=[request_message.message_id]) not in page


def test_a_status_of_another_box_is_a_form_error(client_for, officer_fr, draft_fr):
    # when the drafts box is asked for dispatched messages
    response = client_for(officer_fr).get(list_url(), {"box": "drafts", "status": "DISPATCHED"})

    # then the filter names its field and nothing is listed
    assert response.status_code == 200
    assert response.context["filter_form"].errors["status"]
    assert response.context["page"].paginator.count == 0


def test_inbox_filter_by_status(client_for, officer_fr, inbound_fr, ncb_fr, ncb_de):
    # given a quarantined message as well
    quarantined = received(ncb_fr, ncb_de, status=InboundStatus.QUARANTINED)

    # when
    response = client_for(officer_fr).get(list_url(), {"box": "inbox", "status": "QUARANTINED"})

    # then
    rows = list(response.context["page"])
    assert rows == [quarantined]


def test_pages_of_25(client_for, officer_fr, ncb_fr):
    # given 30 drafts
    for _ in range(30):
        draft_of(ncb_fr, officer_fr)

    # when
    first = client_for(officer_fr).get(list_url(), {"box": "drafts"})
    second = client_for(officer_fr).get(list_url(), {"box": "drafts", "page": 2})

    # then
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "page=2" in first.context["next_url"]
    assert "box=drafts" in first.context["next_url"]


def _count_queries(client, params, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(list_url(), params)
    assert response.status_code == 200
    return response


# Session, user, officer, the two tab counts, the count and the page (outbox: + deliveries).
QUERY_LIMIT = 10


@pytest.mark.parametrize("size", [2, 20])
def test_outbox_queries_do_not_grow_with_the_messages(
    size,
    client_for,
    officer_fr,
    supervisor_fr,
    ncb_fr,
    ncb_de,
    case_fr,
    django_assert_max_num_queries,
):
    # given `size` sent messages, each delivered to Germany
    for _ in range(size):
        sent_message(ncb_fr, officer_fr, supervisor_fr, case=case_fr, recipients=[ncb_de])
    client = client_for(officer_fr)

    # when / then
    _count_queries(client, {"box": "outbox"}, django_assert_max_num_queries, QUERY_LIMIT)


@pytest.mark.parametrize("size", [2, 20])
def test_inbox_queries_do_not_grow_with_the_messages(
    size, client_for, officer_fr, ncb_fr, ncb_de, django_assert_max_num_queries
):
    # given `size` received messages
    for _ in range(size):
        received(ncb_fr, ncb_de)
    client = client_for(officer_fr)

    # when / then
    _count_queries(client, {"box": "inbox"}, django_assert_max_num_queries, QUERY_LIMIT)


@pytest.mark.parametrize("size", [2, 20])
def test_drafts_queries_do_not_grow_with_the_messages(
    size, client_for, officer_fr, ncb_fr, case_fr, django_assert_max_num_queries
):
    # given `size` drafts
    for _ in range(size):
        draft_of(ncb_fr, officer_fr, case=case_fr)
    client = client_for(officer_fr)

    # when / then
    _count_queries(client, {"box": "drafts"}, django_assert_max_num_queries, QUERY_LIMIT)
