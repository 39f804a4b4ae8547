"""`messages_hst.inbox.batch.inbox_receive_many`: each line of a batch answered as the single
inbox answers it, the common case's work done together."""

import hashlib
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Notification
from messages_hst import keys
from messages_hst.choices import InboundStatus, SignatureStatus
from messages_hst.inbox import batch, inbox_receive
from messages_hst.inbox.batch import inbox_receive_many
from messages_hst.models import InboundMessage, TrackedRequest
from ncb_cases.canonical import canonical_json_bytes
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.messages_hst import examples
from tests.messages_hst.factories import hst_document
from tests.messages_hst.test_inbox_effects import addressed

pytestmark = pytest.mark.django_db


def request_document(ncb_fr) -> dict:
    return hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))


def signed(document: dict) -> bytes:
    return canonical_json_bytes(keys.sign_as_instance(document))


def receive_many(lines: list[bytes]):
    return inbox_receive_many(
        lines, recipient_code="DE", transport="peer", remote_addr="192.0.2.10"
    )


def receive_one(raw: bytes):
    return inbox_receive(raw=raw, recipient_code="DE", transport="peer", remote_addr="192.0.2.10")


def test_new_valid_messages_are_each_stored_receipted_applied_and_audited(ncb_fr, ncb_de):
    # given three signed, valid REQUESTs for DE
    documents = [request_document(ncb_fr) for _ in range(3)]
    lines = [signed(document) for document in documents]

    # when they arrive as one batch
    outcomes = receive_many(lines)

    # then each is answered 201 with the signed RECEIPT its row keeps, in order
    assert [outcome.http_status for outcome in outcomes] == [201, 201, 201]
    for document, raw, outcome in zip(documents, lines, outcomes, strict=True):
        row = InboundMessage.objects.get(message_id=document["message_id"])
        assert bytes(row.raw_body) == raw
        assert row.status == InboundStatus.TRIAGE
        assert row.signature_status == SignatureStatus.OK
        assert row.sender_ncb == ncb_fr
        assert row.document == document | {"signature": row.document["signature"]}
        assert row.subject == document["subject"]
        assert bytes(row.receipt_bytes) == outcome.receipt_bytes
        assert outcome.inbound.pk == row.pk
    # and each REQUEST's items are owed, each reception audited once
    assert TrackedRequest.objects.filter(ncb=ncb_de).count() == 2 * len(documents)
    events = AuditEvent.objects.filter(action=AuditAction.RECEIVE)
    assert sorted(event.details["status"] for event in events) == [InboundStatus.TRIAGE] * 3
    assert {event.ip for event in events} == {"192.0.2.10"}


def test_the_answers_are_those_of_the_single_inbox(ncb_fr, ncb_de, supervisor_de):
    # given a message DE already holds, another with other bytes under that held id, a message
    # whose signature does not match, a line that is not JSON and a new message twice
    held = request_document(ncb_fr)
    held_raw = signed(held)
    first_answer = receive_one(held_raw)
    conflicting = signed(held | {"subject": "Another subject (test)"})
    tampered = signed(request_document(ncb_fr)).replace(b'"subject":"', b'"subject":"X', 1)
    new = signed(request_document(ncb_fr))
    lines = [held_raw, new, conflicting, tampered, b"not json", new]

    # when they arrive as one batch
    outcomes = receive_many(lines)

    # then each answer is what the line alone would get
    assert [outcome.http_status for outcome in outcomes] == [200, 201, 409, 403, 400, 200]
    assert outcomes[0].receipt_bytes == first_answer.receipt_bytes
    assert outcomes[5].receipt_bytes == outcomes[1].receipt_bytes
    assert outcomes[3].problems[0]["code"] == "signature_bad"
    assert outcomes[4].problems[0]["code"] == "malformed_json"
    # and every body is kept once: the held one, the new one, the conflict, the tampered, the
    # malformed; the tampered message is quarantined and alerted once, as is the conflict
    assert InboundMessage.objects.count() == 5
    quarantined = InboundMessage.objects.get(raw_sha256=hashlib.sha256(tampered).hexdigest())
    assert quarantined.status == InboundStatus.QUARANTINED
    assert Notification.objects.filter(recipient=supervisor_de).count() == 2


def test_a_message_pointing_at_another_of_the_batch_is_checked_after_it(ncb_fr, ncb_de):
    # given a REQUEST and, in the same batch, FR's CANCEL of it (valid only if the REQUEST is
    # known when the CANCEL is validated)
    request = request_document(ncb_fr)
    cancel = addressed(examples.cancel_message(), sender=ncb_fr, recipient="DE")
    cancel["case"] = request["case"]
    cancel["thread"] = {"supersedes": request["message_id"]}

    # when both arrive in one batch, the CANCEL first
    outcomes = receive_many([signed(cancel), signed(request), signed(request_document(ncb_fr))])

    # then both are accepted, and the cancelled REQUEST flagged
    assert [outcome.http_status for outcome in outcomes] == [201, 201, 201], outcomes[0].problems
    original = InboundMessage.objects.get(message_id=request["message_id"])
    assert [p["code"] for p in original.problems if p["code"] == "cancelled"] == ["cancelled"]


def test_a_row_checked_meanwhile_by_another_receiver_is_replayed(ncb_fr, ncb_de, monkeypatch):
    # given a receiver that, while the batch checks its first line, gets that line posted alone
    lines = [signed(request_document(ncb_fr)) for _ in range(2)]
    examine = batch.examine
    concurrent = []

    def examine_while_posted_alone(inbound, document, *args, **kwargs):
        if not concurrent and bytes(inbound.raw_body) == lines[0]:
            concurrent.append(receive_one(lines[0]))
        return examine(inbound, document, *args, **kwargs)

    monkeypatch.setattr(batch, "examine", examine_while_posted_alone)

    # when the batch arrives
    outcomes = receive_many(lines)

    # then the other receiver accepted the first line (the batch's row, met still unchecked),
    # and the batch replays its receipt
    assert concurrent[0].http_status == 201
    assert [outcome.http_status for outcome in outcomes] == [200, 201]
    assert outcomes[0].receipt_bytes == concurrent[0].receipt_bytes
    assert InboundMessage.objects.count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.RECEIVE).count() == 2


def test_a_line_stored_meanwhile_makes_every_line_received_alone(ncb_fr, ncb_de, monkeypatch):
    # given a line another receiver stores between the batch's look-up and its insert
    first, second = (signed(request_document(ncb_fr)) for _ in range(2))
    stored_keys = batch._stored_keys

    def stored_meanwhile(lines):
        found = stored_keys(lines)
        receive_one(first)
        return found

    monkeypatch.setattr(batch, "_stored_keys", stored_meanwhile)

    # when the batch arrives
    outcomes = receive_many([first, second])

    # then nothing of the failed insert is kept: the first is a repeat, the second new
    assert [outcome.http_status for outcome in outcomes] == [200, 201]
    assert InboundMessage.objects.count() == 2


def test_the_statements_do_not_grow_with_the_batch(ncb_fr, ncb_de):
    def statements(count: int) -> int:
        documents = [
            addressed(examples.info_message(), sender=ncb_fr, recipient="DE") for _ in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            outcomes = receive_many([signed(document) for document in documents])
        assert {outcome.http_status for outcome in outcomes} == {201}
        return len(captured.captured_queries)

    statements(2)  # the directory and the keyring read once, kept a few seconds
    assert statements(8) == statements(2)


def test_a_message_without_an_id_is_stored_once(ncb_fr, ncb_de):
    # given a signed body without a message id (nothing can find its row by id again) beside
    # two valid messages
    without_id = request_document(ncb_fr)
    del without_id["message_id"]
    lines = [
        signed(request_document(ncb_fr)),
        signed(without_id),
        signed(request_document(ncb_fr)),
    ]

    # when they arrive as one batch
    outcomes = receive_many(lines)

    # then it is refused as alone (a schema error), its bytes kept once
    assert [outcome.http_status for outcome in outcomes] == [201, 400, 201]
    kept = InboundMessage.objects.filter(raw_sha256=hashlib.sha256(lines[1]).hexdigest())
    assert kept.count() == 1
    assert kept.get().status == InboundStatus.QUARANTINED
