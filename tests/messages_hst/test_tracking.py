"""Requests tracking (`messages_hst.tracking`): items of a REQUEST followed for both NCBs,
closed item by item by a REPLY, overdue on the dashboard, reminded by a REMINDER."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from messages_hst import keys, tracking
from messages_hst.choices import MessageStatus, MessageType, RequestDirection, RequestOutcome
from messages_hst.inbox import inbox_receive
from messages_hst.models import TrackedRequest
from ncb_cases.canonical import canonical_json_bytes
from tests.messages_hst import examples
from tests.messages_hst.factories import HSTMessageFactory, hst_document

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def sent_request(officer_fr, ncb_de):
    """FR's approved REQUEST to DE, with items R1 and R2, tracked as SENT."""
    message = HSTMessageFactory(
        sender_ncb=officer_fr.officer.ncb, created_by=officer_fr, status=MessageStatus.DISPATCHED
    )
    tracking.track_sent_request(message)
    return message


def reply_document(request, *, sender_ncb, outcomes) -> dict:
    """DE's REPLY to `request` (an HSTMessage) answering the given {ref: outcome}."""
    document = examples.reply_message()
    document["message_id"] = str(uuid.uuid4())
    document["created_at"] = request.document["created_at"]
    document["sender"] = {
        "ncb_code": sender_ncb.code,
        "ncb_name": sender_ncb.name,
        "country": sender_ncb.country.iso2,
    }
    document["recipients"] = [{"ncb_code": request.sender_ncb.code, "role": "TO"}]
    document["case"] = request.document["case"]
    document["thread"] = {"in_reply_to": str(request.message_id)}
    document["handling"]["retention"] = request.document["handling"]["retention"]
    document["body"]["outcomes"] = [
        {"request_ref": ref, "outcome": outcome} for ref, outcome in outcomes.items()
    ]
    return document


def test_sent_request_items_are_tracked_once_with_their_due_dates(sent_request, ncb_fr):
    # when the approval is replayed
    tracking.track_sent_request(sent_request)

    # then R1 and R2 are tracked once each, due on the request's deadline / response_due
    items = {i.request_ref: i for i in TrackedRequest.objects.filter(ncb=ncb_fr)}
    assert set(items) == {"R1", "R2"}
    assert items["R1"].direction == RequestDirection.SENT
    assert items["R1"].counterpart_code == "DE"
    assert items["R1"].action == "IDENTIFY_PERSON"
    due = dt.date.fromisoformat(sent_request.document["response_due"])
    assert items["R2"].due_on == due
    assert items["R1"].outcome == RequestOutcome.OPEN


def test_apply_reply_closes_only_the_answered_items(sent_request, ncb_fr, ncb_de):
    # given DE's reply answering R1 only
    reply = reply_document(sent_request, sender_ncb=ncb_de, outcomes={"R1": "DONE"})

    # when it is applied
    closed = tracking.apply_reply(ncb=ncb_fr, reply_document=reply, direction="SENT")

    # then R1 is closed with the answer's id, R2 stays open
    assert closed == 1
    r1 = TrackedRequest.objects.get(request_ref="R1")
    assert r1.outcome == "DONE"
    assert str(r1.answer_message_id) == reply["message_id"]
    assert TrackedRequest.objects.get(request_ref="R2").outcome == RequestOutcome.OPEN


def test_a_second_reply_does_not_change_a_closed_item(sent_request, ncb_fr, ncb_de):
    first = reply_document(sent_request, sender_ncb=ncb_de, outcomes={"R1": "PARTIAL"})
    tracking.apply_reply(ncb=ncb_fr, reply_document=first, direction="SENT")
    second = reply_document(sent_request, sender_ncb=ncb_de, outcomes={"R1": "DONE"})
    assert tracking.apply_reply(ncb=ncb_fr, reply_document=second, direction="SENT") == 0
    assert TrackedRequest.objects.get(request_ref="R1").outcome == "PARTIAL"


def test_received_reply_closes_our_items_through_the_inbox(sent_request, ncb_fr, ncb_de):
    # given DE's signed REPLY answering both items
    reply = reply_document(sent_request, sender_ncb=ncb_de, outcomes={"R1": "DONE", "R2": "DONE"})
    raw = canonical_json_bytes(keys.sign_as_instance(reply))

    # when FR's inbox receives it
    outcome = inbox_receive(raw=raw, recipient_code="FR", transport="local", remote_addr=None)

    # then it is accepted and both items are closed
    assert outcome.http_status == 201, outcome.problems
    outcomes = TrackedRequest.objects.filter(ncb=ncb_fr).values_list("outcome", flat=True)
    assert set(outcomes) == {"DONE"}


def test_received_request_is_tracked_as_owed(ncb_fr, ncb_de):
    document = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    raw = canonical_json_bytes(keys.sign_as_instance(document))
    inbox_receive(raw=raw, recipient_code="DE", transport="local", remote_addr=None)
    owed = TrackedRequest.objects.filter(ncb=ncb_de, direction=RequestDirection.RECEIVED)
    assert owed.count() == 2
    assert set(owed.values_list("counterpart_code", flat=True)) == {"FR"}


def make_items(ncb, count, *, due_on, outcome=RequestOutcome.OPEN):
    return TrackedRequest.objects.bulk_create(
        TrackedRequest(
            ncb=ncb,
            direction=RequestDirection.SENT if index % 2 else RequestDirection.RECEIVED,
            counterpart_code="DE",
            request_message_id=uuid.uuid4(),
            request_ref="R1",
            action="IDENTIFY_PERSON",
            due_on=due_on,
            outcome=outcome,
        )
        for index in range(count)
    )


def test_overdue_lists_open_past_due_items_of_the_users_ncb_only(officer_fr, ncb_fr, ncb_de):
    # given FR items overdue, due today, answered, and a DE item overdue
    overdue = make_items(ncb_fr, 2, due_on=TODAY - dt.timedelta(days=1))
    make_items(ncb_fr, 1, due_on=TODAY)
    make_items(ncb_fr, 1, due_on=TODAY - dt.timedelta(days=3), outcome="DONE")
    make_items(ncb_de, 1, due_on=TODAY - dt.timedelta(days=3))

    # when FR's officer asks
    found = list(tracking.overdue_requests_for_user(user=officer_fr, today=TODAY))

    # then only FR's two open, past-due items, both directions
    assert {item.pk for item in found} == {item.pk for item in overdue}
    assert {item.direction for item in found} == {"SENT", "RECEIVED"}


def test_srb_monitor_and_anonymous_see_no_overdue_items(srb_europe, ncb_fr):
    from django.contrib.auth.models import AnonymousUser

    make_items(ncb_fr, 1, due_on=TODAY - dt.timedelta(days=1))
    assert not tracking.overdue_requests_for_user(user=srb_europe, today=TODAY).exists()
    assert not tracking.overdue_requests_for_user(user=AnonymousUser(), today=TODAY).exists()


@pytest.mark.parametrize("count", [2, 20])
def test_overdue_list_costs_the_same_at_any_size(
    officer_fr, ncb_fr, count, django_assert_max_num_queries
):
    make_items(ncb_fr, count, due_on=TODAY - dt.timedelta(days=1))
    officer_fr.officer  # noqa: B018 - the membership is loaded once per request anyway
    with django_assert_max_num_queries(1):
        items = list(tracking.overdue_requests_for_user(user=officer_fr, today=TODAY))
        assert all(item.case is None for item in items)
    assert len(items) == count


def test_reminder_starts_a_reminder_draft_and_marks_the_items(sent_request, officer_fr):
    # given FR's open item R1
    item = TrackedRequest.objects.get(request_ref="R1")

    # when FR's officer starts a reminder
    reminder = tracking.request_reminder_start(actor=officer_fr, tracked=item)

    # then a REMINDER follow-up of the request exists and both open items are marked
    assert reminder.message_type == MessageType.REMINDER
    assert reminder.sender_ncb == sent_request.sender_ncb
    assert not TrackedRequest.objects.filter(reminded_at__isnull=True).exists()


def test_reminder_by_another_ncb_is_refused(sent_request, officer_de):
    item = TrackedRequest.objects.get(request_ref="R1")
    with pytest.raises(PermissionDenied):
        tracking.request_reminder_start(actor=officer_de, tracked=item)


def test_reminder_for_an_answered_item_is_refused(sent_request, officer_fr):
    item = TrackedRequest.objects.get(request_ref="R1")
    item.outcome = "DONE"
    item.save()
    with pytest.raises(ValidationError):
        tracking.request_reminder_start(actor=officer_fr, tracked=item)


def test_tracked_list_has_open_items_of_the_ncb_soonest_due_first(officer_fr, ncb_fr, ncb_de):
    # given FR items due later, sooner, without date, answered; and a DE item
    later = make_items(ncb_fr, 1, due_on=TODAY + dt.timedelta(days=9))[0]
    sooner = make_items(ncb_fr, 1, due_on=TODAY)[0]
    undated = make_items(ncb_fr, 1, due_on=None)[0]
    answered = make_items(ncb_fr, 1, due_on=TODAY, outcome="DONE")[0]
    make_items(ncb_de, 1, due_on=TODAY)

    # when FR's officer lists them
    listed = list(tracking.tracked_request_list_for_user(user=officer_fr))
    everything = list(
        tracking.tracked_request_list_for_user(user=officer_fr, include_answered=True)
    )

    # then open ones by due date, undated last; answered ones only on request
    assert listed == [sooner, later, undated]
    assert set(everything) == {sooner, later, undated, answered}


def test_tracked_item_of_another_ncb_is_404(officer_de, ncb_fr):
    from django.http import Http404

    item = make_items(ncb_fr, 1, due_on=TODAY)[0]
    with pytest.raises(Http404):
        tracking.tracked_request_get_for_user(user=officer_de, tracked_id=item.pk)


def test_tracked_item_of_the_ncb_is_found(officer_fr, ncb_fr):
    item = make_items(ncb_fr, 1, due_on=TODAY)[0]
    assert tracking.tracked_request_get_for_user(user=officer_fr, tracked_id=item.pk) == item
