"""RFC 6962 Merkle trees: golden vectors, an independent reference, corruptions, properties."""

import hashlib
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    consistency_proof,
    event_leaf,
    inclusion_proof,
    leaf_hash,
    merkle_root,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

# Golden vectors of transparency-dev/merkle (testonly/constants.go and proof/verify_test.go),
# the Go library Certificate Transparency logs use: the leaves, the root of every prefix, and
# known inclusion and consistency proofs. Indexes there are 1-based for inclusion proofs.
LEAVES = [
    bytes.fromhex(text)
    for text in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    bytes.fromhex(text)
    for text in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
LEAF_HASHES = [
    bytes.fromhex(text)
    for text in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    )
]


def hexes(*texts):
    return [bytes.fromhex(text) for text in texts]


# (0-based leaf index, tree size, proof)
INCLUSION_VECTORS = [
    (0, 1, []),
    (
        0,
        8,
        hexes(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        5,
        8,
        hexes(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (2, 3, hexes("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (
        1,
        5,
        hexes(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
]
# (old size, new size, proof)
CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        hexes(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        6,
        8,
        hexes(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (
        2,
        5,
        hexes(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
    (
        6,
        7,
        hexes(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


# -- an independent reference: RFC 6962 §2.1 written out recursively, straight from the text ---


def reference_root(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(
        b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:])
    ).digest()


def reference_path(m, leaves):
    if len(leaves) == 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return [*reference_path(m, leaves[:k]), reference_root(leaves[k:])]
    return [*reference_path(m - k, leaves[k:]), reference_root(leaves[:k])]


def reference_subproof(m, leaves, complete):
    if m == len(leaves):
        return [] if complete else [reference_root(leaves)]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m <= k:
        return [*reference_subproof(m, leaves[:k], complete), reference_root(leaves[k:])]
    return [*reference_subproof(m - k, leaves[k:], False), reference_root(leaves[:k])]


def random_leaves(count):
    return [os.urandom(index % 7) for index in range(count)]


def flipped(proof, element, bit):
    changed = list(proof)
    value = bytearray(changed[element])
    value[bit // 8] ^= 1 << (bit % 8)
    changed[element] = bytes(value)
    return changed


# -- golden vectors ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", range(9))
def test_root_of_every_prefix_matches_the_ct_vectors(size):
    # when
    streamed = merkle_root(LEAVES[:size])
    stored = MerkleTree(LEAVES).root(size)
    # then
    assert streamed == ROOTS[size]
    assert stored == ROOTS[size]


def test_leaf_hashes_match_the_ct_vectors():
    assert [leaf_hash(leaf) for leaf in LEAVES] == LEAF_HASHES


def test_empty_tree_root_is_sha256_of_nothing():
    assert merkle_root([]) == EMPTY_ROOT == ROOTS[0]
    assert MerkleTree([]).root() == EMPTY_ROOT


def test_node_hash_prefixes_one_byte():
    assert node_hash(LEAF_HASHES[0], LEAF_HASHES[1]) == ROOTS[2]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_inclusion_proofs_match_the_ct_vectors(index, size, proof):
    # when
    generated = inclusion_proof(LEAVES, index, size)
    # then
    assert generated == proof
    assert verify_inclusion(LEAF_HASHES[index], index, size, proof, ROOTS[size])


@pytest.mark.parametrize(("old_size", "new_size", "proof"), CONSISTENCY_VECTORS)
def test_consistency_proofs_match_the_ct_vectors(old_size, new_size, proof):
    # when
    generated = consistency_proof(LEAVES, old_size, new_size)
    # then
    assert generated == proof
    assert verify_consistency(old_size, new_size, ROOTS[old_size], ROOTS[new_size], proof)


# -- corrupted inclusion proofs (the probes of transparency-dev's verifier tests) ---------------


def inclusion_probes(index, size, proof, root, leaf):
    yield "index - 1", (leaf, index - 1, size, proof, root)
    yield "index + 1", (leaf, index + 1, size, proof, root)
    yield "index ^ 2", (leaf, index ^ 2, size, proof, root)
    yield "size * 2", (leaf, index, size * 2, proof, root)
    yield "size / 2", (leaf, index, size // 2, proof, root)
    yield "wrong leaf", (b"WrongLeaf", index, size, proof, root)
    yield "empty root", (leaf, index, size, proof, EMPTY_ROOT)
    yield "random root", (leaf, index, size, proof, SOME_HASH)
    yield "trailing garbage", (leaf, index, size, [*proof, b""], root)
    yield "trailing root", (leaf, index, size, [*proof, root], root)
    yield "preceding garbage", (leaf, index, size, [b"", *proof], root)
    yield "preceding root", (leaf, index, size, [root, *proof], root)
    if proof:
        yield "removed component", (leaf, index, size, proof[:-1], root)
    if len(proof) > 1:
        yield "inserted component", (leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], root)


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS[1:])
def test_corrupted_inclusion_proofs_fail(index, size, proof):
    # given
    probes = inclusion_probes(index, size, proof, ROOTS[size], LEAF_HASHES[index])
    # when
    accepted = [name for name, arguments in probes if verify_inclusion(*arguments)]
    # then
    assert accepted == []


@pytest.mark.parametrize(("index", "size"), [(0, 0), (0, 1), (1, 0), (2, 1)])
def test_inclusion_in_impossible_positions_fails(index, size):
    assert not verify_inclusion(SOME_HASH, index, size, [], b"")
    assert not verify_inclusion(b"", index, size, [], EMPTY_ROOT)
    assert not verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT)


def test_single_leaf_tree_proves_its_leaf_with_an_empty_proof():
    # given
    hashed = leaf_hash(b"data")
    # then
    assert verify_inclusion(hashed, 0, 1, [], hashed)
    assert not verify_inclusion(hashed, 0, 1, [], b"")
    assert not verify_inclusion(b"", 0, 1, [], hashed)


# -- corrupted consistency proofs ----------------------------------------------------------------


def consistency_probes(old_size, new_size, old_root, new_root, proof):
    yield "old - 1", (old_size - 1, new_size, old_root, new_root, proof)
    yield "old + 1", (old_size + 1, new_size, old_root, new_root, proof)
    yield "old ^ 2", (old_size ^ 2, new_size, old_root, new_root, proof)
    yield "new * 2", (old_size, new_size * 2, old_root, new_root, proof)
    yield "new / 2", (old_size, new_size // 2, old_root, new_root, proof)
    yield "wrong old root", (old_size, new_size, b"WrongRoot", new_root, proof)
    yield "wrong new root", (old_size, new_size, old_root, b"WrongRoot", proof)
    yield "swapped roots", (old_size, new_size, new_root, old_root, proof)
    yield "empty proof", (old_size, new_size, old_root, new_root, [])
    yield "trailing garbage", (old_size, new_size, old_root, new_root, [*proof, b""])
    yield "trailing old root", (old_size, new_size, old_root, new_root, [*proof, old_root])
    yield "trailing new root", (old_size, new_size, old_root, new_root, [*proof, new_root])
    yield "preceding garbage", (old_size, new_size, old_root, new_root, [b"", *proof])
    yield "preceding old root", (old_size, new_size, old_root, new_root, [old_root, *proof])
    yield "preceding new root", (old_size, new_size, old_root, new_root, [new_root, *proof])
    yield "preceding proof[0]", (old_size, new_size, old_root, new_root, [proof[0], *proof])
    yield "truncated", (old_size, new_size, old_root, new_root, proof[:-1])


@pytest.mark.parametrize(("old_size", "new_size", "proof"), CONSISTENCY_VECTORS[1:])
def test_corrupted_consistency_proofs_fail(old_size, new_size, proof):
    # given
    probes = consistency_probes(old_size, new_size, ROOTS[old_size], ROOTS[new_size], proof)
    # when
    accepted = [name for name, arguments in probes if verify_consistency(*arguments)]
    # then
    assert accepted == []


@pytest.mark.parametrize(
    ("old_size", "new_size", "old_root", "new_root", "proof", "valid"),
    [
        (0, 0, b"root 1", b"root 2", [], False),
        (1, 1, b"root 1", b"root 2", [], False),
        (0, 0, b"root 1", b"root 1", [], True),
        (0, 1, b"root 1", b"root 2", [], True),
        (1, 1, b"root 2", b"root 2", [], True),
        (1, 0, b"root 1", b"root 2", [], False),
        (2, 1, b"root 1", b"root 2", [], False),
        (1, 2, b"root 1", b"root 2", [], False),
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
        (0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
        (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
    ],
)
def test_consistency_edge_cases_follow_transparency_dev(
    old_size, new_size, old_root, new_root, proof, valid
):
    assert verify_consistency(old_size, new_size, old_root, new_root, proof) is valid


# -- against the reference, exhaustively for small trees -----------------------------------------


@pytest.mark.parametrize("size", [*range(1, 34), 63, 64, 65, 100])
def test_roots_and_proofs_equal_the_reference_for_every_leaf_and_prefix(size):
    # given
    leaves = random_leaves(size)
    tree = MerkleTree(leaves)
    # then
    assert tree.root() == merkle_root(leaves) == reference_root(leaves)
    for index in range(size):
        assert tree.inclusion_proof(index) == reference_path(index, leaves)
    for old_size in range(1, size):
        assert tree.consistency_proof(old_size) == reference_subproof(old_size, leaves, True)


@pytest.mark.parametrize("size", range(1, 13))
def test_every_single_bit_flip_of_every_inclusion_proof_fails(size):
    # given
    leaves = random_leaves(size)
    tree = MerkleTree(leaves)
    root = tree.root()
    for index in range(size):
        proof = tree.inclusion_proof(index)
        assert verify_inclusion(tree.leaf_hash(index), index, size, proof, root)
        # when / then
        for element in range(len(proof)):
            for bit in range(256):
                corrupted = flipped(proof, element, bit)
                assert not verify_inclusion(tree.leaf_hash(index), index, size, corrupted, root)


@pytest.mark.parametrize("size", range(2, 13))
def test_every_single_bit_flip_of_every_consistency_proof_fails(size):
    # given
    leaves = random_leaves(size)
    tree = MerkleTree(leaves)
    for old_size in range(1, size):
        proof = tree.consistency_proof(old_size)
        old_root, new_root = tree.root(old_size), tree.root()
        assert verify_consistency(old_size, size, old_root, new_root, proof)
        # when / then
        for element in range(len(proof)):
            for bit in range(256):
                corrupted = flipped(proof, element, bit)
                assert not verify_consistency(old_size, size, old_root, new_root, corrupted)


# -- properties ----------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(data=st.data(), size=st.integers(min_value=1, max_value=600))
def test_random_trees_prove_inclusion_and_consistency_and_reject_any_flipped_bit(data, size):
    # given
    leaves = [index.to_bytes(4, "big") for index in range(size)]
    tree = MerkleTree(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    old_size = data.draw(st.integers(min_value=1, max_value=size), label="old_size")
    inclusion = tree.inclusion_proof(index)
    consistency = tree.consistency_proof(old_size)
    # then: both proofs verify
    assert verify_inclusion(tree.leaf_hash(index), index, size, inclusion, tree.root())
    assert verify_consistency(old_size, size, tree.root(old_size), tree.root(), consistency)
    # and any flipped bit fails
    if inclusion:
        element = data.draw(st.integers(0, len(inclusion) - 1), label="inclusion element")
        bit = data.draw(st.integers(0, 255), label="inclusion bit")
        corrupted = flipped(inclusion, element, bit)
        assert not verify_inclusion(tree.leaf_hash(index), index, size, corrupted, tree.root())
    if consistency:
        element = data.draw(st.integers(0, len(consistency) - 1), label="consistency element")
        bit = data.draw(st.integers(0, 255), label="consistency bit")
        corrupted = flipped(consistency, element, bit)
        assert not verify_consistency(old_size, size, tree.root(old_size), tree.root(), corrupted)


@settings(max_examples=50, deadline=None)
@given(size=st.integers(min_value=1, max_value=2000), old_size=st.integers(min_value=1))
def test_proofs_for_an_earlier_size_match_a_tree_of_that_size(size, old_size):
    # given
    old_size = old_size % size + 1
    leaves = [index.to_bytes(4, "big") for index in range(size)]
    tree, prefix = MerkleTree(leaves), MerkleTree(leaves[:old_size])
    # then
    assert tree.root(old_size) == prefix.root()
    assert tree.inclusion_proof(old_size - 1, old_size) == prefix.inclusion_proof(old_size - 1)


# -- scale and inputs ----------------------------------------------------------------------------


def test_streamed_and_stored_roots_agree_on_a_large_odd_tree():
    # given
    leaves = [index.to_bytes(32, "big") for index in range(50_001)]
    # when
    tree = MerkleTree(leaves)
    # then
    assert tree.root() == merkle_root(iter(leaves))
    last = tree.inclusion_proof(50_000)
    assert verify_inclusion(tree.leaf_hash(50_000), 50_000, 50_001, last, tree.root())


def test_event_leaf_is_the_raw_event_hash():
    # given
    event_hash = hashlib.sha256(b"custody event").hexdigest()
    # then
    assert event_leaf(event_hash) == hashlib.sha256(b"custody event").digest()
    with pytest.raises(ValueError, match="64 hexadecimal"):
        event_leaf("abcd")


@pytest.mark.parametrize(
    "call",
    [
        lambda tree: tree.inclusion_proof(5),
        lambda tree: tree.inclusion_proof(-1),
        lambda tree: tree.inclusion_proof(3, 3),
        lambda tree: tree.leaf_hash(5),
    ],
)
def test_proof_of_a_leaf_outside_the_tree_is_refused(call):
    with pytest.raises(IndexError, match="outside a tree"):
        call(MerkleTree(LEAVES[:5]))


@pytest.mark.parametrize(
    "call",
    [
        lambda tree: tree.root(6),
        lambda tree: tree.consistency_proof(6),
        lambda tree: tree.consistency_proof(4, 3),
        lambda tree: tree.consistency_proof(-1),
    ],
)
def test_sizes_outside_the_tree_are_refused(call):
    with pytest.raises(ValueError, match="between 0 and"):
        call(MerkleTree(LEAVES[:5]))


def test_consistency_with_an_empty_or_equal_tree_needs_no_proof():
    tree = MerkleTree(LEAVES)
    assert tree.consistency_proof(0) == []
    assert tree.consistency_proof(8) == []
