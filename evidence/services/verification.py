"""Verifying the custody log as stored: every chain, each item's head, the latest checkpoint.

Reads only (no audit row): callers are the `verify_custody` command, the API's verify
action and the pages' "verify now" button, each of which has already checked that the user
may see what is verified (`evidence.selectors`). Chains are verified by
`evidence.hashing.verify_chain` over the stored canonical bytes, streamed from the database
(`iterator()`), never re-serialised.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import DataError, connection, transaction
from django.db.models import F, Func, QuerySet, TextField, Value

from evidence.hashing import EVENT_REMOVED, BrokenLink, ChainReport, verify_chain
from evidence.merkle import event_leaf, merkle_root
from evidence.models import CustodyCheckpoint, CustodyEvent, EvidenceItem
from ncb_cases.models import Case

STREAM_CHUNK = 5000
HEAD_MISMATCH = "head mismatch"


@dataclass(frozen=True)
class CheckpointMismatch:
    """The latest checkpoint no longer matches the log it signed."""

    tree_size: int
    expected_root: str
    actual_root: str
    events_found: int

    def __str__(self) -> str:
        return (
            f"checkpoint of size {self.tree_size} no longer matches the log: signed root "
            f"{self.expected_root}, recomputed {self.actual_root} over {self.events_found} events"
        )


@dataclass(frozen=True)
class CustodyVerification:
    """The outcome of `custody_verify`: OK, or the first broken link and where it is."""

    chain: ChainReport
    broken: BrokenLink | None
    item_numbers: dict[int, str] = field(repr=False)
    checkpoint_size: int | None = None
    checkpoint_mismatch: CheckpointMismatch | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None and self.checkpoint_mismatch is None

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
        lines = []
        if self.broken is None:
            lines.append(
                f"OK: {self.chain.events_checked} custody events in "
                f"{len(self.item_numbers)} items verified"
            )
        else:
            lines.append(f"BROKEN: {self.describe_broken()}")
        if self.checkpoint_mismatch is not None:
            lines.append(f"BROKEN: {self.checkpoint_mismatch}")
        elif self.checkpoint_size is not None:
            lines.append(f"OK: checkpoint of size {self.checkpoint_size} matches the log")
        return "\n".join(lines)


def custody_verify(
    *,
    case: Case | None = None,
    items: Iterable[EvidenceItem] | None = None,
    check_checkpoint: bool | None = None,
) -> CustodyVerification:
    """Verify the custody chains of every item (or of `case`'s, or of `items`).

    For each item: the chain (`verify_chain`: altered bytes, removed, reordered or relinked
    events) and its head (the item's recorded last sequence and hash, which reveal a cut-off
    tail). For the whole log (`check_checkpoint`, default when verifying everything): the
    latest checkpoint's Merkle root recomputed over the events it covers, in log order.

    Queries: one for the items, one streamed for the events, one or two for the checkpoint.
    Memory stays flat: events are streamed in chunks of STREAM_CHUNK.
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
    broken = chain.broken or _head_mismatch(chain, heads)
    if check_checkpoint is None:
        check_checkpoint = case is None and items is None
    checkpoint_size = mismatch = None
    if check_checkpoint:
        checkpoint_size, mismatch = _check_latest_checkpoint()
    return CustodyVerification(
        chain=chain,
        broken=broken,
        item_numbers=item_numbers,
        checkpoint_size=checkpoint_size,
        checkpoint_mismatch=mismatch,
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


def _check_latest_checkpoint() -> tuple[int | None, CheckpointMismatch | None]:
    checkpoint = CustodyCheckpoint.objects.order_by("-tree_size").first()
    if checkpoint is None:
        return None, None
    hashes = _log_hashes(checkpoint.tree_size)
    found = 0

    def leaves():
        nonlocal found
        for event_hash in hashes:
            found += 1
            yield event_leaf(event_hash)

    root = merkle_root(leaves()).hex()
    if root == checkpoint.root_hash and found == checkpoint.tree_size:
        return checkpoint.tree_size, None
    return checkpoint.tree_size, CheckpointMismatch(
        tree_size=checkpoint.tree_size,
        expected_root=checkpoint.root_hash,
        actual_root=root,
        events_found=found,
    )


def _log_hashes(tree_size: int) -> QuerySet:
    return (
        CustodyEvent.objects.filter(log_index__lt=tree_size)
        .order_by("log_index")
        .values_list("hash", flat=True)
        .iterator(chunk_size=STREAM_CHUNK)
    )
