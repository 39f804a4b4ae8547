"""The history `bench.hst` writes before measuring (`bench.hst_load history`): messages as
sent long ago, which the pipeline must leave alone (it only has to read past them)."""

import pytest

from bench.hst_load import history
from messages_hst.choices import DeliveryStatus, MessageStatus
from messages_hst.models import Delivery, HSTMessage, OutboxEntry
from messages_hst.pipeline import outbox_relay
from messages_hst.validation import validate_message

pytestmark = pytest.mark.django_db


def test_history_is_sent_messages_delivered_long_ago(ncb_fr, ncb_de, monkeypatch):
    # given chunks smaller than the count (several transactions)
    monkeypatch.setattr("bench.hst_load.HISTORY_CHUNK", 2)

    # when
    result = history(count=5, sender_code="FR", recipient_code="DE")

    # then five dispatched messages, each with its outbox entry processed and one delivery
    # to DE delivered, and documents the validator accepts
    assert result == {"history": 5}
    messages = HSTMessage.objects.filter(sender_ncb=ncb_fr)
    assert set(messages.values_list("status", flat=True)) == {MessageStatus.DISPATCHED}
    assert messages.count() == 5
    assert OutboxEntry.objects.filter(processed_at__isnull=True).count() == 0
    assert OutboxEntry.objects.count() == 5
    deliveries = Delivery.objects.filter(recipient_ncb=ncb_de, status=DeliveryStatus.DELIVERED)
    assert deliveries.count() == 5
    document = messages.first().document
    assert [p for p in validate_message(document) if p.severity == "error"] == []


def test_the_relay_finds_nothing_to_do_in_history(ncb_fr, ncb_de):
    # given
    history(count=3, sender_code="FR", recipient_code="DE")

    # when / then: nothing re-enqueued, nothing expired
    assert outbox_relay() == 0
