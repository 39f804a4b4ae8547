"""The receiving instance's inbox over real HTTP: concurrency, tampering and bad input
(issue 5, "Faults survived" and "Bad input").

Instance `b` hosts DE; the test plays instance `a` (FR): it signs messages with `a`'s key
(registered at `b` by the harness) and posts them to `b`'s `/api/v1/hst/inbox/` as the peer
transport would, then reads `b`'s database directly (`bench.hst_probe`). Every refusal is a
precise HTTP status with the list of problems, and the raw bytes stay stored for
investigation, with their SHA-256.
"""

import hashlib
import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import httpx
import pytest

from bench.hst_load import info_document
from bench.hst_probe import InstanceDatabase
from messages_hst import signing
from ncb_cases.canonical import canonical_json_bytes

pytestmark = pytest.mark.integration

INBOX = "/api/v1/hst/inbox/"
FR = SimpleNamespace(code="FR", name="INTERPOL Paris", country=SimpleNamespace(iso2="FR"))
PROBLEM_KEYS = {"path", "code", "severity", "message"}


@pytest.fixture(scope="module")
def a_key(two_instances):
    path = two_instances.a.env["NCB_SIGNING_KEY_FILE"]
    with open(path, "rb") as handle:
        return signing.private_key_from_pem(handle.read())


@pytest.fixture
def b_db(two_instances):
    with InstanceDatabase(two_instances.b.database_url) as db:
        yield db


def _document(**changes) -> dict:
    document = info_document(
        message_id=str(uuid.uuid4()),
        sender=FR,
        recipient_code="DE",
        subject="Smuggling route through the Alps (inbox test)",
    )
    document.update(changes)
    return document


def _signed(document: dict, key) -> bytes:
    return canonical_json_bytes(signing.sign_message(document, key))


def _post(instance, body: bytes, *, message_id: str = "", recipient: str = "DE", **headers):
    with instance.anonymous() as client:
        return client.post(
            INBOX,
            content=body,
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": message_id,
                "HST-Recipient": recipient,
                **headers,
            },
        )


def _stored(db: InstanceDatabase, body: bytes) -> list[dict]:
    """The inbound rows holding exactly these bytes."""
    digest = hashlib.sha256(body).hexdigest()
    rows = db.rows(
        "SELECT status, raw_body, byte_size, signature_status, problems, is_original "
        "FROM messages_hst_inboundmessage WHERE raw_sha256 = %s ORDER BY id",
        [digest],
    )
    return [
        {
            "status": status,
            "raw_body": bytes(raw),
            "byte_size": size,
            "signature_status": signature_status,
            "problems": json.loads(problems) if isinstance(problems, str) else problems,
            "is_original": bool(original),
        }
        for status, raw, size, signature_status, problems, original in rows
    ]


def _alerts(db: InstanceDatabase) -> int:
    """Notifications of the receiving NCB's supervisors."""
    return db.value(
        "SELECT COUNT(*) FROM contacts_notification n JOIN auth_user u ON u.id = n.recipient_id "
        "WHERE u.username IN ('supervisor_de', 'supervisor2_de')"
    )


def _other_signature(block: dict) -> dict:
    """The signature block with the first character of its value changed (still base64url)."""
    value = block["value"]
    return {**block, "value": ("B" if value[0] == "A" else "A") + value[1:]}


def _assert_problems(response: httpx.Response, status: int) -> list[dict]:
    assert response.status_code == status, response.text[:2000]
    problems = response.json()["problems"]
    assert problems, "a refusal names its problems"
    for problem in problems:
        assert set(problem) >= PROBLEM_KEYS, problem
    return problems


# --- Concurrency ------------------------------------------------------------------------------


def test_same_message_posted_twice_at_once_is_stored_once_with_two_identical_receipts(
    two_instances, a_key, b_db
):
    b = two_instances.b
    for _round in range(3):
        # given
        document = _document()
        body = _signed(document, a_key)
        start = threading.Barrier(2)

        def post(barrier, body, message_id):
            barrier.wait()
            return _post(b, body, message_id=message_id)

        # when: two identical posts leave at the same instant
        with ThreadPoolExecutor(max_workers=2) as pool:
            first, second = pool.map(post, [start] * 2, [body] * 2, [document["message_id"]] * 2)

        # then
        assert {first.status_code, second.status_code} <= {200, 201}, (first.text, second.text)
        assert first.content == second.content
        receipt = json.loads(first.content)
        assert receipt["message_type"] == "RECEIPT"
        assert receipt["body"]["receipt"]["ref_message_id"] == document["message_id"]
        assert receipt["body"]["receipt"]["received_digest"] == hashlib.sha256(body).hexdigest()
        ring = signing.keyring([b.public_key])
        assert signing.verify_message(receipt, ring).ok
        originals = [row for row in _stored(b_db, body) if row["is_original"]]
        assert len(originals) == 1
        assert originals[0]["status"] == "TRIAGE"


# --- Tampering --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(
            lambda signed: {**signed, "subject": "Altered in transit (inbox test)"},
            id="body-altered",
        ),
        pytest.param(
            lambda signed: {**signed, "signature": _other_signature(signed["signature"])},
            id="signature-altered",
        ),
    ],
)
def test_message_altered_in_transit_is_rejected_quarantined_and_alerted(
    two_instances, a_key, b_db, tamper
):
    # given
    document = _document()
    body = canonical_json_bytes(tamper(signing.sign_message(document, a_key)))
    alerts_before = _alerts(b_db)

    # when
    response = _post(two_instances.b, body, message_id=document["message_id"])

    # then
    problems = _assert_problems(response, 403)
    assert any("signature" in problem["path"] + problem["code"] for problem in problems)
    (row,) = _stored(b_db, body)
    assert row["status"] == "QUARANTINED"
    assert row["signature_status"] == "bad_signature"
    assert row["raw_body"] == body
    assert row["byte_size"] == len(body)
    assert _alerts(b_db) > alerts_before


def test_message_signed_with_an_unknown_key_is_quarantined(two_instances, b_db):
    # given: signed by a key nobody registered at b
    document = _document()
    body = _signed(document, signing.generate_private_key())

    # when
    response = _post(two_instances.b, body, message_id=document["message_id"])

    # then
    _assert_problems(response, 403)
    (row,) = _stored(b_db, body)
    assert (row["status"], row["signature_status"]) == ("QUARANTINED", "unknown_key")
    assert row["raw_body"] == body


# --- Bad input --------------------------------------------------------------------------------


def test_malformed_json_is_refused_and_its_bytes_kept(two_instances, b_db):
    # given
    body = b'{"hst_version": "1.0", "message_id": "not closed'

    # when
    response = _post(two_instances.b, body)

    # then
    _assert_problems(response, 400)
    (row,) = _stored(b_db, body)
    assert row["raw_body"] == body
    assert row["status"] == "QUARANTINED"


def test_schema_violation_is_refused_naming_the_field_and_kept(two_instances, a_key, b_db):
    # given: correctly signed, but without the subject a message must have and with an
    # unknown priority
    document = _document(priority="WHENEVER")
    del document["subject"]
    body = _signed(document, a_key)

    # when
    response = _post(two_instances.b, body, message_id=document["message_id"])

    # then
    problems = _assert_problems(response, 400)
    paths = {problem["path"] for problem in problems}
    assert "/priority" in paths, problems
    assert any("subject" in problem["path"] + problem["message"] for problem in problems)
    (row,) = _stored(b_db, body)
    assert (row["status"], row["signature_status"]) == ("QUARANTINED", "ok")
    assert row["problems"]


def test_message_for_an_unknown_recipient_is_refused_and_kept(two_instances, a_key, b_db):
    # given: addressed to an NCB code no instance knows (every known NCB not served by a peer
    # or the gateway is hosted on b)
    document = _document(recipients=[{"ncb_code": "XZ", "role": "TO"}])
    body = _signed(document, a_key)

    # when
    response = _post(two_instances.b, body, message_id=document["message_id"], recipient="XZ")

    # then
    problems = _assert_problems(response, 404)
    assert any("recipient" in problem["path"] + problem["code"] for problem in problems)
    (row,) = _stored(b_db, body)
    assert row["raw_body"] == body
    assert row["status"] == "QUARANTINED"


def test_message_for_an_ncb_served_elsewhere_is_refused(two_instances, a_key, b_db):
    # given: addressed to FR, whose instance is a, posted to b
    document = _document(recipients=[{"ncb_code": "FR", "role": "TO"}])
    body = _signed(document, a_key)

    # when
    response = _post(two_instances.b, body, message_id=document["message_id"], recipient="FR")

    # then
    _assert_problems(response, 404)
    (row,) = _stored(b_db, body)
    assert row["raw_body"] == body


def test_body_over_the_configured_limit_is_refused_with_413(two_instances, a_key, b_db):
    # given: b restarted with a 4 KiB limit
    b = two_instances.b
    document = _document()
    document["body"]["case_summary"]["summary"] = "Long account of the route (test). " * 150
    body = _signed(document, a_key)
    assert len(body) > 4096
    b.env["HST_INBOX_MAX_BYTES"] = "4096"
    b.kill_web()  # at once: no request is in flight
    b.start_web()
    try:
        # when
        response = _post(b, body, message_id=document["message_id"])
        small = _document()
        accepted = _post(b, _signed(small, a_key), message_id=small["message_id"])
    finally:
        del b.env["HST_INBOX_MAX_BYTES"]
        b.kill_web()
        b.start_web()

    # then
    problems = _assert_problems(response, 413)
    assert any("4096" in problem["message"] for problem in problems), problems
    # what was read (the limit + 1 byte, never the whole body) is kept
    (row,) = _stored(b_db, body[:4097])
    assert row["status"] == "QUARANTINED"
    assert accepted.status_code == 201, accepted.text[:2000]


def test_replay_with_another_body_is_a_409_conflict_kept_and_alerted(two_instances, a_key, b_db):
    # given: a message delivered, then the same id with another content
    b = two_instances.b
    document = _document()
    original = _signed(document, a_key)
    assert _post(b, original, message_id=document["message_id"]).status_code == 201
    altered = _signed({**document, "subject": "Same id, other content (inbox test)"}, a_key)
    alerts_before = _alerts(b_db)

    # when
    response = _post(b, altered, message_id=document["message_id"])

    # then
    _assert_problems(response, 409)
    (conflict,) = _stored(b_db, altered)
    assert conflict["status"] == "CONFLICT"
    assert conflict["is_original"] is False
    assert conflict["raw_body"] == altered
    (kept,) = _stored(b_db, original)
    assert kept["status"] == "TRIAGE"
    assert _alerts(b_db) > alerts_before
    # and the original's receipt is still replayed for the original bytes
    again = _post(b, original, message_id=document["message_id"])
    assert again.status_code == 200
    assert (
        json.loads(again.content)["body"]["receipt"]["ref_message_id"] == (document["message_id"])
    )
