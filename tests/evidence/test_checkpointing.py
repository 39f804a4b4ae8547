"""Checkpoints of the custody log, and proofs against them, computed from the database.

The streamed proofs must be exactly the ones `evidence.merkle.MerkleTree` gives (and the
offline verifier checks); every single-bit change of one must fail verification.
"""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence import checkpointing, services
from evidence.checkpoints import checkpoint_verify, checkpoints_consistent
from evidence.merkle import (
    MerkleTree,
    event_leaf,
    leaf_hash,
    merkle_root,
    verify_inclusion,
)
from evidence.models import CustodyCheckpoint, CustodyEvent
from ncb_cases import keys
from tests.evidence.factories import evidence_item
from tests.evidence.tampering import disable_custody_triggers, sql


def _leaves(count: int) -> list[bytes]:
    return [hashlib.sha256(f"custody event {n} (test)".encode()).digest() for n in range(count)]


def _flipped(proof: list[bytes]):
    """Every proof obtained from `proof` by flipping exactly one bit."""
    for node_at, node in enumerate(proof):
        for bit in range(len(node) * 8):
            changed = bytearray(node)
            changed[bit // 8] ^= 1 << (bit % 8)
            yield [*proof[:node_at], bytes(changed), *proof[node_at + 1 :]]


def _log_hashes():
    return CustodyEvent.objects.order_by("log_index").values_list("hash", flat=True)


# -- the streamed pass, against the reference tree -------------------------------------------


@settings(max_examples=60, deadline=None)
@given(data=st.data(), size=st.integers(min_value=1, max_value=300))
def test_streamed_inclusion_proofs_equal_the_reference_trees(data, size):
    # given
    leaves = _leaves(size)
    tree = MerkleTree(leaves)
    indexes = data.draw(st.sets(st.integers(0, size - 1), min_size=1, max_size=8))
    paths = {index: checkpointing.inclusion_proof_ranges(index, size) for index in indexes}

    # when
    scan = checkpointing.scan_leaves(
        leaves, ranges={subtree for path in paths.values() for subtree in path}
    )

    # then
    for index, path in paths.items():
        assert scan.proof(path) == tree.inclusion_proof(index)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), new_size=st.integers(min_value=1, max_value=300))
def test_streamed_consistency_proofs_and_prefix_roots_equal_the_reference_trees(data, new_size):
    # given
    leaves = _leaves(new_size)
    tree = MerkleTree(leaves)
    old_size = data.draw(st.integers(0, new_size))
    ranges = checkpointing.consistency_proof_ranges(old_size, new_size)

    # when
    scan = checkpointing.scan_leaves(leaves, prefixes={old_size, new_size}, ranges=set(ranges))

    # then
    assert scan.proof(ranges) == tree.consistency_proof(old_size)
    assert scan.prefix_roots[old_size] == tree.root(old_size)
    assert scan.prefix_roots[new_size] == merkle_root(leaves)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), size=st.integers(min_value=2, max_value=200))
def test_every_single_bit_flip_of_a_streamed_inclusion_proof_fails(data, size):
    # given
    leaves = _leaves(size)
    index = data.draw(st.integers(0, size - 1))
    path = checkpointing.inclusion_proof_ranges(index, size)
    scan = checkpointing.scan_leaves(leaves, prefixes={size}, ranges=set(path))
    proof, root = scan.proof(path), scan.prefix_roots[size]
    leaf = leaf_hash(leaves[index])
    assert verify_inclusion(leaf, index, size, proof, root)

    # when / then
    for corrupted in _flipped(proof):
        assert not verify_inclusion(leaf, index, size, corrupted, root)


def test_a_tree_of_one_event_proves_it_with_an_empty_proof():
    # given
    leaves = _leaves(1)

    # when
    scan = checkpointing.scan_leaves(leaves, prefixes={1})

    # then
    assert checkpointing.inclusion_proof_ranges(0, 1) == []
    assert verify_inclusion(leaf_hash(leaves[0]), 0, 1, [], scan.prefix_roots[1])


# -- checkpoints of the stored log -----------------------------------------------------------


def test_a_checkpoint_signs_the_root_of_every_event_in_log_order(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    services.custody_examine(actor=officer_fr, item=item, purpose="Photographs (test)")
    evidence_item(actor=officer_fr, case=item.case)

    # when
    checkpoint = checkpointing.custody_checkpoint_build()

    # then
    hashes = list(_log_hashes())
    assert checkpoint.tree_size == 3
    assert checkpoint.root_hash == merkle_root(event_leaf(h) for h in hashes).hex()
    checkpoint_verify(checkpoint.checkpoint, keys.signing_public_key())
    assert checkpoint.kid == keys.signing_key_id()
    assert checkpoint.ncb_code == keys.instance_ncb_code()


def test_no_checkpoint_is_signed_when_no_event_was_appended(officer_fr):
    # given
    evidence_item(actor=officer_fr)
    checkpointing.custody_checkpoint_build()

    # when
    again = checkpointing.custody_checkpoint_build()

    # then
    assert again is None
    assert CustodyCheckpoint.objects.count() == 1


def test_an_empty_log_gets_no_checkpoint_twice(db):
    # when
    first = checkpointing.custody_checkpoint_build()
    second = checkpointing.custody_checkpoint_build()

    # then: the empty tree is signed once (size 0), then nothing new
    assert first.tree_size == 0
    assert second is None


def test_a_later_checkpoint_is_proven_consistent_with_the_earlier_one(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    older = checkpointing.custody_checkpoint_build()
    services.custody_examine(actor=officer_fr, item=item, purpose="Photographs (test)")
    services.custody_seal(actor=officer_fr, item=item, seal_number="SEAL-FR-0009")
    newer = checkpointing.custody_checkpoint_build()

    # when
    proof = checkpointing.consistency_proof_between(older.tree_size, newer.tree_size)

    # then
    assert (older.tree_size, newer.tree_size) == (1, 3)
    assert checkpoints_consistent(older=older.checkpoint, newer=newer.checkpoint, proof=proof)
    assert proof == MerkleTree(event_leaf(h) for h in _log_hashes()).consistency_proof(1)


def test_an_events_inclusion_proof_leads_to_the_signed_root(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    services.custody_examine(actor=officer_fr, item=item, purpose="Photographs (test)")
    evidence_item(actor=officer_fr, case=item.case)
    checkpoint = checkpointing.custody_checkpoint_build()
    event = CustodyEvent.objects.get(item=item, sequence=2)

    # when
    proof = checkpointing.inclusion_proof_for_event(event)

    # then
    root = bytes.fromhex(checkpoint.root_hash)
    leaf = leaf_hash(event_leaf(event.hash))
    assert verify_inclusion(leaf, event.log_index, checkpoint.tree_size, proof, root)
    for corrupted in _flipped(proof):
        assert not verify_inclusion(leaf, event.log_index, checkpoint.tree_size, corrupted, root)


def test_an_event_appended_after_the_checkpoint_has_no_proof_yet(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    checkpointing.custody_checkpoint_build()
    services.custody_examine(actor=officer_fr, item=item, purpose="Photographs (test)")
    event = CustodyEvent.objects.get(item=item, sequence=2)

    # when / then
    assert checkpointing.inclusion_proof_for_event(event) is None
    assert checkpointing.inclusion_proofs([0, event.log_index], 1).keys() == {0}


def test_consistency_proofs_of_sizes_out_of_order_are_refused(db):
    # when / then
    with pytest.raises(ValueError, match="not between"):
        checkpointing.consistency_proof_between(3, 2)


def test_no_checkpoint_is_signed_over_a_log_whose_signed_past_was_rewritten(officer_fr):
    # given: a checkpoint, then event 1's hash rewritten (with its bytes) in SQL
    item = evidence_item(actor=officer_fr)
    older = checkpointing.custody_checkpoint_build()
    services.custody_examine(actor=officer_fr, item=item, purpose="Photographs (test)")
    first = CustodyEvent.objects.get(item=item, sequence=1)
    forged = bytes(first.canonical).replace(b"SEAL-FR-0001", b"SEAL-FR-0666")
    disable_custody_triggers()
    sql(
        "UPDATE evidence_custodyevent SET canonical = %s, hash = %s WHERE id = %s",
        [forged, hashlib.sha256(forged).hexdigest(), first.pk],
    )

    # when
    with pytest.raises(checkpointing.CustodyLogError, match="no longer have the root") as error:
        checkpointing.custody_checkpoint_build()

    # then
    assert older.root_hash in str(error.value)
    assert list(CustodyCheckpoint.objects.values_list("tree_size", flat=True)) == [1]


def test_no_checkpoint_is_signed_over_a_log_with_a_hole(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    services.custody_examine(actor=officer_fr, item=item, purpose="Photographs (test)")
    services.custody_seal(actor=officer_fr, item=item, seal_number="SEAL-FR-0009")
    middle = CustodyEvent.objects.get(item=item, sequence=2)
    disable_custody_triggers()
    sql("DELETE FROM evidence_custodyevent WHERE id = %s", [middle.pk])

    # when / then
    with pytest.raises(checkpointing.CustodyLogError, match="no event at position 1"):
        checkpointing.custody_checkpoint_build()
    assert not CustodyCheckpoint.objects.exists()


def test_a_log_shorter_than_its_checkpoint_is_refused(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    services.custody_examine(actor=officer_fr, item=item, purpose="Photographs (test)")
    checkpointing.custody_checkpoint_build()
    last = CustodyEvent.objects.get(item=item, sequence=2)
    disable_custody_triggers()
    sql("DELETE FROM evidence_custodyevent WHERE id = %s", [last.pk])

    # when / then
    with pytest.raises(checkpointing.CustodyLogError, match="events were removed"):
        checkpointing.custody_checkpoint_build()


def test_checkpointing_a_log_reads_it_in_a_constant_number_of_queries(
    officer_fr, django_assert_max_num_queries
):
    # given
    item = evidence_item(actor=officer_fr)
    for number in range(5):
        services.custody_examine(actor=officer_fr, item=item, purpose=f"Look {number} (test)")

    # when / then: latest checkpoint, log size, the streamed log, the insert (+ savepoint)
    with django_assert_max_num_queries(6):
        checkpointing.custody_checkpoint_build()
