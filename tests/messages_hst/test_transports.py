"""The transports behind one interface (HST.md §7.3): the reading of an inbox's answer, the
peer's HTTP request (over httpx.MockTransport: a remote peer), the gateway's drop folder."""

import json

import httpx
import pytest

from messages_hst.choices import AttemptOutcome
from messages_hst.parsing import parse_text
from messages_hst.transports import (
    GatewayTransport,
    LocalTransport,
    PeerTransport,
    UnknownTransport,
    answer_result,
    transport_for,
)
from tests.messages_hst.pipeline_support import dispatched_message, make_peer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "body", "outcome"),
    [
        (201, b"{receipt}", AttemptOutcome.DELIVERED),
        (200, b"{receipt}", AttemptOutcome.DELIVERED),
        (200, b"", AttemptOutcome.PERMANENT),
        (400, None, AttemptOutcome.PERMANENT),
        (403, None, AttemptOutcome.PERMANENT),
        (404, None, AttemptOutcome.PERMANENT),
        (409, None, AttemptOutcome.PERMANENT),
        (413, None, AttemptOutcome.PERMANENT),
        (401, None, AttemptOutcome.PERMANENT),
        (408, None, AttemptOutcome.TRANSIENT),
        (429, None, AttemptOutcome.TRANSIENT),
        (500, None, AttemptOutcome.TRANSIENT),
        (503, None, AttemptOutcome.TRANSIENT),
        (302, None, AttemptOutcome.PERMANENT),
    ],
)
def test_every_inbox_status_has_one_outcome(status, body, outcome):
    # when
    result = answer_result(status, body)

    # then
    assert result.outcome == outcome
    assert result.http_status == status
    assert result.receipt_bytes == (body if outcome == AttemptOutcome.DELIVERED else None)


def test_the_detail_names_problem_codes_and_paths_but_not_their_text():
    # given: a problem whose text quotes the message
    problems = [
        {"path": "/body/persons/0/date_of_birth", "code": "date_order", "message": "DURAND"},
        {"path": "", "code": "schema", "message": "x"},
        {"path": "/a", "code": "c3", "message": "x"},
        {"path": "/b", "code": "c4", "message": "x"},
    ]

    # when
    result = answer_result(400, None, problems)

    # then
    assert result.detail == (
        "HTTP 400: date_order at /body/persons/0/date_of_birth; schema; c3 at /a; and 1 more"
    )


def test_transport_for_follows_the_ncb_record(ncb_de):
    assert isinstance(transport_for(ncb_de), LocalTransport)
    ncb_de.transport = "peer"
    assert isinstance(transport_for(ncb_de), PeerTransport)
    ncb_de.transport = "gateway"
    assert isinstance(transport_for(ncb_de), GatewayTransport)
    ncb_de.transport = "pigeon"
    with pytest.raises(UnknownTransport):
        transport_for(ncb_de)


# --- peer -------------------------------------------------------------------------------


def peer_delivery(ncb_fr, ncb_de, endpoint="https://ncb-de.example.test/"):
    make_peer(ncb_de, endpoint)
    message = dispatched_message(ncb_fr)
    return message.deliveries.select_related("message", "recipient_ncb").get()


def test_the_peer_posts_the_signed_bytes_over_https_with_the_protocol_headers(ncb_fr, ncb_de):
    # given
    delivery = peer_delivery(ncb_fr, ncb_de)
    seen = []

    def inbox(request):
        seen.append(request)
        return httpx.Response(201, content=b'{"message_type":"RECEIPT"}')

    transport = PeerTransport(client=httpx.Client(transport=httpx.MockTransport(inbox)))
    signed = bytes(delivery.message.signed_bytes)

    # when
    result = transport.send(delivery, signed)

    # then
    assert result.outcome == AttemptOutcome.DELIVERED
    assert result.receipt_bytes == b'{"message_type":"RECEIPT"}'
    [request] = seen
    assert str(request.url) == "https://ncb-de.example.test/api/v1/hst/inbox/"
    assert request.content == signed
    signature = json.loads(signed)["signature"]
    assert request.headers["idempotency-key"] == str(delivery.message.message_id)
    assert request.headers["hst-recipient"] == "DE"
    assert request.headers["hst-signature"] == (
        f"kid={signature['kid']}; sig={signature['value']}"
    )
    assert request.headers["content-type"] == "application/json"


def test_the_process_client_verifies_tls_and_follows_no_redirect():
    from messages_hst.transports import peer

    client = peer.process_client()
    assert client.follow_redirects is False
    assert peer.process_client() is client  # kept alive across deliveries


def test_plain_http_is_refused_unless_the_setting_allows_it(ncb_fr, ncb_de, settings):
    # given
    settings.HST_PEER_ALLOW_HTTP = False
    delivery = peer_delivery(ncb_fr, ncb_de, endpoint="http://ncb-de.example.test")
    calls = []
    client = httpx.Client(transport=httpx.MockTransport(lambda r: calls.append(r)))

    # when
    result = PeerTransport(client=client).send(delivery, bytes(delivery.message.signed_bytes))

    # then
    assert result.outcome == AttemptOutcome.PERMANENT
    assert result.detail == "the peer endpoint is plain http (HST_PEER_ALLOW_HTTP is off)"
    assert calls == []


def test_a_peer_without_endpoint_is_a_permanent_failure(ncb_fr, ncb_de):
    delivery = peer_delivery(ncb_fr, ncb_de, endpoint="")
    result = PeerTransport().send(delivery, bytes(delivery.message.signed_bytes))
    assert result.outcome == AttemptOutcome.PERMANENT
    assert result.detail == "no peer endpoint is configured for this NCB"


def test_a_timeout_is_transient(ncb_fr, ncb_de):
    # given
    delivery = peer_delivery(ncb_fr, ncb_de)

    def slow(request):
        raise httpx.ReadTimeout("timed out", request=request)

    client = httpx.Client(transport=httpx.MockTransport(slow))

    # when
    result = PeerTransport(client=client).send(delivery, bytes(delivery.message.signed_bytes))

    # then
    assert result.outcome == AttemptOutcome.TRANSIENT
    assert result.detail == "timeout (ReadTimeout)"


def test_a_refusal_carries_the_peers_problem_codes(ncb_fr, ncb_de):
    # given
    delivery = peer_delivery(ncb_fr, ncb_de)
    answer = {"problems": [{"path": "", "code": "duplicate_conflict", "message": "other body"}]}
    client = httpx.Client(
        transport=httpx.MockTransport(lambda request: httpx.Response(409, json=answer))
    )

    # when
    result = PeerTransport(client=client).send(delivery, bytes(delivery.message.signed_bytes))

    # then
    assert (result.outcome, result.http_status) == (AttemptOutcome.PERMANENT, 409)
    assert result.detail == "HTTP 409: duplicate_conflict"


# --- gateway ----------------------------------------------------------------------------


def gateway_delivery(ncb_fr, ncb_de, **document):
    ncb_de.transport = "gateway"
    ncb_de.save(update_fields=["transport"])
    message = dispatched_message(ncb_fr, **document)
    return message.deliveries.select_related("message", "recipient_ncb").get()


def test_the_gateway_drops_the_signed_json_and_its_rendering(ncb_fr, ncb_de, tmp_path):
    # given
    delivery = gateway_delivery(ncb_fr, ncb_de)
    message = delivery.message
    signed = bytes(message.signed_bytes)

    # when
    result = GatewayTransport(root=tmp_path).send(delivery, signed)
    again = GatewayTransport(root=tmp_path).send(delivery, signed)  # a retry rewrites

    # then
    assert result.outcome == again.outcome == AttemptOutcome.HANDED_OVER
    folder = tmp_path / "DE"
    assert (folder / f"{message.message_id}.json").read_bytes() == signed
    assert (folder / f"{message.message_id}.txt").read_text() == message.rendering
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{message.message_id}.json",
        f"{message.message_id}.txt",
    ]  # no temporary file left behind


def test_the_gateway_rendering_is_in_the_message_language_and_parses_back(
    ncb_fr, ncb_de, tmp_path
):
    # given a message written in French
    delivery = gateway_delivery(ncb_fr, ncb_de, language="fr")
    signed = bytes(delivery.message.signed_bytes)

    # when
    GatewayTransport(root=tmp_path).send(delivery, signed)

    # then: French labels, read back into exactly the signed message
    text = (tmp_path / "DE" / f"{delivery.message.message_id}.txt").read_text(encoding="utf-8")
    assert "MESSAGE FORMATÉ HST 1.0 / REQUEST / PRIORITÉ URGENT" in text.splitlines()
    assert f"SHA-256: {delivery.message.digest}" in text.splitlines()
    assert parse_text(text) == json.loads(signed)


def test_the_gateway_folder_comes_from_the_setting(ncb_fr, ncb_de, settings, tmp_path):
    # given
    settings.HST_GATEWAY_DIR = tmp_path / "drop"
    delivery = gateway_delivery(ncb_fr, ncb_de)

    # when
    GatewayTransport().send(delivery, bytes(delivery.message.signed_bytes))

    # then
    assert (tmp_path / "drop" / "DE" / f"{delivery.message.message_id}.json").exists()


def test_an_unwritable_gateway_folder_is_transient(ncb_fr, ncb_de, tmp_path):
    # given: a file where the folder should be
    (tmp_path / "DE").write_text("not a folder")
    delivery = gateway_delivery(ncb_fr, ncb_de)

    # when
    result = GatewayTransport(root=tmp_path).send(delivery, bytes(delivery.message.signed_bytes))

    # then
    assert result.outcome == AttemptOutcome.TRANSIENT
    assert result.detail.startswith("gateway folder not writable: ")
