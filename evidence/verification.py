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
whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import DataError, connection, transaction
from django.db.models import F, Func, QuerySet, TextField, Value

from evidence import keys
from evidence.checkpointing import CustodyLogError, log_scan, log_size
from evidence.checkpoints import CheckpointError, checkpoint_verify
from evidence.hashing import EVENT_REMOVED, BrokenLink, ChainReport, utc_timestamp, verify_chain
from evidence.models import CustodyCheckpoint, CustodyEvent, EvidenceItem
from ncb_cases.models import Case

SIGNATURE = "signature"
ROOT_MISMATCH = "root mismatch"
LOG_SHORTER = "log shorter"
LOG_HOLE = "log hole"
HEAD_MISMATCH = "head mismatch"
STREAM_CHUNK = 5000


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

    Queries: one for the items, one streamed for the events. Memory stays flat: events are
    streamed in chunks of STREAM_CHUNK.
    """
    item_rows = EvidenceItem.objects.all()
    events = CustodyEvent.objects.all()
    if case is not None:
        item_rows = item_rows.filter(case=case)
        events = events.filter(item__case=case)
    if items is not None:
        ids = [item.pk for item in items]
        item_rows = item_rows.filter(pk__in=ids)
        events = events.filter(item_id__in=ids)
    heads = {
        pk: (number, last_sequence, head_hash)
        for pk, number, last_sequence, head_hash in item_rows.values_list(
            "pk", "item_number", "last_sequence", "head_hash"
        )
    }
    item_numbers = {pk: number for pk, (number, _s, _h) in heads.items()}
    chain = _verify_chains(events.order_by("item_id", "sequence"))
    return ChainsVerification(
        chain=chain, broken=chain.broken or _head_mismatch(chain, heads), item_numbers=item_numbers
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
    rows = CustodyCheckpoint.objects.order_by("tree_size").values_list(
        "tree_size", "timestamp", "signed"
    )
    if latest_only:
        rows = rows.reverse()[:1]
    checkpoints = sorted(
        (tree_size, utc_timestamp(timestamp), bytes(signed))
        for tree_size, timestamp, signed in rows
    )
    size_now = log_size()
    if not checkpoints:
        return CheckpointReport(checked=0, latest_size=None, log_size=size_now)
    public_key = keys.signing_public_key()
    problems = []
    for tree_size, timestamp, signed in checkpoints:
        problem = _signature_problem(tree_size, timestamp, signed, public_key)
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
        problems += _root_problems(covered)
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
    tree_size: int, timestamp: str, signed: bytes, public_key
) -> CheckpointProblem | None:
    checkpoint: Any = None
    try:
        checkpoint = json.loads(signed)
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
        tree_size, timestamp, _signed = covered[0]
        return [
            CheckpointProblem(
                tree_size=tree_size,
                timestamp=timestamp,
                kind=LOG_HOLE,
                expected=None,
                actual=None,
                detail=str(error),
            )
        ]
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


def custody_verify_item(*, item: EvidenceItem) -> CustodyReport:
    """Verify one item's chain and the latest checkpoint (signature, root over the log).

    The caller has checked that the user may see `item`. Costs one read of the item's events
    and one streamed read of the log up to the latest checkpoint.
    """
    chains = chains_verify(items=[item])
    return CustodyReport(chains=chains, checkpoints=checkpoints_verify(latest_only=True))


def custody_verify_all(*, case: Case | None = None) -> CustodyReport:
    """Verify every chain (or `case`'s) and every checkpoint against the stored log.

    Checkpoints concern the whole log, so they are checked whatever the scope. Streams the
    events twice (chains in item order, leaves in log order); memory stays flat.
    """
    chains = chains_verify(case=case)
    return CustodyReport(chains=chains, checkpoints=checkpoints_verify())
