"""Concurrent appends to one item never fork its chain (PostgreSQL: real row locks)."""

import threading

import pytest
from django.db import connection, connections

from evidence import services
from evidence.hashing import verify_chain
from evidence.models import CustodyEvent, EvidenceItem
from tests.evidence.factories import evidence_item

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks between connections need PostgreSQL (SQLite has one writer at a time)",
)

WRITERS = 6
APPENDS_EACH = 4


def test_concurrent_appends_to_one_item_form_one_unbroken_chain(transactional_db, officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    start = threading.Barrier(WRITERS)
    failures = []

    def writer():
        try:
            start.wait()
            for _ in range(APPENDS_EACH):
                services.custody_examine(
                    actor=officer_fr, item=EvidenceItem.objects.get(pk=item.pk)
                )
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert failures == []
    rows = list(
        CustodyEvent.objects.filter(item=item)
        .order_by("sequence")
        .values_list("item_id", "sequence", "canonical", "prev_hash", "hash")
    )
    assert len(rows) == 1 + WRITERS * APPENDS_EACH
    assert verify_chain(rows).ok
    positions = sorted(CustodyEvent.objects.values_list("log_index", flat=True))
    assert positions == list(range(len(positions)))
