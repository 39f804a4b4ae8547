"""The lists of the message API: filters, ordering, pagination, and a number of queries that
does not grow with the page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from messages_hst.choices import InboundStatus, MessageStatus, Priority
from messages_hst.models import HSTMessage, TrackedRequest
from tests.messages_hst.factories import HSTMessageFactory, InboundMessageFactory

pytestmark = pytest.mark.django_db


def _messages(count: int, *, officer, case, **fields) -> list[HSTMessage]:
    return [
        HSTMessageFactory(
            sender_ncb=officer.officer.ncb,
            created_by=officer,
            case=case,
            subject=f"Coach route number {index} (test)",
            **fields,
        )
        for index in range(count)
    ]


def _queries(client, url: str) -> int:
    """Queries of one GET by `client` (as a fresh request: the user's NCB membership read
    again, not cached on the test's user object)."""
    user = client.handler._force_user
    client.force_authenticate(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_message_list_takes_the_same_queries_for_3_and_30_messages(
    officer_fr, supervisor_fr, case_fr, api_client_for
):
    # given
    client = api_client_for(officer_fr)
    fields = {"approved_by": supervisor_fr, "status": MessageStatus.DISPATCHED}
    _messages(3, officer=officer_fr, case=case_fr, **fields)
    few = _queries(client, "/api/v1/messages/")
    _messages(27, officer=officer_fr, case=None, **fields)
    # when
    many = _queries(client, "/api/v1/messages/")
    # then
    assert many == few <= 3  # the caller's NCB membership, the count, the page


def test_the_inbound_list_takes_the_same_queries_for_2_and_20_messages(
    officer_fr, ncb_fr, api_client_for
):
    # given
    client = api_client_for(officer_fr)

    def receive(count):
        for _ in range(count):
            InboundMessageFactory(recipient_ncb=ncb_fr, sender_code="DE", status="TRIAGE")

    receive(2)
    few = _queries(client, "/api/v1/messages/inbound/")
    receive(18)
    # when
    many = _queries(client, "/api/v1/messages/inbound/")
    # then
    assert many == few <= 3  # the caller's NCB membership, the count, the page


def test_the_request_list_takes_the_same_queries_for_2_and_20_items(
    officer_fr, ncb_fr, case_fr, api_client_for
):
    # given
    client = api_client_for(officer_fr)
    message_id = HSTMessageFactory(sender_ncb=ncb_fr).message_id

    def track(start, count):
        for number in range(start, start + count):
            TrackedRequest.objects.create(
                ncb=ncb_fr,
                direction="SENT",
                counterpart_code="DE",
                request_message_id=message_id,
                request_ref=f"R{number}",
                action="IDENTIFY_PERSON",
                due_on=timezone.localdate() - dt.timedelta(days=number % 3),
                case=case_fr,
            )

    track(1, 2)
    few = _queries(client, "/api/v1/messages/requests/")
    track(3, 18)
    # when
    many = _queries(client, "/api/v1/messages/requests/")
    # then
    assert many == few <= 3  # the caller's NCB membership, the count, the page


def test_the_boxes_and_filters_narrow_the_list(officer_fr, supervisor_fr, case_fr, api_client_for):
    # given
    draft = _messages(1, officer=officer_fr, case=case_fr)[0]
    pending = _messages(1, officer=officer_fr, case=None, status=MessageStatus.PENDING_APPROVAL)[0]
    flash = _messages(
        1,
        officer=officer_fr,
        case=case_fr,
        status=MessageStatus.DISPATCHED,
        priority=Priority.FLASH,
        approved_by=supervisor_fr,
    )[0]
    client = api_client_for(officer_fr)

    def listed(**params):
        response = client.get("/api/v1/messages/", params)
        assert response.status_code == 200, response.json()
        return {row["message_id"] for row in response.json()["results"]}

    # when / then
    assert listed(box="drafts") == {str(draft.message_id)}
    assert listed(box="approval") == {str(pending.message_id)}
    assert listed(box="outbox") == {str(flash.message_id)}
    assert listed(priority="FLASH") == {str(flash.message_id)}
    assert listed(case=str(case_fr.public_id)) == {str(draft.message_id), str(flash.message_id)}
    assert listed(status=["DRAFT", "PENDING_APPROVAL"]) == {
        str(draft.message_id),
        str(pending.message_id),
    }
    assert len(listed(search="coach route")) == 3
    assert listed(search="nothing like this") == set()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert listed(created_after=tomorrow) == set()


def test_the_list_is_ordered_and_paginated(officer_fr, case_fr, api_client_for):
    # given
    _messages(3, officer=officer_fr, case=case_fr)
    # when
    response = api_client_for(officer_fr).get(
        "/api/v1/messages/", {"ordering": "subject", "page_size": 2}
    )
    # then
    body = response.json()
    assert body["count"] == 3
    assert [row["subject"] for row in body["results"]] == [
        "Coach route number 0 (test)",
        "Coach route number 1 (test)",
    ]
    assert "page=2" in body["next"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"box": "trash"}, "box"),
        ({"status": "SENT"}, "status"),
        ({"case": "FR-2025-0001"}, "case"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"ordering": "password"}, "ordering"),
        ({"created_after": "2026-02-01", "created_before": "2026-01-01"}, "created_before"),
    ],
)
def test_an_invalid_parameter_is_a_400_naming_it(params, field, officer_fr, api_client_for):
    # when
    response = api_client_for(officer_fr).get("/api/v1/messages/", params)
    # then
    assert (response.status_code, list(response.json())) == (400, [field])


def test_the_inbound_list_filters_by_status_and_sender(officer_fr, ncb_fr, api_client_for):
    # given
    kept = InboundMessageFactory(recipient_ncb=ncb_fr, sender_code="DE", status="TRIAGE")
    InboundMessageFactory(recipient_ncb=ncb_fr, sender_code="IT", status="TRIAGE")
    InboundMessageFactory(recipient_ncb=ncb_fr, sender_code="DE", status="QUARANTINED")
    # when
    response = api_client_for(officer_fr).get(
        "/api/v1/messages/inbound/", {"status": InboundStatus.TRIAGE, "sender": "de"}
    )
    # then
    assert [row["public_id"] for row in response.json()["results"]] == [str(kept.public_id)]


def test_overdue_requests_are_the_open_ones_past_their_due_date(
    officer_fr, ncb_fr, api_client_for
):
    # given
    message_id = HSTMessageFactory(sender_ncb=ncb_fr).message_id
    today = timezone.localdate()
    for ref, due, outcome in (
        ("R1", today - dt.timedelta(days=2), ""),
        ("R2", today + dt.timedelta(days=2), ""),
        ("R3", today - dt.timedelta(days=5), "DONE"),
    ):
        TrackedRequest.objects.create(
            ncb=ncb_fr,
            direction="SENT",
            counterpart_code="DE",
            request_message_id=message_id,
            request_ref=ref,
            action="LOCATE_PERSON",
            due_on=due,
            outcome=outcome,
        )
    client = api_client_for(officer_fr)
    # when
    overdue = client.get("/api/v1/messages/requests/", {"overdue": "true"}).json()["results"]
    every = client.get("/api/v1/messages/requests/").json()["results"]
    # then
    assert [(row["request_ref"], row["overdue"]) for row in overdue] == [("R1", True)]
    assert sorted(row["request_ref"] for row in every) == ["R1", "R2", "R3"]
