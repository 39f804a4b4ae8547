"""An approval, the hottest write of the exchange, costs the same statements whatever the
number of recipients (their deliveries are written together)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from messages_hst.choices import MessageStatus
from messages_hst.services import message_approve
from tests.messages_hst.factories import HSTMessageFactory
from tests.messages_hst.pipeline_support import ncb

pytestmark = pytest.mark.django_db


def _statements_to_approve(recipients, *, author, approver, sender, moved_on=False) -> int:
    approver = type(approver).objects.get(pk=approver.pk)  # its officer not yet read
    message = HSTMessageFactory(
        sender_ncb=sender,
        recipients=recipients,
        status=MessageStatus.PENDING_APPROVAL,
        created_by=author,
        submitted_by=author,
        submitted_at=timezone.now(),
    )
    if moved_on:  # submitted again since the approver's copy was read
        type(message).objects.filter(pk=message.pk).update(submitted_at=timezone.now())
    with CaptureQueriesContext(connection) as captured:
        approved = message_approve(actor=approver, message=message, override_warnings=True)
    assert approved.status == MessageStatus.QUEUED
    assert approved.deliveries.count() == len(recipients)
    return len(captured.captured_queries)


def test_an_approval_costs_the_same_for_one_recipient_or_three(
    officer_fr, supervisor_fr, ncb_fr, ncb_de
):
    # given two more NCBs to write to
    ncb("IT", "ITA", "Rome")
    ncb("ES", "ESP", "Madrid")
    people = {"author": officer_fr, "approver": supervisor_fr, "sender": ncb_fr}

    # when
    for_one = _statements_to_approve(("DE",), **people)
    for_three = _statements_to_approve(("DE", "IT", "ES"), **people)

    # then: (savepoint) the approver's officer, the recipients' NCBs (read once), the
    # message's row if still as read, the deliveries, the outbox entry, the audit row, the
    # tracked items (+ release): no locking read of the message first
    assert for_one == for_three == 9


def test_a_message_that_moved_on_since_it_was_read_costs_the_locking_read_too(
    officer_fr, supervisor_fr, ncb_fr, ncb_de
):
    people = {"author": officer_fr, "approver": supervisor_fr, "sender": ncb_fr}

    # when the approver's copy is of an earlier submission
    statements = _statements_to_approve(("DE",), **people, moved_on=True)

    # then: the attempt on the copy undone at its UPDATE, which wrote nothing (the officer,
    # savepoint, NCBs, UPDATE, rollback and release), and the approval decided on the locked
    # row (savepoint, lock, message, deliveries, outbox entry, audit row, tracked items,
    # release: the NCBs kept from the first read)
    assert statements == 6 + 8
