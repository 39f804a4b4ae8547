"""Follow-ups (UPDATE, CORRECTION, CANCEL, CLOSE, REMINDER), replies to received REQUESTs and
messages the system sends: built in the thread, valid, and through the same approval."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from messages_hst import services
from messages_hst.choices import InboundStatus, MessageStatus
from messages_hst.models import Delivery, HSTMessage, TrackedRequest
from messages_hst.services import HSTValidationError
from messages_hst.validation import has_errors
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.messages_hst.authoring_fixtures import approved
from tests.messages_hst.factories import InboundMessageFactory, hst_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_request(compose, officer_fr, supervisor_fr, case_fr):
    """FR's REQUEST to DE, approved."""
    message = compose(officer_fr, case_fr, "REQUEST", priority="URGENT")
    return approved(message, author=officer_fr, approver=supervisor_fr)


@pytest.fixture
def received_request(ncb_fr, ncb_de):
    """DE's REQUEST to FR, received and awaiting triage."""
    message_id = uuid.uuid4()
    document = hst_document(message_id=message_id, sender_ncb=ncb_de, recipients=("FR",))
    return InboundMessageFactory(
        recipient_ncb=ncb_fr,
        sender_ncb=ncb_de,
        sender_code="DE",
        message_id=message_id,
        status=InboundStatus.TRIAGE,
        document=document,
        message_type="REQUEST",
        priority=document["priority"],
        subject=document["subject"],
    )


def _start(follow_up, original, message_type, actor, **kwargs):
    return follow_up(
        services.message_follow_up_start,
        actor=actor,
        original=original,
        message_type=message_type,
        **kwargs,
    )


def _errors(message):
    return [p for p in message.problems if p["severity"] == "error"]


# --- After one of our messages ---------------------------------------------------------------


def test_an_update_restates_the_case_in_the_thread(follow_up, sent_request, officer_fr):
    # when
    update = _start(follow_up, sent_request, "UPDATE", officer_fr)

    # then
    document = update.document
    assert update.status == MessageStatus.DRAFT
    assert _errors(update) == []
    assert document["thread"]["references"] == [str(sent_request.message_id)]
    assert document["case"] == sent_request.document["case"]
    assert document["recipients"] == sent_request.document["recipients"]
    assert document["priority"] == "URGENT"
    assert "requests" not in document["body"]
    assert "OKAFOR" not in str(document)


def test_a_correction_starts_from_the_corrected_message(follow_up, sent_request, officer_fr):
    # when
    correction = _start(follow_up, sent_request, "CORRECTION", officer_fr)

    # then it supersedes the request and restates its body, refs and requests unchanged
    assert _errors(correction) == []
    assert correction.supersedes == sent_request.message_id
    assert correction.document["thread"]["supersedes"] == str(sent_request.message_id)
    assert correction.document["body"] == sent_request.document["body"]
    assert (
        correction.document["handling"]["confidentiality_level"]
        == (sent_request.document["handling"]["confidentiality_level"])
    )


def test_an_approved_cancel_cancels_its_original(
    follow_up, sent_request, officer_fr, supervisor_fr
):
    # given a CANCEL of the request
    cancel = _start(
        follow_up,
        sent_request,
        "CANCEL",
        officer_fr,
        instruction="DELETE",
        reason="Sent to the wrong unit (test).",
    )
    assert cancel.document["body"] == {
        "cancellation": {"instruction": "DELETE", "reason": "Sent to the wrong unit (test)."}
    }
    assert _errors(cancel) == []

    # when approved
    approved(cancel, author=officer_fr, approver=supervisor_fr)

    # then the original is CANCELLED, audited, and a second CANCEL is refused
    sent_request.refresh_from_db()
    assert sent_request.status == MessageStatus.CANCELLED
    assert AuditEvent.objects.filter(
        object_public_id=sent_request.message_id, details__transition="cancelled"
    ).exists()
    with pytest.raises(ValidationError):
        services.message_follow_up_start(
            actor=officer_fr, original=sent_request, message_type="CANCEL"
        )


def test_a_bad_cancel_instruction_is_named(sent_request, officer_fr):
    with pytest.raises(ValidationError) as error:
        services.message_follow_up_start(
            actor=officer_fr, original=sent_request, message_type="CANCEL", instruction="BURN"
        )
    assert "instruction" in error.value.message_dict


def test_a_close_gives_the_case_outcome(follow_up, sent_request, officer_fr):
    close = _start(follow_up, sent_request, "CLOSE", officer_fr)
    assert close.document["body"] == {"closure": {"reason": "INVESTIGATION_CONCLUDED"}}
    assert _errors(close) == []


def test_a_reminder_names_the_open_items(follow_up, sent_request, officer_fr):
    # when all items are reminded by default, or a chosen one
    reminder = _start(follow_up, sent_request, "REMINDER", officer_fr)
    chosen = _start(follow_up, sent_request, "REMINDER", officer_fr, request_refs=["R1"])

    # then
    assert reminder.document["body"] == {"reminder": {"request_refs": ["R1"]}}
    assert reminder.document["thread"]["in_reply_to"] == str(sent_request.message_id)
    assert chosen.document["body"]["reminder"]["request_refs"] == ["R1"]
    assert _errors(reminder) == []


def test_unknown_request_refs_are_refused(sent_request, officer_fr):
    with pytest.raises(ValidationError) as error:
        services.message_follow_up_start(
            actor=officer_fr, original=sent_request, message_type="REMINDER", request_refs=["R9"]
        )
    assert "request_refs" in error.value.message_dict


def test_only_a_request_is_reminded(follow_up, compose, officer_fr, supervisor_fr, case_fr):
    info = approved(
        compose(officer_fr, case_fr, "INFO"), author=officer_fr, approver=supervisor_fr
    )
    with pytest.raises(ValidationError):
        services.message_follow_up_start(actor=officer_fr, original=info, message_type="REMINDER")


def test_a_draft_has_no_follow_up(compose, officer_fr, case_fr):
    draft = compose(officer_fr, case_fr, "INFO")
    with pytest.raises(ValidationError) as error:
        services.message_follow_up_start(actor=officer_fr, original=draft, message_type="UPDATE")
    assert "original" in error.value.message_dict


@pytest.mark.parametrize("who", ["officer_de", "analyst_fr", "srb_europe"])
def test_others_cannot_follow_up_our_messages(request, sent_request, who):
    with pytest.raises(PermissionDenied):
        services.message_follow_up_start(
            actor=request.getfixturevalue(who), original=sent_request, message_type="UPDATE"
        )


def test_a_follow_up_type_is_required(sent_request, officer_fr):
    with pytest.raises(ValidationError) as error:
        services.message_follow_up_start(
            actor=officer_fr, original=sent_request, message_type="INFO"
        )
    assert "message_type" in error.value.message_dict


def test_a_follow_up_goes_through_four_eyes(follow_up, sent_request, officer_fr, supervisor_fr):
    update = _start(follow_up, sent_request, "UPDATE", officer_fr)
    update = services.message_submit(actor=officer_fr, message=update)
    with pytest.raises(PermissionDenied):
        services.message_approve(actor=officer_fr, message=update)
    message = services.message_approve(actor=supervisor_fr, message=update)
    assert Delivery.objects.filter(message=message).count() == 1


# --- After a message we received -------------------------------------------------------------


def test_a_reply_answers_each_request_item(follow_up, received_request, officer_fr):
    # when
    reply = follow_up(services.reply_start, actor=officer_fr, inbound=received_request)

    # then it goes to the requester, in the thread, one outcome per item to fill in
    document = reply.document
    assert document["recipients"] == [{"ncb_code": "DE", "role": "TO"}]
    assert document["thread"]["in_reply_to"] == str(received_request.message_id)
    assert reply.in_reply_to == received_request.message_id
    assert document["body"]["outcomes"] == [{"request_ref": "R1"}, {"request_ref": "R2"}]
    assert reply.subject.startswith("Reply: ")
    assert document["case"]["hst_case_id"] == received_request.document["case"]["hst_case_id"]

    # when the officer fills in the outcomes
    document["body"]["outcomes"] = [
        {"request_ref": "R1", "outcome": "DONE", "details": "Identified (test)."},
        {"request_ref": "R2", "outcome": "NOT_POSSIBLE"},
    ]
    reply = services.message_update_draft(actor=officer_fr, message=reply, document=document)

    # then the reply is valid (it answers a known REQUEST)
    assert not has_errors(services.message_validate(reply))


def test_approving_a_reply_closes_the_items_we_owed(
    follow_up, received_request, officer_fr, supervisor_fr, ncb_fr
):
    # given the items of DE's request that FR owes, and FR's reply answering R1 only fully
    from messages_hst import tracking

    tracking.track_received_request(received_request)
    reply = follow_up(services.reply_start, actor=officer_fr, inbound=received_request)
    document = reply.document
    document["body"]["outcomes"] = [
        {"request_ref": "R1", "outcome": "DONE", "details": "Identified (test)."},
        {"request_ref": "R2", "outcome": "REFERRED", "details": "Passed to GB (test)."},
    ]
    reply = services.message_update_draft(actor=officer_fr, message=reply, document=document)

    # when the reply is approved
    message = approved(reply, author=officer_fr, approver=supervisor_fr)

    # then both items are answered by it
    owed = TrackedRequest.objects.filter(ncb=ncb_fr, direction="RECEIVED").order_by("request_ref")
    assert [(item.request_ref, item.outcome) for item in owed] == [
        ("R1", "DONE"),
        ("R2", "REFERRED"),
    ]
    assert {item.answer_message_id for item in owed} == {message.message_id}


def test_only_a_checked_request_is_answered(received_request, officer_fr):
    received_request.status = InboundStatus.QUARANTINED
    with pytest.raises(ValidationError):
        services.reply_start(actor=officer_fr, inbound=received_request)
    received_request.status = InboundStatus.TRIAGE
    received_request.message_type = "INFO"
    with pytest.raises(ValidationError):
        services.reply_start(actor=officer_fr, inbound=received_request)


@pytest.mark.parametrize("who", ["officer_de", "analyst_fr", "user_without_ncb"])
def test_only_the_recipient_ncb_replies(request, received_request, who):
    with pytest.raises(PermissionDenied):
        services.reply_start(actor=request.getfixturevalue(who), inbound=received_request)


def test_an_update_after_a_received_message_goes_to_its_sender(
    follow_up, received_request, officer_fr
):
    update = _start(follow_up, received_request, "UPDATE", officer_fr)
    assert update.document["recipients"] == [{"ncb_code": "DE", "role": "TO"}]
    assert update.document["thread"]["references"] == [str(received_request.message_id)]


@pytest.mark.parametrize("message_type", ["CORRECTION", "CANCEL", "REMINDER"])
def test_only_the_sender_corrects_cancels_or_reminds(received_request, officer_fr, message_type):
    with pytest.raises(ValidationError) as error:
        services.message_follow_up_start(
            actor=officer_fr, original=received_request, message_type=message_type
        )
    assert "message_type" in error.value.message_dict


# --- System messages -------------------------------------------------------------------------


def test_a_system_response_is_sent_without_a_person(ncb_fr, ncb_de, received_request):
    # when FR's system answers DE's request after triage
    message = services.system_message_send(
        sender_ncb=ncb_fr,
        message_type="RESPONSE",
        recipients=["DE"],
        body={"response": {"ref_message_id": str(received_request.message_id),
                           "outcome": "ACCEPTED"}},
        thread={"in_reply_to": received_request.message_id},
        hst_case_id=received_request.document["case"]["hst_case_id"],
        subject="Response: accepted",
    )  # fmt: skip

    # then it is approved by the system and handed to the pipeline
    message.refresh_from_db()
    assert message.system_generated
    assert message.status == MessageStatus.QUEUED
    assert message.approved_by is None
    assert message.in_reply_to == received_request.message_id
    assert Delivery.objects.filter(message=message, recipient_ncb=ncb_de).exists()
    event = AuditEvent.objects.get(object_public_id=message.message_id)
    assert event.action == AuditAction.SEND
    assert event.actor is None


def test_a_broken_system_message_writes_nothing(ncb_fr, ncb_de):
    with pytest.raises(HSTValidationError) as error:
        services.system_message_send(
            sender_ncb=ncb_fr,
            message_type="RESPONSE",
            recipients=["DE"],
            body={"response": {"outcome": "MAYBE"}},
            thread=None,
        )
    assert error.value.problems
    assert not HSTMessage.objects.exists()
