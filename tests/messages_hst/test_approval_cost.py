"""An approval, the hottest write of the exchange, costs the same statements whatever the
number of recipients (their deliveries are written together)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messages_hst.choices import MessageStatus
from messages_hst.services import message_approve
from tests.messages_hst.factories import HSTMessageFactory
from tests.messages_hst.pipeline_support import ncb

pytestmark = pytest.mark.django_db


def _statements_to_approve(recipients, *, author, approver, sender) -> int:
    approver = type(approver).objects.get(pk=approver.pk)  # its officer not yet read
    message = HSTMessageFactory(
        sender_ncb=sender,
        recipients=recipients,
        status=MessageStatus.PENDING_APPROVAL,
        created_by=author,
        submitted_by=author,
    )
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

    # then: (savepoint) lock, the approver's officer, the recipients' NCBs (read once), the
    # deliveries, the outbox entry, the message, the audit row, the tracked items (+ release)
    assert for_one == for_three == 10
