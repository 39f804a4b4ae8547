"""verify_custody: every chain recomputed from the stored bytes; tampering found and located.

The tamper tests rewrite custody rows directly in SQL, as an attacker with database access
would: on SQLite they drop the append-only triggers, on PostgreSQL they disable them (as the
superuser CI connects as). The test's transaction rolls the triggers back afterwards.
"""

import datetime
import hashlib
import io

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection

from evidence import services
from evidence.checkpoints import checkpoint_sign
from evidence.hashing import CONTENT_ALTERED, EVENT_REMOVED, PREV_LINK_BROKEN, REORDERED
from evidence.merkle import event_leaf, merkle_root
from evidence.models import CustodyCheckpoint, CustodyEvent
from tests.evidence.factories import FRENCH_LAB, evidence_item, open_case

TRIGGERS = ("evidence_custodyevent_no_update", "evidence_custodyevent_no_delete")


def _disable_custody_triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks of this transaction's inserts must run first:
            # PostgreSQL refuses to alter a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE evidence_custodyevent DISABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for trigger in TRIGGERS:
                cursor.execute(f"DROP TRIGGER {trigger}")


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def item(officer_fr):
    """An item with four events: collected, examined, sealed, released."""
    item = evidence_item(actor=officer_fr)
    services.custody_examine(actor=officer_fr, item=item, purpose="Photographs")
    services.custody_seal(actor=officer_fr, item=item, seal_number="SEAL-FR-0002")
    services.custody_transfer_release(actor=officer_fr, item=item, to_custodian=FRENCH_LAB)
    return item


def _event(item, sequence):
    return CustodyEvent.objects.get(item=item, sequence=sequence)


def _verify(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_custody", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_intact_chains_verify_with_exit_status_0_and_a_summary(item, officer_fr):
    # given
    evidence_item(actor=officer_fr, case=item.case)

    # when
    status, out, _err = _verify()

    # then
    assert status == 0
    assert "OK: 5 custody events in 2 items verified" in out


def test_one_case_can_be_verified_alone(item, officer_fr):
    # given
    other = evidence_item(actor=officer_fr, case=open_case(officer_fr, title="Other case"))

    # when
    status, out, _err = _verify("--case", other.case.reference)

    # then
    assert status == 0
    assert "OK: 1 custody events in 1 items verified" in out


def test_an_unknown_case_reference_is_an_error(db):
    # when / then
    with pytest.raises(CommandError, match="No case"):
        call_command("verify_custody", "--case", "FR-1999-000001")


def test_bytes_edited_in_sql_are_found_and_located(item):
    # given
    event = _event(item, 2)
    forged = bytes(event.canonical).replace(b"Photographs", b"Photocopies")
    _disable_custody_triggers()
    _sql("UPDATE evidence_custodyevent SET canonical = %s WHERE id = %s", [forged, event.pk])

    # when
    status, _out, err = _verify()

    # then
    assert status == 1
    assert f"item {item.item_number}, event 2: {CONTENT_ALTERED}" in err
    assert f"expected {event.hash}" in err


def test_bytes_that_are_not_even_utf8_are_found_and_located(item):
    # given
    event = _event(item, 3)
    forged = bytes(event.canonical).replace(b"SEAL-FR-0002", b"SEAL-FR-\xff\x00\x02")
    _disable_custody_triggers()
    _sql("UPDATE evidence_custodyevent SET canonical = %s WHERE id = %s", [forged, event.pk])

    # when
    status, _out, err = _verify()

    # then
    assert status == 1
    assert f"item {item.item_number}, event 3: {CONTENT_ALTERED}" in err


def test_an_event_rewritten_with_a_matching_hash_breaks_the_next_link(item):
    # given: event 2's bytes and hash rewritten consistently
    event = _event(item, 2)
    forged = bytes(event.canonical).replace(b"Photographs", b"Photocopies")
    forged_hash = hashlib.sha256(forged).hexdigest()
    _disable_custody_triggers()
    _sql(
        "UPDATE evidence_custodyevent SET canonical = %s, hash = %s WHERE id = %s",
        [forged, forged_hash, event.pk],
    )

    # when
    status, _out, err = _verify()

    # then
    assert status == 1
    assert f"item {item.item_number}, event 3: {PREV_LINK_BROKEN}" in err
    assert f"expected {forged_hash}, found {event.hash}" in err


def test_a_deleted_event_is_found_and_located(item):
    # given
    _disable_custody_triggers()
    _sql("DELETE FROM evidence_custodyevent WHERE id = %s", [_event(item, 2).pk])

    # when
    status, _out, err = _verify()

    # then
    assert status == 1
    assert f"item {item.item_number}, event 3: {EVENT_REMOVED}" in err
    assert "event 2 missing" in err


def test_two_reordered_events_are_found_and_located(item):
    # given: events 2 and 3 swap their sequence numbers
    second, third = _event(item, 2), _event(item, 3)
    _disable_custody_triggers()
    _sql("UPDATE evidence_custodyevent SET sequence = 99 WHERE id = %s", [second.pk])
    _sql("UPDATE evidence_custodyevent SET sequence = 2 WHERE id = %s", [third.pk])
    _sql("UPDATE evidence_custodyevent SET sequence = 3 WHERE id = %s", [second.pk])

    # when
    status, _out, err = _verify()

    # then
    assert status == 1
    assert f"item {item.item_number}, event 2: {REORDERED}" in err


def test_a_removed_last_event_is_found_from_the_items_recorded_head(item):
    # given
    last = _event(item, 4)
    _disable_custody_triggers()
    _sql("DELETE FROM evidence_custodyevent WHERE id = %s", [last.pk])

    # when
    status, _out, err = _verify()

    # then
    assert status == 1
    assert f"item {item.item_number}, event 4: {EVENT_REMOVED}" in err
    assert f"expected {last.hash}" in err


def _checkpoint(root_hash=None):
    hashes = CustodyEvent.objects.order_by("log_index").values_list("hash", flat=True)
    root = root_hash or merkle_root(event_leaf(h) for h in hashes)
    signed = checkpoint_sign(
        private_key=Ed25519PrivateKey.generate(),
        tree_size=len(hashes),
        root_hash=root,
        timestamp=datetime.datetime.now(datetime.UTC),
        ncb_code="FR",
    )
    return CustodyCheckpoint.from_signed(signed)


def test_the_latest_checkpoint_is_recomputed_and_matches(item):
    # given
    _checkpoint().save()

    # when
    status, out, _err = _verify()

    # then
    assert status == 0
    assert "checkpoint of size 4 matches the log" in out


def test_a_checkpoint_that_no_longer_matches_the_log_is_reported(item):
    # given
    _checkpoint(root_hash="ab" * 32).save()

    # when
    status, _out, err = _verify()

    # then
    assert status == 1
    assert "checkpoint of size 4 no longer matches the log" in err
    assert "signed root " + "ab" * 32 in err
