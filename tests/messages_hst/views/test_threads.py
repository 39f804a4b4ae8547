"""A case's Messages tab /messages/case/<id>/: sent and received messages in time order."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from messages_hst.choices import MessageStatus
from messages_hst.models import InboundMessage
from tests.factories import share_case
from tests.messages_hst.views.conftest import draft_of, received, sent_message

pytestmark = pytest.mark.django_db


def thread_url(case):
    return reverse("messages_hst:case_thread", args=[case.public_id])


def test_thread_lists_sent_and_received_messages_in_time_order(
    client_for, officer_fr, supervisor_fr, ncb_fr, ncb_de, case_fr
):
    # given a sent REQUEST, then Germany's answer received into the case
    sent = sent_message(ncb_fr, officer_fr, supervisor_fr, case=case_fr, recipients=[ncb_de])
    answer = received(ncb_fr, ncb_de, case=case_fr, subject="Answer from Germany (test)")
    InboundMessage.objects.filter(pk=answer.pk).update(
        received_at=timezone.now() + dt.timedelta(minutes=5)
    )
    discarded = draft_of(ncb_fr, officer_fr, case=case_fr, status=MessageStatus.DISCARDED)

    # when
    response = client_for(officer_fr).get(thread_url(case_fr))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    sent_link = reverse("messages_hst:detail", args=[sent.message_id])
    answer_link = reverse("messages_hst:inbound", args=[answer.public_id])
    assert page.index(sent_link) < page.index(answer_link)
    assert reverse("messages_hst:detail", args=[discarded.message_id]) not in page
    assert 'aria-current="page">Messages<' in page


def test_case_pages_link_the_messages_tab(client_for, officer_fr, case_fr):
    # when
    page = client_for(officer_fr).get(reverse("cases:detail", args=[case_fr.public_id]))

    # then
    assert thread_url(case_fr) in page.content.decode()


def test_thread_is_audited_as_a_case_read(client_for, officer_fr, case_fr):
    from ncb_cases.choices import AuditAction
    from ncb_cases.models import AuditEvent

    # when
    client_for(officer_fr).get(thread_url(case_fr))

    # then
    assert AuditEvent.objects.filter(
        actor=officer_fr, action=AuditAction.VIEW, case=case_fr
    ).exists()


def test_partner_reading_a_shared_case_sees_only_its_own_side(
    client_for, officer_fr, supervisor_fr, officer_de, ncb_fr, ncb_de, case_fr
):
    # given the case is shared with Germany, and France sent a message about it
    share_case(case_fr, ncb_de)
    sent = sent_message(ncb_fr, officer_fr, supervisor_fr, case=case_fr, recipients=[ncb_de])

    # when
    response = client_for(officer_de).get(thread_url(case_fr))

    # then
    assert response.status_code == 200
    assert reverse("messages_hst:detail", args=[sent.message_id]) not in response.content.decode()


@pytest.mark.parametrize("user", ["officer_de", "srb_europe", "user_without_ncb"])
def test_a_case_not_visible_is_404(request, client_for, case_fr, user):
    # when
    response = client_for(request.getfixturevalue(user)).get(thread_url(case_fr))

    # then
    assert response.status_code == 404


def test_anonymous_is_sent_to_the_login_page(client_for, case_fr):
    # when
    response = client_for(None).get(thread_url(case_fr))

    # then
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
