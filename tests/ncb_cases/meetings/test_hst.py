"""Invitation and minutes as HST INFO drafts: prefilled, valid, no case data, four eyes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from messages_hst.choices import MessageStatus, MessageType
from messages_hst.models import HSTMessage
from messages_hst.services import message_approve, message_submit
from messages_hst.services.meetings import meeting_message_draft
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent, MeetingParticipant

pytestmark = pytest.mark.django_db


def test_invitation_is_a_valid_info_draft_to_the_other_participants(
    supervisor_fr, meeting_fr, case_fr
):
    # given: a linked case, which must not travel
    meeting_fr.cases.set([case_fr])
    # when
    message = meeting_message_draft(actor=supervisor_fr, meeting=meeting_fr, purpose="invitation")
    # then
    assert message.status == MessageStatus.DRAFT
    assert message.message_type == MessageType.INFO
    assert message.created_by == supervisor_fr
    assert message.case is None
    document = message.document
    assert [r["ncb_code"] for r in document["recipients"]] == ["IT", "NG"]
    assert document["case"] == {"hst_case_id": str(meeting_fr.public_id)}
    summary = document["body"]["case_summary"]["summary"]
    assert meeting_fr.title in summary
    assert "Routes via Libya" in summary
    assert "Europe/Paris" in summary
    assert case_fr.reference not in str(document)
    assert case_fr.title not in str(document)
    assert [p for p in message.problems if p["severity"] == "error"] == []


def test_participations_record_the_message(supervisor_fr, meeting_fr, ncb_it, ncb_ng):
    message = meeting_message_draft(actor=supervisor_fr, meeting=meeting_fr, purpose="invitation")
    rows = MeetingParticipant.objects.filter(meeting=meeting_fr)
    assert {row.invitation_message_id for row in rows} == {message.message_id}
    assert all(row.invitation_sent_at is not None for row in rows)
    assert all(row.minutes_message_id is None for row in rows)


def test_minutes_need_minutes(supervisor_fr, meeting_fr):
    with pytest.raises(ValidationError):
        meeting_message_draft(actor=supervisor_fr, meeting=meeting_fr, purpose="minutes")
    meeting_fr.minutes = "Agreed: Italy shares the route analysis by May."
    meeting_fr.save()
    message = meeting_message_draft(actor=supervisor_fr, meeting=meeting_fr, purpose="minutes")
    assert "Italy shares the route analysis" in message.document["body"]["case_summary"]["summary"]
    assert message.subject.startswith("Minutes:")


@pytest.mark.parametrize("who", ["officer_fr", "officer_it", "srb_europe", "admin_user"])
def test_only_a_supervisor_of_the_organiser_drafts(request, meeting_fr, who):
    with pytest.raises(PermissionDenied):
        meeting_message_draft(
            actor=request.getfixturevalue(who), meeting=meeting_fr, purpose="invitation"
        )
    assert not HSTMessage.objects.exists()


def test_draft_goes_through_four_eyes(supervisor_fr, meeting_fr, ncb_fr):
    # given
    from contacts.choices import OfficerRole
    from tests.factories import officer_user

    colleague = officer_user("supervisor2_fr", ncb_fr, OfficerRole.SUPERVISOR)
    message = meeting_message_draft(actor=supervisor_fr, meeting=meeting_fr, purpose="invitation")
    # when
    message = message_submit(actor=supervisor_fr, message=message)
    with pytest.raises(PermissionDenied):
        message_approve(actor=supervisor_fr, message=message)
    approved = message_approve(actor=colleague, message=message)
    # then
    assert approved.status in (MessageStatus.APPROVED, MessageStatus.QUEUED)


def test_send_button_drafts_and_opens_the_message(client_for, supervisor_fr, meeting_fr):
    response = client_for(supervisor_fr).post(
        reverse("meetings:send_invitation", args=[meeting_fr.public_id])
    )
    message = HSTMessage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == message.get_absolute_url()
    assert AuditEvent.objects.filter(
        object_public_id=message.message_id, action=AuditAction.CREATE
    ).exists()


def test_send_button_is_404_for_a_participant(client_for, officer_it, meeting_fr):
    response = client_for(officer_it).post(
        reverse("meetings:send_invitation", args=[meeting_fr.public_id])
    )
    assert response.status_code == 404
    assert not HSTMessage.objects.exists()


def test_the_draft_opens_and_edits_in_the_message_pages(client_for, supervisor_fr, meeting_fr):
    message = meeting_message_draft(actor=supervisor_fr, meeting=meeting_fr, purpose="invitation")
    client = client_for(supervisor_fr)
    detail = client.get(reverse("messages_hst:detail", args=[message.message_id]))
    edit = client.get(reverse("messages_hst:edit", args=[message.message_id]))
    assert detail.status_code == 200
    assert "Routes via Libya" in detail.text
    assert edit.status_code == 200
