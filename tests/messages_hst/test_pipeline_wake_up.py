"""One dispatch at a time for many approvals (`messages_hst.pipeline.wake_up`): an approval
asks for a dispatch only when none holds the request, and the one holding it finds its
message, even when the approval came while it was working."""

import datetime as dt

import pytest
from django.utils import timezone

from messages_hst.choices import AttemptOutcome, MessageStatus
from messages_hst.models import DispatchWakeUp, HSTMessage
from messages_hst.pipeline import (
    message_dispatch,
    queueing,
    schedule_delivery,
    scheduling,
    wake_up,
)
from messages_hst.transports import TransportResult
from tests.messages_hst.pipeline_support import approved_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatches(monkeypatch):
    """The message pks `dispatch_message` is enqueued with; the broker accepts while
    `dispatches.accepting` is true."""

    class Enqueued(list):
        accepting = True

    enqueued = Enqueued()

    def enqueue(task_name, pk, countdown=None):
        if task_name != "dispatch_message":
            return True
        if enqueued.accepting:
            enqueued.append(pk)
        return enqueued.accepting

    monkeypatch.setattr(queueing, "enqueue", enqueue)
    return enqueued


def _approved(ncb, django_capture_on_commit_callbacks) -> HSTMessage:
    message = approved_message(ncb)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_delivery(message)
    return message


def test_only_the_first_approval_asks_while_a_dispatch_is_pending(
    ncb_fr, ncb_de, dispatches, django_capture_on_commit_callbacks
):
    # when three messages are approved before any dispatch runs
    messages = [_approved(ncb_fr, django_capture_on_commit_callbacks) for _ in "abc"]

    # then one task is enqueued, for the first
    assert dispatches == [messages[0].pk]

    # and that dispatch sends all three
    message_dispatch(messages[0].pk)
    statuses = set(HSTMessage.objects.values_list("status", flat=True))
    assert statuses == {MessageStatus.DISPATCHED}


def test_an_approval_after_the_dispatch_finished_asks_again(
    ncb_fr, ncb_de, dispatches, django_capture_on_commit_callbacks
):
    # given a dispatch that has run (and given the request up when it was done)
    first = _approved(ncb_fr, django_capture_on_commit_callbacks)
    message_dispatch(first.pk)
    assert DispatchWakeUp.objects.get().requested_at is None

    # when another message is approved
    second = _approved(ncb_fr, django_capture_on_commit_callbacks)

    # then it asks for a dispatch of its own
    assert dispatches == [first.pk, second.pk]


class _ApprovingWhileSent:
    """A transport during whose first send another message is approved (as an approver
    would meanwhile), and the request seen by it then."""

    def __init__(self, approve):
        self.approve, self.approved, self.sent, self.request_seen = approve, [], [], []

    def send(self, delivery, signed_bytes):
        self.sent.append(delivery.message_id)
        if not self.approved:
            self.approved.append(self.approve())
            self.request_seen.append(DispatchWakeUp.objects.get().requested_at)
        return TransportResult(AttemptOutcome.HANDED_OVER, detail="written")


def test_a_message_approved_while_the_dispatch_works_is_sent_by_it_without_a_task(
    ncb_fr, ncb_de, dispatches, monkeypatch, django_capture_on_commit_callbacks
):
    # given a dispatch at work: another message is approved while it sends the first
    first = _approved(ncb_fr, django_capture_on_commit_callbacks)
    transport = _ApprovingWhileSent(lambda: _approved(ncb_fr, django_capture_on_commit_callbacks))
    monkeypatch.setattr("messages_hst.pipeline.attempts.transport_for", lambda ncb: transport)

    # when
    message_dispatch(first.pk)

    # then the request was held meanwhile: that approval asked for no task, and the
    # dispatch's read after giving the request up found its message and sent it
    (second,) = transport.approved
    assert transport.request_seen[0] is not None
    assert dispatches == [first.pk]
    assert transport.sent == [first.pk, second.pk]
    assert HSTMessage.objects.get(pk=second.pk).status == MessageStatus.DISPATCHED
    assert DispatchWakeUp.objects.get().requested_at is None


def test_a_dispatch_stops_when_an_approval_took_the_request_it_gave_up(
    ncb_fr, ncb_de, dispatches, monkeypatch, django_capture_on_commit_callbacks
):
    # given a dispatch whose last read finds a message approved just after it gave the
    # request up: that approval asked for a dispatch of its own
    first = _approved(ncb_fr, django_capture_on_commit_callbacks)
    approved = []
    release = wake_up.release_dispatch_request

    def released_then_approved():
        release()
        approved.append(_approved(ncb_fr, django_capture_on_commit_callbacks))

    monkeypatch.setattr(scheduling, "release_dispatch_request", released_then_approved)

    # when
    message_dispatch(first.pk)

    # then it dispatched what it found, and left the request to that approval's dispatch
    (second,) = approved
    assert dispatches == [first.pk, second.pk]
    assert HSTMessage.objects.get(pk=second.pk).status == MessageStatus.DISPATCHED
    assert DispatchWakeUp.objects.get().requested_at is not None


def test_a_dispatch_holds_the_request_at_each_round(
    ncb_fr, ncb_de, dispatches, monkeypatch, settings, django_capture_on_commit_callbacks
):
    # given rounds of two messages and five queued
    settings.HST_DISPATCH_BATCH = 2
    messages = [_approved(ncb_fr, django_capture_on_commit_callbacks) for _ in range(5)]
    held = []
    hold = wake_up.hold_dispatch_request
    monkeypatch.setattr(
        scheduling, "hold_dispatch_request", lambda now: held.append(now) or hold(now)
    )

    # when
    message_dispatch(messages[0].pk)

    # then the request was held before the first round and refreshed before the next ones:
    # two full rounds, the last message, and one more that found nothing new
    assert len(held) == 4
    assert set(HSTMessage.objects.values_list("status", flat=True)) == {MessageStatus.DISPATCHED}


def test_a_request_left_unanswered_too_long_is_made_again(
    ncb_fr, ncb_de, dispatches, django_capture_on_commit_callbacks, settings
):
    # given a request whose task never ran (lost with the broker's data)
    settings.HST_DISPATCH_WAKE_UP_SECONDS = 10
    first = _approved(ncb_fr, django_capture_on_commit_callbacks)
    DispatchWakeUp.objects.update(requested_at=timezone.now() - dt.timedelta(seconds=11))

    # when another message is approved
    second = _approved(ncb_fr, django_capture_on_commit_callbacks)

    # then it asks again
    assert dispatches == [first.pk, second.pk]


def test_a_refused_enqueue_leaves_the_next_approval_to_ask(
    ncb_fr, ncb_de, dispatches, django_capture_on_commit_callbacks
):
    # given a broker that refuses the first approval's task
    dispatches.accepting = False
    _approved(ncb_fr, django_capture_on_commit_callbacks)
    dispatches.accepting = True

    # when the next message is approved
    second = _approved(ncb_fr, django_capture_on_commit_callbacks)

    # then it asks (the relay still finds the first one's entry)
    assert dispatches == [second.pk]
    assert DispatchWakeUp.objects.get().requested_at is not None


def test_without_batches_every_approval_asks(
    ncb_fr, ncb_de, dispatches, django_capture_on_commit_callbacks, settings
):
    # given dispatches of one message each: a pending one would not send the others
    settings.HST_DISPATCH_BATCH = 1

    # when
    messages = [_approved(ncb_fr, django_capture_on_commit_callbacks) for _ in "ab"]

    # then
    assert dispatches == [message.pk for message in messages]


def test_the_request_row_is_made_on_first_use():
    # given a database without it (a flushed test database)
    DispatchWakeUp.objects.all().delete()

    # when / then: the first request is made, the second finds it pending
    assert wake_up._requested(timezone.now())
    assert not wake_up._requested(timezone.now())
    wake_up.release_dispatch_request()
    assert wake_up._requested(timezone.now())


def test_an_approval_finding_the_request_held_only_reads_it(django_assert_num_queries):
    # given a request held by a dispatch
    wake_up.hold_dispatch_request(timezone.now())

    # when / then: one read, no write (the upsert would lock the row: a commit to flush)
    with django_assert_num_queries(1):
        assert not wake_up._requested(timezone.now())


def test_an_approval_finding_the_request_empty_or_stale_sets_it(settings):
    # given an empty request, then a stale one
    settings.HST_DISPATCH_WAKE_UP_SECONDS = 10
    wake_up.release_dispatch_request()
    assert wake_up._requested(timezone.now())
    DispatchWakeUp.objects.update(requested_at=timezone.now() - dt.timedelta(seconds=11))

    # when / then
    assert wake_up._requested(timezone.now())
    assert DispatchWakeUp.objects.get().requested_at > timezone.now() - dt.timedelta(seconds=1)


def test_at_light_load_a_dispatch_holds_the_request_once_and_gives_it_up(
    ncb_fr, ncb_de, dispatches, monkeypatch, django_capture_on_commit_callbacks
):
    # given one message alone
    message = _approved(ncb_fr, django_capture_on_commit_callbacks)
    held = []
    hold = wake_up.hold_dispatch_request
    monkeypatch.setattr(
        scheduling, "hold_dispatch_request", lambda now: held.append(now) or hold(now)
    )

    # when
    message_dispatch(message.pk)

    # then one round, the request given up after it
    assert len(held) == 1
    assert HSTMessage.objects.get(pk=message.pk).status == MessageStatus.DISPATCHED
    assert DispatchWakeUp.objects.get().requested_at is None


def test_a_dispatch_that_fails_gives_the_request_up(
    ncb_fr, ncb_de, dispatches, monkeypatch, django_capture_on_commit_callbacks
):
    # given two queued messages and a send that fails (the database gone meanwhile)
    first, _second = [_approved(ncb_fr, django_capture_on_commit_callbacks) for _ in "ab"]

    def broken(delivery, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("messages_hst.pipeline.attempts._send_and_record", broken)

    # when
    with pytest.raises(RuntimeError):
        message_dispatch(first.pk)

    # then the next approval asks for a dispatch at once, not after the request goes stale
    assert DispatchWakeUp.objects.get().requested_at is None
    third = _approved(ncb_fr, django_capture_on_commit_callbacks)
    assert dispatches == [first.pk, third.pk]
