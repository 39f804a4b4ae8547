"""One dispatch signs every message whose outbox entry is open (bounded), so that under load
one task and one commit serve the approvals of the last moments."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from messages_hst.choices import AttemptOutcome, DeliveryStatus, MessageStatus
from messages_hst.models import Delivery, HSTMessage, OutboxEntry
from messages_hst.pipeline import (
    delivery_attempt,
    delivery_attempts,
    message_dispatch,
    schedule_delivery,
    scheduling,
)
from messages_hst.transports import TransportResult
from tests.messages_hst.authoring_fixtures import record_enqueued
from tests.messages_hst.pipeline_support import approved_message, enqueued, ncb


class _HandedOver:
    def __init__(self):
        self.sent = []

    def send(self, delivery, signed_bytes):
        self.sent.append(delivery.pk)
        return TransportResult(AttemptOutcome.HANDED_OVER, detail="written")


@pytest.fixture
def failing_attempts(monkeypatch):
    """Every attempt raises (the database gone while it sends)."""

    def broken(delivery, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("messages_hst.pipeline.attempts._send_and_record", broken)


def _scheduled(ncb, count):
    messages = [approved_message(ncb) for _ in range(count)]
    for message in messages:
        schedule_delivery(message)
    return messages


@pytest.mark.django_db
def test_one_dispatch_signs_every_queued_message_and_sends_their_deliveries_itself(
    ncb_fr, ncb_de, monkeypatch, django_capture_on_commit_callbacks
):
    # given three approved messages to one NCB, their dispatch tasks not run yet
    first, second, third = _scheduled(ncb_fr, 3)
    recorder = _HandedOver()
    monkeypatch.setattr("messages_hst.pipeline.attempts.transport_for", lambda ncb: recorder)

    # when the first one's task runs
    with django_capture_on_commit_callbacks() as callbacks:
        message_dispatch(first.pk)

    # then all three are signed and dispatched, and their deliveries sent by it: no task
    for message in (first, second, third):
        message.refresh_from_db()
        assert message.status == MessageStatus.DISPATCHED
        assert message.signed_bytes
        assert message.rendering
        assert OutboxEntry.objects.get(message=message).processed_at is not None
    deliveries = Delivery.objects.filter(message__in=(first, second, third)).order_by("pk")
    assert recorder.sent == [delivery.pk for delivery in deliveries]
    assert {(d.status, d.attempts) for d in deliveries} == {(DeliveryStatus.AWAITING_RECEIPT, 1)}
    assert all(delivery.attempt_log.count() == 1 for delivery in deliveries)
    assert enqueued(callbacks) == []


@pytest.mark.django_db
def test_a_dispatch_that_does_not_send_hands_the_deliveries_to_one_batch_task(
    ncb_fr, ncb_de, django_capture_on_commit_callbacks
):
    # given
    messages = _scheduled(ncb_fr, 3)

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        message_dispatch(messages[0].pk, send_here=False)

    # then every delivery is due and waits for the task
    deliveries = Delivery.objects.order_by("pk")
    assert {(d.status, d.attempts) for d in deliveries} == {(DeliveryStatus.PENDING, 0)}
    assert all(delivery.next_attempt_at is not None for delivery in deliveries)
    assert enqueued(callbacks) == [("deliver_batch", [d.pk for d in deliveries], None)]


@pytest.mark.django_db
def test_the_other_messages_own_dispatch_then_changes_nothing_and_enqueues_nothing(
    ncb_fr, ncb_de, django_capture_on_commit_callbacks
):
    # given a message signed by another message's dispatch
    first, second = _scheduled(ncb_fr, 2)
    message_dispatch(first.pk)
    signed = HSTMessage.objects.get(pk=second.pk)

    # when its own task runs
    with django_capture_on_commit_callbacks() as callbacks:
        message_dispatch(second.pk)

    # then
    again = HSTMessage.objects.get(pk=second.pk)
    assert bytes(again.signed_bytes) == bytes(signed.signed_bytes)
    assert again.signed_at == signed.signed_at
    assert callbacks == []


@pytest.mark.django_db
def test_a_dispatch_takes_only_messages_with_an_open_outbox_entry(ncb_fr, ncb_de, monkeypatch):
    # given a draft, a message dispatched already and one queued, besides the task's own
    from tests.messages_hst.factories import HSTMessageFactory

    HSTMessageFactory(sender_ncb=ncb_fr)
    (done,) = _scheduled(ncb_fr, 1)
    message_dispatch(done.pk)
    own, queued_now = _scheduled(ncb_fr, 2)
    batches = []
    real = scheduling._dispatch
    monkeypatch.setattr(
        scheduling,
        "_dispatch",
        lambda messages, now, send_here: batches.append(messages) or real(messages, now),
    )

    # when
    message_dispatch(own.pk)

    # then the task's message and the queued one only
    assert [[message.pk for message in batch] for batch in batches] == [[own.pk, queued_now.pk]]


@pytest.mark.django_db
def test_a_dispatch_drains_the_outbox_by_rounds_of_its_batch(ncb_fr, ncb_de, settings):
    # given a batch of 2 and five queued messages (the others found the dispatch pending)
    settings.HST_DISPATCH_BATCH = 2
    messages = _scheduled(ncb_fr, 5)

    # when the newest one's dispatch runs
    message_dispatch(messages[-1].pk)

    # then every one is dispatched, its own in the first round
    assert set(HSTMessage.objects.values_list("status", flat=True)) == {MessageStatus.DISPATCHED}
    assert not OutboxEntry.objects.filter(processed_at__isnull=True).exists()


@pytest.mark.django_db
def test_without_batches_a_dispatch_takes_its_own_message_only(
    ncb_fr, ncb_de, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given batches of one (every approval enqueues its own dispatch) and three queued messages
    settings.HST_DISPATCH_BATCH = 1
    messages = _scheduled(ncb_fr, 3)
    dispatches = record_enqueued(monkeypatch, "dispatch_message")

    # when the first one's dispatch runs
    with django_capture_on_commit_callbacks(execute=True):
        message_dispatch(messages[0].pk)

    # then the others are left to their own tasks, and no task is added for them
    statuses = list(HSTMessage.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [MessageStatus.DISPATCHED, MessageStatus.QUEUED, MessageStatus.QUEUED]
    assert dispatches == []


@pytest.mark.django_db
def test_a_dispatch_hands_a_long_queue_to_a_new_task_after_its_rounds(
    ncb_fr, ncb_de, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given a batch of 2, at most two rounds, and six queued messages
    settings.HST_DISPATCH_BATCH = 2
    monkeypatch.setattr(scheduling, "MAX_DISPATCH_ROUNDS", 2)
    messages = _scheduled(ncb_fr, 6)
    dispatches = record_enqueued(monkeypatch, "dispatch_message")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        message_dispatch(messages[0].pk)

    # then four are dispatched and a new task carries on with the rest
    statuses = list(HSTMessage.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [MessageStatus.DISPATCHED] * 4 + [MessageStatus.QUEUED] * 2
    assert dispatches == [messages[0].pk]


@pytest.mark.django_db
def test_a_message_that_cannot_be_signed_does_not_hold_back_the_others(ncb_fr, ncb_de):
    # given an unsignable message (an integer beyond JSON's safe range) queued with a good one
    good = approved_message(ncb_fr)
    bad = approved_message(ncb_fr, x_count=2**60)
    schedule_delivery(good)
    schedule_delivery(bad)

    # when
    message_dispatch(bad.pk)

    # then
    assert bad.deliveries.get().status == DeliveryStatus.DEAD
    good.refresh_from_db()
    assert good.status == MessageStatus.DISPATCHED
    assert good.deliveries.get().attempts == 1
    assert not OutboxEntry.objects.filter(processed_at__isnull=True).exists()


# The rounds of a dispatch: the request held, (savepoint) the open entries, lock them and
# its own, the messages' rows (one statement for all), the due deliveries (select + update),
# the outbox entries (+ savepoint release). Under load (a round found others) it holds the
# request again and looks for more: (savepoint) the open entries (+ release). Then, finding
# none, it gives the request up and reads the outbox a last time: the same three.
LONE_DISPATCH = 1 + 8 + 1 + 3
DISPATCH_UNDER_LOAD = 1 + 8 + 1 + 3 + 1 + 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("count", "statements"),
    [(1, LONE_DISPATCH), (2, DISPATCH_UNDER_LOAD), (6, DISPATCH_UNDER_LOAD)],
)
def test_a_dispatch_costs_the_same_statements_whatever_the_number_of_messages(
    ncb_fr, ncb_de, django_assert_num_queries, count, statements
):
    # given
    messages = _scheduled(ncb_fr, count)

    # when / then
    with django_assert_num_queries(statements):
        message_dispatch(messages[0].pk, send_here=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("count", "statements"),
    [(1, LONE_DISPATCH), (2, DISPATCH_UNDER_LOAD), (6, DISPATCH_UNDER_LOAD)],
)
def test_a_dispatch_sending_its_deliveries_costs_the_same_statements_for_one_or_many(
    ncb_fr, ncb_de, monkeypatch, django_assert_num_queries, count, statements
):
    # given messages to one NCB whose transport takes batches (sent in one request)
    messages = _scheduled(ncb_fr, count)

    def send_batch(deliveries, payloads):
        return [TransportResult(AttemptOutcome.HANDED_OVER, detail="written")] * len(payloads)

    batching = _HandedOver()
    batching.send_batch = send_batch
    monkeypatch.setattr("messages_hst.pipeline.attempts.transport_for", lambda ncb: batching)

    # when / then: the dispatch's (the deliveries claimed by the UPDATE that makes them due),
    # and the attempts recorded: (savepoint) the claims still held, the deliveries' rows (one
    # statement), the attempts' log (+ release)
    with django_assert_num_queries(statements + 5):
        message_dispatch(messages[0].pk)
    assert set(Delivery.objects.values_list("status", flat=True)) == {
        DeliveryStatus.AWAITING_RECEIPT
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_message_another_dispatch_holds_is_skipped_not_waited_for(ncb_fr, ncb_de):
    # given two queued messages, the second locked by another transaction
    first, second = _scheduled(ncb_fr, 2)
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                HSTMessage.objects.select_for_update().get(pk=second.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10)
    try:
        # when the first one's dispatch runs meanwhile
        message_dispatch(first.pk)
    finally:
        release.set()
        holder.join()

    # then it did not wait for the second one, left to its own task
    statuses = dict(HSTMessage.objects.values_list("pk", "status"))
    assert statuses[first.pk] == MessageStatus.DISPATCHED
    assert statuses[second.pk] == MessageStatus.QUEUED
    message_dispatch(second.pk)
    assert HSTMessage.objects.get(pk=second.pk).status == MessageStatus.DISPATCHED


@pytest.mark.django_db
def test_the_deliveries_to_other_ncbs_are_enqueued_by_chunks_of_the_batch_size(
    ncb_fr, ncb_de, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given five queued messages to DE and Italy, and batches of two deliveries
    settings.HST_DELIVER_BATCH = 2
    it = ncb("IT", "ITA", "Rome")
    messages = [approved_message(ncb_fr, recipients=("DE", "IT")) for _ in range(5)]
    for message in messages:
        schedule_delivery(message)
    recorder = _HandedOver()
    monkeypatch.setattr("messages_hst.pipeline.attempts.transport_for", lambda ncb: recorder)

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        message_dispatch(messages[0].pk)

    # then DE's (the first NCB) are sent by the dispatch, Italy's go to tasks
    to_de = list(
        Delivery.objects.filter(recipient_ncb=ncb_de).order_by("pk").values_list("pk", flat=True)
    )
    to_it = list(
        Delivery.objects.filter(recipient_ncb=it).order_by("pk").values_list("pk", flat=True)
    )
    assert recorder.sent == to_de
    assert enqueued(callbacks) == [
        ("deliver_batch", to_it[0:2], None),
        ("deliver_batch", to_it[2:4], None),
        ("deliver_batch", to_it[4:5], None),
    ]


@pytest.mark.django_db
def test_a_lone_message_to_two_recipients_sends_to_one_and_gives_the_other_a_task(
    ncb_fr, ncb_de, monkeypatch, django_capture_on_commit_callbacks
):
    # given (its recipients are served in parallel, as before batches)
    ncb("IT", "ITA", "Rome")
    message = approved_message(ncb_fr, recipients=("DE", "IT"))
    schedule_delivery(message)
    recorder = _HandedOver()
    monkeypatch.setattr("messages_hst.pipeline.attempts.transport_for", lambda ncb: recorder)

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        message_dispatch(message.pk)

    # then
    first, second = message.deliveries.order_by("pk").values_list("pk", flat=True)
    assert recorder.sent == [first]
    assert enqueued(callbacks) == [("deliver", second, None)]


@pytest.mark.django_db
def test_a_message_signed_by_an_earlier_try_is_handed_to_a_task(
    ncb_fr, ncb_de, monkeypatch, django_capture_on_commit_callbacks
):
    # given a message signed by an earlier dispatch whose outbox entry is open again and
    # whose delivery is not due (as if that dispatch had not got further)
    (message,) = _scheduled(ncb_fr, 1)
    message_dispatch(message.pk, send_here=False)
    OutboxEntry.objects.filter(message=message).update(processed_at=None)
    Delivery.objects.filter(message=message).update(next_attempt_at=None)
    recorder = _HandedOver()
    monkeypatch.setattr("messages_hst.pipeline.attempts.transport_for", lambda ncb: recorder)

    # when the dispatch runs again (its bytes are not read again to send them here)
    with django_capture_on_commit_callbacks() as callbacks:
        message_dispatch(message.pk)

    # then
    assert recorder.sent == []
    assert enqueued(callbacks) == [("deliver", message.deliveries.get().pk, None)]


@pytest.mark.django_db
def test_a_dispatch_failing_while_it_sends_gives_its_deliveries_back_to_tasks(
    ncb_fr, ncb_de, failing_attempts, django_capture_on_commit_callbacks
):
    # given three queued messages and an attempt that fails on the first delivery
    messages = _scheduled(ncb_fr, 3)

    # when
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        message_dispatch(messages[0].pk)

    # then the messages stay dispatched; none of their deliveries is left claimed: each is
    # due and enqueued on its own
    assert set(HSTMessage.objects.values_list("status", flat=True)) == {MessageStatus.DISPATCHED}
    pks = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
    assert enqueued(callbacks) == [("deliver", pk, None) for pk in pks]
    rows = Delivery.objects.filter(pk__in=pks)
    assert set(rows.values_list("status", "attempts")) == {(DeliveryStatus.PENDING, 0)}
    assert all(delivery.next_attempt_at is not None for delivery in rows)


def _due_deliveries(ncb, count):
    pks = []
    for message in _scheduled(ncb, count):
        message_dispatch(message.pk, send_here=False)
        pks.append(message.deliveries.get().pk)
    return pks


@pytest.mark.django_db
def test_the_batch_task_attempts_each_delivery_on_its_own(ncb_fr, ncb_de, monkeypatch):
    # given three due deliveries, the second already claimed by another worker
    from messages_hst import tasks

    pks = _due_deliveries(ncb_fr, 3)
    Delivery.objects.filter(pk=pks[1]).update(status=DeliveryStatus.SENDING)
    sent = []

    class Recorder:
        def send(self, delivery, signed_bytes):
            sent.append(delivery.pk)
            return TransportResult(AttemptOutcome.HANDED_OVER, detail="written")

    monkeypatch.setattr("messages_hst.pipeline.attempts.transport_for", lambda ncb: Recorder())

    # when
    counts = tasks.deliver_batch.run(pks)

    # then the first and the third were sent and recorded, the claimed one left alone
    assert sent == [pks[0], pks[2]]
    assert counts == {DeliveryStatus.AWAITING_RECEIPT: 2, "skipped": 1}
    assert Delivery.objects.get(pk=pks[0]).attempt_log.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("count", "claim_statements"), [(1, 1), (4, 4), (8, 4)])
def test_a_batch_loads_and_claims_its_deliveries_together(
    ncb_fr, ncb_de, monkeypatch, django_assert_num_queries, count, claim_statements
):
    # given
    pks = _due_deliveries(ncb_fr, count)
    monkeypatch.setattr("messages_hst.pipeline.attempts.transport_for", lambda ncb: _HandedOver())

    # when / then: one load; the claims: a lone delivery's conditional UPDATE, a batch's
    # (savepoint) lock + UPDATE (+ release) whatever its size; then per delivery (handed
    # over one by one) the (savepoint) claim still held, update, insert (+ release)
    with django_assert_num_queries(1 + claim_statements + 5 * count):
        results = delivery_attempts(pks)
    assert [delivery.status for delivery in results] == [DeliveryStatus.AWAITING_RECEIPT] * count
    assert set(Delivery.objects.filter(pk__in=pks).values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db
def test_a_delivery_attempted_elsewhere_after_the_batch_was_loaded_is_left_alone(
    ncb_fr, ncb_de, monkeypatch
):
    # given two due deliveries; the second one is attempted by another worker between the
    # batch's load and its claim (it failed there and waits for its retry, due at once)
    from messages_hst.pipeline import attempts

    pks = _due_deliveries(ncb_fr, 2)
    load = attempts._loaded

    def loaded_then_attempted_elsewhere(delivery_pks):
        found = load(delivery_pks)
        Delivery.objects.filter(pk=pks[1]).update(
            status=DeliveryStatus.RETRY_SCHEDULED, attempts=1
        )
        return found

    monkeypatch.setattr(attempts, "_loaded", loaded_then_attempted_elsewhere)
    recorder = _HandedOver()
    monkeypatch.setattr("messages_hst.pipeline.attempts.transport_for", lambda ncb: recorder)

    # when
    results = delivery_attempts(pks)

    # then the batch did not claim it on what it had loaded: the other worker's retry will
    assert recorder.sent == [pks[0]]
    assert results[1] is None
    assert Delivery.objects.get(pk=pks[1]).attempts == 1


@pytest.mark.django_db
def test_a_batchs_later_deliveries_are_held_while_it_sends_the_first(ncb_fr, ncb_de, monkeypatch):
    # given two due deliveries in one batch, and another worker that tries the second while
    # the batch sends the first
    pks = _due_deliveries(ncb_fr, 2)
    elsewhere = []

    class AnotherWorkerMeanwhile(_HandedOver):
        def send(self, delivery, signed_bytes):
            if delivery.pk == pks[0]:
                elsewhere.append(delivery_attempt(pks[1]))
            return super().send(delivery, signed_bytes)

    recorder = AnotherWorkerMeanwhile()
    monkeypatch.setattr("messages_hst.pipeline.attempts.transport_for", lambda ncb: recorder)

    # when
    results = delivery_attempts(pks)

    # then the other worker found it claimed and did nothing; the batch sent each once
    assert elsewhere == [None]
    assert recorder.sent == pks
    assert [delivery.attempts for delivery in results] == [1, 1]


@pytest.mark.django_db
def test_a_failing_delivery_hands_its_batch_to_tasks_of_their_own(
    ncb_fr, ncb_de, failing_attempts, django_capture_on_commit_callbacks
):
    # given three due deliveries and an attempt that fails on the first one
    pks = _due_deliveries(ncb_fr, 3)

    # when
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        delivery_attempts(pks)

    # then none is left claimed: each is given back as it was and enqueued on its own
    assert enqueued(callbacks) == [("deliver", pk, None) for pk in pks]
    rest = Delivery.objects.filter(pk__in=pks)
    assert set(rest.values_list("status", "attempts")) == {(DeliveryStatus.PENDING, 0)}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_tasks_own_message_held_elsewhere_is_waited_for_and_dispatched(ncb_fr, ncb_de):
    # given the task's message locked for a moment by another transaction
    (message,) = _scheduled(ncb_fr, 1)
    locked = threading.Event()

    def hold():
        try:
            with transaction.atomic():
                HSTMessage.objects.select_for_update().get(pk=message.pk)
                locked.set()
                time.sleep(0.3)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10)

    # when its dispatch runs meanwhile
    try:
        message_dispatch(message.pk)
    finally:
        holder.join()

    # then it waited for the row and dispatched the message
    assert HSTMessage.objects.get(pk=message.pk).status == MessageStatus.DISPATCHED
    assert OutboxEntry.objects.get(message=message).processed_at is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_batches_sharing_deliveries_claim_each_once(ncb_fr, ncb_de):
    # given six due deliveries, loaded by two batches that share four of them (in opposite
    # orders: the locks are taken in key order, so neither waits for the other forever)
    from messages_hst.pipeline import attempts

    pks = _due_deliveries(ncb_fr, 6)
    orders = [pks[:5], list(reversed(pks[1:]))]
    claimed: list[list[int]] = [[], []]
    start = threading.Barrier(2)

    def batch(index):
        try:
            loaded = attempts._loaded(orders[index])
            start.wait(5)
            found = attempts._claim_all([loaded[pk] for pk in orders[index]], timezone.now())
            claimed[index] = [delivery.pk for delivery in found]
        finally:
            connections.close_all()

    # when both claim at once
    threads = [threading.Thread(target=batch, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    # then every delivery was claimed by exactly one of them, once
    assert sorted(claimed[0] + claimed[1]) == sorted(pks)
    assert set(Delivery.objects.filter(pk__in=pks).values_list("status", "attempts")) == {
        (DeliveryStatus.SENDING, 1)
    }
