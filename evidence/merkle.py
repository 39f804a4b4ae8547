"""RFC 6962 Merkle trees over the custody log: roots, inclusion and consistency proofs.

Exactly RFC 6962 §2.1 (the Certificate Transparency tree): a leaf hashes as
SHA-256(0x00 || leaf), an interior node as SHA-256(0x01 || left || right), and a tree of n
leaves splits at the largest power of two smaller than n. Proofs are generated as RFC 6962
§2.1.1 and §2.1.2 define them and verified with the algorithms of RFC 9162 §2.1.3.2 and
§2.1.4.2, so any CT / transparency-dev client can check them too.

The leaves of the custody log are the custody events' hashes as 32 raw bytes, in append order
(`event_leaf`). Nothing recurses over the leaves: `merkle_root` streams them through a stack of
at most log2(n) perfect subtrees, and `MerkleTree` keeps each level of perfect subtrees in one
`bytes` object (64 MB for a million leaves) so that any proof costs O(log² n) hashes.

Pure and standard-library only: shipped in the court dossier's offline verifier.
"""

import hashlib
from collections.abc import Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The root of the empty tree: SHA-256 of nothing (RFC 6962 §2.1)."""

_sha256 = hashlib.sha256


def leaf_hash(leaf: bytes) -> bytes:
    """RFC 6962 leaf hash: SHA-256(0x00 || leaf)."""
    return _sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 interior node hash: SHA-256(0x01 || left || right)."""
    return _sha256(b"\x01" + left + right).digest()


def event_leaf(event_hash: str) -> bytes:
    """The Merkle leaf of a custody event: its hash (64 hex characters) as 32 raw bytes."""
    leaf = bytes.fromhex(event_hash)
    if len(leaf) != HASH_SIZE:
        raise ValueError("a custody event hash is 64 hexadecimal characters")
    return leaf


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (size >= 2): where RFC 6962 splits."""
    return 1 << ((size - 1).bit_length() - 1)


def merkle_root(leaves: Iterable[bytes]) -> bytes:
    """The RFC 6962 root (MTH) of `leaves`, streamed: memory O(log n), no recursion."""
    sha256 = _sha256
    # stack[i] is the root of a perfect subtree; their sizes are the binary digits of `count`,
    # largest first, exactly like a compact range (transparency-dev/merkle's compact.Range).
    stack: list[bytes] = []
    for count, leaf in enumerate(leaves, start=1):
        node = sha256(b"\x00" + leaf).digest()
        carry = count
        while not carry & 1:
            node = sha256(b"\x01" + stack.pop() + node).digest()
            carry >>= 1
        stack.append(node)
    if not stack:
        return EMPTY_ROOT
    # The largest perfect subtree is the left child of the root, the rest nests to the right.
    root = stack[-1]
    for left in reversed(stack[:-1]):
        root = sha256(b"\x01" + left + root).digest()
    return root


class MerkleTree:
    """An RFC 6962 tree over a fixed list of leaves, answering roots and proofs quickly.

    `levels[h]` holds the hashes of all perfect subtrees of 2**h leaves, left to right, as one
    concatenated `bytes`. Every subtree RFC 6962 names is a perfect subtree or a right edge
    built from O(log n) of them, so proofs for any earlier size are cheap as well.
    """

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        sha256 = _sha256
        level = b"".join([sha256(b"\x00" + leaf).digest() for leaf in leaves])
        self.levels: list[bytes] = [level]
        while len(level) >= 2 * HASH_SIZE:
            pairs_end = len(level) // (2 * HASH_SIZE) * (2 * HASH_SIZE)
            level = b"".join(
                [
                    sha256(b"\x01" + level[at : at + 2 * HASH_SIZE]).digest()
                    for at in range(0, pairs_end, 2 * HASH_SIZE)
                ]
            )
            self.levels.append(level)
        self.size = len(self.levels[0]) // HASH_SIZE

    def leaf_hash(self, index: int) -> bytes:
        """The RFC 6962 leaf hash of leaf `index`."""
        if not 0 <= index < self.size:
            raise IndexError(f"leaf {index} is outside a tree of {self.size} leaves")
        return self.levels[0][index * HASH_SIZE : (index + 1) * HASH_SIZE]

    def root(self, size: int | None = None) -> bytes:
        """The root of the first `size` leaves (default: all of them)."""
        size = self._checked_size(size)
        return EMPTY_ROOT if size == 0 else self._subtree(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 6962 PATH(index, D[size]): sibling hashes from the leaf up to the root."""
        size = self._checked_size(size)
        if not 0 <= index < size:
            raise IndexError(f"leaf {index} is outside a tree of {size} leaves")
        proof = []
        low, high = 0, size
        while high - low > 1:
            middle = low + _split(high - low)
            if index < middle:
                proof.append(self._subtree(middle, high))
                high = middle
            else:
                proof.append(self._subtree(low, middle))
                low = middle
        proof.reverse()
        return proof

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """RFC 6962 PROOF(old_size, D[new_size]): that the old tree is a prefix of the new one.

        Empty when old_size is 0 or equals new_size (nothing to prove).
        """
        new_size = self._checked_size(new_size)
        if not 0 <= old_size <= new_size:
            raise ValueError(f"old size {old_size} is not between 0 and {new_size}")
        if old_size in (0, new_size):
            return []
        # SUBPROOF(m, D[low:high], whole) unrolled; `old` counts old leaves inside low:high.
        proof = []
        low, high, old, whole = 0, new_size, old_size, True
        while old != high - low:
            middle = low + _split(high - low)
            if old <= middle - low:
                proof.append(self._subtree(middle, high))
                high = middle
            else:
                proof.append(self._subtree(low, middle))
                old -= middle - low
                low = middle
                whole = False
        if not whole:
            proof.append(self._subtree(low, high))
        proof.reverse()
        return proof

    def _checked_size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"size {size} is not between 0 and {self.size}")
        return size

    def _subtree(self, low: int, high: int) -> bytes:
        """MTH(D[low:high]) for a subtree RFC 6962 can name (low aligned to its split)."""
        count = high - low
        if count & (count - 1) == 0:
            height = count.bit_length() - 1
            at = (low >> height) * HASH_SIZE
            return self.levels[height][at : at + HASH_SIZE]
        # A right edge: the perfect left part, then the rest, recursing O(log n) deep.
        middle = low + _split(count)
        return node_hash(self._subtree(low, middle), self._subtree(middle, high))


def inclusion_proof(
    leaves: Sequence[bytes], index: int, tree_size: int | None = None
) -> list[bytes]:
    """The inclusion proof of leaf `index` in the tree of the first `tree_size` leaves."""
    return MerkleTree(leaves[:tree_size] if tree_size is not None else leaves).inclusion_proof(
        index
    )


def consistency_proof(
    leaves: Sequence[bytes], old_size: int, new_size: int | None = None
) -> list[bytes]:
    """The consistency proof between the trees of the first `old_size` and `new_size` leaves."""
    tree = MerkleTree(leaves[:new_size] if new_size is not None else leaves)
    return tree.consistency_proof(old_size)


def _well_formed(*hashes: bytes) -> bool:
    return all(isinstance(value, bytes) and len(value) == HASH_SIZE for value in hashes)


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """True when `proof` shows the leaf with `leaf_hash` at `index` of the tree with `root`.

    `leaf_hash` is the RFC 6962 leaf hash (`leaf_hash(event_leaf(event.hash))`), not the leaf.
    RFC 9162 §2.1.3.2, with every hash required to be 32 bytes.
    """
    if not 0 <= index < tree_size or not _well_formed(leaf_hash, root, *proof):
        return False
    sha256 = _sha256
    fn, sn = index, tree_size - 1
    result = leaf_hash
    for sibling in proof:
        if sn == 0:
            return False  # The proof is longer than the path to the root.
        if fn & 1 or fn == sn:
            result = sha256(b"\x01" + sibling + result).digest()
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = sha256(b"\x01" + result + sibling).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and result == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True when `proof` shows the tree (old_size, old_root) is a prefix of (new_size, new_root).

    RFC 9162 §2.1.4.2. Edge cases as transparency-dev/merkle: equal sizes need equal roots and
    an empty proof; an empty old tree is a prefix of anything, with an empty proof.
    """
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof or not _well_formed(old_root, new_root, *proof):
        return False
    sha256 = _sha256
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)  # The old tree is a perfect subtree: its root starts the path.
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    first_result = second_result = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            first_result = sha256(b"\x01" + node + first_result).digest()
            second_result = sha256(b"\x01" + node + second_result).digest()
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            second_result = sha256(b"\x01" + second_result + node).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and first_result == old_root and second_result == new_root
