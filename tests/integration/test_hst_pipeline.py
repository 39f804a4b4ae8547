"""A real Celery worker runs the HST delivery pipeline on one instance: a message FR → DE
(both hosted here, transport `local`) is dispatched, signed, delivered into DE's inbox and
acknowledged; and a message whose dispatch enqueue was lost is recovered by the relay.

The worker is another process: it signs with the key file both processes are given through
NCB_SIGNING_KEY_FILE, so the receipt DE's inbox signs (in the worker) verifies here too.
The pipeline chains tasks (dispatch → deliver, relay → dispatch / deliver): the worker
enqueues them onto the queue it consumes (conftest passes CELERY_TASK_DEFAULT_QUEUE).
"""

import datetime as dt
import time

import pytest
from django.db import transaction
from django.utils import timezone

from messages_hst import signing
from messages_hst.choices import DeliveryStatus, InboundStatus, MessageStatus
from messages_hst.models import Delivery, HSTMessage, InboundMessage, OutboxEntry
from messages_hst.pipeline import message_dispatch, queueing, schedule_delivery
from messages_hst.tasks import relay_outbox
from tests.messages_hst.pipeline_support import approved_message

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    # The key file is set before the worker starts, so both sign with it.
    pytest.mark.usefixtures("signing_key"),
]


def _delivered(message):
    return lambda: Delivery.objects.filter(
        message=message, status=DeliveryStatus.DELIVERED
    ).exists()


def test_the_worker_delivers_an_approved_message_locally_with_a_verified_receipt(
    celery_worker, ncb_fr, ncb_de, signing_key
):
    # given
    message = approved_message(ncb_fr, recipients=("DE",))

    # when: the approval's transaction commits (dispatch enqueued on commit)
    with transaction.atomic():
        schedule_delivery(message)

    # then
    celery_worker.wait_for(_delivered(message))
    message.refresh_from_db()
    assert message.status == MessageStatus.DISPATCHED
    public = signing_key.public_key()
    assert message.kid == signing.key_id(public)
    delivery = message.deliveries.get()
    assert delivery.attempts == 1
    assert delivery.receipt_signature == "ok"
    assert delivery.receipt["body"]["receipt"]["received_digest"] == message.digest
    assert delivery.attempt_log.get().detail == "HTTP 201; receipt verified"
    inbound = InboundMessage.objects.get(message_id=message.message_id, recipient_ncb=ncb_de)
    assert inbound.status == InboundStatus.TRIAGE
    assert bytes(inbound.raw_body) == bytes(message.signed_bytes)
    assert OutboxEntry.objects.get(message=message).processed_at is not None


def test_the_relay_recovers_a_message_whose_dispatch_enqueue_was_lost(
    celery_worker, ncb_fr, ncb_de, monkeypatch
):
    # given: the broker lost the approval's dispatch task (nothing reached the worker)
    message = approved_message(ncb_fr, recipients=("DE",))
    with monkeypatch.context() as patch:
        patch.setattr(queueing, "enqueue", lambda *args, **kwargs: False)
        with transaction.atomic():
            schedule_delivery(message)
    time.sleep(2)
    assert HSTMessage.objects.get(pk=message.pk).status == MessageStatus.QUEUED
    # ... and a minute has passed
    OutboxEntry.objects.filter(message=message).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=2)
    )

    # when: beat runs the relay
    relay_outbox.delay()

    # then
    celery_worker.wait_for(_delivered(message))
    entry = OutboxEntry.objects.get(message=message)
    assert entry.enqueue_count == 2
    assert entry.processed_at is not None
    assert InboundMessage.objects.filter(message_id=message.message_id).count() == 1


def test_the_relay_recovers_a_delivery_whose_task_was_lost(
    celery_worker, ncb_fr, ncb_de, monkeypatch
):
    # given: dispatched (signed, due) two minutes ago, but its `deliver` task never ran
    message = approved_message(ncb_fr, recipients=("DE",))
    with monkeypatch.context() as patch:
        patch.setattr(queueing, "enqueue", lambda *args, **kwargs: False)
        with transaction.atomic():
            schedule_delivery(message)
        message_dispatch(message.pk, send_here=False)
    Delivery.objects.filter(message=message).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=2)
    )
    assert Delivery.objects.get(message=message).status == DeliveryStatus.PENDING

    # when
    relay_outbox.delay()

    # then
    celery_worker.wait_for(_delivered(message))
    assert Delivery.objects.get(message=message).attempts == 1
