"""Verifying custody as stored: the hash chains and the signed checkpoints, in one report.

Two independent checks, because each catches what the other cannot:

- the hash chains (`chains_verify` here, which runs `evidence.hashing.verify_chain` over the
  stored canonical bytes, streamed): an altered, removed, reordered or relinked event, or a
  chain cut short of the item's recorded head;
- the checkpoints (`checkpoints_verify` here): each checkpoint's signature by the instance key,
  and its Merkle root recomputed over the first `tree_size` events of the log as stored now.
  This catches what a consistent rewrite of a chain (bytes, hashes and head together) hides
  from the chain check: the events it covers are no longer the events that were signed.

`custody_verify_item` and `custody_verify_all` run both and say OK, or where it first breaks:
the item, the event's sequence, expected against actual hash, and which checkpoint no longer
matches (the first one that fails bounds where the log was changed: after the last checkpoint
that still matches, before the first that does not).

This is the one verification path: the `verify_custody` command (`custody_verify_all`), the
API's verify action and the pages' "verify now" button (`custody_verify_item`) call it and
nothing else. Reads only, no audit row: the callers have already checked through
`evidence.selectors` that the user may see what is verified. The log is streamed, never loaded
whole: `custody_verify_all` reads it once, in stored (`log_index`) order, for the chains and
the checkpoints' roots together (`_log_pass`; DESIGN.md §7 asks for 200,000 events a second).
"""

from __future__ import annotations

import binascii
import hashlib
import json
import queue
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import DataError, connection, transaction
from django.db.models import BinaryField, F, Func, Q, QuerySet, TextField, Value, When
from django.db.models import Case as DjangoCase

from evidence.checkpointing import CustodyLogError, LogScan, log_scan, log_size
from evidence.checkpoints import CheckpointError, checkpoint_verify
from evidence.hashing import (
    EVENT_REMOVED,
    GENESIS_PREV_HASH,
    PREV_HASH_MARKER,
    BrokenLink,
    ChainReport,
    utc_timestamp,
    verify_chain,
)
from evidence.merkle import EMPTY_ROOT
from evidence.models import CustodyCheckpoint, CustodyEvent, EvidenceItem
from ncb_cases import keys
from ncb_cases.models import Case

SIGNATURE = "signature"
ROOT_MISMATCH = "root mismatch"
LOG_SHORTER = "log shorter"
LOG_HOLE = "log hole"
HEAD_MISMATCH = "head mismatch"
STREAM_CHUNK = 5000
PREFETCH_CHUNKS = 4


# -- the hash chains ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainsVerification:
    """The outcome of `chains_verify`: OK, or the first broken link and where it is."""

    chain: ChainReport
    broken: BrokenLink | None
    item_numbers: dict[int, str] = field(repr=False)

    @property
    def ok(self) -> bool:
        return self.broken is None

    @property
    def broken_item_number(self) -> str | None:
        """The item number (`FR-2026-000041/E-3`) of the broken chain, if any."""
        if self.broken is None:
            return None
        return self.item_numbers.get(self.broken.item, str(self.broken.item))

    def describe_broken(self) -> str:
        """The first broken link for people: item number, sequence, expected vs found."""
        if self.broken is None:
            return ""
        link = self.broken
        return (
            f"item {self.broken_item_number}, event {link.sequence}: {link.kind}: "
            f"{link.detail} (expected {link.expected or '-'}, found {link.actual or '-'})"
        )

    def __str__(self) -> str:
        if self.broken is None:
            return (
                f"OK: {self.chain.events_checked} custody events in "
                f"{len(self.item_numbers)} items verified"
            )
        return f"BROKEN: {self.describe_broken()}"


def chains_verify(
    *, case: Case | None = None, items: Iterable[EvidenceItem] | None = None
) -> ChainsVerification:
    """Verify the custody chains of every item (or of `case`'s, or of `items`).

    For each item: the chain (`verify_chain`: altered bytes, removed, reordered or relinked
    events) and its head (the item's recorded last sequence and hash, which reveal a cut-off
    tail). The checkpoints are `checkpoints_verify`'s.

    Every item, or a case's: one pass over the log in stored order (`_log_pass`). A few
    `items`: their events in (item, sequence) order. Either way one query for the items and
    one streamed for the events (plus one for the events of suspect items, if any); memory
    stays flat: events are streamed in chunks of STREAM_CHUNK.
    """
    heads, item_numbers = _recorded_heads(case=case, items=items)
    if items is None:
        chain = _log_pass(heads, in_case=case is not None).chain
    else:
        chain = _verify_chains(
            CustodyEvent.objects.filter(item_id__in=list(heads)).order_by("item_id", "sequence")
        )
    return _chains_verification(chain, heads, item_numbers)


def _recorded_heads(
    *, case: Case | None = None, items: Iterable[EvidenceItem] | None = None
) -> tuple[dict[int, tuple[str, int, str]], dict[int, str]]:
    item_rows = EvidenceItem.objects.all()
    if case is not None:
        item_rows = item_rows.filter(case=case)
    if items is not None:
        item_rows = item_rows.filter(pk__in=[item.pk for item in items])
    heads = {
        pk: (number, last_sequence, head_hash)
        for pk, number, last_sequence, head_hash in item_rows.values_list(
            "pk", "item_number", "last_sequence", "head_hash"
        )
    }
    return heads, {pk: number for pk, (number, _s, _h) in heads.items()}


def _chains_verification(
    chain: ChainReport, heads: dict[int, tuple[str, int, str]], item_numbers: dict[int, str]
) -> ChainsVerification:
    return ChainsVerification(
        chain=chain, broken=chain.broken or _head_mismatch(chain, heads), item_numbers=item_numbers
    )


# -- one pass over the log in stored order --------------------------------------------------


@dataclass
class _LogPass:
    """What one pass over the log in `log_index` order found."""

    chain: ChainReport
    size: int = 0
    hole: tuple[int, int] | None = None
    """The first missing position and the position found there instead, if any."""
    scan: LogScan | None = None


def _log_pass(
    heads: dict[int, tuple[str, int, str]], *, in_case: bool, prefixes: Iterable[int] = ()
) -> _LogPass:
    """Verify the chains of the items in `heads` and fold the log's leaves, in one read of
    the log in stored (`log_index`) order, which is how the table is laid out on disk.

    Within the log each item's events come in sequence order, so per item only its last
    (sequence, hash) is kept. An item whose events do not continue its chain exactly (a
    gap, a duplicate or reordered sequence, bytes that do not hash to the stored hash, a
    link that the fast check does not recognise) is set aside as suspect and verified again
    by `verify_chain` over its events in (item, sequence) order, as before: the first broken
    link reported, its kind and wording, and the counts are the ones that path gives. The
    Merkle roots of the log's first n events, for each n in `prefixes`, are folded from the
    same rows (`scan_leaves`), up to the first hole (`hole`).
    """
    prefixes = set(prefixes)
    state = _PassState(heads, max(prefixes, default=0))
    base = CustodyEvent.objects.order_by("log_index")
    scope = Q(item_id__in=list(heads)) if in_case else None
    if connection.vendor != "postgresql":
        canonical: Any = F("canonical")
        if scope is not None:
            canonical = DjangoCase(When(scope, then=canonical), output_field=BinaryField())
        rows = (
            base.annotate(data=canonical)
            .values_list("log_index", "item_id", "sequence", "data", "prev_hash", "hash")
            .iterator(chunk_size=STREAM_CHUNK)
        )
        as_bytes = (
            (log_index, item, sequence, data, _ascii(prev_hash), _ascii(event_hash))
            for log_index, item, sequence, data, prev_hash, event_hash in rows
        )
        scan = state.run(as_bytes, prefixes)
    else:
        try:
            scan = _log_pass_raw(state, base, scope, prefixes, encode=True)
        except (DataError, connection.Database.DataError):  # not UTF-8: read as bytea
            state = _PassState(heads, max(prefixes, default=0))
            scan = _log_pass_raw(state, base, scope, prefixes, encode=False)
    return _LogPass(chain=state.chain_report(), size=state.size, hole=state.hole, scan=scan)


def _ascii(text: Any) -> Any:
    return text.encode("ascii", "replace") if isinstance(text, str) else text


def _log_pass_raw(state, base, scope, prefixes, *, encode: bool) -> LogScan:
    """The pass on PostgreSQL: a server-side cursor, the bytes as text (see `_verify_chains`)
    that psycopg hands over undecoded (`_UndecodedText`, on this cursor only), and
    fetched by a second thread (`_prefetched`)."""
    canonical: Any = F("canonical")
    if encode:
        canonical = Func(
            canonical, Value("UTF8"), function="convert_from", output_field=TextField()
        )
    if scope is not None:
        canonical = DjangoCase(
            When(scope, then=canonical),
            output_field=TextField() if encode else BinaryField(),
        )
    rows = base.annotate(data=canonical).values_list(
        "log_index", "item_id", "sequence", "data", "prev_hash", "hash"
    )
    sql, params = rows.query.sql_with_params()
    with transaction.atomic():
        connection.ensure_connection()
        cursor = connection.connection.cursor(name=f"custody_log_pass_{id(state):x}")
        cursor.itersize = STREAM_CHUNK
        cursor.adapters.register_loader("text", _undecoded_text_loader())
        try:
            cursor.execute(sql, params)
            return state.run(_prefetched(cursor), prefixes)
        finally:
            cursor.close()


def _undecoded_text_loader() -> type:
    """A psycopg loader that hands text over as the bytes that came (PostgreSQL only)."""
    from psycopg.adapt import Loader

    class _UndecodedText(Loader):
        def load(self, data) -> bytes:
            return bytes(data)

    return _UndecodedText


def _prefetched(cursor: Any) -> Iterator[tuple]:
    """The cursor's rows, fetched STREAM_CHUNK at a time by a second thread: psycopg lets go
    of the GIL while it waits for PostgreSQL, so the server reads and sends the next chunk
    while this thread hashes the current one. At most a few chunks wait in memory."""
    chunks: queue.Queue = queue.Queue(maxsize=PREFETCH_CHUNKS)
    stop = threading.Event()

    def fetch() -> None:
        try:
            while not stop.is_set():
                rows = cursor.fetchmany(STREAM_CHUNK)
                _put(rows)
                if not rows:
                    return
        except BaseException as error:  # handed over to the reading thread
            _put(error)

    def _put(value: Any) -> None:
        while not stop.is_set():
            try:
                chunks.put(value, timeout=0.1)
                return
            except queue.Full:
                continue

    fetcher = threading.Thread(target=fetch, name="custody-log-fetch", daemon=True)
    fetcher.start()
    try:
        while True:
            rows = chunks.get()
            if isinstance(rows, BaseException):
                raise rows
            if not rows:
                return
            yield from rows
    finally:
        stop.set()
        fetcher.join()


class _PassState:
    """The per-item tails and counters of `_log_pass`. Hashes are handled as ASCII bytes."""

    def __init__(self, heads: dict[int, tuple[str, int, str]], leaves_wanted: int):
        genesis = GENESIS_PREV_HASH.encode()
        # item -> (last sequence, last hash, the bytes the next event's prev_hash must be)
        start = (0, genesis, genesis + b'"')
        self.tails: dict[int, tuple[int, bytes, bytes]] = dict.fromkeys(heads, start)
        self.suspects: set[int] = set()
        self.leaves_wanted = leaves_wanted
        self.size = 0
        self.hole: tuple[int, int] | None = None

    def run(self, rows: Iterable[tuple], prefixes: Collection[int]) -> LogScan:
        """Check each row's chain link, and fold the Merkle roots of the first n events for
        each n in `prefixes` as `evidence.checkpointing.scan_leaves` does (inlined: this
        loop runs a million times), up to the first hole. Consumes every row: (log_index,
        item, sequence, canonical bytes or None outside the scope, prev_hash column, hash
        column), the two hashes as ASCII bytes."""
        fold_at = set(prefixes)
        scan = LogScan()
        roots = scan.prefix_roots
        stack: list[bytes] = []  # the perfect subtrees of the leaves so far, largest first
        count = 0
        sha256 = hashlib.sha256
        unhexlify = binascii.unhexlify
        push, pop = stack.append, stack.pop
        marker = PREV_HASH_MARKER
        marker_length = len(marker)
        find = bytes.find
        tails = self.tails
        get_tail = tails.get
        suspects = self.suspects
        limit = self.leaves_wanted  # leaves are folded below this position, until a hole
        position = 0
        hole = None
        for log_index, item, sequence, data, prev_column, stored_hash in rows:
            if log_index != position and hole is None:
                hole = (position, log_index)
                limit = -1
            position = log_index + 1
            try:
                leaf = unhexlify(stored_hash)
            except (ValueError, TypeError):
                leaf = None
            if log_index < limit:
                if leaf is None or len(leaf) != 32:  # as evidence.merkle.event_leaf
                    raise ValueError("a custody event hash is 64 hexadecimal characters")
                node = sha256(b"\x00" + leaf).digest()
                count += 1
                carry = count
                while not carry & 1:
                    node = sha256(b"\x01" + pop() + node).digest()
                    carry >>= 1
                push(node)
                if count in fold_at:
                    root = node
                    for left in reversed(stack[:-1]):
                        root = sha256(b"\x01" + left + root).digest()
                    roots[count] = root
            tail = get_tail(item)
            if tail is None:
                continue  # outside the scope, or a suspect already
            last_sequence, last_hash, needle = tail
            if type(data) is not bytes:
                data = bytes(data)  # a memoryview from a driver
            at = find(data, marker) + marker_length
            if (
                sequence != last_sequence + 1
                or sha256(data).digest() != leaf
                or not stored_hash.islower()
                or at < marker_length
                or not data.startswith(needle, at)
                or prev_column != last_hash
                or find(data, marker, at) != -1
                or data[at - marker_length - 1] not in b"{,"
            ):
                suspects.add(item)
                del tails[item]
                continue
            tails[item] = (sequence, stored_hash, stored_hash + b'"')
        self.size = position
        self.hole = hole
        scan.size = count
        if 0 in fold_at:
            scan.prefix_roots[0] = EMPTY_ROOT
        return scan

    def chain_report(self) -> ChainReport:
        """`verify_chain`'s report over the items in (item, sequence) order: the clean items
        from this pass, the suspects verified again."""
        clean = {
            pk: (sequence, last_hash.decode())
            for pk, (sequence, last_hash, _needle) in self.tails.items()
            if sequence
        }
        if not self.suspects:
            return ChainReport(sum(s for s, _h in clean.values()), len(clean), None, clean)
        again = _verify_chains(
            CustodyEvent.objects.filter(item_id__in=sorted(self.suspects)).order_by(
                "item_id", "sequence"
            )
        )
        if again.broken is not None:
            before = {pk: head for pk, head in clean.items() if pk < again.broken.item}
        else:
            before = clean
        heads = dict(sorted({**before, **again.heads}.items()))
        return ChainReport(
            again.events_checked + sum(s for s, _h in before.values()),
            len(heads),
            again.broken,
            heads,
        )


def _verify_chains(events: QuerySet[CustodyEvent]) -> ChainReport:
    """`verify_chain` over the events' stored bytes, streamed in chunks.

    On PostgreSQL the bytes travel as text (`convert_from(canonical, 'UTF8')`, re-encoded
    here: exactly the same bytes) through a server-side cursor without Django's per-row
    work: bytea's hex transfer and its decoding cost more than the hashing (DESIGN.md §7 asks
    for 200,000 events per second). Bytes that are not UTF-8 (a tampered row) cannot travel
    as text: the database says so and the chains are verified again as bytea.
    """
    columns = ("item_id", "sequence", "canonical", "prev_hash", "hash")
    if connection.vendor != "postgresql":
        return verify_chain(events.values_list(*columns).iterator(chunk_size=STREAM_CHUNK))
    as_text = events.annotate(
        canonical_text=Func(
            F("canonical"), Value("UTF8"), function="convert_from", output_field=TextField()
        )
    ).values_list("item_id", "sequence", "canonical_text", "prev_hash", "hash")
    try:
        return _verify_raw(as_text, encode=True)
    except (DataError, connection.Database.DataError):  # the driver's own, from a raw cursor
        return _verify_raw(events.values_list(*columns), encode=False)


def _verify_raw(rows: QuerySet, *, encode: bool) -> ChainReport:
    sql, params = rows.query.sql_with_params()
    with transaction.atomic():
        # A named (server-side) psycopg cursor: rows arrive STREAM_CHUNK at a time.
        connection.ensure_connection()
        cursor = connection.connection.cursor(name=f"custody_verify_{id(rows):x}")
        cursor.itersize = STREAM_CHUNK
        try:
            cursor.execute(sql, params)
            if encode:
                return verify_chain(
                    (item, sequence, text.encode(), prev_hash, event_hash)
                    for item, sequence, text, prev_hash, event_hash in cursor
                )
            return verify_chain(cursor)
        finally:
            cursor.close()


def _head_mismatch(
    chain: ChainReport, heads: dict[int, tuple[str, int, str]]
) -> BrokenLink | None:
    """The first item whose chain ends before (or elsewhere than) its recorded head."""
    for pk, (_number, last_sequence, head_hash) in sorted(heads.items()):
        found_sequence, found_hash = chain.heads.get(pk, (0, "0" * 64))
        if (found_sequence, found_hash) == (last_sequence, head_hash):
            continue
        kind = EVENT_REMOVED if found_sequence < last_sequence else HEAD_MISMATCH
        return BrokenLink(
            item=pk,
            sequence=found_sequence + 1 if found_sequence < last_sequence else found_sequence,
            kind=kind,
            expected=head_hash,
            actual=found_hash,
            detail=(
                f"the item's last event is recorded as event {last_sequence}, "
                f"but the chain ends at event {found_sequence}"
            ),
        )
    return None


# -- the checkpoints ------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointProblem:
    """A checkpoint that no longer holds: its signature, or its root over the stored log."""

    tree_size: int
    timestamp: str
    kind: str
    expected: str | None
    actual: str | None
    detail: str

    def __str__(self) -> str:
        return (
            f"checkpoint {self.tree_size} (signed {self.timestamp}): {self.kind}: {self.detail}"
            f" (expected {self.expected or '-'}, found {self.actual or '-'})"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "timestamp": self.timestamp,
            "kind": self.kind,
            "expected": self.expected,
            "actual": self.actual,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class CheckpointReport:
    """The outcome of `checkpoints_verify`: how many were checked and which fail, oldest
    first. `last_good_size` is the largest checkpoint that still matches (0 if none)."""

    checked: int
    latest_size: int | None
    log_size: int
    problems: list[CheckpointProblem] = field(default_factory=list)
    last_good_size: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        if self.checked == 0:
            return f"no checkpoint yet ({self.log_size} events in the log)"
        if self.ok:
            return (
                f"OK: {self.checked} checkpoint(s) match the log; the latest covers "
                f"{self.latest_size} of {self.log_size} events and its signature is valid"
            )
        first = self.problems[0]
        lines = [f"BROKEN: {first}"]
        if first.kind == ROOT_MISMATCH:
            lines.append(
                f"  the log was changed between positions {self.last_good_size} and "
                f"{first.tree_size - 1} (checkpoint {self.last_good_size or 'none'} still "
                "matches)"
            )
        if len(self.problems) > 1:
            lines.append(f"  {len(self.problems) - 1} later checkpoint(s) fail as well")
        return "\n".join(lines)


@dataclass(frozen=True)
class CustodyReport:
    """Chains and checkpoints together: `ok`, or the first broken link and checkpoint."""

    chains: ChainsVerification
    checkpoints: CheckpointReport

    @property
    def ok(self) -> bool:
        return self.chains.broken is None and self.checkpoints.ok

    @property
    def broken_link(self) -> str:
        """The first broken link for people ("" when the chains hold)."""
        return self.chains.describe_broken()

    def __str__(self) -> str:
        return f"{self.chains}\n{self.checkpoints}"

    def as_dict(self) -> dict[str, Any]:
        """For the API: the verdict, the first broken link, the checkpoint findings."""
        link = self.chains.broken
        return {
            "ok": self.ok,
            "events_checked": self.chains.chain.events_checked,
            "items_checked": len(self.chains.item_numbers),
            "broken_link": None
            if link is None
            else {
                "item_number": self.chains.broken_item_number,
                "sequence": link.sequence,
                "kind": link.kind,
                "expected": link.expected,
                "actual": link.actual,
                "detail": link.detail,
            },
            "checkpoints": {
                "ok": self.checkpoints.ok,
                "checked": self.checkpoints.checked,
                "latest_tree_size": self.checkpoints.latest_size,
                "log_size": self.checkpoints.log_size,
                "problems": [problem.as_dict() for problem in self.checkpoints.problems],
            },
        }


def checkpoints_verify(*, latest_only: bool = False) -> CheckpointReport:
    """Check each checkpoint (or only the latest): signed by the instance key, and its root
    equal to the Merkle root of the first `tree_size` events of the log as stored now.

    All roots come from one streamed pass over the log (`evidence.checkpointing.log_scan`),
    so checking every checkpoint costs about what checking the latest does. Queries: one for
    the checkpoints, one for the log's size, one streamed for the log.
    """
    checkpoints = _checkpoint_rows(latest_only=latest_only)
    if not checkpoints:
        return CheckpointReport(checked=0, latest_size=None, log_size=log_size())
    return _checkpoints_report(checkpoints, log_size(), _root_problems)


def _checkpoint_rows(*, latest_only: bool = False) -> list[tuple[int, str, bytes]]:
    rows = CustodyCheckpoint.objects.order_by("tree_size").values_list(
        "tree_size", "timestamp", "signed"
    )
    if latest_only:
        rows = rows.reverse()[:1]
    return sorted(
        (tree_size, utc_timestamp(timestamp), bytes(signed))
        for tree_size, timestamp, signed in rows
    )


def _checkpoints_report(
    checkpoints: list[tuple[int, str, bytes]],
    size_now: int,
    root_problems: Callable[[list[tuple[int, str, bytes]]], list[CheckpointProblem]],
) -> CheckpointReport:
    """Signatures, sizes against the log's, and `root_problems` over the covered ones."""
    if not checkpoints:
        return CheckpointReport(checked=0, latest_size=None, log_size=size_now)
    # Every key the instance has signed with, current and retired: a rotation must not make
    # the checkpoints signed before it look forged.
    keyring = keys.verification_keyring()
    problems = []
    for tree_size, timestamp, signed in checkpoints:
        problem = _signature_problem(tree_size, timestamp, signed, keyring)
        if problem is not None:
            problems.append(problem)
    latest_size = checkpoints[-1][0]
    covered = [entry for entry in checkpoints if entry[0] <= size_now]
    problems += [
        CheckpointProblem(
            tree_size=tree_size,
            timestamp=timestamp,
            kind=LOG_SHORTER,
            expected=str(tree_size),
            actual=str(size_now),
            detail=f"it signed {tree_size} events, the log now holds {size_now}: "
            "events were removed",
        )
        for tree_size, timestamp, _signed in checkpoints
        if tree_size > size_now
    ]
    last_good = 0
    if covered:
        problems += root_problems(covered)
        failed = {problem.tree_size for problem in problems if problem.kind != SIGNATURE}
        for tree_size, _timestamp, _signed in covered:
            if tree_size in failed:
                break
            last_good = tree_size
    problems.sort(key=lambda problem: (problem.tree_size, problem.kind != SIGNATURE))
    return CheckpointReport(
        checked=len(checkpoints),
        latest_size=latest_size,
        log_size=size_now,
        problems=problems,
        last_good_size=last_good,
    )


def _signature_problem(
    tree_size: int, timestamp: str, signed: bytes, keyring: dict
) -> CheckpointProblem | None:
    checkpoint: Any = None
    try:
        checkpoint = json.loads(signed)
        kid = checkpoint.get("kid") if isinstance(checkpoint, dict) else None
        # An unknown kid is checked against the current key, whose error names both kids.
        public_key = keyring.get(kid) or keyring[keys.signing_key_id()]
        checkpoint_verify(checkpoint, public_key)
    except (ValueError, CheckpointError) as error:
        return CheckpointProblem(
            tree_size=tree_size,
            timestamp=timestamp,
            kind=SIGNATURE,
            expected=keys.signing_key_id(),
            actual=checkpoint.get("kid") if isinstance(checkpoint, dict) else None,
            detail=str(error),
        )
    if checkpoint["tree_size"] != tree_size:
        return CheckpointProblem(
            tree_size=tree_size,
            timestamp=timestamp,
            kind=SIGNATURE,
            expected=str(checkpoint["tree_size"]),
            actual=str(tree_size),
            detail="the stored size is not the signed one",
        )
    return None


def _root_problems(covered: list[tuple[int, str, bytes]]) -> list[CheckpointProblem]:
    sizes = [tree_size for tree_size, _timestamp, _signed in covered]
    try:
        scan = log_scan(max(sizes), prefixes=sizes)
    except CustodyLogError as error:
        return [_hole_problem(covered, str(error))]
    return _roots_compared(covered, scan)


def _hole_problem(covered: list[tuple[int, str, bytes]], detail: str) -> CheckpointProblem:
    tree_size, timestamp, _signed = covered[0]
    return CheckpointProblem(
        tree_size=tree_size,
        timestamp=timestamp,
        kind=LOG_HOLE,
        expected=None,
        actual=None,
        detail=detail,
    )


def _roots_compared(
    covered: list[tuple[int, str, bytes]], scan: LogScan
) -> list[CheckpointProblem]:
    problems = []
    for tree_size, timestamp, signed in covered:
        signed_root = json.loads(signed).get("root_hash")
        actual = scan.prefix_roots[tree_size].hex()
        if actual != signed_root:
            problems.append(
                CheckpointProblem(
                    tree_size=tree_size,
                    timestamp=timestamp,
                    kind=ROOT_MISMATCH,
                    expected=signed_root,
                    actual=actual,
                    detail=f"the first {tree_size} events of the log no longer have the "
                    "signed Merkle root",
                )
            )
    return problems


def _pass_root_problems(log: _LogPass) -> Callable[..., list[CheckpointProblem]]:
    """`_root_problems`, from the roots `_log_pass` folded (the same holes, same wording as
    `evidence.checkpointing.log_leaves`)."""

    def root_problems(covered: list[tuple[int, str, bytes]]) -> list[CheckpointProblem]:
        tree_size = max(size for size, _timestamp, _signed in covered)
        if log.hole is not None and log.hole[0] < tree_size:
            position, found = log.hole
            if found < tree_size:
                detail = (
                    f"the custody log has no event at position {position} (the next is "
                    f"{found}): an event was removed"
                )
            else:
                detail = (
                    f"the custody log holds {position} events where {tree_size} are "
                    f"expected: events from position {position} were removed"
                )
            return [_hole_problem(covered, detail)]
        assert log.scan is not None
        return _roots_compared(covered, log.scan)

    return root_problems


def custody_verify_item(*, item: EvidenceItem) -> CustodyReport:
    """Verify one item's chain and the latest checkpoint (signature, root over the log).

    The caller has checked that the user may see `item`. Costs one read of the item's events
    and one streamed read of the log up to the latest checkpoint.
    """
    chains = chains_verify(items=[item])
    return CustodyReport(chains=chains, checkpoints=checkpoints_verify(latest_only=True))


def custody_verify_all(*, case: Case | None = None) -> CustodyReport:
    """Verify every chain (or `case`'s) and every checkpoint against the stored log.

    Checkpoints concern the whole log, so they are checked whatever the scope. One streamed
    read of the log in stored order (`_log_pass`) verifies the chains and folds the roots the
    checkpoints signed; memory stays flat (about one (sequence, hash) per item).
    """
    checkpoints = _checkpoint_rows()
    heads, item_numbers = _recorded_heads(case=case)
    log = _log_pass(
        heads,
        in_case=case is not None,
        prefixes=[tree_size for tree_size, _timestamp, _signed in checkpoints],
    )
    return CustodyReport(
        chains=_chains_verification(log.chain, heads, item_numbers),
        checkpoints=_checkpoints_report(checkpoints, log.size, _pass_root_problems(log)),
    )
