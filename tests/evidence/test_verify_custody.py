"""verify_custody: every chain recomputed from the stored bytes and every signed checkpoint
checked against the stored log (`evidence.verification`, as the page and the API do);
tampering found and located.

Tampering is done in SQL behind the application's back (`tests.evidence.tampering`).
"""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from evidence import checkpointing, services, verification
from evidence.hashing import (
    CONTENT_ALTERED,
    EVENT_REMOVED,
    PREV_LINK_BROKEN,
    REORDERED,
    utc_timestamp,
)
from evidence.models import CustodyCheckpoint, CustodyEvent
from tests.evidence.factories import FRENCH_LAB, evidence_item, open_case
from tests.evidence.tampering import disable_custody_triggers, sql


@pytest.fixture
def item(officer_fr):
    """An item with four events (collected, examined, sealed, released) under a checkpoint
    signed by the instance key, as beat signs them."""
    item = evidence_item(actor=officer_fr)
    services.custody_examine(actor=officer_fr, item=item, purpose="Photographs")
    services.custody_seal(actor=officer_fr, item=item, seal_number="SEAL-FR-0002")
    services.custody_transfer_release(actor=officer_fr, item=item, to_custodian=FRENCH_LAB)
    checkpointing.custody_checkpoint_build()
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
    assert "OK: 1 checkpoint(s) match the log; the latest covers 4 of 5 events" in out


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
    disable_custody_triggers()
    sql("UPDATE evidence_custodyevent SET canonical = %s WHERE id = %s", [forged, event.pk])

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
    disable_custody_triggers()
    sql("UPDATE evidence_custodyevent SET canonical = %s WHERE id = %s", [forged, event.pk])

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
    disable_custody_triggers()
    sql(
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
    disable_custody_triggers()
    sql("DELETE FROM evidence_custodyevent WHERE id = %s", [_event(item, 2).pk])

    # when
    status, _out, err = _verify()

    # then
    assert status == 1
    assert f"item {item.item_number}, event 3: {EVENT_REMOVED}" in err
    assert "event 2 missing" in err


def test_two_reordered_events_are_found_and_located(item):
    # given: events 2 and 3 swap their sequence numbers
    second, third = _event(item, 2), _event(item, 3)
    disable_custody_triggers()
    sql("UPDATE evidence_custodyevent SET sequence = 99 WHERE id = %s", [second.pk])
    sql("UPDATE evidence_custodyevent SET sequence = 2 WHERE id = %s", [third.pk])
    sql("UPDATE evidence_custodyevent SET sequence = 3 WHERE id = %s", [second.pk])

    # when
    status, _out, err = _verify()

    # then
    assert status == 1
    assert f"item {item.item_number}, event 2: {REORDERED}" in err


def test_a_removed_last_event_is_found_from_the_items_recorded_head(item):
    # given
    last = _event(item, 4)
    disable_custody_triggers()
    sql("DELETE FROM evidence_custodyevent WHERE id = %s", [last.pk])

    # when
    status, _out, err = _verify()

    # then
    assert status == 1
    assert f"item {item.item_number}, event 4: {EVENT_REMOVED}" in err
    assert f"expected {last.hash}" in err


def test_a_checkpoint_made_stale_by_a_consistent_rewrite_is_located(item):
    # given: the last event's bytes, hash and the item's head rewritten together, so that
    # the chain alone still holds; the signed checkpoint does not
    last = _event(item, 4)
    forged = bytes(last.canonical).replace(b"Dr Jeanne Exemple", b"Dr Jean Exemple")
    assert forged != bytes(last.canonical)
    forged_hash = hashlib.sha256(forged).hexdigest()
    disable_custody_triggers()
    sql(
        "UPDATE evidence_custodyevent SET canonical = %s, hash = %s WHERE id = %s",
        [forged, forged_hash, last.pk],
    )
    sql("UPDATE evidence_evidenceitem SET head_hash = %s WHERE id = %s", [forged_hash, item.pk])
    checkpoint = CustodyCheckpoint.objects.get()

    # when
    status, _out, err = _verify()

    # then
    assert status == 1
    assert "OK: 4 custody events in 1 items verified" in err
    assert f"checkpoint 4 (signed {utc_timestamp(checkpoint.timestamp)}): " in err
    assert verification.ROOT_MISMATCH in err
    assert f"expected {checkpoint.root_hash}" in err
    assert "the log was changed between positions 0 and 3" in err


def test_a_deleted_event_also_leaves_a_hole_under_the_checkpoint(item):
    # given
    disable_custody_triggers()
    sql("DELETE FROM evidence_custodyevent WHERE id = %s", [_event(item, 2).pk])

    # when
    status, _out, err = _verify()

    # then
    assert status == 1
    assert f"{verification.LOG_HOLE}: the custody log has no event at position 1" in err


def test_a_case_is_verified_against_every_checkpoint_of_the_log(item, officer_fr):
    # given: a checkpoint over another case's event too
    evidence_item(actor=officer_fr, case=open_case(officer_fr, title="Other case"))
    checkpointing.custody_checkpoint_build()

    # when
    status, out, _err = _verify("--case", item.case.reference)

    # then
    assert status == 0
    assert "OK: 4 custody events in 1 items verified" in out
    assert "OK: 2 checkpoint(s) match the log; the latest covers 5 of 5 events" in out
