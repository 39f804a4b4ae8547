"""Approval hands a message to the pipeline: deliveries, policy blocks, the outbox, and the
one dispatch that signs it (HST.md §6, §7.1)."""

import datetime as dt
import hashlib
import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from messages_hst import signing
from messages_hst.choices import DeliveryStatus, MessageStatus, Priority
from messages_hst.models import Delivery, HSTMessage, OutboxEntry
from messages_hst.pipeline import message_dispatch, schedule_delivery
from ncb_cases import keys as instance_keys
from tests.messages_hst import examples
from tests.messages_hst.authoring_fixtures import record_enqueued
from tests.messages_hst.factories import InboundMessageFactory
from tests.messages_hst.pipeline_support import approved_message, enqueued, ncb

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("priority", "window"),
    [
        (Priority.FLASH, dt.timedelta(minutes=15)),
        (Priority.URGENT, dt.timedelta(hours=4)),
        (Priority.PRIORITY, dt.timedelta(hours=72)),
        (Priority.ROUTINE, dt.timedelta(hours=72)),
    ],
)
def test_each_recipient_gets_a_delivery_with_the_deadline_of_the_priority(
    ncb_fr, ncb_de, priority, window
):
    # given
    italy = ncb("IT", "ITA", "Rome", transport="gateway")
    message = approved_message(ncb_fr, recipients=("DE", "IT"), priority=priority)
    now = timezone.now()

    # when
    deliveries = schedule_delivery(message, now=now)

    # then
    assert [(d.recipient_ncb, d.role, d.transport) for d in deliveries] == [
        (ncb_de, "TO", "local"),
        (italy, "CC", "gateway"),
    ]
    for delivery in Delivery.objects.filter(message=message):
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.deadline_at == now + window
        assert delivery.next_attempt_at is None  # due only once the message is signed


def test_scheduling_writes_the_outbox_queues_the_message_and_enqueues_dispatch_on_commit(
    ncb_fr, ncb_de, django_capture_on_commit_callbacks, monkeypatch
):
    # given no dispatch pending
    message = approved_message(ncb_fr)
    dispatches = record_enqueued(monkeypatch, "dispatch_message")

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        schedule_delivery(message)
    assert dispatches == []  # nothing before the commit
    for callback in callbacks:
        callback()

    # then
    outbox = OutboxEntry.objects.get(message=message)
    assert outbox.processed_at is None
    assert outbox.enqueue_count == 1
    assert message.status == MessageStatus.QUEUED
    assert HSTMessage.objects.get(pk=message.pk).status == MessageStatus.QUEUED
    assert dispatches == [message.pk]


def test_a_recipient_the_handling_denies_is_blocked_and_the_others_are_not(ncb_fr, ncb_de):
    # given: validation would refuse it; the pipeline does not rely on that
    ncb("IT", "ITA", "Rome")
    message = approved_message(ncb_fr, recipients=("DE", "IT"))
    message.document["handling"]["access_restrictions"] = {"deny": ["IT"]}

    # when
    schedule_delivery(message)

    # then
    statuses = dict(message.deliveries.values_list("recipient_ncb__code", "status"))
    assert statuses == {"DE": DeliveryStatus.PENDING, "IT": DeliveryStatus.BLOCKED}
    blocked = message.deliveries.get(status=DeliveryStatus.BLOCKED)
    assert blocked.last_error == "IT is in the message's access_restrictions.deny"


def test_a_recipient_outside_allow_only_is_blocked(ncb_fr, ncb_de):
    # given
    ncb("IT", "ITA", "Rome")
    message = approved_message(ncb_fr, recipients=("DE", "IT"))
    message.document["handling"]["access_restrictions"] = {"allow_only": ["DE"]}

    # when
    schedule_delivery(message)

    # then
    blocked = message.deliveries.get(status=DeliveryStatus.BLOCKED)
    assert blocked.recipient_ncb.code == "IT"
    assert "allow_only" in blocked.last_error


def test_the_ncb_of_a_country_that_is_not_an_interpol_member_is_blocked(ncb_fr):
    # given
    ncb("XK", "XKX", "Pristina", is_member=False)
    message = approved_message(ncb_fr, recipients=("XK",))

    # when
    schedule_delivery(message)

    # then
    delivery = message.deliveries.get()
    assert delivery.status == DeliveryStatus.BLOCKED
    assert delivery.last_error == "XK is not an INTERPOL member"


def test_an_unknown_recipient_code_refuses_the_schedule_naming_the_field(ncb_fr, ncb_de):
    # given
    message = approved_message(ncb_fr, recipients=("DE", "ZZ"))

    # when
    with pytest.raises(ValidationError) as error:
        schedule_delivery(message)

    # then
    assert "ZZ is not a National Central Bureau" in error.value.message_dict["recipients"][0]
    assert not Delivery.objects.exists()
    assert not OutboxEntry.objects.exists()


def _received_from_de(ncb_fr, *, handling, **fields):
    document = examples.request_message()
    document["handling"] = handling
    return InboundMessageFactory(
        recipient_ncb=ncb_fr,
        sender_code="DE",
        message_id=uuid.uuid4(),
        status="TRIAGE",
        document=document,
        **fields,
    )


def test_a_reply_carrying_h2_data_may_go_back_to_the_provider_but_no_further(ncb_fr, ncb_de):
    # given: DE sent FR a message under H2 (no onward dissemination without permission)
    ncb("IT", "ITA", "Rome")
    inbound = _received_from_de(ncb_fr, handling=examples.handling(access_restrictions={}))
    message = approved_message(
        ncb_fr, recipients=("DE", "IT"), thread={"in_reply_to": str(inbound.message_id)}
    )

    # when
    schedule_delivery(message)

    # then
    statuses = dict(message.deliveries.values_list("recipient_ncb__code", "status"))
    assert statuses == {"DE": DeliveryStatus.PENDING, "IT": DeliveryStatus.BLOCKED}
    reason = message.deliveries.get(recipient_ncb__code="IT").last_error
    assert reason == (
        f"H2: data received from DE (message {inbound.message_id}) may not go on to IT "
        "without DE's permission"
    )


def test_a_message_from_a_case_holding_imported_data_keeps_the_providers_restrictions(
    ncb_fr, ncb_de, officer_fr
):
    # given: a message DE sent (denying ES) was imported into FR's case
    from tests.factories import CaseFactory

    ncb("ES", "ESP", "Madrid")
    case = CaseFactory(owner_ncb=ncb_fr)
    handling = examples.handling(handling_codes=["H0"], access_restrictions={"deny": ["ES"]})
    _received_from_de(ncb_fr, handling=handling, case=case)
    message = approved_message(ncb_fr, recipients=("DE", "ES"))
    message.case = case

    # when
    schedule_delivery(message)

    # then
    blocked = message.deliveries.get(status=DeliveryStatus.BLOCKED)
    assert blocked.recipient_ncb.code == "ES"
    assert blocked.last_error.startswith("restriction conflict: DE's message")


def test_scheduling_costs_the_same_queries_for_one_and_for_three_recipients(
    ncb_fr, ncb_de, django_assert_num_queries
):
    # given
    ncb("IT", "ITA", "Rome")
    ncb("ES", "ESP", "Madrid")
    one = approved_message(ncb_fr, recipients=("DE",))
    three = approved_message(ncb_fr, recipients=("DE", "IT", "ES"))

    # when / then: NCBs, bulk insert, outbox, message status
    with django_assert_num_queries(4):
        schedule_delivery(one)
    with django_assert_num_queries(4):
        schedule_delivery(three)


def test_dispatch_signs_once_and_keeps_the_bytes_every_recipient_gets(ncb_fr, ncb_de):
    # given
    message = approved_message(ncb_fr)
    schedule_delivery(message)

    # when
    message_dispatch(message.pk)

    # then
    message.refresh_from_db()
    document = json.loads(bytes(message.signed_bytes))
    key = instance_keys.signing_public_key()
    assert signing.verify_message(document, {signing.key_id(key): key}).ok
    assert {k: v for k, v in document.items() if k != "signature"} == message.document
    assert message.digest == hashlib.sha256(bytes(message.signed_bytes)).hexdigest()
    assert message.digest == signing.message_digest(document)
    assert message.kid == signing.key_id(key) == document["signature"]["kid"]
    assert str(message.message_id) in message.rendering
    assert message.digest in message.rendering
    assert message.status == MessageStatus.DISPATCHED
    assert message.signed_at is not None
    assert message.dispatched_at is not None


def _scheduled_to_de_and_denied_italy(ncb_fr):
    """A message to DE and Italy whose handling denies Italy (its delivery BLOCKED)."""
    ncb("IT", "ITA", "Rome")
    message = approved_message(ncb_fr, recipients=("DE", "IT"))
    message.document["handling"]["access_restrictions"] = {"deny": ["IT"]}
    schedule_delivery(message)
    return message


def test_dispatch_makes_the_pending_deliveries_due_and_enqueues_them_not_the_blocked_one(
    ncb_fr, ncb_de, django_capture_on_commit_callbacks
):
    # given
    message = _scheduled_to_de_and_denied_italy(ncb_fr)
    pending = message.deliveries.get(status=DeliveryStatus.PENDING)

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        message_dispatch(message.pk, send_here=False)

    # then
    assert enqueued(callbacks) == [("deliver", pending.pk, None)]
    pending.refresh_from_db()
    assert pending.next_attempt_at is not None
    assert message.deliveries.get(status=DeliveryStatus.BLOCKED).next_attempt_at is None
    assert OutboxEntry.objects.get(message=message).processed_at is not None


def test_dispatch_sends_the_pending_delivery_itself_and_not_the_blocked_one(
    ncb_fr, ncb_de, django_capture_on_commit_callbacks
):
    # given DE served by the local transport (hosted here), Italy denied by the handling
    message = _scheduled_to_de_and_denied_italy(ncb_fr)

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        message_dispatch(message.pk)

    # then DE's was attempted by the dispatch, no task for it; the blocked one never sent
    sent = message.deliveries.get(recipient_ncb=ncb_de)
    assert sent.attempts == 1
    assert sent.status != DeliveryStatus.PENDING
    assert sent.attempt_log.count() == 1
    blocked = message.deliveries.get(status=DeliveryStatus.BLOCKED)
    assert (blocked.attempts, blocked.next_attempt_at) == (0, None)
    assert not [call for call in enqueued(callbacks) if call[0].startswith("deliver")]


def test_a_second_dispatch_changes_nothing_and_enqueues_nothing(
    ncb_fr, ncb_de, django_capture_on_commit_callbacks
):
    # given
    message = approved_message(ncb_fr)
    schedule_delivery(message)
    message_dispatch(message.pk)
    first = HSTMessage.objects.get(pk=message.pk)

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        message_dispatch(message.pk)

    # then
    again = HSTMessage.objects.get(pk=message.pk)
    assert bytes(again.signed_bytes) == bytes(first.signed_bytes)
    assert again.signed_at == first.signed_at
    assert callbacks == []


def test_a_message_cancelled_before_its_dispatch_is_still_sent_and_stays_cancelled(ncb_fr, ncb_de):
    # given: its CANCEL was approved in between (the CANCEL refers to it)
    message = approved_message(ncb_fr)
    schedule_delivery(message)
    HSTMessage.objects.filter(pk=message.pk).update(status=MessageStatus.CANCELLED)

    # when
    message_dispatch(message.pk)

    # then
    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED
    assert message.signed_bytes
    assert message.deliveries.get().attempts == 1


def test_dispatch_of_a_deleted_message_does_nothing(db):
    assert message_dispatch(987654) is None


def test_a_document_that_cannot_be_signed_makes_its_deliveries_dead_with_an_alert(
    ncb_fr, ncb_de, supervisor_fr
):
    # given: a number beyond 2**53 has no canonical JSON form
    from contacts.models import Notification

    message = approved_message(ncb_fr, x_count=2**60)
    schedule_delivery(message)

    # when
    message_dispatch(message.pk)

    # then
    delivery = message.deliveries.get()
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.last_error == "the message cannot be signed (CanonicalizationError)"
    assert Notification.objects.get(recipient=supervisor_fr)
    assert OutboxEntry.objects.get(message=message).processed_at is not None
    assert not HSTMessage.objects.get(pk=message.pk).signed_bytes
