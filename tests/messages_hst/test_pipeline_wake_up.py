"""One dispatch task for many approvals (`messages_hst.pipeline.wake_up`): an approval asks
for a dispatch only when none is pending, and the pending one finds its message."""

import datetime as dt

import pytest
from django.utils import timezone

from messages_hst.choices import MessageStatus
from messages_hst.models import DispatchWakeUp, HSTMessage
from messages_hst.pipeline import message_dispatch, queueing, schedule_delivery, wake_up
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


def test_an_approval_after_the_dispatch_began_asks_again(
    ncb_fr, ncb_de, dispatches, django_capture_on_commit_callbacks
):
    # given a dispatch that has run (and taken the request)
    first = _approved(ncb_fr, django_capture_on_commit_callbacks)
    message_dispatch(first.pk)

    # when another message is approved
    second = _approved(ncb_fr, django_capture_on_commit_callbacks)

    # then it asks for a dispatch of its own
    assert dispatches == [first.pk, second.pk]


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
    wake_up.take_dispatch_request()
    assert wake_up._requested(timezone.now())
