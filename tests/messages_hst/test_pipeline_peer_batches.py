"""A delivery batch posts the messages for one peer NCB in one request to its batch inbox
(docs/hst.md §4.1) and records each answer as a single delivery's (HST.md §7.2). The partner
is a peer instance simulated by a small HTTP server."""

import json

import pytest

from messages_hst.choices import AttemptOutcome, DeliveryStatus, SignatureStatus
from messages_hst.models import Delivery
from messages_hst.pipeline import delivery_attempts
from messages_hst.transports import peer
from tests.messages_hst.pipeline_support import (
    dispatched_message,
    make_peer,
    receipt_bytes,
)

pytestmark = pytest.mark.django_db

BATCH_PATH = "/api/v1/hst/inbox/batch/"
INBOX_PATH = "/api/v1/hst/inbox/"


@pytest.fixture(autouse=True)
def _no_remembered_peers():
    peer._batch_unsupported.clear()
    yield
    peer._batch_unsupported.clear()


@pytest.fixture
def three_to_peer_de(ncb_fr, ncb_de, fake_peer):
    """Three messages FR → DE dispatched, DE served by the fake peer; their deliveries."""
    make_peer(ncb_de, fake_peer.url)
    messages = [dispatched_message(ncb_fr) for _ in range(3)]
    return [message.deliveries.get() for message in messages]


def receipts_by_id(deliveries, key) -> dict[str, str]:
    """The partner's receipt of each delivery's message, by message id (computed before the
    peer answers: its answers run in the server's thread)."""
    return {
        str(d.message.message_id): receipt_bytes(d.message, key=key.private).decode()
        for d in deliveries
    }


def answering(receipts, *, refuse=()):
    """A batch inbox answering each line with its receipt, or 400 for the ids in `refuse`."""

    def respond(request):
        if request.path != BATCH_PATH:
            return 500, b"", ""
        lines = []
        for line in request.body.splitlines():
            message_id = json.loads(line)["message_id"]
            if message_id in refuse:
                problem = {"path": "/body", "code": "schema", "severity": "error", "message": "x"}
                lines.append({"status": 400, "problems": [problem]})
            else:
                lines.append({"status": 201, "receipt": receipts[message_id]})
        body = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
        return 200, body, "application/x-ndjson"

    return respond


def test_a_batch_for_one_peer_goes_in_one_request_and_each_receipt_is_verified(
    three_to_peer_de, fake_peer, de_key
):
    # given a peer whose batch inbox answers each message with its receipt
    deliveries = three_to_peer_de
    fake_peer.respond = answering(receipts_by_id(deliveries, de_key))

    # when the three are attempted as one batch
    results = delivery_attempts([d.pk for d in deliveries])

    # then one request carried the three signed messages, one per line, for DE
    (request,) = fake_peer.requests
    assert request.path == BATCH_PATH
    assert request.headers["Content-Type"] == "application/x-ndjson"
    assert request.headers["HST-Recipient"] == "DE"
    assert request.body.splitlines() == [bytes(d.message.signed_bytes) for d in deliveries]
    # and each delivery is DELIVERED with its own receipt, verified, and its attempt logged
    assert [d.status for d in results] == [DeliveryStatus.DELIVERED] * 3
    for delivery in deliveries:
        stored = Delivery.objects.get(pk=delivery.pk)
        assert stored.receipt_signature == SignatureStatus.OK
        assert stored.receipt["body"]["receipt"]["received_digest"] == delivery.message.digest
        assert stored.attempt_log.get().outcome == AttemptOutcome.DELIVERED


def test_each_answer_of_a_batch_decides_its_own_delivery(three_to_peer_de, fake_peer, de_key):
    # given a peer that refuses the second message
    deliveries = three_to_peer_de
    refused = str(deliveries[1].message.message_id)
    fake_peer.respond = answering(receipts_by_id(deliveries, de_key), refuse={refused})

    # when
    results = delivery_attempts([d.pk for d in deliveries])

    # then the others are delivered, the refused one rejected with the peer's problem code
    assert [d.status for d in results] == [
        DeliveryStatus.DELIVERED,
        DeliveryStatus.REJECTED,
        DeliveryStatus.DELIVERED,
    ]
    assert "schema at /body" in Delivery.objects.get(pk=deliveries[1].pk).last_error


def test_a_peer_without_a_batch_inbox_gets_the_messages_one_by_one(
    three_to_peer_de, fake_peer, de_key
):
    # given a peer of an older version: no batch inbox (404), the single one answering
    deliveries = three_to_peer_de
    receipts = {
        bytes(d.message.signed_bytes): receipt_bytes(d.message, key=de_key.private)
        for d in deliveries
    }

    def older_version(request):
        if request.path == BATCH_PATH:
            return 404, b'{"detail": "Not found."}', "application/json"
        return 201, receipts[request.body], "application/json"

    fake_peer.respond = older_version

    # when the batch is attempted, and later another one
    first = delivery_attempts([d.pk for d in deliveries[:2]])
    later = delivery_attempts([deliveries[2].pk])

    # then the batch inbox was asked once, each message then posted alone, all delivered
    assert [request.path for request in fake_peer.requests] == [BATCH_PATH] + [INBOX_PATH] * 3
    assert [d.status for d in first + later] == [DeliveryStatus.DELIVERED] * 3


def test_a_batch_the_peer_cannot_take_now_is_retried_for_each_message(three_to_peer_de, fake_peer):
    # given a peer answering 503 to the whole request
    deliveries = three_to_peer_de
    fake_peer.respond = lambda request: (503, b"", "")

    # when
    results = delivery_attempts([d.pk for d in deliveries])

    # then each delivery waits for its retry, with the peer's status in its attempt log
    assert [d.status for d in results] == [DeliveryStatus.RETRY_SCHEDULED] * 3
    for delivery in deliveries:
        attempt = Delivery.objects.get(pk=delivery.pk).attempt_log.get()
        assert (attempt.outcome, attempt.http_status) == (AttemptOutcome.TRANSIENT, 503)


def test_an_answer_that_does_not_match_the_batch_is_retried(three_to_peer_de, fake_peer, de_key):
    # given a peer answering two lines for three messages
    deliveries = three_to_peer_de
    receipts = receipts_by_id(deliveries, de_key)
    two = b"".join(
        json.dumps({"status": 201, "receipt": receipt}).encode() + b"\n"
        for receipt in list(receipts.values())[:2]
    )
    fake_peer.respond = lambda request: (200, two, "application/x-ndjson")

    # when
    results = delivery_attempts([d.pk for d in deliveries])

    # then nothing is taken from it: every delivery is retried (a resend replays receipts)
    assert [d.status for d in results] == [DeliveryStatus.RETRY_SCHEDULED] * 3
    assert Delivery.objects.get(pk=deliveries[0].pk).last_error == "batch answer unreadable"


def test_with_batches_of_one_each_message_has_its_own_request(
    three_to_peer_de, fake_peer, de_key, settings
):
    # given batches turned off
    settings.HST_PEER_BATCH_MAX = 1
    deliveries = three_to_peer_de
    receipts = {
        bytes(d.message.signed_bytes): receipt_bytes(d.message, key=de_key.private)
        for d in deliveries
    }
    fake_peer.respond = lambda request: (201, receipts[request.body], "application/json")

    # when
    results = delivery_attempts([d.pk for d in deliveries])

    # then
    assert [request.path for request in fake_peer.requests] == [INBOX_PATH] * 3
    assert [d.status for d in results] == [DeliveryStatus.DELIVERED] * 3


def test_a_batch_costs_the_same_statements_whatever_its_size(ncb_fr, ncb_de, fake_peer, de_key):
    # given batches of three and of six deliveries to DE, whose batch inbox answers receipts
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_peer(ncb_de, fake_peer.url)

    def statements_for(count):
        deliveries = [dispatched_message(ncb_fr).deliveries.get() for _ in range(count)]
        fake_peer.respond = answering(receipts_by_id(deliveries, de_key))
        with CaptureQueriesContext(connection) as captured:
            results = delivery_attempts([d.pk for d in deliveries])
        assert [d.status for d in results] == [DeliveryStatus.DELIVERED] * count
        return len(captured.captured_queries)

    # when (a first batch fills the process's cache of DE's keyring)
    statements_for(2)
    three, six = statements_for(3), statements_for(6)

    # then the load, the claims, the request, the deliveries' new states and the log rows
    # cost the same whatever the batch's size
    assert six == three
