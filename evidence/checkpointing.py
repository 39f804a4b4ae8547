"""Signed checkpoints of the custody log, and proofs against them, computed from the database.

The custody log is every custody event of the instance in `log_index` order (0, 1, 2 …, the
order appends committed: `evidence.services._common.next_log_index`); its Merkle leaves are
the events' hashes (`evidence.merkle.event_leaf`). A checkpoint signs the RFC 6962 root of the
first `tree_size` leaves with the instance key (`ncb_cases.keys`).

Nothing here holds the log in memory. `log_scan` reads the leaves once, streamed from the
database, through the same stack of perfect subtrees as `evidence.merkle.merkle_root`, and
picks up on the way whatever roots it was asked for: the root of any prefix (each checkpoint's
size) and the subtree hashes that make up inclusion and consistency proofs (RFC 6962 §2.1.1,
§2.1.2: every node a proof names is a perfect subtree or the right edge of the tree). Memory is
O(log n) plus the nodes asked for, whatever the log's size; one pass costs about what
`merkle_root` does, so a dossier's thousand proofs cost one read of the log, not a thousand.
The proofs are the ones `evidence.merkle.MerkleTree` gives (the tests compare them) and the
offline verifier checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from evidence.checkpoints import checkpoint_sign
from evidence.merkle import EMPTY_ROOT, event_leaf
from evidence.models import CustodyCheckpoint, CustodyEvent
from ncb_cases import keys

logger = logging.getLogger(__name__)

STREAM_CHUNK = 5000
"""Rows fetched per round trip while streaming the log."""

Range = tuple[int, int]
"""A subtree of the log as [low, high) leaf positions."""

_sha256 = hashlib.sha256


class CustodyLogError(Exception):
    """The stored log does not extend what a checkpoint signed, or has a hole: nothing is
    signed over it (the message says where; run `manage.py verify_custody`)."""


# -- which subtrees a proof names (RFC 6962 §2.1.1 and §2.1.2) ------------------------------


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (size >= 2): where RFC 6962 splits."""
    return 1 << ((size - 1).bit_length() - 1)


def inclusion_proof_ranges(index: int, tree_size: int) -> list[Range]:
    """The subtrees whose hashes form PATH(index, D[tree_size]), leaf to root."""
    if not 0 <= index < tree_size:
        raise IndexError(f"leaf {index} is outside a tree of {tree_size} leaves")
    ranges = []
    low, high = 0, tree_size
    while high - low > 1:
        middle = low + _split(high - low)
        if index < middle:
            ranges.append((middle, high))
            high = middle
        else:
            ranges.append((low, middle))
            low = middle
    ranges.reverse()
    return ranges


def consistency_proof_ranges(old_size: int, new_size: int) -> list[Range]:
    """The subtrees whose hashes form PROOF(old_size, D[new_size]), as RFC 6962 orders them.

    Empty when old_size is 0 or equals new_size (nothing to prove).
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"old size {old_size} is not between 0 and {new_size}")
    if old_size in (0, new_size):
        return []
    ranges = []
    low, high, old, whole = 0, new_size, old_size, True
    while old != high - low:
        middle = low + _split(high - low)
        if old <= middle - low:
            ranges.append((middle, high))
            high = middle
        else:
            ranges.append((low, middle))
            old -= middle - low
            low = middle
            whole = False
    if not whole:
        ranges.append((low, high))
    ranges.reverse()
    return ranges


# -- one streamed pass over the leaves -------------------------------------------------------


@dataclass
class LogScan:
    """What one pass over the log found: its size, and the roots and subtrees asked for."""

    size: int = 0
    prefix_roots: dict[int, bytes] = field(default_factory=dict)
    subtrees: dict[Range, bytes] = field(default_factory=dict)

    def proof(self, ranges: Iterable[Range]) -> list[bytes]:
        return [self.subtrees[subtree] for subtree in ranges]


def scan_leaves(
    leaves: Iterable[bytes],
    *,
    prefixes: Collection[int] = (),
    ranges: Collection[Range] = (),
) -> LogScan:
    """Hash `leaves` (raw event hashes, in log order) once, as `merkle_root` does, and collect
    the root of the first n leaves for each n in `prefixes` and the hash of each subtree in
    `ranges` (perfect subtrees, or right edges [low, n) of a size n in `prefixes`)."""
    sha256 = _sha256
    wanted = set(ranges)
    fold_at = set(prefixes) | {high for _low, high in wanted}
    scan = LogScan()
    found = scan.subtrees
    # stack[i] = (first leaf, hash) of a perfect subtree, largest first (a compact range).
    stack: list[tuple[int, bytes]] = []
    count = 0
    for leaf in leaves:
        node = sha256(b"\x00" + leaf).digest()
        low = count
        count += 1
        if wanted and (low, count) in wanted:
            found[(low, count)] = node
        carry = count
        while not carry & 1:
            low, left = stack.pop()
            node = sha256(b"\x01" + left + node).digest()
            carry >>= 1
            if wanted and (low, count) in wanted:
                found[(low, count)] = node
        stack.append((low, node))
        if count in fold_at:
            # The root of the first `count` leaves: the largest perfect subtree is the left
            # child, the rest nests to the right; each step is a right edge [low, count).
            root = stack[-1][1]
            for low, left in reversed(stack[:-1]):
                root = sha256(b"\x01" + left + root).digest()
                if (low, count) in wanted:
                    found[(low, count)] = root
            scan.prefix_roots[count] = root
    scan.size = count
    if 0 in prefixes:
        scan.prefix_roots[0] = EMPTY_ROOT
    return scan


def log_size() -> int:
    """How many events the custody log holds (positions 0 … n-1). One query."""
    last = CustodyEvent.objects.aggregate(last=Max("log_index"))["last"]
    return 0 if last is None else last + 1


def log_leaves(tree_size: int) -> Iterator[bytes]:
    """The leaves of the first `tree_size` events, streamed in log order.

    Raises CustodyLogError at a missing position (an event deleted behind the triggers' back):
    the positions must run 0, 1, 2 … without a hole for a tree over them to mean anything.
    """
    rows = (
        CustodyEvent.objects.filter(log_index__lt=tree_size)
        .order_by("log_index")
        .values_list("log_index", "hash")
        .iterator(chunk_size=STREAM_CHUNK)
    )
    position = 0
    for log_index, event_hash in rows:
        if log_index != position:
            raise CustodyLogError(
                f"the custody log has no event at position {position} (the next is "
                f"{log_index}): an event was removed"
            )
        yield event_leaf(event_hash)
        position += 1
    if position != tree_size:
        raise CustodyLogError(
            f"the custody log holds {position} events where {tree_size} are expected: "
            f"events from position {position} were removed"
        )


def log_scan(
    tree_size: int, *, prefixes: Collection[int] = (), ranges: Collection[Range] = ()
) -> LogScan:
    """`scan_leaves` over the first `tree_size` events of the stored log (one streamed query).

    The root of the whole `tree_size` is always included in `prefix_roots`.
    """
    return scan_leaves(log_leaves(tree_size), prefixes={*prefixes, tree_size}, ranges=ranges)


# -- checkpoints -----------------------------------------------------------------------------


def custody_checkpoint_latest() -> CustodyCheckpoint | None:
    """The checkpoint of the largest tree signed so far, or None. One query."""
    return CustodyCheckpoint.objects.order_by("-tree_size").first()


def custody_checkpoint_build(*, now: dt.datetime | None = None) -> CustodyCheckpoint | None:
    """Sign a checkpoint over the whole custody log as it is now; None when nothing is new.

    The root is computed over every committed event in log order, streamed (one read of the
    log, O(log n) memory). In the same pass the root of the latest checkpoint's size is
    recomputed: if it no longer matches what was signed, or the log has a hole, nothing is
    signed and CustodyLogError says so (a new signature must never cover a rewritten past).

    Safe to run concurrently (beat, a dossier export): a size is signed once (unique
    `tree_size`); the loser of a race gets the winner's row. Needs the instance key
    (`ncb_cases.keys`). System action: no actor, no audit row; logged.
    """
    latest = custody_checkpoint_latest()
    tree_size = log_size()
    if latest is not None:
        if tree_size == latest.tree_size:
            return None
        if tree_size < latest.tree_size:
            raise CustodyLogError(
                f"the custody log holds {tree_size} events but checkpoint {latest.tree_size} "
                "signed more: events were removed"
            )
    prefixes = () if latest is None else (latest.tree_size,)
    scan = log_scan(tree_size, prefixes=prefixes)
    if latest is not None and scan.prefix_roots[latest.tree_size].hex() != latest.root_hash:
        raise CustodyLogError(
            f"the first {latest.tree_size} events no longer have the root checkpoint "
            f"{latest.tree_size} signed ({latest.root_hash}; now "
            f"{scan.prefix_roots[latest.tree_size].hex()}): the log was rewritten"
        )
    signed = checkpoint_sign(
        private_key=keys.signing_private_key(),
        tree_size=tree_size,
        root_hash=scan.prefix_roots[tree_size],
        timestamp=(now or timezone.now()).replace(microsecond=0),
        ncb_code=keys.instance_ncb_code(),
    )
    checkpoint = CustodyCheckpoint.from_signed(signed)
    try:
        with transaction.atomic():
            checkpoint.save(force_insert=True)
    except IntegrityError:
        # Another worker signed this size meanwhile: the same leaves, so the same root.
        return CustodyCheckpoint.objects.get(tree_size=tree_size)
    logger.info(
        "custody checkpoint signed: %s events, root %s, key %s",
        tree_size,
        checkpoint.root_hash,
        checkpoint.kid,
    )
    return checkpoint


def inclusion_proofs(log_indexes: Iterable[int], tree_size: int) -> dict[int, list[bytes]]:
    """Inclusion proofs of the events at `log_indexes` in the tree of the first `tree_size`
    events, from one streamed pass over the log. Positions at or beyond `tree_size` (events
    the tree does not cover yet) are left out of the result."""
    covered = sorted({index for index in log_indexes if 0 <= index < tree_size})
    paths = {index: inclusion_proof_ranges(index, tree_size) for index in covered}
    if not paths:
        return {}
    scan = log_scan(tree_size, ranges={subtree for path in paths.values() for subtree in path})
    return {index: scan.proof(path) for index, path in paths.items()}


def inclusion_proof_for_event(
    event: CustodyEvent, *, checkpoint: CustodyCheckpoint | None = None
) -> list[bytes] | None:
    """The inclusion proof of `event` in `checkpoint` (default: the latest), or None when that
    checkpoint was signed before the event was appended (or there is none)."""
    checkpoint = checkpoint or custody_checkpoint_latest()
    if checkpoint is None or event.log_index >= checkpoint.tree_size:
        return None
    return inclusion_proofs([event.log_index], checkpoint.tree_size)[event.log_index]


def consistency_proof_between(old_size: int, new_size: int) -> list[bytes]:
    """The RFC 6962 consistency proof that the log's first `old_size` events are a prefix of
    its first `new_size` (what a partner watching two checkpoints checks), from one pass."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"old size {old_size} is not between 0 and {new_size}")
    ranges = consistency_proof_ranges(old_size, new_size)
    if not ranges:
        return []
    return log_scan(new_size, ranges=set(ranges)).proof(ranges)
