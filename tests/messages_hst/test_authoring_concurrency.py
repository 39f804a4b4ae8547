"""Two supervisors approving the same message at the same moment (PostgreSQL row locks):
one approval, one set of deliveries, and a clear refusal for the other."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from messages_hst import services
from messages_hst.choices import MessageStatus
from messages_hst.models import Delivery, HSTMessage, OutboxEntry
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.factories import officer_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks between connections need PostgreSQL (SQLite has one writer at a time)",
)


def test_two_approvals_at_once_send_the_message_once(
    transactional_db, compose, officer_fr, supervisor_fr, ncb_fr, case_fr, monkeypatch
):
    # given a message awaiting approval, two supervisors, and no broker (from now on: the
    # compose fixture records its own enqueue)
    message = compose(officer_fr, case_fr, "INFO")
    message = services.message_submit(actor=officer_fr, message=message)
    monkeypatch.setattr("messages_hst.pipeline.queueing.enqueue", lambda *args, **kw: True)
    other = officer_user("supervisor_fr_2", ncb_fr, "SUPERVISOR")
    start = threading.Barrier(2)
    outcomes, failures = [], []

    def approve(actor):
        try:
            start.wait()
            pending = HSTMessage.objects.get(pk=message.pk)
            outcomes.append(services.message_approve(actor=actor, message=pending))
        except ValidationError as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(user,)) for user in (supervisor_fr, other)]

    # when both approve at the same moment
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one approval went through, the other was told the message moved on
    assert len(outcomes) == 1
    assert len(failures) == 1
    assert "status" in failures[0].message_dict
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert Delivery.objects.filter(message=message).count() == 1
    assert OutboxEntry.objects.filter(message=message).count() == 1
    assert (
        AuditEvent.objects.filter(
            object_public_id=message.message_id, action=AuditAction.APPROVE
        ).count()
        == 1
    )
