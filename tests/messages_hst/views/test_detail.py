"""The message page /messages/<id>/: who sees it, what it shows (envelope, deliveries with
attempts and receipts, the rendering), the live fragment, protected persons masked."""

import pytest
from django.urls import reverse

from messages_hst.choices import DeliveryStatus
from ncb_cases import services as case_services
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.messages_hst.factories import hst_document
from tests.messages_hst.views.conftest import VICTIM_NAME, deliver, draft_of, with_named_victim

pytestmark = pytest.mark.django_db


def detail_url(message):
    return reverse("messages_hst:detail", args=[message.message_id])


def test_anonymous_is_sent_to_the_login_page(client_for, sent_fr):
    # when
    response = client_for(None).get(detail_url(sent_fr))

    # then
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("user", ["officer_fr", "supervisor_fr", "analyst_fr"])
def test_the_sender_ncb_reads_its_message(request, client_for, sent_fr, user):
    # when
    response = client_for(request.getfixturevalue(user)).get(detail_url(sent_fr))

    # then
    assert response.status_code == 200
    assert sent_fr.subject in response.content.decode()


@pytest.mark.parametrize("user", ["officer_de", "supervisor_de", "srb_europe", "user_without_ncb"])
def test_anyone_else_gets_404(request, client_for, sent_fr, user):
    # when
    response = client_for(request.getfixturevalue(user)).get(detail_url(sent_fr))

    # then
    assert response.status_code == 404


def test_reading_the_page_is_audited(client_for, officer_fr, sent_fr):
    # when
    client_for(officer_fr).get(detail_url(sent_fr))

    # then
    assert AuditEvent.objects.filter(
        actor=officer_fr, action=AuditAction.VIEW, object_public_id=sent_fr.message_id
    ).exists()


def test_page_shows_the_deliveries_attempts_and_the_verified_receipt(
    client_for, officer_fr, sent_fr
):
    # given the delivery to Germany delivered after a 503
    deliver(sent_fr.deliveries.get())

    # when
    response = client_for(officer_fr).get(detail_url(sent_fr))

    # then
    page = response.content.decode()
    assert "delivery-chip--delivered" in page
    assert "HTTP 503" in page
    assert "HTTP 201" in page
    assert "0f0e0d0c0b0a0908" in page  # the receipt's key id
    assert "matches" in page  # the acknowledged digest is the message's
    assert "signature valid" in page
    assert 'data-live="false"' in page


def test_receipt_of_another_digest_is_flagged(client_for, officer_fr, sent_fr):
    # given a receipt acknowledging other bytes
    deliver(sent_fr.deliveries.get(), digest="0" * 64)

    # when
    page = client_for(officer_fr).get(detail_url(sent_fr)).content.decode()

    # then
    assert "differs" in page


def test_page_polls_while_a_delivery_is_not_final(client_for, officer_fr, sent_fr):
    # when the delivery is still pending
    page = client_for(officer_fr).get(detail_url(sent_fr)).content.decode()

    # then the section asks the script to follow it, without inline script
    assert 'data-live="true"' in page
    assert reverse("messages_hst:deliveries", args=[sent_fr.message_id]) in page
    assert "js/message-status.js" in page
    assert "<script>" not in page


def test_deliveries_fragment_follows_the_status(client_for, officer_fr, sent_fr):
    # given
    client = client_for(officer_fr)
    url = reverse("messages_hst:deliveries", args=[sent_fr.message_id])
    before = client.get(url)
    delivery = sent_fr.deliveries.get()
    delivery.status = DeliveryStatus.RETRY_SCHEDULED
    delivery.last_error = "Connection refused"
    delivery.save()

    # when
    after = client.get(url)

    # then
    assert before.status_code == 200
    assert "delivery-chip--pending" in before.content.decode()
    assert "delivery-chip--retry_scheduled" in after.content.decode()
    assert "Connection refused" in after.content.decode()
    assert "no-cache" in after["Cache-Control"] or "max-age=0" in after["Cache-Control"]


@pytest.mark.parametrize("user", ["officer_de", "srb_europe"])
def test_deliveries_fragment_is_404_for_others(request, client_for, sent_fr, user):
    # when
    response = client_for(request.getfixturevalue(user)).get(
        reverse("messages_hst:deliveries", args=[sent_fr.message_id])
    )

    # then
    assert response.status_code == 404


def test_page_shows_the_signed_rendering(client_for, officer_fr, sent_fr):
    # when
    page = client_for(officer_fr).get(detail_url(sent_fr)).content.decode()

    # then
    assert '<pre class="rendering"' in page
    assert "HST REQUEST" in page
    assert sent_fr.digest in page


def _message_naming_a_victim(ncb_fr, officer_fr, supervisor_fr, case_fr):
    from tests.messages_hst.views.conftest import sent_message

    message = sent_message(ncb_fr, officer_fr, supervisor_fr, case=case_fr)
    message.document = with_named_victim(
        hst_document(message_id=message.message_id, sender_ncb=ncb_fr, case=case_fr)
    )
    message.rendering = f"PERSON P2\n  FAMILY NAME: {VICTIM_NAME}\n"
    message.save()
    return message


def test_victim_names_absent_without_identity_permission(
    client_for, officer_fr, supervisor_fr, ncb_fr, case_fr
):
    # given a sent message naming the victim P2
    message = _message_naming_a_victim(ncb_fr, officer_fr, supervisor_fr, case_fr)

    # when an officer without the victim-identity grant reads it
    page = client_for(officer_fr).get(detail_url(message)).content.decode()

    # then neither the persons nor the rendering name her
    assert VICTIM_NAME not in page
    assert "Victim P2" in page
    assert "DURAND-TEST" in page  # the suspect is not protected


def test_victim_names_shown_with_identity_permission(
    client_for, officer_fr, supervisor_fr, ncb_fr, case_fr
):
    # given the same message, and the officer granted the victim identity on the case
    message = _message_naming_a_victim(ncb_fr, officer_fr, supervisor_fr, case_fr)
    case_services.victim_identity_grant(actor=supervisor_fr, case=case_fr, user=officer_fr)

    # when
    page = client_for(officer_fr).get(detail_url(message)).content.decode()

    # then
    assert VICTIM_NAME in page


def test_draft_shows_edit_submit_and_discard_to_its_ncb(client_for, officer_fr, draft_fr):
    # when
    page = client_for(officer_fr).get(detail_url(draft_fr)).content.decode()

    # then
    assert reverse("messages_hst:submit", args=[draft_fr.message_id]) in page
    assert reverse("messages_hst:discard", args=[draft_fr.message_id]) in page
    assert reverse("messages_hst:approve", args=[draft_fr.message_id]) not in page


def test_analyst_sees_no_action(client_for, analyst_fr, draft_fr):
    # when
    page = client_for(analyst_fr).get(detail_url(draft_fr)).content.decode()

    # then
    assert reverse("messages_hst:submit", args=[draft_fr.message_id]) not in page
    assert reverse("messages_hst:discard", args=[draft_fr.message_id]) not in page


def test_author_supervisor_is_told_another_supervisor_approves(
    client_for, supervisor_fr, ncb_fr, case_fr
):
    # given a message the supervisor wrote and submitted
    from django.utils import timezone

    message = draft_of(
        ncb_fr,
        supervisor_fr,
        case=case_fr,
        status="PENDING_APPROVAL",
        submitted_by=supervisor_fr,
        submitted_at=timezone.now(),
    )

    # when
    page = client_for(supervisor_fr).get(detail_url(message)).content.decode()

    # then
    assert reverse("messages_hst:approve", args=[message.message_id]) not in page
    assert "four eyes" in page


def test_other_supervisor_sees_approve_and_return(client_for, supervisor_fr, pending_fr):
    # when
    page = client_for(supervisor_fr).get(detail_url(pending_fr)).content.decode()

    # then
    assert reverse("messages_hst:approve", args=[pending_fr.message_id]) in page
    assert reverse("messages_hst:return", args=[pending_fr.message_id]) in page


def test_sent_message_offers_follow_ups_and_requeue_of_a_dead_delivery(
    client_for, supervisor_fr, sent_fr
):
    # given the delivery died
    delivery = sent_fr.deliveries.get()
    delivery.status = DeliveryStatus.DEAD
    delivery.save()

    # when
    page = client_for(supervisor_fr).get(detail_url(sent_fr)).content.decode()

    # then
    assert reverse("messages_hst:follow_up", args=[sent_fr.message_id]) in page
    assert reverse("messages_hst:delivery_requeue", args=[delivery.pk]) in page
    assert 'value="REMINDER"' in page  # a REQUEST may be reminded


def test_officer_cannot_requeue(client_for, officer_fr, sent_fr):
    # given
    delivery = sent_fr.deliveries.get()
    delivery.status = DeliveryStatus.DEAD
    delivery.save()

    # when
    page = client_for(officer_fr).get(detail_url(sent_fr)).content.decode()

    # then
    assert reverse("messages_hst:delivery_requeue", args=[delivery.pk]) not in page


def test_pending_message_shows_a_preview_of_its_text(client_for, supervisor_fr, pending_fr):
    # when the approver reads a message not yet signed
    page = client_for(supervisor_fr).get(detail_url(pending_fr)).content.decode()

    # then the text it will be sent as is previewed
    assert "rendering--preview" in page
    assert str(pending_fr.message_id).upper() in page.upper()


def test_preview_withheld_when_it_would_name_a_victim(client_for, supervisor_fr, pending_fr):
    # given the draft names the victim P2
    pending_fr.document = with_named_victim(pending_fr.document)
    pending_fr.save()

    # when
    page = client_for(supervisor_fr).get(detail_url(pending_fr)).content.decode()

    # then
    assert VICTIM_NAME not in page
    assert "rendering--preview" not in page


def test_a_problem_about_a_protected_person_withholds_its_text(client_for, officer_fr, draft_fr):
    # given a stored warning quoting the victim P2 (persons[1])
    draft_fr.problems = [
        {
            "path": "/body/persons/1/family_name",
            "code": "victim_identity_disclosed",
            "severity": "warning",
            "message": f"{VICTIM_NAME} is named",
        }
    ]
    draft_fr.save()

    # when
    page = client_for(officer_fr).get(detail_url(draft_fr)).content.decode()

    # then the path and the code stay, the quoted value goes
    assert VICTIM_NAME not in page
    assert "victim_identity_disclosed" in page
    assert "/body/persons/1/family_name" in page


def test_page_stops_following_once_every_delivery_is_final(client_for, officer_fr, sent_fr):
    # given the only delivery was blocked by policy while the message is still QUEUED
    sent_fr.status = "QUEUED"
    sent_fr.save()
    delivery = sent_fr.deliveries.get()
    delivery.status = DeliveryStatus.BLOCKED
    delivery.last_error = "Recipient denied by the handling restrictions"
    delivery.save()

    # when
    page = client_for(officer_fr).get(detail_url(sent_fr)).content.decode()

    # then
    assert 'data-live="false"' in page
    assert "delivery-chip--blocked" in page
