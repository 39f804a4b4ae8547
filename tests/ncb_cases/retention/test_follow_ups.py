"""Anonymising or deleting a case sends CORRECTION / CANCEL to whoever received its data,
through the HST services and their four-eyes approval."""

import pytest
from django.core.exceptions import PermissionDenied

from messages_hst import services as hst
from messages_hst.choices import DeliveryStatus, MessageStatus
from messages_hst.models import HSTMessage
from ncb_cases.choices import RetentionDecision
from ncb_cases.services.retention import case_retention_decide
from tests.messages_hst.authoring_fixtures import record_enqueued
from tests.messages_hst.factories import DeliveryFactory, HSTMessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_message(listed_case, ncb_fr, ncb_de, officer_fr):
    """A REQUEST about the case, dispatched and delivered to DE."""
    message = HSTMessageFactory(
        sender_ncb=ncb_fr,
        case=listed_case,
        status=MessageStatus.DISPATCHED,
        created_by=officer_fr,
        recipients=("DE",),
    )
    DeliveryFactory(message=message, recipient_ncb=ncb_de, status=DeliveryStatus.DELIVERED)
    return message


@pytest.fixture
def undelivered_message(listed_case, ncb_fr, ncb_de, officer_fr):
    message = HSTMessageFactory(
        sender_ncb=ncb_fr, case=listed_case, status=MessageStatus.DRAFT, created_by=officer_fr
    )
    return message


def _decide(supervisor, case, decision, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return case_retention_decide(
            actor=supervisor, case=case, decision=decision, reason="Reviewed (test)."
        )


@pytest.mark.parametrize(
    ("decision", "message_type"),
    [(RetentionDecision.DELETE, "CANCEL"), (RetentionDecision.ANONYMISE, "CORRECTION")],
)
def test_a_follow_up_goes_to_the_recipients_of_each_delivered_message(
    monkeypatch,
    django_capture_on_commit_callbacks,
    sent_message,
    undelivered_message,
    listed_case,
    supervisor_fr,
    decision,
    message_type,
):
    # given
    enqueued = record_enqueued(monkeypatch)

    # when
    _decide(supervisor_fr, listed_case, decision, django_capture_on_commit_callbacks)

    # then: one follow-up, superseding the delivered message only, composing for approval
    follow_up = HSTMessage.objects.get(supersedes=sent_message.message_id)
    assert follow_up.message_type == message_type
    assert follow_up.status == MessageStatus.COMPOSING
    assert follow_up.created_by == supervisor_fr
    assert [r["ncb_code"] for r in follow_up.document["recipients"]] == ["DE"]
    assert enqueued == [follow_up.pk]
    assert not HSTMessage.objects.filter(supersedes=undelivered_message.message_id).exists()
    built = hst.message_compose_build(follow_up.pk)
    assert built.status == MessageStatus.DRAFT
    assert built.compose_error == ""
    assert "Okafor" not in str(built.document)


def test_the_cancel_needs_a_second_supervisor_to_approve_it(
    monkeypatch,
    django_capture_on_commit_callbacks,
    sent_message,
    listed_case,
    supervisor_fr,
    supervisor2_fr,
):
    # given
    record_enqueued(monkeypatch)
    _decide(
        supervisor_fr, listed_case, RetentionDecision.DELETE, django_capture_on_commit_callbacks
    )
    cancel = HSTMessage.objects.get(supersedes=sent_message.message_id)
    cancel = hst.message_compose_build(cancel.pk)
    cancel = hst.message_submit(actor=supervisor_fr, message=cancel)

    # when / then: the deciding supervisor cannot approve their own message
    with pytest.raises(PermissionDenied):
        hst.message_approve(actor=supervisor_fr, message=cancel, override_warnings=True)
    approved = hst.message_approve(actor=supervisor2_fr, message=cancel, override_warnings=True)
    assert approved.status in (MessageStatus.APPROVED, MessageStatus.QUEUED)
    assert approved.approved_by == supervisor2_fr
