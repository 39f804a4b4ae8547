"""POST /api/v1/hst/inbox/ (`hst-inbox`): the peers' inbox over HTTP. No token or session (the
message's signature is the authentication); the receipt's bytes or the problems, with the
statuses of issue 5's "Bad input"."""

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


@pytest.fixture
def inbox_url():
    return reverse("hst-inbox")


@pytest.fixture
def signed_request(ncb_fr, ncb_de):
    document = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    return canonical_json_bytes(keys.sign_as_instance(document))


def post(url, body: bytes, recipient: str | None = "DE", **headers):
    client = APIClient()  # anonymous, with CSRF checks on like a browser-less peer
    client.enforce_csrf_checks = True
    if recipient:
        headers["HTTP_HST_RECIPIENT"] = recipient
    return client.post(url, data=body, content_type="application/json", **headers)


def test_anonymous_peer_gets_201_and_the_receipt_bytes(inbox_url, signed_request):
    # when an anonymous peer posts a signed message
    response = post(inbox_url, signed_request, HTTP_IDEMPOTENCY_KEY="x")

    # then 201 with the receipt as JSON, exactly the stored bytes
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    inbound = InboundMessage.objects.get()
    assert response.content == bytes(inbound.receipt_bytes)
    assert json.loads(response.content)["message_type"] == "RECEIPT"
    assert inbound.transport == "peer"
    assert str(inbound.remote_addr) == "127.0.0.1"


def test_repeat_gets_200_and_identical_receipt(inbox_url, signed_request):
    first = post(inbox_url, signed_request)
    second = post(inbox_url, signed_request)
    assert second.status_code == 200
    assert second.content == first.content


def test_conflicting_body_gets_409_with_problems(inbox_url, ncb_fr, ncb_de):
    # given a message received
    document = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    post(inbox_url, canonical_json_bytes(keys.sign_as_instance(document)))
    document["subject"] = "Replayed with another body (test)"

    # when another body comes under its id
    response = post(inbox_url, canonical_json_bytes(keys.sign_as_instance(document)))

    # then 409 and the problem
    assert response.status_code == 409
    assert response.json()["problems"][0]["code"] == "duplicate_conflict"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b"\xff\xfe", 400, "malformed_json"),
        (b'"a string"', 400, "not_an_object"),
        # jsonb cannot store NUL, nor UTF-8 a lone surrogate: refused, the bytes still kept.
        (b'{"subject": "a\\u0000b", "recipients": [{"ncb_code": "DE"}]}', 400, "malformed_json"),
        (b'{"\\udb96": true, "recipients": [{"ncb_code": "DE"}]}', 400, "malformed_json"),
    ],
)
def test_bad_bodies_get_400_and_are_kept(inbox_url, ncb_de, body, status, code):
    response = post(inbox_url, body)
    assert response.status_code == status
    assert response.json()["problems"][0]["code"] == code
    assert bytes(InboundMessage.objects.get().raw_body) == body


def test_unsigned_message_gets_403(inbox_url, ncb_fr, ncb_de):
    document = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    response = post(inbox_url, canonical_json_bytes(document))
    assert response.status_code == 403
    assert response.json()["problems"][0]["code"] == "signature_missing"
    assert InboundMessage.objects.get().status == InboundStatus.QUARANTINED


def test_schema_violation_gets_400_with_every_problem(inbox_url, ncb_fr, ncb_de):
    document = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    document["priority"] = "SOMEDAY"
    document["language"] = 42
    response = post(inbox_url, canonical_json_bytes(keys.sign_as_instance(document)))
    assert response.status_code == 400
    paths = {problem["path"] for problem in response.json()["problems"]}
    assert {"/priority", "/language"} <= paths


def test_unknown_recipient_gets_404(inbox_url, signed_request):
    response = post(inbox_url, signed_request, recipient="ZZ")
    assert response.status_code == 404
    assert response.json()["problems"][0]["code"] == "unknown_recipient"


def test_oversized_body_gets_413_without_reading_it_whole(inbox_url, signed_request, settings):
    # given a limit of 1 kB and a 5 kB message
    settings.HST_INBOX_MAX_BYTES = 1024

    # when it is posted
    response = post(inbox_url, signed_request)

    # then 413, and only limit + 1 bytes were read and kept
    assert response.status_code == 413
    assert response.json()["problems"][0]["code"] == "body_too_large"
    assert InboundMessage.objects.get().byte_size == 1025


def test_get_is_not_allowed(inbox_url):
    assert APIClient().get(inbox_url).status_code == 405


def test_session_of_a_user_is_ignored(inbox_url, signed_request, client_for, officer_de):
    # given a signed-in officer's browser (session + CSRF cookie expected elsewhere)
    client = client_for(officer_de)

    # when it posts a message without a CSRF token
    response = client.post(
        inbox_url, data=signed_request, content_type="application/json", HTTP_HST_RECIPIENT="DE"
    )

    # then the signature alone decides: accepted
    assert response.status_code == 201


def test_openapi_documents_every_answer_and_no_authentication():
    from drf_spectacular.generators import SchemaGenerator

    # when the schema is generated
    schema = SchemaGenerator().get_schema(request=None, public=True)

    # then the inbox lists every status it answers, and needs no credentials
    operation = schema["paths"]["/api/v1/hst/inbox/"]["post"]
    assert {"200", "201", "400", "403", "404", "409", "413"} <= set(operation["responses"])
    assert operation.get("security", []) in ([], [{}])
    assert "signature" in operation["description"]
    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert "HST-Recipient" in headers


def test_body_reader_stops_after_the_limit_plus_one_byte():
    import io

    from django.test import RequestFactory

    from messages_hst.api.views.inbox import read_body

    # given a request announcing and carrying 1 MB
    body = b"x" * 1_000_000
    request = RequestFactory().post("/", data=body, content_type="application/json")
    stream = io.BytesIO(body)
    request._stream = stream

    # when the inbox reads it with a limit of 1,000 bytes
    raw = read_body(request, 1000)

    # then it has read exactly 1,001 bytes and no more
    assert raw == body[:1001]
    assert stream.tell() == 1001


def test_inbox_is_throttled_per_client_address(inbox_url, ncb_de, monkeypatch):
    from django.core.cache import cache

    from messages_hst.api.views.inbox import InboxThrottle

    # given a rate of two posts a minute
    cache.clear()
    monkeypatch.setattr(InboxThrottle, "THROTTLE_RATES", {"hst-inbox": "2/min"})

    # when a third body comes within the minute
    statuses = [post(inbox_url, b"{}").status_code for _ in range(3)]

    # then it is refused with 429 before anything is stored
    assert statuses[-1] == 429
    assert InboundMessage.objects.count() == 2
    cache.clear()


def test_inbox_throttle_counts_per_window_and_says_when_to_retry(inbox_url, ncb_de, monkeypatch):
    from django.core.cache import cache

    from messages_hst.api.views.inbox import InboxThrottle

    # given a rate of two posts a minute, 10 s into a minute
    cache.clear()
    monkeypatch.setattr(InboxThrottle, "THROTTLE_RATES", {"hst-inbox": "2/min"})
    clock = {"now": 60_000.0 + 10}
    monkeypatch.setattr(InboxThrottle, "timer", lambda self: clock["now"])

    # when three bodies come within that minute, and one more in the next minute
    within = [post(inbox_url, b"{}") for _ in range(3)]
    clock["now"] += 50
    next_minute = post(inbox_url, b"{}")

    # then the third is refused, told to retry when the window ends, and the next is counted anew
    assert [response.status_code == 429 for response in within] == [False, False, True]
    assert within[-1]["Retry-After"] == "50"
    assert next_minute.status_code != 429
    cache.clear()
