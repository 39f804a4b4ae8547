"""HST exchange between two real instances (issue 5 item 10), through their REST APIs.

Instance `a` hosts France, instance `b` Germany; each knows the other NCB as a `peer` at the
other's URL and holds the other's public key, registered with `hst_register_key`. A REQUEST
goes from France to Germany and the REPLY comes back, each composed by an officer, approved by
a second supervisor, signed, posted to the other instance's inbox by a Celery worker and
acknowledged by a signed RECEIPT; Germany's acceptance travels back as a RESPONSE. Every
signature is checked here again, with `messages_hst.signing` and the other instance's key.
"""

import contextlib
import json
import time
import uuid

import pytest

from bench.hst_probe import InstanceDatabase
from messages_hst import signing
from ncb_cases.canonical import canonical_json_bytes

pytestmark = pytest.mark.integration

WAIT_SECONDS = 45
POLL_SECONDS = 0.2
SETTLED = ("DELIVERED", "ACCEPTED")


def wait_for(probe, what: str, timeout: float = WAIT_SECONDS):
    """Call `probe` until it returns something truthy; fail naming `what` (and the last value
    seen) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(POLL_SECONDS)
    pytest.fail(f"{what}: not within {timeout} s (last seen: {last!r})")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, f"{response.request.url}: {response.text[:2000]}"
    return response.json()


def message_in(client, message_id: str, statuses: tuple[str, ...]) -> dict | None:
    body = ok(client.get(f"/api/v1/messages/{message_id}/"))
    return body if body["status"] in statuses else None


def delivery_to(client, message_id: str, recipient: str) -> dict:
    deliveries = ok(client.get(f"/api/v1/messages/{message_id}/deliveries/"))
    rows = deliveries["results"] if isinstance(deliveries, dict) else deliveries
    [delivery] = [row for row in rows if row["recipient"] == recipient]
    return delivery


def inbound_with(client, message_id: str) -> dict | None:
    rows = ok(client.get("/api/v1/messages/inbound/", params={"page_size": 200}))["results"]
    return next((row for row in rows if row["message_id"] == message_id), None)


def compose(client, **data) -> dict:
    """Start a draft and wait until the worker has built it (COMPOSING → DRAFT)."""
    response = client.post("/api/v1/messages/", json=data)
    assert response.status_code in (201, 202), response.text[:2000]
    message_id = response.json()["message_id"]
    draft = wait_for(
        lambda: message_in(client, message_id, ("DRAFT",)), f"draft {message_id} built"
    )
    assert not draft["compose_error"], draft["compose_error"]
    return draft


def approve(client, message_id: str, warnings: int) -> dict:
    data = {"override_warnings": warnings > 0, "comment": "Checked (test)."}
    return ok(client.post(f"/api/v1/messages/{message_id}/approve/", json=data))


def uuid_param(database: InstanceDatabase, value: str) -> str:
    # UUID columns: native on PostgreSQL, 32 hex digits in SQLite's text columns.
    return str(value) if database.vendor == "postgresql" else uuid.UUID(value).hex


def stored_receipt(instance, message_id: str, recipient: str) -> bytes:
    """The RECEIPT bytes the sender stored on its delivery, read in the sender's database."""
    with InstanceDatabase(instance.database_url) as database:
        value = database.value(
            "SELECT d.receipt_bytes FROM messages_hst_delivery d"
            " JOIN messages_hst_hstmessage m ON m.id = d.message_id"
            " JOIN contacts_nationalcentralbureau n ON n.id = d.recipient_ncb_id"
            " WHERE m.message_id = %s AND n.code = %s",
            (uuid_param(database, message_id), recipient),
        )
    return bytes(value)


def signed_message(instance, message_id: str) -> tuple[bytes, str]:
    """The signed bytes and digest of an outgoing message, read in the sender's database."""
    with InstanceDatabase(instance.database_url) as database:
        [(signed, digest)] = database.rows(
            "SELECT signed_bytes, digest FROM messages_hst_hstmessage WHERE message_id = %s",
            (uuid_param(database, message_id),),
        )
    return bytes(signed), digest


def received_bytes(instance, message_id: str) -> tuple[bytes, str]:
    """The raw body and SHA-256 the receiver stored for a message, read in its database."""
    with InstanceDatabase(instance.database_url) as database:
        [(raw, sha256)] = database.rows(
            "SELECT raw_body, raw_sha256 FROM messages_hst_inboundmessage"
            " WHERE message_id = %s AND is_original",
            (uuid_param(database, message_id),),
        )
    return bytes(raw), sha256


def verified_receipt(receipt_bytes: bytes, receiver, *, message_id: str, digest: str) -> dict:
    """The RECEIPT, after checking its signature against the receiver's key and that it
    acknowledges exactly these signed bytes."""
    receipt = json.loads(receipt_bytes)
    assert canonical_json_bytes(receipt) == receipt_bytes  # sent as RFC 8785 canonical JSON
    key = signing.public_key_from_text(receiver.public_key)
    verdict = signing.verify_message(receipt, {receiver.kid: key})
    assert verdict.ok, verdict
    assert receipt["message_type"] == "RECEIPT"
    assert receipt["sender"]["ncb_code"] == receiver.ncb_code
    body = receipt["body"]["receipt"]
    assert body["ref_message_id"] == message_id
    assert body["received_digest"] == digest
    assert body["signature_valid"] is True
    assert body["schema_valid"] is True
    return receipt


@pytest.fixture
def clients(two_instances):
    """An API client per seeded user of both instances (`officer_fr`, `supervisor2_de`...)."""
    with contextlib.ExitStack() as stack:
        yield {
            username: stack.enter_context(instance.api(token))
            for instance in two_instances
            for username, token in instance.tokens.items()
        }


def test_each_instance_knows_the_other_as_a_peer_with_its_registered_key(two_instances):
    # given
    a, b = two_instances

    # when
    printed = b.manage("hst_public_key").stdout.splitlines()
    with InstanceDatabase(a.database_url) as database:
        known = database.rows(
            "SELECT n.code, n.transport, n.peer_endpoint, k.kid, k.public_key"
            " FROM contacts_nationalcentralbureau n"
            " LEFT JOIN contacts_ncbpublickey k ON k.ncb_id = n.id AND k.revoked_at IS NULL"
            " WHERE n.code IN ('FR', 'DE') ORDER BY n.code"
        )

    # then
    assert printed == [f"kid: {b.kid}", f"public_key: {b.public_key}"]
    assert known == [
        ("DE", "peer", b.url, b.kid, b.public_key),
        ("FR", "local", "", None, None),
    ]


def test_a_request_goes_to_the_other_instance_and_its_reply_comes_back(two_instances, clients):
    a, b = two_instances
    officer_fr, supervisor2_fr = clients["officer_fr"], clients["supervisor2_fr"]
    officer_de, supervisor2_de = clients["officer_de"], clients["supervisor2_de"]

    # given: France's officer composes a REQUEST to Germany from a case and submits it
    draft = compose(
        officer_fr,
        case=a.case_id,
        message_type="REQUEST",
        recipients=["DE"],
        priority="URGENT",
        language="en",
    )
    request_id = draft["message_id"]
    assert draft["document"]["body"]["requests"], "the REQUEST has request items to answer"
    submitted = ok(officer_fr.post(f"/api/v1/messages/{request_id}/submit/"))
    assert submitted["status"] == "PENDING_APPROVAL"

    # when: France's second supervisor approves it
    approved = approve(supervisor2_fr, request_id, submitted["warnings"])

    # then: it is signed, delivered to Germany's instance, and the receipt verifies
    assert approved["status"] in ("APPROVED", "QUEUED", "DISPATCHED")
    delivery = wait_for(
        lambda: (d := delivery_to(officer_fr, request_id, "DE"))["status"] == "DELIVERED" and d,
        "the REQUEST's delivery to DE is DELIVERED",
    )
    assert delivery["transport"] == "peer"
    assert delivery["receipt"]["signature"] == "ok"
    assert delivery["receipt"]["matches"] is True
    assert delivery["attempt_log"][-1]["outcome"] == "DELIVERED"
    assert delivery["attempt_log"][-1]["http_status"] in (200, 201)
    sent = message_in(officer_fr, request_id, ("DISPATCHED",))
    assert sent is not None
    assert sent["kid"] == a.kid
    signed_bytes, digest = signed_message(a, request_id)
    assert signed_message_verifies(signed_bytes, a)
    verified_receipt(stored_receipt(a, request_id, "DE"), b, message_id=request_id, digest=digest)
    assert delivery["receipt"]["received_digest"] == digest == sent["digest"]
    rendering = officer_fr.get(f"/api/v1/messages/{request_id}/rendering/")
    assert rendering.status_code == 200
    assert rendering.headers["content-type"].startswith("text/plain")
    assert request_id in rendering.text
    assert digest in rendering.text  # the footer names the SHA-256 of the signed JSON

    # and: Germany holds it in triage, with a verified signature, the very bytes sent
    inbound = wait_for(lambda: inbound_with(officer_de, request_id), "the REQUEST at DE")
    assert inbound["message_type"] == "REQUEST"
    assert inbound["sender"] == "FR"
    assert inbound["status"] == "TRIAGE"
    assert inbound["signature_status"] == "ok"
    assert inbound["kid"] == a.kid
    assert inbound["transport"] == "peer"
    raw, raw_sha256 = received_bytes(b, request_id)
    assert raw == signed_bytes
    assert raw_sha256 == digest

    # when: Germany's officer accepts it (France gets an ACCEPTED RESPONSE) and replies
    accepted = ok(officer_de.post(f"/api/v1/messages/inbound/{inbound['public_id']}/accept/"))
    assert accepted["inbound"]["status"] == "ACCEPTED"
    reply = compose(officer_de, reply_to=inbound["public_id"])
    reply_id = reply["message_id"]
    document = reply["document"]
    requested = [item["ref"] for item in draft["document"]["body"]["requests"]]
    assert [o["request_ref"] for o in document["body"]["outcomes"]] == requested
    for outcome in document["body"]["outcomes"]:
        outcome.update(outcome="DONE", details="Identified; no record held (test).")
    edited = ok(officer_de.patch(f"/api/v1/messages/{reply_id}/", json={"document": document}))
    assert edited["errors"] == 0, edited["problems"]
    submitted = ok(officer_de.post(f"/api/v1/messages/{reply_id}/submit/"))
    approve(supervisor2_de, reply_id, submitted["warnings"])

    # then: the REPLY is delivered to France with a receipt that verifies against a's key
    # (DELIVERED, or already ACCEPTED should France ever answer REPLYs with a RESPONSE)
    reply_delivery = wait_for(
        lambda: (d := delivery_to(officer_de, reply_id, "FR"))["status"] in SETTLED and d,
        "the REPLY's delivery to FR is DELIVERED",
    )
    assert reply_delivery["receipt"]["signature"] == "ok"
    _reply_bytes, reply_digest = signed_message(b, reply_id)
    verified_receipt(
        stored_receipt(b, reply_id, "FR"), a, message_id=reply_id, digest=reply_digest
    )

    # and: France received the REPLY, verified, and its tracked request items are closed
    received_reply = wait_for(lambda: inbound_with(officer_fr, reply_id), "the REPLY at FR")
    assert received_reply["message_type"] == "REPLY"
    assert received_reply["signature_status"] == "ok"
    assert received_reply["kid"] == b.kid
    assert received_reply["in_reply_to"] == request_id
    tracked = ok(officer_fr.get("/api/v1/messages/requests/", params={"page_size": 200}))
    items = [row for row in tracked["results"] if row["request_message_id"] == request_id]
    assert sorted(row["request_ref"] for row in items) == sorted(requested)
    assert {(row["direction"], row["outcome"]) for row in items} == {("SENT", "DONE")}
    assert all(row["answer_message_id"] == reply_id for row in items)

    # and: France's delivery of the REQUEST shows Germany's RESPONSE: ACCEPTED
    answered = wait_for(
        lambda: (d := delivery_to(officer_fr, request_id, "DE"))["status"] == "ACCEPTED" and d,
        "the REQUEST's delivery to DE is ACCEPTED",
    )
    assert answered["response_outcome"] == "ACCEPTED"
    assert answered["responded_at"]
    rows = ok(officer_fr.get("/api/v1/messages/inbound/", params={"page_size": 200}))["results"]
    [response] = [
        row
        for row in rows
        if row["message_type"] == "RESPONSE" and row["in_reply_to"] == request_id
    ]
    assert response["sender"] == "DE"
    assert response["status"] == "PROCESSED"  # applied by the system, no triage
    assert response["signature_status"] == "ok"
    assert response["kid"] == b.kid

    # and: Germany's own books agree: the items it owed are answered, not left overdue
    owed = ok(officer_de.get("/api/v1/messages/requests/", params={"page_size": 200}))
    owed_items = [row for row in owed["results"] if row["request_message_id"] == request_id]
    assert sorted(row["request_ref"] for row in owed_items) == sorted(requested)
    assert {(row["direction"], row["outcome"]) for row in owed_items} == {("RECEIVED", "DONE")}


def signed_message_verifies(signed_bytes: bytes, sender) -> bool:
    """The message as sent is canonical JSON signed with the sender instance's key."""
    message = json.loads(signed_bytes)
    assert canonical_json_bytes(message) == signed_bytes
    key = signing.public_key_from_text(sender.public_key)
    return signing.verify_message(message, {sender.kid: key}).ok


def test_the_harness_restarts_what_a_fault_test_kills(two_instances):
    # given: the processes the fault tests kill and restart (instances.py)
    b = two_instances.b

    # when
    b.kill_worker()
    b.kill_web()

    # then
    assert not b.worker_running
    assert not b.web_running

    # when
    b.start_web()
    b.start_worker()

    # then: both answer again, and the inbox is back
    assert b.web_running
    assert b.worker_running
    with b.anonymous() as client:
        assert ok(client.get("/readyz"))["status"] == "ok"
        assert client.post("/api/v1/hst/inbox/", content=b"{").status_code == 400
