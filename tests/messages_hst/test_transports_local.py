"""`local`: FR and DE hosted on this instance; the message goes through the very inbox
function the peers' HTTP inbox calls, and the pipeline reads its answer like a peer's."""

import pytest

from messages_hst.choices import AttemptOutcome, DeliveryStatus, InboundStatus, SignatureStatus
from messages_hst.models import InboundMessage
from messages_hst.pipeline import delivery_attempt
from messages_hst.transports import LocalTransport
from tests.messages_hst.pipeline_support import dispatched_message

pytestmark = pytest.mark.django_db


def test_a_local_delivery_lands_in_the_recipients_inbox_with_a_verified_receipt(ncb_fr, ncb_de):
    # given
    message = dispatched_message(ncb_fr)
    delivery = message.deliveries.get()

    # when
    delivery = delivery_attempt(delivery.pk)

    # then
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.receipt_signature == SignatureStatus.OK
    inbound = InboundMessage.objects.get(message_id=message.message_id)
    assert inbound.recipient_ncb == ncb_de
    assert inbound.transport == "local"
    assert inbound.status == InboundStatus.TRIAGE
    assert bytes(inbound.raw_body) == bytes(message.signed_bytes)
    assert bytes(delivery.receipt_bytes) == bytes(inbound.receipt_bytes)


def test_sending_the_same_message_again_replays_the_same_receipt(ncb_fr, ncb_de):
    # given
    message = dispatched_message(ncb_fr)
    delivery = message.deliveries.select_related("message", "recipient_ncb").get()
    signed = bytes(message.signed_bytes)
    first = LocalTransport().send(delivery, signed)

    # when
    second = LocalTransport().send(delivery, signed)

    # then
    assert (first.outcome, first.http_status) == (AttemptOutcome.DELIVERED, 201)
    assert (second.outcome, second.http_status) == (AttemptOutcome.DELIVERED, 200)
    assert first.receipt_bytes == second.receipt_bytes
    assert InboundMessage.objects.filter(message_id=message.message_id).count() == 1


def test_other_bytes_under_the_same_message_id_are_refused_for_good(ncb_fr, ncb_de):
    # given: the recipient already holds the message; altered bytes under its id
    message = dispatched_message(ncb_fr)
    delivery = message.deliveries.select_related("message", "recipient_ncb").get()
    LocalTransport().send(delivery, bytes(message.signed_bytes))
    altered = bytes(message.signed_bytes).replace(b'"subject":"', b'"subject":"X', 1)

    # when
    result = LocalTransport().send(delivery, altered)

    # then
    assert (result.outcome, result.http_status) == (AttemptOutcome.PERMANENT, 409)
    assert result.detail.startswith("HTTP 409: duplicate_conflict")
