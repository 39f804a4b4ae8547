"""A message through the API: composed from a case, edited, submitted, approved by a second
person (four eyes), returned, discarded, followed up (issue 5 items 3 and 9)."""

import pytest

from messages_hst import services
from messages_hst.choices import MessageStatus
from messages_hst.models import HSTMessage
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.messages_hst.api.conftest import VICTIM_NAME, named_victim

pytestmark = pytest.mark.django_db


def test_composing_from_a_case_answers_202_and_the_worker_builds_the_draft(
    officer_fr, case_fr, api_client_for, message_url, django_capture_on_commit_callbacks
):
    # given
    client = api_client_for(officer_fr)
    body = {
        "case": str(case_fr.public_id),
        "message_type": "INFO",
        "recipients": ["de"],
        "priority": "PRIORITY",
    }
    # when
    with django_capture_on_commit_callbacks() as enqueued:
        response = client.post(message_url(), body, format="json")
    # then: COMPOSING until the worker ran, which was enqueued on commit
    assert response.status_code == 202
    assert response.json()["status"] == "COMPOSING"
    assert response["Location"].endswith(message_url(HSTMessage.objects.get()))
    assert len(enqueued) == 1
    # when the worker runs
    services.message_compose_build(HSTMessage.objects.get().pk)
    detail = client.get(response["Location"]).json()
    # then
    assert detail["status"] == "DRAFT"
    assert detail["recipients"] == ["DE"]
    assert detail["document"]["body"]
    assert "update" in detail["allowed_actions"]


def test_a_case_that_is_not_yours_is_a_400_naming_case(officer_de, case_fr, api_client_for):
    # when
    response = api_client_for(officer_de).post(
        "/api/v1/messages/",
        {"case": str(case_fr.public_id), "message_type": "INFO", "recipients": ["FR"]},
        format="json",
    )
    # then
    assert (response.status_code, list(response.json())) == (400, ["case"])
    assert not HSTMessage.objects.exists()


def test_composing_needs_a_case_a_type_and_recipients(officer_fr, api_client_for):
    # when
    response = api_client_for(officer_fr).post("/api/v1/messages/", {}, format="json")
    # then
    assert response.status_code == 400
    assert set(response.json()) == {"case", "message_type", "recipients"}


def test_a_follow_up_type_is_not_composed_from_a_case(officer_fr, case_fr, api_client_for):
    # when
    response = api_client_for(officer_fr).post(
        "/api/v1/messages/",
        {"case": str(case_fr.public_id), "message_type": "CANCEL", "recipients": ["DE"]},
        format="json",
    )
    # then
    assert (response.status_code, list(response.json())) == (400, ["message_type"])


def test_four_eyes_the_author_submits_and_a_different_supervisor_approves(
    draft_fr, officer_fr, supervisor_fr, api_client_for, message_url
):
    # given
    author, approver = api_client_for(officer_fr), api_client_for(supervisor_fr)
    # when
    submitted = author.post(message_url(draft_fr, "submit"))
    own_approval = author.post(message_url(draft_fr, "approve"), {}, format="json")
    approved = approver.post(
        message_url(draft_fr, "approve"), {"override_warnings": True}, format="json"
    )
    # then
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "PENDING_APPROVAL"
    assert "approve" not in submitted.json()["allowed_actions"]
    assert own_approval.status_code == 403
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] in ("APPROVED", "QUEUED", "DISPATCHED")
    assert approved.json()["approved_by"] == "supervisor_fr"
    assert [row["recipient"] for row in approved.json()["deliveries"]] == ["DE"]


def test_a_supervisor_who_submitted_may_not_approve_it(
    draft_fr, supervisor_fr, api_client_for, message_url
):
    # given
    client = api_client_for(supervisor_fr)
    client.post(message_url(draft_fr, "submit"))
    # when
    response = client.post(message_url(draft_fr, "approve"), {}, format="json")
    # then
    assert response.status_code == 403
    draft_fr.refresh_from_db()
    assert draft_fr.status == MessageStatus.PENDING_APPROVAL


def test_returning_needs_a_comment_and_makes_the_message_a_draft_again(
    pending_fr, supervisor_fr, api_client_for, message_url
):
    # given
    client = api_client_for(supervisor_fr)
    # when
    without = client.post(message_url(pending_fr, "return"), {}, format="json")
    returned = client.post(
        message_url(pending_fr, "return"),
        {"comment": "Add the coach's registration plate."},
        format="json",
    )
    # then
    assert (without.status_code, list(without.json())) == (400, ["comment"])
    assert returned.status_code == 200
    assert returned.json()["status"] == "DRAFT"
    assert returned.json()["return_comment"] == "Add the coach's registration plate."


def test_discarding_a_draft_keeps_it_as_discarded(
    draft_fr, officer_fr, api_client_for, message_url
):
    # when
    response = api_client_for(officer_fr).post(message_url(draft_fr, "discard"))
    # then
    assert (response.status_code, response.json()["status"]) == (200, "DISCARDED")
    assert api_client_for(officer_fr).post(message_url(draft_fr, "submit")).status_code == 400


def test_cancelling_a_sent_message_starts_a_cancel_draft_that_supersedes_it(
    sent_fr, officer_fr, api_client_for, message_url
):
    # when
    response = api_client_for(officer_fr).post(
        message_url(sent_fr, "cancel"), {"instruction": "DELETE"}, format="json"
    )
    # then: built by the worker like any draft
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["message_type"], body["status"]) == ("CANCEL", "COMPOSING")
    assert body["supersedes"] == str(sent_fr.message_id)
    assert response["Location"].endswith(f"/api/v1/messages/{body['message_id']}/")
    sent_fr.refresh_from_db()
    assert sent_fr.status == MessageStatus.DISPATCHED


def test_only_a_sent_message_is_followed_up(draft_fr, officer_fr, api_client_for, message_url):
    # when
    response = api_client_for(officer_fr).post(
        message_url(draft_fr, "follow-up"), {"message_type": "UPDATE"}, format="json"
    )
    # then
    assert (response.status_code, list(response.json())) == (400, ["status"])


def test_a_cancel_instruction_outside_the_code_list_is_a_400_naming_instruction(
    sent_fr, officer_fr, api_client_for, message_url
):
    # when
    response = api_client_for(officer_fr).post(
        message_url(sent_fr, "cancel"), {"instruction": "SHRED"}, format="json"
    )
    # then
    assert (response.status_code, list(response.json())) == (400, ["instruction"])


def test_a_follow_up_of_an_unknown_type_is_a_400_naming_message_type(
    sent_fr, officer_fr, api_client_for, message_url
):
    # when
    response = api_client_for(officer_fr).post(
        message_url(sent_fr, "follow-up"), {"message_type": "INFO"}, format="json"
    )
    # then
    assert (response.status_code, list(response.json())) == (400, ["message_type"])


def test_reading_a_message_is_audited_and_a_refused_read_too(
    draft_fr, officer_fr, officer_de, api_client_for, message_url
):
    # when
    api_client_for(officer_fr).get(message_url(draft_fr))
    api_client_for(officer_de).get(message_url(draft_fr))
    # then
    actions = list(
        AuditEvent.objects.filter(object_public_id=draft_fr.message_id)
        .order_by("id")
        .values_list("actor__username", "action")
    )
    assert ("officer_fr", AuditAction.VIEW) in actions
    assert ("officer_de", AuditAction.DENIED) in actions


def test_warnings_need_the_approvers_explicit_override(
    pending_fr, supervisor_fr, api_client_for, message_url
):
    # given: a named victim is a warning (HST.md §8 level 4)
    pending_fr.document = named_victim(pending_fr.document)
    pending_fr.save()
    client = api_client_for(supervisor_fr)
    # when
    refused = client.post(message_url(pending_fr, "approve"), {}, format="json")
    approved = client.post(
        message_url(pending_fr, "approve"),
        {"override_warnings": True, "comment": "The German NCB needs her name."},
        format="json",
    )
    # then
    assert refused.status_code == 400
    assert {problem["severity"] for problem in refused.json()["document"]} == {"warning"}
    assert approved.status_code == 200, approved.json()
    assert approved.json()["warnings_overridden"] is True
    # and what was approved is the stored document, not the one this approver was shown
    # (no identity grant on the case: the name is withheld from them)
    assert VICTIM_NAME not in str(approved.json()["document"])
    assert VICTIM_NAME in str(HSTMessage.objects.get(pk=pending_fr.pk).document)
