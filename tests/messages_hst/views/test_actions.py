"""Decisions on an outgoing message through the pages: the four-eyes flow (submit, approve
with the warnings overridden, return with a comment), discard, follow-up, requeue. Each POST
redirects with a message; refusals are a 403 page, form errors a 400 page, others' messages
a 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from messages_hst.choices import DeliveryStatus, MessageStatus
from messages_hst.models import HSTMessage
from tests.messages_hst.views.conftest import draft_of

pytestmark = pytest.mark.django_db


def url(name, message):
    return reverse(f"messages_hst:{name}", args=[message.message_id])


def flashes(response):
    return [str(message) for message in response.wsgi_request._messages]


def test_officer_submits_a_draft_for_approval(client_for, officer_fr, draft_fr):
    # when
    response = client_for(officer_fr).post(url("submit", draft_fr))

    # then
    assert response.status_code == 302
    assert response["Location"] == url("detail", draft_fr)
    draft_fr.refresh_from_db()
    assert draft_fr.status == MessageStatus.PENDING_APPROVAL
    assert draft_fr.submitted_by == officer_fr
    assert any("approval" in text for text in flashes(response))


def test_a_draft_with_errors_is_not_submitted_and_the_errors_are_listed(
    client_for, officer_fr, draft_fr
):
    # given a REQUEST without requests
    draft_fr.document["body"]["requests"] = []
    draft_fr.save()

    # when
    response = client_for(officer_fr).post(url("submit", draft_fr))

    # then
    assert response.status_code == 400
    assert "The action was refused" in response.content.decode()
    assert response.context["action_errors"]
    draft_fr.refresh_from_db()
    assert draft_fr.status == MessageStatus.DRAFT


def test_analyst_may_not_submit(client_for, analyst_fr, draft_fr):
    # when
    response = client_for(analyst_fr).post(url("submit", draft_fr))

    # then
    assert response.status_code == 403
    draft_fr.refresh_from_db()
    assert draft_fr.status == MessageStatus.DRAFT


@pytest.mark.parametrize("action", ["submit", "approve", "return", "discard", "follow_up"])
def test_another_ncb_gets_404_for_every_action(client_for, supervisor_de, pending_fr, action):
    # when
    response = client_for(supervisor_de).post(url(action, pending_fr), {"comment": "x"})

    # then
    assert response.status_code == 404


@pytest.mark.parametrize("action", ["submit", "approve"])
def test_anonymous_is_sent_to_the_login_page(client_for, pending_fr, action):
    # when
    response = client_for(None).post(url(action, pending_fr))

    # then
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_actions_are_post_only(client_for, supervisor_fr, pending_fr):
    # when
    response = client_for(supervisor_fr).get(url("approve", pending_fr))

    # then
    assert response.status_code == 405


def test_officer_may_not_approve(client_for, officer_de, officer_fr, pending_fr):
    # when
    response = client_for(officer_fr).post(url("approve", pending_fr), {"override_warnings": "on"})

    # then
    assert response.status_code == 403
    pending_fr.refresh_from_db()
    assert pending_fr.status == MessageStatus.PENDING_APPROVAL


def test_supervisor_may_not_approve_their_own_message(client_for, supervisor_fr, ncb_fr, case_fr):
    # given a message the supervisor wrote and submitted
    own = draft_of(
        ncb_fr,
        supervisor_fr,
        case=case_fr,
        status=MessageStatus.PENDING_APPROVAL,
        submitted_by=supervisor_fr,
        submitted_at=timezone.now(),
    )

    # when
    response = client_for(supervisor_fr).post(url("approve", own), {"override_warnings": "on"})

    # then
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == MessageStatus.PENDING_APPROVAL


def _with_a_warning(message):
    """No retention date: the five-year default applies, a warning (HST.md §8 level 4)."""
    del message.document["handling"]["retention"]
    message.save()
    return message


def test_four_eyes_through_the_pages(
    client_for, officer_fr, supervisor_fr, draft_fr, ncb_de, django_capture_on_commit_callbacks
):
    # given the officer submits a draft that has a warning
    _with_a_warning(draft_fr)
    submitted = client_for(officer_fr).post(url("submit", draft_fr))
    assert submitted.status_code == 302
    approver = client_for(supervisor_fr)

    # when the supervisor approves without overriding the warning
    refused = approver.post(url("approve", draft_fr), {"comment": ""})

    # then it is refused on the override box, nothing changes
    assert refused.status_code == 400
    assert refused.context["approve_form"].errors["override_warnings"]
    draft_fr.refresh_from_db()
    assert draft_fr.status == MessageStatus.PENDING_APPROVAL

    # when the supervisor overrides it
    with django_capture_on_commit_callbacks():
        response = approver.post(
            url("approve", draft_fr), {"override_warnings": "on", "comment": "Checked (test)"}
        )

    # then the message is approved, frozen, and a delivery awaits Germany
    assert response.status_code == 302
    draft_fr.refresh_from_db()
    assert draft_fr.status != MessageStatus.PENDING_APPROVAL
    assert draft_fr.approved_by == supervisor_fr
    assert draft_fr.warnings_overridden is True
    assert list(draft_fr.deliveries.values_list("recipient_ncb__code", flat=True)) == ["DE"]
    assert any("Approved" in text for text in flashes(response))


def test_approval_form_lists_the_warnings_to_override(client_for, supervisor_fr, pending_fr):
    # given a message awaiting approval with a warning
    _with_a_warning(pending_fr)

    # when
    page = client_for(supervisor_fr).get(url("detail", pending_fr))

    # then the override box is offered with the warning it overrides
    content = page.content.decode()
    assert 'name="override_warnings"' in content
    assert "retention_not_set" in content


def test_approval_without_warnings_needs_no_override(client_for, supervisor_fr, pending_fr):
    # when
    page = client_for(supervisor_fr).get(url("detail", pending_fr))

    # then
    assert page.context["warnings"] == []
    assert 'name="override_warnings"' not in page.content.decode()


def test_return_needs_a_comment(client_for, supervisor_fr, pending_fr):
    # when
    response = client_for(supervisor_fr).post(url("return", pending_fr), {"comment": ""})

    # then
    assert response.status_code == 400
    assert response.context["return_form"].errors["comment"]
    pending_fr.refresh_from_db()
    assert pending_fr.status == MessageStatus.PENDING_APPROVAL


def test_return_with_a_comment_goes_back_to_the_author(
    client_for, supervisor_fr, officer_fr, pending_fr
):
    # when
    response = client_for(supervisor_fr).post(
        url("return", pending_fr), {"comment": "Add the coach's plate (test)."}
    )

    # then the draft is back, and its author reads why
    assert response.status_code == 302
    pending_fr.refresh_from_db()
    assert pending_fr.status == MessageStatus.DRAFT
    page = client_for(officer_fr).get(url("detail", pending_fr)).content.decode()
    assert "Add the coach&#x27;s plate (test)." in page


def test_discard_a_draft(client_for, officer_fr, draft_fr):
    # when
    response = client_for(officer_fr).post(url("discard", draft_fr))

    # then
    assert response.status_code == 302
    draft_fr.refresh_from_db()
    assert draft_fr.status == MessageStatus.DISCARDED


def test_a_sent_message_cannot_be_discarded(client_for, officer_fr, sent_fr):
    # when
    response = client_for(officer_fr).post(url("discard", sent_fr))

    # then
    assert response.status_code == 400
    sent_fr.refresh_from_db()
    assert sent_fr.status == MessageStatus.DISPATCHED


def test_follow_up_starts_a_new_message(
    client_for, officer_fr, sent_fr, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks():
        response = client_for(officer_fr).post(
            url("follow_up", sent_fr), {"message_type": "UPDATE"}
        )

    # then the new message opens in the editor (which waits for the draft to be built)
    assert response.status_code == 302
    follow_up = HSTMessage.objects.exclude(pk=sent_fr.pk).get()
    assert response["Location"] == url("edit", follow_up)
    assert follow_up.message_type == "UPDATE"


def test_follow_up_of_an_unknown_type_is_a_form_error(client_for, officer_fr, sent_fr):
    # when
    response = client_for(officer_fr).post(url("follow_up", sent_fr), {"message_type": "ALERT"})

    # then
    assert response.status_code == 400
    assert response.context["follow_up_form"].errors["message_type"]


def _dead(sent):
    delivery = sent.deliveries.get()
    delivery.status = DeliveryStatus.DEAD
    delivery.last_error = "Deadline passed"
    delivery.save()
    return delivery


def test_supervisor_requeues_a_dead_delivery(
    client_for, supervisor_fr, sent_fr, django_capture_on_commit_callbacks
):
    # given
    delivery = _dead(sent_fr)

    # when
    with django_capture_on_commit_callbacks():
        response = client_for(supervisor_fr).post(
            reverse("messages_hst:delivery_requeue", args=[delivery.pk])
        )

    # then
    assert response.status_code == 302
    assert response["Location"] == url("detail", sent_fr)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


def test_officer_may_not_requeue(client_for, officer_fr, sent_fr):
    # given
    delivery = _dead(sent_fr)

    # when
    response = client_for(officer_fr).post(
        reverse("messages_hst:delivery_requeue", args=[delivery.pk])
    )

    # then
    assert response.status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD


def test_other_ncb_gets_404_for_requeue(client_for, supervisor_de, sent_fr):
    # given
    delivery = _dead(sent_fr)

    # when
    response = client_for(supervisor_de).post(
        reverse("messages_hst:delivery_requeue", args=[delivery.pk])
    )

    # then
    assert response.status_code == 404
