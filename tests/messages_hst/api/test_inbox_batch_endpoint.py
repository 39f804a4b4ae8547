"""POST /api/v1/hst/inbox/batch/ (`hst-inbox-batch`): several messages for one NCB in one
request, each received exactly as the single inbox receives it, one answer line each."""

import json
import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from messages_hst import keys
from messages_hst.choices import InboundStatus
from messages_hst.models import InboundMessage
from ncb_cases.canonical import canonical_json_bytes
from tests.messages_hst.factories import hst_document

pytestmark = pytest.mark.django_db


def signed(ncb_fr, **fields) -> bytes:
    document = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    document.update(fields)
    return canonical_json_bytes(keys.sign_as_instance(document))


def post_batch(lines: list[bytes], *, trailing_newline=True, recipient="DE"):
    client = APIClient()  # anonymous, CSRF checks on, like a peer
    client.enforce_csrf_checks = True
    body = b"\n".join(lines) + (b"\n" if trailing_newline else b"")
    return client.post(
        reverse("hst-inbox-batch"),
        data=body,
        content_type="application/x-ndjson",
        HTTP_HST_RECIPIENT=recipient,
    )


def answers(response) -> list[dict]:
    assert response["Content-Type"] == "application/x-ndjson"
    return [json.loads(line) for line in response.content.splitlines()]


def test_each_line_is_received_on_its_own_and_answered_in_order(ncb_fr, ncb_de):
    # given a valid message, the same one again, one whose signature does not match, and a
    # line that is not JSON
    valid = signed(ncb_fr)
    tampered = signed(ncb_fr).replace(b'"subject":"', b'"subject":"Altered: ', 1)
    lines = [valid, valid, tampered, b"not json"]

    # when a peer posts them as one batch
    response = post_batch(lines)

    # then one answer per line, in order, each what the single inbox answers
    assert response.status_code == 200
    first, repeat, refused, malformed = answers(response)
    assert (first["status"], repeat["status"]) == (201, 200)
    assert first["receipt"] == repeat["receipt"]
    original = InboundMessage.objects.get(status=InboundStatus.TRIAGE)
    assert first["receipt"].encode() == bytes(original.receipt_bytes)
    assert refused["status"] == 403
    assert refused["problems"][0]["code"] == "signature_bad"
    assert malformed["status"] == 400
    assert malformed["problems"][0]["code"] == "malformed_json"
    # and every body's bytes were kept, the repeat's only once
    assert InboundMessage.objects.count() == 3


def test_the_last_line_break_is_optional(ncb_fr, ncb_de):
    # when two messages come without a final line break
    response = post_batch([signed(ncb_fr), signed(ncb_fr)], trailing_newline=False)

    # then both are received
    assert [answer["status"] for answer in answers(response)] == [201, 201]


def test_a_batch_over_the_size_limit_is_refused_whole_and_kept(ncb_fr, ncb_de, settings):
    # given a limit smaller than the batch
    settings.HST_INBOX_MAX_BYTES = 1000
    lines = [signed(ncb_fr), signed(ncb_fr)]

    # when
    response = post_batch(lines)

    # then 413, nothing received, the bytes read kept for investigation
    assert response.status_code == 413
    assert response.json()["problems"][0]["code"] == "body_too_large"
    kept = InboundMessage.objects.get()
    assert kept.status == InboundStatus.QUARANTINED
    assert kept.byte_size == 1001


def test_an_empty_batch_is_a_400(ncb_de):
    response = post_batch([], trailing_newline=False)
    assert response.status_code == 400
    assert response.json()["problems"][0]["code"] == "empty_batch"


def test_a_batch_longer_than_allowed_is_refused_before_anything_is_stored(ncb_fr, settings):
    # given batches of at most two messages
    settings.HST_INBOX_BATCH_MAX_MESSAGES = 2

    # when three come
    response = post_batch([signed(ncb_fr) for _ in range(3)])

    # then
    assert response.status_code == 400
    assert response.json()["problems"][0]["code"] == "batch_too_long"
    assert not InboundMessage.objects.exists()


def test_each_line_counts_against_the_throttle(ncb_fr, ncb_de, monkeypatch):
    from django.core.cache import cache

    from messages_hst.api.views.inbox import InboxThrottle

    # given a rate of two posts a minute
    cache.clear()
    monkeypatch.setattr(InboxThrottle, "THROTTLE_RATES", {"hst-inbox": "2/min"})

    # when a batch of three comes
    response = post_batch([signed(ncb_fr) for _ in range(3)])

    # then it is throttled as three posts would be, before anything is stored
    assert response.status_code == 429
    assert not InboundMessage.objects.exists()
    cache.clear()


def test_the_batch_inbox_is_in_the_api_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/hst/inbox/batch/"]["post"]
    assert operation["operationId"] == "hst_inbox_receive_batch"
    assert list(operation["requestBody"]["content"]) == ["application/x-ndjson"]
    assert "application/x-ndjson" in operation["responses"]["200"]["content"]
    assert {"400", "413"} <= set(operation["responses"])
