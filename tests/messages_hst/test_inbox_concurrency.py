"""The same message posted at the same time (issue 5 "Faults survived"): one stored message,
identical receipts (PostgreSQL: a real unique index and row locks between connections)."""

import threading
import uuid

import pytest
from django.db import connection, connections

from messages_hst import keys
from messages_hst.choices import InboundStatus
from messages_hst.inbox import inbox_receive
from messages_hst.models import InboundMessage, TrackedRequest
from ncb_cases.canonical import canonical_json_bytes
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.messages_hst.factories import hst_document

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks between connections need PostgreSQL (SQLite has one writer at a time)",
)

POSTERS = 4


def post_at_once(raw: bytes, count: int) -> tuple[list, list]:
    start = threading.Barrier(count)
    outcomes, failures = [], []

    def poster():
        try:
            start.wait()
            outcomes.append(
                inbox_receive(raw=raw, recipient_code="DE", transport="peer", remote_addr=None)
            )
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=poster) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, failures


def test_identical_posts_at_once_store_one_message_and_get_identical_receipts(
    transactional_db, ncb_fr, ncb_de
):
    # given one signed REQUEST for DE
    document = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    raw = canonical_json_bytes(keys.sign_as_instance(document))

    # when two peers (and then four) post it at the same moment
    outcomes, failures = post_at_once(raw, 2)
    more, more_failures = post_at_once(raw, POSTERS)

    # then one row, checked once, and every answer is the same receipt
    assert failures == []
    assert more_failures == []
    assert InboundMessage.objects.count() == 1
    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.TRIAGE
    receipts = {outcome.receipt_bytes for outcome in outcomes + more}
    assert receipts == {bytes(inbound.receipt_bytes)}
    assert sorted(outcome.http_status for outcome in outcomes) == [200, 201]
    assert {outcome.http_status for outcome in more} == {200}
    # and its effects were applied once
    assert TrackedRequest.objects.filter(ncb=ncb_de).count() == 2


def test_different_bodies_at_once_keep_one_original_and_one_conflict(
    transactional_db, ncb_fr, ncb_de
):
    # given two different signed bodies under one message id
    message_id = uuid.uuid4()
    first = hst_document(message_id=message_id, sender_ncb=ncb_fr, recipients=("DE",))
    second = dict(first, subject="The same id with another subject (test)")
    bodies = [canonical_json_bytes(keys.sign_as_instance(doc)) for doc in (first, second)]
    start = threading.Barrier(2)
    statuses = []

    def poster(raw):
        try:
            start.wait()
            outcome = inbox_receive(
                raw=raw, recipient_code="DE", transport="peer", remote_addr=None
            )
            statuses.append(outcome.http_status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=poster, args=(raw,)) for raw in bodies]

    # when both arrive at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one is accepted, the other is a conflict kept beside it
    assert sorted(statuses) == [201, 409]
    assert InboundMessage.objects.filter(is_original=True).count() == 1
    assert InboundMessage.objects.filter(status=InboundStatus.CONFLICT).count() == 1


def test_a_check_overtaken_by_another_caller_writes_nothing_and_replays(
    transactional_db, ncb_fr, ncb_de, monkeypatch
):
    # given a REQUEST whose first caller, once its row is inserted (and before it writes its
    # verdict), is overtaken by a second caller posting the same bytes on another connection,
    # which checks the row itself and commits
    from messages_hst.inbox import receive as receive_module

    document = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    raw = canonical_json_bytes(keys.sign_as_instance(document))
    second, own_case = [], receive_module._own_case

    def overtaken(inbound, document):
        if not second:
            second.append(None)
            outcomes, failures = post_at_once(raw, 1)
            assert failures == []
            second[0] = outcomes[0]
        return own_case(inbound, document)

    monkeypatch.setattr(receive_module, "_own_case", overtaken)

    # when the first caller goes on to write its verdict
    first = inbox_receive(raw=raw, recipient_code="DE", transport="peer", remote_addr=None)

    # then it wrote nothing (one row, effects and RECEIVE audit once) and replays the receipt
    # the second caller stored
    assert second[0].http_status == 201
    assert first.http_status == 200
    assert first.receipt_bytes == second[0].receipt_bytes
    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.TRIAGE
    assert bytes(inbound.receipt_bytes) == first.receipt_bytes
    assert TrackedRequest.objects.filter(ncb=ncb_de).count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.RECEIVE).count() == 1


def test_overlapping_batches_at_once_store_each_message_once(transactional_db, ncb_fr, ncb_de):
    # given four signed REQUESTs, and two batches holding three of them each, two in common,
    # in opposite orders
    from messages_hst.inbox.batch import inbox_receive_many

    bodies = [
        canonical_json_bytes(
            keys.sign_as_instance(
                hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
            )
        )
        for _ in range(4)
    ]
    batches = [bodies[:3], bodies[:0:-1]]
    start = threading.Barrier(len(batches))
    answers, failures = {}, []

    def poster(index, lines):
        try:
            start.wait()
            answers[index] = inbox_receive_many(
                lines, recipient_code="DE", transport="peer", remote_addr=None
            )
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=poster, args=item) for item in enumerate(batches)]

    # when both arrive at the same moment
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then each message is stored, checked and applied once, and both batches get, for a
    # message they share, the same receipt: one 201, one 200
    assert failures == []
    assert InboundMessage.objects.count() == 4
    assert set(InboundMessage.objects.values_list("status", flat=True)) == {InboundStatus.TRIAGE}
    assert TrackedRequest.objects.filter(ncb=ncb_de).count() == 2 * 4
    assert AuditEvent.objects.filter(action=AuditAction.RECEIVE).count() == 4
    first, second = answers[0], answers[1]
    for shared_first, shared_second in ((first[1], second[2]), (first[2], second[1])):
        assert shared_first.receipt_bytes == shared_second.receipt_bytes
        assert sorted([shared_first.http_status, shared_second.http_status]) == [200, 201]
    assert (first[0].http_status, second[0].http_status) == (201, 201)
