"""Verifying custody as stored: chains and signed checkpoints together, breaks located.

Tampering is done in SQL behind the application's back (`tests.evidence.tampering`).
"""

import datetime
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence import checkpointing, services, verification
from evidence.checkpoints import checkpoint_sign
from evidence.hashing import CONTENT_ALTERED, EVENT_REMOVED, REORDERED
from evidence.models import CustodyCheckpoint, CustodyEvent, EvidenceItem
from tests.evidence.factories import FRENCH_LAB, evidence_item, open_case
from tests.evidence.tampering import disable_custody_triggers, sql


@pytest.fixture
def item(officer_fr):
    """An item with four events (collected, examined, sealed, released), checkpointed."""
    item = evidence_item(actor=officer_fr)
    services.custody_examine(actor=officer_fr, item=item, purpose="Photographs (test)")
    services.custody_seal(actor=officer_fr, item=item, seal_number="SEAL-FR-0002")
    services.custody_transfer_release(actor=officer_fr, item=item, to_custodian=FRENCH_LAB)
    checkpointing.custody_checkpoint_build()
    return EvidenceItem.objects.get(pk=item.pk)


def _event(item, sequence):
    return CustodyEvent.objects.get(item=item, sequence=sequence)


def _rewrite_last_event_consistently(item, old, new):
    """Rewrite the item's last event, its hash and the item's head: the chain still holds."""
    last = _event(item, item.last_sequence)
    forged = bytes(last.canonical).replace(old, new)
    assert forged != bytes(last.canonical)
    forged_hash = hashlib.sha256(forged).hexdigest()
    disable_custody_triggers()
    sql(
        "UPDATE evidence_custodyevent SET canonical = %s, hash = %s WHERE id = %s",
        [forged, forged_hash, last.pk],
    )
    sql("UPDATE evidence_evidenceitem SET head_hash = %s WHERE id = %s", [forged_hash, item.pk])
    return last.hash, forged_hash


def test_intact_custody_verifies_chains_and_checkpoints(item, officer_fr):
    # given
    evidence_item(actor=officer_fr, case=item.case)
    checkpointing.custody_checkpoint_build()

    # when
    report = verification.custody_verify_all()

    # then
    assert report.ok
    assert "OK: 5 custody events in 2 items verified" in str(report)
    assert "OK: 2 checkpoint(s) match the log" in str(report)
    assert report.checkpoints.latest_size == 5


def test_one_item_verifies_with_the_latest_checkpoint(item):
    # when
    report = verification.custody_verify_item(item=item)

    # then
    assert report.ok
    assert report.chains.chain.events_checked == 4
    assert report.checkpoints.checked == 1


def test_without_any_checkpoint_the_chains_alone_are_verified(officer_fr):
    # given
    evidence_item(actor=officer_fr)

    # when
    report = verification.custody_verify_all()

    # then
    assert report.ok
    assert "no checkpoint yet (1 events in the log)" in str(report)


def test_bytes_edited_in_sql_are_located_item_sequence_expected_and_actual(item):
    # given
    event = _event(item, 2)
    forged = bytes(event.canonical).replace(b"Photographs", b"Photocopies")
    disable_custody_triggers()
    sql("UPDATE evidence_custodyevent SET canonical = %s WHERE id = %s", [forged, event.pk])

    # when
    report = verification.custody_verify_all()

    # then
    assert not report.ok
    broken = report.as_dict()["broken_link"]
    assert broken["item_number"] == item.item_number
    assert (broken["sequence"], broken["kind"]) == (2, CONTENT_ALTERED)
    assert broken["expected"] == event.hash
    assert broken["actual"] == hashlib.sha256(forged).hexdigest()


def test_a_consistent_rewrite_hides_from_the_chain_but_not_from_the_checkpoint(item):
    # given
    original, forged = _rewrite_last_event_consistently(
        item, b"Dr Jeanne Exemple", b"Dr Jean Exemple"
    )
    checkpoint = CustodyCheckpoint.objects.get()

    # when
    report = verification.custody_verify_item(item=EvidenceItem.objects.get(pk=item.pk))

    # then
    assert report.chains.broken is None
    assert not report.ok
    problem = report.checkpoints.problems[0]
    assert (problem.tree_size, problem.kind) == (4, verification.ROOT_MISMATCH)
    assert problem.expected == checkpoint.root_hash
    assert f"BROKEN: checkpoint 4 (signed {problem.timestamp})" in str(report)
    assert original != forged


def test_the_first_checkpoint_that_no_longer_matches_bounds_the_change(item, officer_fr):
    # given: checkpoint 4 (fixture), then two more events of another item and checkpoint 6,
    # then the other item's first event (log position 4) rewritten consistently
    other = evidence_item(actor=officer_fr, case=item.case)
    services.custody_examine(actor=officer_fr, item=other, purpose="Photographs (test)")
    checkpointing.custody_checkpoint_build()
    services.custody_seal(actor=officer_fr, item=other, seal_number="SEAL-FR-0003")
    checkpointing.custody_checkpoint_build()
    other = EvidenceItem.objects.get(pk=other.pk)
    _rewrite_last_event_consistently(other, b"SEAL-FR-0003", b"SEAL-FR-0666")

    # when
    report = verification.custody_verify_all()

    # then
    sizes = [problem.tree_size for problem in report.checkpoints.problems]
    assert sizes == [7]
    assert report.checkpoints.last_good_size == 6
    assert "the log was changed between positions 6 and 6" in str(report)


def test_a_deleted_event_is_located_in_the_chain_and_the_log(item):
    # given
    disable_custody_triggers()
    sql("DELETE FROM evidence_custodyevent WHERE id = %s", [_event(item, 2).pk])

    # when
    report = verification.custody_verify_all()

    # then
    assert report.chains.broken.kind == EVENT_REMOVED
    assert report.chains.broken.sequence == 3
    [problem] = report.checkpoints.problems
    assert (problem.tree_size, problem.kind) == (4, verification.LOG_HOLE)
    assert "no event at position 1" in problem.detail


def test_two_reordered_events_are_located(item):
    # given
    second, third = _event(item, 2), _event(item, 3)
    disable_custody_triggers()
    sql("UPDATE evidence_custodyevent SET sequence = 99 WHERE id = %s", [second.pk])
    sql("UPDATE evidence_custodyevent SET sequence = 2 WHERE id = %s", [third.pk])
    sql("UPDATE evidence_custodyevent SET sequence = 3 WHERE id = %s", [second.pk])

    # when
    report = verification.custody_verify_item(item=item)

    # then
    assert report.chains.broken.kind == REORDERED
    assert f"item {item.item_number}, event 2: {REORDERED}" in str(report)


def test_a_checkpoint_signed_by_another_key_is_reported(item):
    # given: a forged checkpoint of size 2 inserted (inserts are not refused)
    forged = checkpoint_sign(
        private_key=Ed25519PrivateKey.generate(),
        tree_size=2,
        root_hash=checkpointing.log_scan(2).prefix_roots[2],
        timestamp=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        ncb_code="FR",
    )
    CustodyCheckpoint.from_signed(forged).save()

    # when
    report = verification.custody_verify_all()

    # then
    assert [(p.tree_size, p.kind) for p in report.checkpoints.problems] == [
        (2, verification.SIGNATURE)
    ]
    assert "names key" in report.checkpoints.problems[0].detail


def test_a_case_is_verified_alone_but_against_the_whole_logs_checkpoints(item, officer_fr):
    # given
    evidence_item(actor=officer_fr, case=open_case(officer_fr, title="Other case (test)"))

    # when
    report = verification.custody_verify_all(case=item.case)

    # then
    assert report.ok
    assert report.chains.chain.events_checked == 4
    assert report.checkpoints.log_size == 5


def test_the_report_for_the_api_names_no_database_id(item):
    # when
    answer = verification.custody_verify_item(item=item).as_dict()

    # then
    assert answer["ok"] is True
    assert answer["broken_link"] is None
    assert answer["checkpoints"] == {
        "ok": True,
        "checked": 1,
        "latest_tree_size": 4,
        "log_size": 4,
        "problems": [],
    }


def test_verifying_an_item_costs_a_constant_number_of_queries(
    officer_fr, django_assert_max_num_queries
):
    # given
    item = evidence_item(actor=officer_fr)
    for number in range(10):
        services.custody_examine(actor=officer_fr, item=item, purpose=f"Look {number} (test)")
    checkpointing.custody_checkpoint_build()

    # when / then
    with django_assert_max_num_queries(6):
        verification.custody_verify_item(item=item)


def _swap_log_positions(first, second):
    disable_custody_triggers()
    sql("UPDATE evidence_custodyevent SET log_index = 999999 WHERE id = %s", [first.pk])
    sql(
        "UPDATE evidence_custodyevent SET log_index = %s WHERE id = %s",
        [first.log_index, second.pk],
    )
    sql(
        "UPDATE evidence_custodyevent SET log_index = %s WHERE id = %s",
        [second.log_index, first.pk],
    )


def test_an_item_whose_events_are_stored_out_of_sequence_order_still_verifies(officer_fr):
    # given: events 2 and 3 swap their log positions (no checkpoint signed them)
    item = evidence_item(actor=officer_fr)
    services.custody_examine(actor=officer_fr, item=item, purpose="Photographs (test)")
    services.custody_seal(actor=officer_fr, item=item, seal_number="SEAL-FR-0004")
    _swap_log_positions(_event(item, 2), _event(item, 3))

    # when
    report = verification.custody_verify_all()

    # then
    assert report.ok
    assert report.chains.chain.events_checked == 3


def _edit_bytes(item, other):
    event = _event(item, 2)
    forged = bytes(event.canonical).replace(b"Photographs", b"Photocopies")
    disable_custody_triggers()
    sql("UPDATE evidence_custodyevent SET canonical = %s WHERE id = %s", [forged, event.pk])


def _rehash_event(item, other):
    event = _event(item, 2)
    forged = bytes(event.canonical).replace(b"Photographs", b"Photocopies")
    disable_custody_triggers()
    sql(
        "UPDATE evidence_custodyevent SET canonical = %s, hash = %s WHERE id = %s",
        [forged, hashlib.sha256(forged).hexdigest(), event.pk],
    )


def _delete_second(item, other):
    disable_custody_triggers()
    sql("DELETE FROM evidence_custodyevent WHERE id = %s", [_event(item, 2).pk])


def _delete_last(item, other):
    disable_custody_triggers()
    sql("DELETE FROM evidence_custodyevent WHERE id = %s", [_event(item, 4).pk])


def _swap_sequences(item, other):
    second, third = _event(item, 2), _event(item, 3)
    disable_custody_triggers()
    sql("UPDATE evidence_custodyevent SET sequence = 99 WHERE id = %s", [second.pk])
    sql("UPDATE evidence_custodyevent SET sequence = 2 WHERE id = %s", [third.pk])
    sql("UPDATE evidence_custodyevent SET sequence = 3 WHERE id = %s", [second.pk])


def _relink_column(item, other):
    disable_custody_triggers()
    sql(
        "UPDATE evidence_custodyevent SET prev_hash = %s WHERE id = %s",
        ["f" * 64, _event(item, 3).pk],
    )


def _break_both_items(item, other):
    _edit_bytes(item, other)
    sql(
        "UPDATE evidence_custodyevent SET prev_hash = %s WHERE id = %s",
        ["f" * 64, _event(other, 2).pk],
    )


def _rewrite_head(item, other):
    sql("UPDATE evidence_evidenceitem SET head_hash = %s WHERE id = %s", ["e" * 64, other.pk])


@pytest.mark.parametrize(
    "tamper",
    [
        _edit_bytes,
        _rehash_event,
        _delete_second,
        _delete_last,
        _swap_sequences,
        _relink_column,
        _break_both_items,
        _rewrite_head,
    ],
)
def test_the_one_pass_over_the_log_reports_what_the_item_order_path_reports(
    item, officer_fr, tamper
):
    # given: a second item, logged after the first
    other = evidence_item(actor=officer_fr, case=item.case)
    services.custody_examine(actor=officer_fr, item=other, purpose="Photographs (test)")
    services.custody_examine(actor=officer_fr, item=other, purpose="Measures (test)")
    tamper(item, other)
    everything = list(EvidenceItem.objects.all())

    # when
    one_pass = verification.custody_verify_all()
    item_order = verification.chains_verify(items=everything)

    # then
    assert not one_pass.ok
    assert one_pass.chains.broken == item_order.broken
    assert one_pass.chains.chain == item_order.chain
    assert str(one_pass.chains) == str(item_order)
