"""One delivery attempt: claim, send through the recipient's transport, verify the receipt,
record (HST.md §6, §7.2). The partner is a peer instance simulated by a small HTTP server."""

import datetime as dt
import json
import logging

import pytest
from django.utils import timezone

from contacts.models import Notification
from messages_hst.choices import AttemptOutcome, DeliveryStatus, SignatureStatus
from messages_hst.models import Delivery
from messages_hst.pipeline import delivery_attempt
from tests.messages_hst.pipeline_support import (
    dispatched_message,
    enqueued,
    make_peer,
    problems_body,
    receipt_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def to_peer_de(ncb_fr, ncb_de, fake_peer):
    """A message FR → DE dispatched, DE served by the fake peer; its delivery."""
    make_peer(ncb_de, fake_peer.url)
    message = dispatched_message(ncb_fr)
    return message.deliveries.get()


def answer_with_receipt(fake_peer, message, key, status=201, **receipt):
    answer = receipt_bytes(message, key=key, **receipt)
    fake_peer.respond = lambda request: (status, answer, "application/json")


def test_a_verified_receipt_makes_the_delivery_delivered(to_peer_de, fake_peer, de_key):
    # given
    message = to_peer_de.message
    answer_with_receipt(fake_peer, message, de_key.private)

    # when
    delivery = delivery_attempt(to_peer_de.pk)

    # then
    stored = Delivery.objects.get(pk=to_peer_de.pk)
    assert delivery.status == stored.status == DeliveryStatus.DELIVERED
    assert stored.attempts == 1
    assert stored.delivered_at is not None
    assert stored.sent_at == stored.delivered_at
    assert stored.receipt_signature == SignatureStatus.OK
    assert stored.receipt["body"]["receipt"]["received_digest"] == message.digest
    attempt = stored.attempt_log.get()
    assert attempt.number == 1
    assert attempt.outcome == AttemptOutcome.DELIVERED
    assert attempt.http_status == 201
    assert attempt.detail == "HTTP 201; receipt verified"
    assert fake_peer.requests[0].body == bytes(message.signed_bytes)


def test_the_attempt_costs_a_fixed_number_of_queries(
    to_peer_de, fake_peer, de_key, django_assert_num_queries
):
    # given
    answer_with_receipt(fake_peer, to_peer_de.message, de_key.private)

    # when / then: load, claim, keyring, (savepoint) the claim still held (locked), update,
    # insert (+ savepoint release)
    with django_assert_num_queries(8):
        delivery_attempt(to_peer_de.pk)


def test_a_transient_failure_schedules_a_retry_in_the_database_and_enqueues_it(
    to_peer_de, fake_peer, settings, django_capture_on_commit_callbacks
):
    # given
    settings.HST_RETRY_BASE_SECONDS = 5
    fake_peer.respond = lambda request: (503, b"", "")
    before = timezone.now()

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        delivery = delivery_attempt(to_peer_de.pk)

    # then
    assert delivery.status == DeliveryStatus.RETRY_SCHEDULED
    assert before <= delivery.next_attempt_at <= timezone.now() + dt.timedelta(seconds=5)
    assert delivery.last_error == "HTTP 503"
    [(task, pk, countdown)] = enqueued(callbacks)
    assert (task, pk) == ("deliver", delivery.pk)
    assert 0 <= countdown <= 5
    attempt = delivery.attempt_log.get()
    assert (attempt.outcome, attempt.http_status) == (AttemptOutcome.TRANSIENT, 503)


def test_an_unreachable_peer_is_a_transient_failure(ncb_fr, ncb_de, settings):
    # given: nothing listens on the port
    settings.HST_PEER_ALLOW_HTTP = True
    make_peer(ncb_de, "http://127.0.0.1:9")
    delivery = dispatched_message(ncb_fr).deliveries.get()

    # when
    delivery = delivery_attempt(delivery.pk)

    # then
    assert delivery.status == DeliveryStatus.RETRY_SCHEDULED
    assert delivery.last_error == "connection failed (ConnectError)"


def test_a_transient_failure_past_the_deadline_is_dead_and_alerts_the_supervisors(
    to_peer_de, fake_peer, supervisor_fr, officer_fr, supervisor_de, caplog
):
    # given
    fake_peer.respond = lambda request: (502, b"", "")
    Delivery.objects.filter(pk=to_peer_de.pk).update(
        deadline_at=timezone.now() - dt.timedelta(seconds=1)
    )
    message = to_peer_de.message

    # when
    with caplog.at_level(logging.WARNING, logger="messages_hst.pipeline"):
        delivery = delivery_attempt(to_peer_de.pk)

    # then
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.next_attempt_at is None
    assert delivery.last_error == "HTTP 502; deadline passed"
    notification = Notification.objects.get()
    assert notification.recipient == supervisor_fr
    assert notification.subject == "HST delivery dead: REQUEST to DE"
    assert str(message.message_id) in notification.body
    assert notification.link == message.get_absolute_url()
    # no personal data: nothing of the message's content
    for text in (notification.body, caplog.text):
        assert message.subject not in text
        assert "DURAND" not in text.upper()
    assert f"HST delivery dead: message {message.message_id} (REQUEST) to DE" in caplog.text


def test_a_refusal_is_rejected_with_the_recipients_problem_codes_and_an_alert(
    to_peer_de, fake_peer, supervisor_fr
):
    # given
    fake_peer.respond = lambda request: (
        403,
        problems_body(
            {
                "path": "/signature",
                "code": "signature_unknown_key",
                "severity": "error",
                "message": "no registered key has this kid",
            }
        ),
        "application/json",
    )

    # when
    delivery = delivery_attempt(to_peer_de.pk)

    # then
    assert delivery.status == DeliveryStatus.REJECTED
    assert delivery.last_error == "HTTP 403: signature_unknown_key at /signature"
    assert Notification.objects.get().subject == "HST delivery rejected: REQUEST to DE"


@pytest.mark.parametrize(
    ("receipt", "detail"),
    [
        ({"received_digest": "0" * 64}, "receipt digest differs from the message sent"),
        (
            {"ref_message_id": "0d0c6ad4-8b1e-4c47-9f0a-6a2e61b1f3a2"},
            "receipt acknowledges another message",
        ),
    ],
)
def test_a_receipt_for_other_bytes_or_another_message_is_a_permanent_failure(
    to_peer_de, fake_peer, de_key, receipt, detail
):
    # given
    answer_with_receipt(fake_peer, to_peer_de.message, de_key.private, **receipt)

    # when
    delivery = delivery_attempt(to_peer_de.pk)

    # then
    assert delivery.status == DeliveryStatus.REJECTED
    assert delivery.last_error == f"{detail} (HTTP 201)"
    assert delivery.attempt_log.get().outcome == AttemptOutcome.PERMANENT
    assert delivery.receipt_signature == SignatureStatus.OK


def test_a_receipt_signed_by_a_key_not_registered_for_the_recipient_is_refused(
    to_peer_de, fake_peer
):
    # given: an impostor's key
    from messages_hst import signing

    answer_with_receipt(fake_peer, to_peer_de.message, signing.generate_private_key())

    # when
    delivery = delivery_attempt(to_peer_de.pk)

    # then
    assert delivery.status == DeliveryStatus.REJECTED
    assert delivery.last_error.startswith("receipt signed with a key not registered")
    assert delivery.receipt_signature == SignatureStatus.UNKNOWN_KEY


def test_a_delivered_delivery_is_not_attempted_again(to_peer_de, fake_peer, de_key):
    # given
    answer_with_receipt(fake_peer, to_peer_de.message, de_key.private)
    delivery_attempt(to_peer_de.pk)

    # when
    again = delivery_attempt(to_peer_de.pk)

    # then
    assert again is None
    assert len(fake_peer.requests) == 1
    assert Delivery.objects.get(pk=to_peer_de.pk).attempts == 1


def test_a_retry_is_not_attempted_before_its_time(to_peer_de, fake_peer):
    # given
    later = timezone.now() + dt.timedelta(minutes=5)
    Delivery.objects.filter(pk=to_peer_de.pk).update(
        status=DeliveryStatus.RETRY_SCHEDULED, next_attempt_at=later
    )

    # when / then
    assert delivery_attempt(to_peer_de.pk) is None
    assert fake_peer.requests == []


def test_a_fresh_claim_by_another_worker_is_left_alone_and_a_stale_one_taken_over(
    to_peer_de, fake_peer, de_key
):
    # given: another worker claimed it just now
    answer_with_receipt(fake_peer, to_peer_de.message, de_key.private)
    Delivery.objects.filter(pk=to_peer_de.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, updated_at=timezone.now()
    )

    # when / then
    assert delivery_attempt(to_peer_de.pk) is None

    # given: ... and died ten minutes ago
    Delivery.objects.filter(pk=to_peer_de.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=10)
    )

    # when
    delivery = delivery_attempt(to_peer_de.pk)

    # then
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempt_log.get().number == 2


def test_the_peer_gets_the_signed_bytes_with_idempotency_and_signature_headers(
    to_peer_de, fake_peer, de_key
):
    # given
    message = to_peer_de.message
    answer_with_receipt(fake_peer, message, de_key.private)

    # when
    delivery_attempt(to_peer_de.pk)

    # then
    [request] = fake_peer.requests
    signature = json.loads(request.body)["signature"]
    assert request.path == "/api/v1/hst/inbox/"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == str(message.message_id)
    assert request.headers["HST-Recipient"] == "DE"
    assert request.headers["HST-Signature"] == f"kid={message.kid}; sig={signature['value']}"


def test_a_gateway_delivery_awaits_its_receipt_once_the_files_are_dropped(
    ncb_fr, ncb_de, settings, tmp_path
):
    # given
    settings.HST_GATEWAY_DIR = tmp_path
    ncb_de.transport = "gateway"
    ncb_de.save(update_fields=["transport"])
    message = dispatched_message(ncb_fr)

    # when
    delivery = delivery_attempt(message.deliveries.get().pk)

    # then
    assert delivery.status == DeliveryStatus.AWAITING_RECEIPT
    assert delivery.sent_at is not None
    assert delivery.delivered_at is None
    attempt = delivery.attempt_log.get()
    assert (attempt.outcome, attempt.detail) == (
        AttemptOutcome.HANDED_OVER,
        "written to the gateway folder DE/",
    )
    assert (tmp_path / "DE" / f"{message.message_id}.json").read_bytes() == bytes(
        message.signed_bytes
    )
