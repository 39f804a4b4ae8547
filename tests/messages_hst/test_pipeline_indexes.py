"""Every statement of a dispatch, a delivery attempt, the inbox and the relay reads the
message tables through an index (PostgreSQL).

They run for every message sent (the dispatch) or every minute (the relay), while those
tables only grow: a statement that needs a sequential scan costs in proportion to every
message ever sent. One did (the dispatch's lock, a condition over messages joined to their
outbox entries: 2.8 ms at 1,900 messages, and counting), and nothing but its plan said so.
"""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.hst_load import history
from messages_hst import keys
from messages_hst.choices import AttemptOutcome
from messages_hst.inbox import inbox_receive
from messages_hst.pipeline import (
    delivery_attempts,
    message_dispatch,
    outbox_relay,
    schedule_delivery,
)
from messages_hst.transports import TransportResult
from ncb_cases.canonical import canonical_json_bytes
from tests.messages_hst.factories import hst_document
from tests.messages_hst.pipeline_support import approved_message

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans: PostgreSQL"),
]

# Messages already sent before each test's own (analysed with them): on a table of a few rows
# an index read whole is the cheapest plan for anything, and the question would be moot.
HISTORY = 300


@pytest.fixture(autouse=True)
def sent_before(ncb_fr, ncb_de):
    history(count=HISTORY, sender_code="FR", recipient_code="DE")


GROWING_TABLES = (
    "messages_hst_hstmessage",
    "messages_hst_outboxentry",
    "messages_hst_delivery",
    "messages_hst_deliveryattempt",
    "messages_hst_inboundmessage",
    "messages_hst_trackedrequest",
)


def _whole_table_reads(statements: list[str]) -> list[str]:
    """The statements among `statements` whose plan reads one of the growing tables whole,
    each with its plan: a sequential scan, or an index scanned without a condition (in its
    order, for a sort), unless the index is partial (it holds the open rows only)."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef LIKE %s FROM pg_indexes WHERE tablename = ANY(%s)",
            ["% WHERE %", list(GROWING_TABLES)],
        )
        indexes = dict(cursor.fetchall())  # name: partial
        # Statistics of what this test wrote, not of whatever other tests left (or none).
        for table in GROWING_TABLES:
            cursor.execute(f"ANALYZE {table}")
        # The test tables are tiny: a scan would win on cost. Off the table, it is still
        # chosen where no index can serve the statement, which is the question here.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in statements:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0][0]["Plan"]
            if any(_reads_whole(node, indexes) for node in _nodes(plan)):
                found.append(f"{sql}\n{json.dumps(plan, indent=1)}")
    return found


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _reads_whole(node: dict, indexes: dict[str, bool]) -> bool:
    kind = node["Node Type"]
    if kind == "Seq Scan":
        return node["Relation Name"] in GROWING_TABLES
    if kind in ("Index Scan", "Index Only Scan", "Bitmap Index Scan"):
        name = node["Index Name"]
        return name in indexes and not indexes[name] and "Index Cond" not in node
    return False


def _statements_of(action) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        action()
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))
    ]


def test_a_dispatch_reads_through_indexes_only(ncb_fr, ncb_de):
    # given three queued messages (the dispatch of the first takes the others too)
    messages = [approved_message(ncb_fr) for _ in range(3)]
    for message in messages:
        schedule_delivery(message)

    # when
    statements = _statements_of(lambda: message_dispatch(messages[0].pk))

    # then
    assert statements
    assert _whole_table_reads(statements) == []


def test_the_relay_reads_through_indexes_only(ncb_fr, ncb_de):
    # given a queued message whose dispatch never ran
    schedule_delivery(approved_message(ncb_fr))

    # when
    statements = _statements_of(outbox_relay)

    # then
    assert statements
    assert _whole_table_reads(statements) == []


def test_a_delivery_attempt_reads_through_indexes_only(ncb_fr, ncb_de, monkeypatch):
    # given two dispatched messages, their deliveries due
    messages = [approved_message(ncb_fr) for _ in range(2)]
    for message in messages:
        schedule_delivery(message)
    message_dispatch(messages[0].pk)
    pks = [message.deliveries.get().pk for message in messages]

    class HandedOver:
        def send(self, delivery, signed_bytes):
            return TransportResult(AttemptOutcome.HANDED_OVER, detail="written")

    monkeypatch.setattr("messages_hst.pipeline.attempts.transport_for", lambda ncb: HandedOver())

    # when
    statements = _statements_of(lambda: delivery_attempts(pks))

    # then
    assert statements
    assert _whole_table_reads(statements) == []


def test_the_inbox_reads_through_indexes_only(ncb_fr, ncb_de):
    # given a signed REQUEST from FR to DE, both hosted here
    document = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    raw = canonical_json_bytes(keys.sign_as_instance(document))

    # when it is received
    statements = _statements_of(
        lambda: inbox_receive(raw=raw, recipient_code="DE", transport="peer", remote_addr=None)
    )

    # then
    assert statements
    assert _whole_table_reads(statements) == []
