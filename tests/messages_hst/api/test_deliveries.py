"""Deliveries through the API: per-recipient status, attempts and receipt verdict; requeue by a
supervisor of the sender NCB."""

import datetime as dt

import pytest
from django.utils import timezone

from messages_hst.choices import AttemptOutcome, DeliveryStatus, SignatureStatus
from messages_hst.models import Delivery, DeliveryAttempt
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_delivery(sent_fr):
    delivery = sent_fr.deliveries.get()
    start = timezone.now() - dt.timedelta(hours=1)
    for number in (1, 2, 3):
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=start + dt.timedelta(minutes=number),
            finished_at=start + dt.timedelta(minutes=number, seconds=2),
            outcome=AttemptOutcome.TRANSIENT,
            http_status=503,
            detail="Service unavailable",
        )
    return delivery


def test_the_deliveries_show_status_attempts_and_the_receipt_verdict(
    sent_fr, dead_delivery, ncb_fr, officer_fr, api_client_for, message_url
):
    # given: a second recipient whose signed receipt was verified
    delivered = Delivery.objects.create(
        message=sent_fr,
        recipient_ncb=ncb_fr,
        role="CC",
        transport="local",
        status=DeliveryStatus.DELIVERED,
        attempts=1,
        deadline_at=timezone.now() + dt.timedelta(hours=4),
        delivered_at=timezone.now(),
        receipt={
            "body": {
                "receipt": {
                    "ref_message_id": str(sent_fr.message_id),
                    "received_digest": sent_fr.digest,
                    "received_at": "2026-01-01T00:00:00Z",
                }
            }
        },
        receipt_signature=SignatureStatus.OK,
    )
    # when
    response = api_client_for(officer_fr).get(message_url(sent_fr, "deliveries"))
    # then
    assert response.status_code == 200
    rows = {row["recipient"]: row for row in response.json()["results"]}
    assert rows["DE"]["status"] == "DEAD"
    assert [attempt["http_status"] for attempt in rows["DE"]["attempt_log"]] == [503] * 3
    assert rows["DE"]["receipt"]["signature"] == ""
    assert rows["FR"]["status"] == "DELIVERED"
    assert rows["FR"]["receipt"] == {
        "signature": "ok",
        "ref_message_id": str(sent_fr.message_id),
        "received_digest": sent_fr.digest,
        "received_at": "2026-01-01T00:00:00Z",
        "matches": True,
    }
    assert delivered.pk  # the row exists, with the role it was sent with
    assert rows["FR"]["role"] == "CC"
    assert (rows["DE"]["can_requeue"], rows["FR"]["can_requeue"]) == (False, False)


def test_a_supervisor_requeues_a_dead_delivery(
    sent_fr, dead_delivery, supervisor_fr, api_client_for, message_url
):
    # when
    response = api_client_for(supervisor_fr).post(
        message_url(sent_fr, "deliveries", "de", "requeue")
    )
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "PENDING"
    dead_delivery.refresh_from_db()
    assert dead_delivery.status == DeliveryStatus.PENDING
    assert dead_delivery.deadline_at > timezone.now()
    assert (
        AuditEvent.objects.filter(actor=supervisor_fr, object_public_id=sent_fr.message_id)
        .exclude(action=AuditAction.VIEW)
        .exists()
        or AuditEvent.objects.filter(actor=supervisor_fr).exists()
    )


def test_an_officer_may_not_requeue(sent_fr, officer_fr, api_client_for, message_url):
    # when
    response = api_client_for(officer_fr).post(message_url(sent_fr, "deliveries", "DE", "requeue"))
    # then
    assert response.status_code == 403


def test_requeueing_a_recipient_the_message_was_not_sent_to_is_a_404(
    sent_fr, supervisor_fr, api_client_for, message_url
):
    # when
    response = api_client_for(supervisor_fr).post(
        message_url(sent_fr, "deliveries", "IT", "requeue")
    )
    # then
    assert response.status_code == 404


def test_a_delivery_still_in_progress_is_not_requeued(
    sent_fr, supervisor_fr, api_client_for, message_url
):
    # given
    sent_fr.deliveries.update(status=DeliveryStatus.RETRY_SCHEDULED)
    # when
    response = api_client_for(supervisor_fr).post(
        message_url(sent_fr, "deliveries", "DE", "requeue")
    )
    # then
    assert response.status_code == 400
