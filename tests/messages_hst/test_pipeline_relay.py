"""The outbox relay finds in the database what a lost enqueue or a dead worker left behind
(HST.md §7.1), and the supervisors' manual requeue of a dead delivery (HST.md §6)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contacts.models import Notification
from messages_hst.choices import DeliveryStatus
from messages_hst.models import Delivery, OutboxEntry
from messages_hst.pipeline import delivery_requeue, outbox_relay, schedule_delivery
from messages_hst.pipeline.relay import RECEIPT_TIMEOUT_REASON
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.messages_hst.pipeline_support import approved_message, dispatched_message, enqueued

pytestmark = pytest.mark.django_db
AGO = dt.timedelta(minutes=2)


def test_an_outbox_entry_left_unprocessed_is_dispatched_again(
    ncb_fr, ncb_de, django_capture_on_commit_callbacks
):
    # given: approved two minutes ago, its dispatch task lost; another one just now
    lost = approved_message(ncb_fr)
    schedule_delivery(lost)
    OutboxEntry.objects.filter(message=lost).update(enqueued_at=timezone.now() - AGO)
    recent = approved_message(ncb_fr)
    schedule_delivery(recent)

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        count = outbox_relay()

    # then
    assert count == 1
    assert enqueued(callbacks) == [("dispatch_message", lost.pk, None)]
    entry = OutboxEntry.objects.get(message=lost)
    assert entry.enqueue_count == 2
    assert timezone.now() - entry.enqueued_at < dt.timedelta(seconds=5)


def test_a_relayed_entry_waits_another_minute_before_the_next_copy(
    ncb_fr, ncb_de, django_capture_on_commit_callbacks
):
    # given
    message = approved_message(ncb_fr)
    schedule_delivery(message)
    OutboxEntry.objects.filter(message=message).update(enqueued_at=timezone.now() - AGO)
    outbox_relay()

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        count = outbox_relay()

    # then
    assert count == 0
    assert callbacks == []


def test_deliveries_whose_time_passed_long_ago_are_enqueued_again(
    ncb_fr, ncb_de, django_capture_on_commit_callbacks
):
    # given: one due two minutes ago (its task lost), one due now, one retry later
    lost = dispatched_message(ncb_fr).deliveries.get()
    Delivery.objects.filter(pk=lost.pk).update(next_attempt_at=timezone.now() - AGO)
    dispatched_message(ncb_fr)
    later = dispatched_message(ncb_fr).deliveries.get()
    Delivery.objects.filter(pk=later.pk).update(
        status=DeliveryStatus.RETRY_SCHEDULED, next_attempt_at=timezone.now() + AGO
    )

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        count = outbox_relay()

    # then
    assert count == 1
    assert enqueued(callbacks) == [("deliver", lost.pk, None)]
    lost.refresh_from_db()
    assert timezone.now() - lost.next_attempt_at < dt.timedelta(seconds=5)


def test_a_delivery_claimed_by_a_worker_that_died_is_enqueued_again(
    ncb_fr, ncb_de, django_capture_on_commit_callbacks
):
    # given
    delivery = dispatched_message(ncb_fr).deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, updated_at=timezone.now() - 5 * AGO
    )

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        outbox_relay()

    # then
    assert enqueued(callbacks) == [("deliver", delivery.pk, None)]


def test_a_gateway_delivery_without_receipt_by_its_deadline_is_dead_with_an_alert(
    ncb_fr, ncb_de, supervisor_fr
):
    # given
    delivery = dispatched_message(ncb_fr).deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.AWAITING_RECEIPT, deadline_at=timezone.now() - AGO
    )

    # when
    outbox_relay()

    # then
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.last_error == RECEIPT_TIMEOUT_REASON
    assert Notification.objects.get(recipient=supervisor_fr).subject == (
        "HST delivery dead: REQUEST to DE"
    )


def test_the_relay_reads_a_constant_number_of_queries_whatever_it_finds(
    ncb_fr, ncb_de, django_assert_max_num_queries
):
    # given
    for _ in range(3):
        delivery = dispatched_message(ncb_fr).deliveries.get()
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - AGO)

    # when / then
    with django_assert_max_num_queries(12):
        assert outbox_relay() == 3


# --- Manual requeue -----------------------------------------------------------------------


@pytest.fixture
def dead_delivery(ncb_fr, ncb_de):
    delivery = dispatched_message(ncb_fr).deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DEAD,
        attempts=9,
        next_attempt_at=None,
        deadline_at=timezone.now() - AGO,
        last_error="HTTP 503; deadline passed",
    )
    delivery.refresh_from_db()
    return delivery


def test_a_supervisor_requeues_a_dead_delivery_with_a_new_deadline_audited(
    dead_delivery, supervisor_fr, django_capture_on_commit_callbacks
):
    # given
    now = timezone.now()

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        delivery = delivery_requeue(actor=supervisor_fr, delivery=dead_delivery, now=now)

    # then
    stored = Delivery.objects.get(pk=dead_delivery.pk)
    assert delivery.status == stored.status == DeliveryStatus.PENDING
    assert stored.next_attempt_at == now
    assert stored.deadline_at == now + dt.timedelta(hours=4)  # URGENT
    assert stored.last_error == ""
    assert stored.attempts == 9  # the history stays
    assert enqueued(callbacks) == [("deliver", stored.pk, None)]
    event = AuditEvent.objects.get(action=AuditAction.SEND)
    assert event.actor == supervisor_fr
    assert event.object_public_id == dead_delivery.message.message_id
    assert event.details == {"delivery": stored.pk, "recipient": "DE", "requeued_from": "DEAD"}


@pytest.mark.parametrize("who", ["officer_fr", "supervisor_de", "analyst_fr"])
def test_only_a_supervisor_of_the_sender_ncb_may_requeue(dead_delivery, request, who):
    # given
    user = request.getfixturevalue(who)

    # when / then
    with pytest.raises(PermissionDenied):
        delivery_requeue(actor=user, delivery=dead_delivery)
    assert Delivery.objects.get(pk=dead_delivery.pk).status == DeliveryStatus.DEAD
    assert not AuditEvent.objects.filter(action=AuditAction.SEND).exists()


def test_a_delivery_that_is_not_dead_or_rejected_cannot_be_requeued(dead_delivery, supervisor_fr):
    # given
    Delivery.objects.filter(pk=dead_delivery.pk).update(status=DeliveryStatus.DELIVERED)

    # when / then
    with pytest.raises(ValidationError) as error:
        delivery_requeue(actor=supervisor_fr, delivery=dead_delivery)
    assert "this one is delivered" in error.value.message_dict["status"][0]


def test_a_rejection_by_the_recipient_after_triage_cannot_be_requeued(
    dead_delivery, supervisor_fr
):
    # given: the recipient's RESPONSE rejected the message
    Delivery.objects.filter(pk=dead_delivery.pk).update(
        status=DeliveryStatus.REJECTED, response_outcome="REJECTED"
    )

    # when / then
    with pytest.raises(ValidationError) as error:
        delivery_requeue(actor=supervisor_fr, delivery=dead_delivery)
    assert "send a correction" in error.value.message_dict["status"][0]


def test_a_delivery_of_a_message_that_could_not_be_signed_cannot_be_requeued(
    ncb_fr, ncb_de, supervisor_fr
):
    # given
    from messages_hst.pipeline import message_dispatch

    message = approved_message(ncb_fr, x_count=2**60)
    schedule_delivery(message)
    message_dispatch(message.pk)
    delivery = message.deliveries.get()

    # when / then
    with pytest.raises(ValidationError) as error:
        delivery_requeue(actor=supervisor_fr, delivery=delivery)
    assert "could not be signed" in error.value.message_dict["status"][0]
