"""The custody-event hash chain: canonical bytes, event hashes and fast chain verification.

Each custody event of an evidence item is a JSON object (see `event_content`). Its canonical
bytes are the RFC 8785 serialisation of that object *including* `prev_hash`, the hash of the
item's previous event (64 zeros for the first event), and its hash is the SHA-256 of those bytes.
Altering, removing or reordering an event therefore breaks a link that `verify_chain` locates.

The database stores the canonical bytes of every event and derives its columns from them.
Verification hashes the stored bytes and never re-serialises the columns: re-serialising is
about twelve times slower (DESIGN.md §7) and would verify the columns, not what was hashed.

Pure and standard-library only (plus `evidence.canonical`): it is shipped in the court dossier's
offline verifier, so it must not import Django or anything else from the project.
"""

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from evidence.canonical import canonical_json_bytes

GENESIS_PREV_HASH = "0" * 64
"""The `prev_hash` of an item's first event."""

# The keys every event carries. Others (legal authority, seal number, the client's claimed time,
# an integrity failure...) may be added by the domain layer; they are hashed like the rest.
EVENT_FIELDS = (
    "item",
    "sequence",
    "action",
    "from_custodian",
    "to_custodian",
    "time",
    "place",
    "purpose",
    "seal_intact",
    "file_hashes_rechecked",
    "notes",
    "recorded_by",
    "prev_hash",
)
REQUIRED_FIELDS = ("item", "sequence", "action", "time", "recorded_by", "prev_hash")

HEX64 = re.compile(r"[0-9a-f]{64}")
# RFC 3339 in UTC with a literal "Z", with exactly six fraction digits or none (no fraction
# for a whole second): what `utc_timestamp` writes. One spelling per instant matters because
# the text is hashed and signed: "+00:00" and "Z", ".5" and ".500000" must not both be valid.
UTC_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.(?!000000)\d{6})?Z")

# Why the link can be checked without parsing JSON (the parse costs more than the SHA-256):
# in RFC 8785 output every '"' inside a string is escaped as '\"', so a '"' preceded by '{' or
# ',' is structural and, followed by `prev_hash":`, opens the object key prev_hash. Hex digits
# are fixed-width, so its value is the 64 bytes after the marker, closed by '"'. Keys are
# sorted and "action" < "item" < "prev_hash", so at the top level it is preceded by ','.
# `event_canonical_bytes` refuses content where the marker occurs twice, so in a well-formed
# event the single marker is the top-level key, and `verify_chain` checks exactly that with
# `bytes.find` (once, then once more for uniqueness). Anything else takes the slow path
# (json.loads), which decides and explains. Forging bytes that fool the fast path would need
# write access to bytes and hash alike, with which a well-formed forgery is just as easy: only
# a signed checkpoint defeats either.
PREV_HASH_MARKER = b'"prev_hash":"'


class CustodyEventError(ValueError):
    """The content cannot become a custody event (a missing field, a malformed hash or time)."""


# -- timestamps ------------------------------------------------------------------------------


def utc_timestamp(moment: dt.datetime) -> str:
    """`moment` as RFC 3339 UTC text: `2025-03-04T10:15:00Z` (microseconds only when set)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CustodyEventError("a custody timestamp needs a time zone (naive datetime given)")
    moment = moment.astimezone(dt.timezone.utc)  # noqa: UP017 -- the shipped verifier runs on 3.10
    timespec = "microseconds" if moment.microsecond else "seconds"
    return moment.replace(tzinfo=None).isoformat(timespec=timespec) + "Z"


def is_utc_timestamp(text: object) -> bool:
    """True when `text` is RFC 3339 UTC in the one spelling `utc_timestamp` produces."""
    if not isinstance(text, str) or not UTC_TIMESTAMP.fullmatch(text):
        return False
    try:
        dt.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return False
    return True


# -- writing events --------------------------------------------------------------------------


def event_content(
    *,
    item: str,
    sequence: int,
    action: str,
    time: str,
    recorded_by: str,
    prev_hash: str,
    from_custodian: Mapping[str, Any] | None = None,
    to_custodian: Mapping[str, Any] | None = None,
    place: str = "",
    purpose: str = "",
    seal_intact: bool | None = None,
    file_hashes_rechecked: Iterable[Mapping[str, Any]] = (),
    notes: str = "",
    **extra: Any,
) -> dict[str, Any]:
    """The content of one custody event, every standard key present, ready to be hashed.

    `item` is the item's public id, `time` RFC 3339 UTC text (`utc_timestamp`), custodians are
    objects such as `{"person": ..., "agency": ..., "country": "FR"}`, and
    `file_hashes_rechecked` lists `{"sha256": ..., "matches": true}` per file re-hashed at the
    hand-off. Extra keyword arguments become extra keys (they are hashed too).
    """
    content = {
        "item": item,
        "sequence": sequence,
        "action": action,
        "from_custodian": dict(from_custodian) if from_custodian is not None else None,
        "to_custodian": dict(to_custodian) if to_custodian is not None else None,
        "time": time,
        "place": place,
        "purpose": purpose,
        "seal_intact": seal_intact,
        "file_hashes_rechecked": [dict(entry) for entry in file_hashes_rechecked],
        "notes": notes,
        "recorded_by": recorded_by,
        "prev_hash": prev_hash,
    }
    content.update(extra)
    return content


def event_canonical_bytes(content: Mapping[str, Any]) -> bytes:
    """The RFC 8785 bytes of a custody event's content: what is stored, hashed and linked.

    Refuses content without the required keys, a `prev_hash` that is not 64 lowercase hex
    characters (the genesis value exactly when `sequence` is 1), a sequence below 1, a time that
    is not RFC 3339 UTC, or a second `prev_hash` key anywhere inside (it would make the stored
    bytes ambiguous to the fast verifier).
    """
    missing = [key for key in REQUIRED_FIELDS if key not in content]
    if missing:
        raise CustodyEventError(f"custody event content lacks {', '.join(missing)}")
    sequence = content["sequence"]
    if type(sequence) is not int or sequence < 1:
        raise CustodyEventError(f"sequence must be an integer from 1, not {sequence!r}")
    prev_hash = content["prev_hash"]
    if not isinstance(prev_hash, str) or not HEX64.fullmatch(prev_hash):
        raise CustodyEventError("prev_hash must be 64 lowercase hexadecimal characters")
    if (sequence == 1) != (prev_hash == GENESIS_PREV_HASH):
        raise CustodyEventError(
            "the first event's prev_hash is 64 zeros, and only the first event's"
        )
    if not is_utc_timestamp(content["time"]):
        raise CustodyEventError(
            f"time must be RFC 3339 UTC such as 2025-03-04T10:15:00Z, not {content['time']!r}"
        )
    if not isinstance(content["item"], str) or not content["item"]:
        raise CustodyEventError("item must be the item's public id (a non-empty string)")
    if not isinstance(content["action"], str) or not content["action"]:
        raise CustodyEventError("action must be a non-empty string")
    data = canonical_json_bytes(dict(content))
    if data.count(PREV_HASH_MARKER) != 1:
        raise CustodyEventError("only the event itself may have a prev_hash key")
    return data


def event_hash(canonical_bytes: bytes) -> str:
    """The event's hash: SHA-256 of its canonical bytes, as 64 lowercase hex characters."""
    return hashlib.sha256(canonical_bytes).hexdigest()


def event_prev_hash(canonical_bytes: bytes) -> str | None:
    """The `prev_hash` written inside stored canonical bytes, or None if there is none."""
    data = bytes(canonical_bytes)
    at = data.find(PREV_HASH_MARKER)
    end = at + len(PREV_HASH_MARKER) + 64
    if (
        at > 0
        and data[at - 1 : at] in (b"{", b",")
        and data.find(PREV_HASH_MARKER, at + 1) == -1
        and data[end : end + 1] == b'"'
    ):
        value = data[end - 64 : end].decode("ascii", "replace")
        if HEX64.fullmatch(value):
            return value
    content = _parse(data)
    if content is None or not isinstance(content.get("prev_hash"), str):
        return None
    return content["prev_hash"]


def _parse(data: bytes) -> dict[str, Any] | None:
    try:
        content = json.loads(data)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    return content if isinstance(content, dict) else None


# -- verifying chains ------------------------------------------------------------------------


class StoredEvent(NamedTuple):
    """One custody event as stored: what `verify_chain` reads (a plain 5-tuple works too)."""

    item: str
    sequence: int
    canonical_bytes: bytes
    prev_hash: str
    hash: str


CONTENT_ALTERED = "content altered"
EVENT_REMOVED = "event removed"
REORDERED = "reordered"
PREV_LINK_BROKEN = "prev link broken"


@dataclass(frozen=True)
class BrokenLink:
    """The first place where a chain does not hold, and what was expected there.

    For `content altered`, `expected` is the stored hash and `actual` the SHA-256 of the stored
    bytes. For the link kinds, `expected` is the hash the link must name (the previous event's
    stored hash, or 64 zeros) and `actual` the hash it names; when only the `prev_hash` column
    was changed, `expected` is the value inside the bytes and `actual` the column.
    """

    item: str
    sequence: int
    kind: str
    expected: str | None
    actual: str | None
    detail: str

    def __str__(self) -> str:
        return (
            f"item {self.item}, event {self.sequence}: {self.kind}: {self.detail} "
            f"(expected {self.expected or '-'}, found {self.actual or '-'})"
        )


@dataclass(frozen=True)
class ChainReport:
    """The outcome of `verify_chain`: OK, or the first broken link."""

    events_checked: int
    items_checked: int
    broken: BrokenLink | None = None
    heads: dict[str, tuple[int, str]] = field(default_factory=dict, repr=False)
    """Per item fully checked: (last sequence, last hash). Absent for the broken item."""

    @property
    def ok(self) -> bool:
        return self.broken is None

    def __str__(self) -> str:
        if self.broken is None:
            return f"OK: {self.events_checked} events in {self.items_checked} chains"
        return f"BROKEN: {self.broken}"


_NO_ITEM = object()


def verify_chain(events: Iterable[StoredEvent | tuple]) -> ChainReport:
    """Check every item's chain and stop at the first broken link.

    `events` are (item, sequence, canonical_bytes, prev_hash column, hash column) tuples,
    grouped by item and in ascending sequence within an item (what
    `ORDER BY item, sequence` gives; consumed once, so a streaming iterator is fine). For each
    event: the sequence continues from 1 without a gap, SHA-256 of the stored bytes equals the
    stored hash, the `prev_hash` inside the bytes equals the previous event's stored hash (64
    zeros for the first), and the `prev_hash` column equals the one inside the bytes.

    A chain whose tail was cut off, or which was rewritten from some event to its end, is
    internally consistent: only a signed checkpoint (`evidence.merkle`) reveals that.
    """
    sha256 = hashlib.sha256
    marker = PREV_HASH_MARKER
    marker_length = len(marker)
    heads: dict[str, tuple[int, str]] = {}
    current: object = _NO_ITEM
    expected_sequence = 0
    last_hash = GENESIS_PREV_HASH
    # The previous hash as it must appear inside the bytes: 64 hex digits and the closing quote.
    last_needle = GENESIS_PREV_HASH.encode() + b'"'
    checked = 0
    stream = iter(events)
    for item, sequence, data, prev_column, stored_hash in stream:
        if item != current:
            if current is not _NO_ITEM:
                heads[current] = (expected_sequence, last_hash)  # type: ignore[index]
            if item in heads:
                broken = BrokenLink(
                    item=item,
                    sequence=sequence,
                    kind=REORDERED,
                    expected=None,
                    actual=None,
                    detail="this item's events are not together: it comes again after other items",
                )
                return ChainReport(checked, len(heads), broken, heads)
            current = item
            expected_sequence = 0
            last_hash = GENESIS_PREV_HASH
            last_needle = GENESIS_PREV_HASH.encode() + b'"'
        expected_sequence += 1
        if type(data) is not bytes:
            data = bytes(data)  # a memoryview or bytearray from a driver
        if sequence != expected_sequence:
            broken = _sequence_break(item, sequence, expected_sequence, data, last_hash, stream)
            return ChainReport(checked, len(heads), broken, heads)
        actual_hash = sha256(data).hexdigest()
        if actual_hash != stored_hash:
            broken = BrokenLink(
                item=item,
                sequence=sequence,
                kind=CONTENT_ALTERED,
                expected=stored_hash,
                actual=actual_hash,
                detail="the stored bytes no longer hash to the stored hash",
            )
            return ChainReport(checked, len(heads), broken, heads)
        at = data.find(marker) + marker_length
        if (
            at < marker_length
            or not data.startswith(last_needle, at)
            or prev_column != last_hash
            or data.find(marker, at) != -1
            or data[at - marker_length - 1] not in b"{,"
        ):
            broken = _link_break(item, sequence, data, prev_column, last_hash, stream)
            if broken is not None:
                return ChainReport(checked, len(heads), broken, heads)
        last_hash = stored_hash
        last_needle = stored_hash.encode() + b'"'
        checked += 1
    if current is not _NO_ITEM:
        heads[current] = (expected_sequence, last_hash)  # type: ignore[index]
    return ChainReport(checked, len(heads), None, heads)


def _sequence_break(
    item: str,
    sequence: int,
    expected_sequence: int,
    data: bytes,
    last_hash: str,
    stream: Iterator[Any],
) -> BrokenLink:
    named = _named_prev_hash(data)
    if sequence > expected_sequence:
        # The missing event may only have been moved further down: then it is a reordering.
        # The rest of this item's events are read (we stop here anyway).
        for later in stream:
            if later[0] != item:
                break
            if later[1] < sequence:
                return BrokenLink(
                    item=item,
                    sequence=sequence,
                    kind=REORDERED,
                    expected=last_hash,
                    actual=named,
                    detail=(
                        f"event {sequence} comes where event {expected_sequence} belongs; "
                        f"event {later[1]} comes later"
                    ),
                )
        missing = (
            f"event {expected_sequence}"
            if sequence == expected_sequence + 1
            else f"events {expected_sequence} to {sequence - 1}"
        )
        return BrokenLink(
            item=item,
            sequence=sequence,
            kind=EVENT_REMOVED,
            expected=last_hash,
            actual=named,
            detail=(
                f"{missing} missing: the sequence jumps from {expected_sequence - 1} to {sequence}"
            ),
        )
    return BrokenLink(
        item=item,
        sequence=sequence,
        kind=REORDERED,
        expected=last_hash,
        actual=named,
        detail=f"event {sequence} comes where event {expected_sequence} belongs",
    )


def _named_prev_hash(data: bytes) -> str | None:
    content = _parse(data)
    if content is None:
        return None
    value = content.get("prev_hash")
    return value if isinstance(value, str) else None


def _link_break(
    item: str,
    sequence: int,
    data: bytes,
    prev_column: str,
    last_hash: str,
    stream: Iterator[Any],
) -> BrokenLink | None:
    """The slow path: parse the bytes, then say whether and how the link is broken."""
    content = _parse(data)
    if content is None or not isinstance(content.get("prev_hash"), str):
        return BrokenLink(
            item=item,
            sequence=sequence,
            kind=CONTENT_ALTERED,
            expected=None,
            actual=None,
            detail="the stored bytes are not a custody event with a prev_hash",
        )
    named = content["prev_hash"]
    if named == last_hash:
        if prev_column == named:
            return None  # Unusual bytes (e.g. a duplicated key inside) but a sound link.
        return BrokenLink(
            item=item,
            sequence=sequence,
            kind=PREV_LINK_BROKEN,
            expected=named,
            actual=prev_column,
            detail="the prev_hash column differs from the prev_hash inside the hashed bytes",
        )
    # Does this event point at one that comes later? Then events were swapped. The rest of
    # this item's events are read (we stop here anyway); they are at most one item's worth.
    for later in stream:
        if later[0] != item:
            break
        if later[4] == named:
            return BrokenLink(
                item=item,
                sequence=sequence,
                kind=REORDERED,
                expected=last_hash,
                actual=named,
                detail=f"this event's predecessor is stored later, as event {later[1]}",
            )
    written_sequence = content.get("sequence")
    if type(written_sequence) is int and written_sequence > sequence:
        return BrokenLink(
            item=item,
            sequence=sequence,
            kind=EVENT_REMOVED,
            expected=last_hash,
            actual=named,
            detail=f"this event was written as event {written_sequence}: an earlier event was "
            "removed and the rest renumbered",
        )
    previous = "64 zeros (first event)" if sequence == 1 else f"event {sequence - 1}'s hash"
    return BrokenLink(
        item=item,
        sequence=sequence,
        kind=PREV_LINK_BROKEN,
        expected=last_hash,
        actual=named,
        detail=f"prev_hash inside this event is not {previous}: the previous event was rewritten, "
        "or this link was",
    )
