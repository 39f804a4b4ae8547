"""The received side through the API: inbound messages (audited reads, triage) of the
caller's NCB only."""

import pytest

from messages_hst.choices import InboundStatus
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.evidence.factories import open_case
from tests.messages_hst import examples
from tests.messages_hst.api.conftest import VICTIM_NAME, named_victim
from tests.messages_hst.factories import InboundMessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbound_fr(ncb_fr, ncb_de):
    """A REQUEST from Germany to France awaiting triage, naming its victim."""
    document = named_victim(examples.request_message())
    return InboundMessageFactory(
        recipient_ncb=ncb_fr,
        sender_code="DE",
        status=InboundStatus.TRIAGE,
        signature_status="ok",
        message_type="REQUEST",
        priority="URGENT",
        subject=document["subject"],
        message_id=document["message_id"],
        document=document,
    )


def _url(inbound, *parts):
    return "/".join(["/api/v1/messages/inbound", str(inbound.public_id), *parts, ""])


def test_reading_a_received_message_is_audited_and_hides_the_victims_name(
    inbound_fr, officer_fr, api_client_for
):
    # when
    response = api_client_for(officer_fr).get(_url(inbound_fr))
    # then: no case of ours holds it yet, so nobody here holds the permission for it
    assert response.status_code == 200
    body = response.json()
    assert (body["sender"], body["status"], body["signature_status"]) == ("DE", "TRIAGE", "ok")
    assert VICTIM_NAME not in response.content.decode()
    assert body["allowed_actions"] == ["accept", "reject", "reply"]
    assert AuditEvent.objects.filter(
        actor=officer_fr, action=AuditAction.VIEW, object_public_id=inbound_fr.public_id
    ).exists()


def test_an_analyst_reads_but_may_not_triage(inbound_fr, analyst_fr, api_client_for):
    # given
    client = api_client_for(analyst_fr)
    # when
    read = client.get(_url(inbound_fr))
    reject = client.post(_url(inbound_fr, "reject"), {"reasons": ["OTHER"]}, format="json")
    # then
    assert (read.status_code, read.json()["allowed_actions"], reject.status_code) == (
        200,
        [],
        403,
    )


def test_another_ncbs_received_message_is_a_404_and_the_attempt_is_audited(
    inbound_fr, officer_de, api_client_for
):
    # when
    read = api_client_for(officer_de).get(_url(inbound_fr))
    reject = api_client_for(officer_de).post(_url(inbound_fr, "reject"), {}, format="json")
    # then
    assert (read.status_code, reject.status_code) == (404, 404)
    assert AuditEvent.objects.filter(actor=officer_de, action=AuditAction.DENIED).exists()


def test_rejecting_needs_a_known_reason_code(inbound_fr, officer_fr, api_client_for):
    # when
    response = api_client_for(officer_fr).post(
        _url(inbound_fr, "reject"), {"reasons": ["BORING"]}, format="json"
    )
    # then
    assert (response.status_code, list(response.json())) == (400, ["reasons.0"])


def test_accepting_into_a_case_and_a_new_one_at_once_is_a_400(
    inbound_fr, officer_fr, case_fr, api_client_for
):
    # when
    response = api_client_for(officer_fr).post(
        _url(inbound_fr, "accept"),
        {"case": str(case_fr.public_id), "create_case": True},
        format="json",
    )
    # then
    assert (response.status_code, list(response.json())) == (400, ["create_case"])


def test_accepting_into_a_case_that_is_not_yours_is_a_400_naming_case(
    inbound_fr, officer_fr, officer_de, api_client_for
):
    # given
    german_case = open_case(officer_de)
    # when
    response = api_client_for(officer_fr).post(
        _url(inbound_fr, "accept"),
        {"case": str(german_case.public_id), "import_refs": ["P1"]},
        format="json",
    )
    # then
    assert (response.status_code, list(response.json())) == (400, ["case"])


def test_accepting_imports_into_a_new_case_and_answers_it_with_the_matches(
    inbound_fr, officer_fr, api_client_for
):
    # when
    response = api_client_for(officer_fr).post(
        _url(inbound_fr, "accept"),
        {"create_case": True, "import_refs": ["P1"], "comment": "Known recruiter (test)"},
        format="json",
    )
    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["inbound"]["status"] == "ACCEPTED"
    assert body["inbound"]["triaged_by"] == "officer_fr"
    assert body["case"] == body["inbound"]["case"] is not None
    assert body["matches"] == []


def test_rejecting_records_the_reasons(inbound_fr, officer_fr, api_client_for):
    # given
    client = api_client_for(officer_fr)
    # when
    response = client.post(
        _url(inbound_fr, "reject"), {"reasons": ["NOT_COMPETENT"]}, format="json"
    )
    again = client.post(_url(inbound_fr, "reject"), {"reasons": ["OTHER"]}, format="json")
    # then
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["rejection_reasons"]) == (
        "REJECTED",
        ["NOT_COMPETENT"],
    )
    assert response.json()["allowed_actions"] == []
    assert (again.status_code, list(again.json())) == (400, ["status"])


def test_a_reply_to_a_received_request_is_started_through_the_message_list(
    inbound_fr, officer_fr, api_client_for
):
    # when
    response = api_client_for(officer_fr).post(
        "/api/v1/messages/", {"reply_to": str(inbound_fr.public_id)}, format="json"
    )
    # then
    assert response.status_code in (201, 202), response.json()
    body = response.json()
    assert (body["message_type"], body["in_reply_to"]) == ("REPLY", str(inbound_fr.message_id))
    assert body["recipients"] == ["DE"]


def test_replying_to_what_another_ncb_received_is_a_400_naming_reply_to(
    inbound_fr, officer_de, api_client_for
):
    # when
    response = api_client_for(officer_de).post(
        "/api/v1/messages/", {"reply_to": str(inbound_fr.public_id)}, format="json"
    )
    # then
    assert (response.status_code, list(response.json())) == (400, ["reply_to"])
