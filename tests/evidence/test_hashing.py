"""The custody-event hash chain: canonical bytes, hashes, and locating the first broken link."""

import datetime
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.hashing import (
    CONTENT_ALTERED,
    EVENT_REMOVED,
    GENESIS_PREV_HASH,
    PREV_LINK_BROKEN,
    REORDERED,
    CustodyEventError,
    StoredEvent,
    event_canonical_bytes,
    event_content,
    event_hash,
    event_prev_hash,
    is_utc_timestamp,
    utc_timestamp,
    verify_chain,
)
from tests.evidence.dossiers import ITEM_LEDGER, ITEM_OTHER_CASE, ITEM_PHONE, custody_chain


def minimal_content(**overrides):
    content = {
        "item": ITEM_PHONE,
        "sequence": 1,
        "action": "collected",
        "time": "2025-03-04T09:30:00Z",
        "recorded_by": "officer_fr",
        "prev_hash": GENESIS_PREV_HASH,
    }
    content.update(overrides)
    return content


def restored(event, **changes):
    """The stored event with some columns (or its bytes) changed, as a direct SQL edit would."""
    return event._replace(**changes)


def rewritten(event, old, new):
    """The stored event with its bytes edited and its hash column recomputed to match."""
    data = event.canonical_bytes.replace(old, new)
    assert data != event.canonical_bytes
    return event._replace(canonical_bytes=data, hash=event_hash(data))


# -- canonical bytes and hashes -----------------------------------------------------------------


def test_canonical_bytes_are_rfc8785_with_sorted_keys_and_no_spaces():
    # when
    data = event_canonical_bytes(minimal_content(notes="Scellé n° 7"))
    # then
    assert (
        data
        == (
            '{"action":"collected","item":"4f7c2a9e-0d51-4b1e-9c3a-6e2b8d0f1a01",'
            '"notes":"Scellé n° 7","prev_hash":"' + "0" * 64 + '","recorded_by":"officer_fr",'
            '"sequence":1,"time":"2025-03-04T09:30:00Z"}'
        ).encode()
    )


def test_event_hash_is_sha256_of_the_canonical_bytes():
    # given
    data = event_canonical_bytes(minimal_content())
    # then
    assert event_hash(data) == hashlib.sha256(data).hexdigest()


def test_event_content_carries_every_standard_key_and_extra_ones():
    # when
    content = event_content(
        item=ITEM_PHONE,
        sequence=1,
        action="sent_abroad",
        time="2025-03-04T09:30:00Z",
        recorded_by="officer_fr",
        prev_hash=GENESIS_PREV_HASH,
        legal_authority="MLA DE-TEST-2025-117",
    )
    # then
    assert set(content) >= {"from_custodian", "to_custodian", "seal_intact", "notes"}
    assert content["legal_authority"] == "MLA DE-TEST-2025-117"
    assert json.loads(event_canonical_bytes(content)) == content


def test_prev_hash_is_part_of_what_is_hashed():
    # given
    first = event_canonical_bytes(minimal_content(sequence=2, prev_hash="a" * 64))
    second = event_canonical_bytes(minimal_content(sequence=2, prev_hash="b" * 64))
    # then
    assert event_hash(first) != event_hash(second)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"item": ITEM_PHONE, "sequence": 1}, "lacks action, time, recorded_by, prev_hash"),
        (minimal_content(prev_hash="A" * 64), "64 lowercase hexadecimal"),
        (minimal_content(prev_hash="a" * 63), "64 lowercase hexadecimal"),
        (minimal_content(prev_hash=None), "64 lowercase hexadecimal"),
        (minimal_content(prev_hash="a" * 64), "first event's prev_hash is 64 zeros"),
        (minimal_content(sequence=2), "first event's prev_hash is 64 zeros"),
        (minimal_content(sequence=0), "integer from 1"),
        (minimal_content(sequence=True), "integer from 1"),
        (minimal_content(time="2025-03-04T10:30:00+01:00"), "RFC 3339 UTC"),
        (minimal_content(time="2025-02-30T10:30:00Z"), "RFC 3339 UTC"),
        (minimal_content(item=""), "public id"),
        (minimal_content(action=""), "action"),
        (minimal_content(notes={"prev_hash": "a" * 64}), "only the event itself"),
    ],
)
def test_content_that_cannot_be_an_event_is_refused(content, message):
    with pytest.raises(CustodyEventError, match=message):
        event_canonical_bytes(content)


def test_timestamps_are_written_in_utc_with_a_z():
    # given
    paris = datetime.timezone(datetime.timedelta(hours=1))
    # then
    assert utc_timestamp(datetime.datetime(2025, 3, 4, 10, 30, tzinfo=paris)) == (
        "2025-03-04T09:30:00Z"
    )
    assert utc_timestamp(datetime.datetime(2025, 3, 4, 9, 30, 0, 120, tzinfo=datetime.UTC)) == (
        "2025-03-04T09:30:00.000120Z"
    )
    assert is_utc_timestamp("2025-03-04T09:30:00.000120Z")
    assert not is_utc_timestamp("2025-03-04 09:30:00Z")


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-04T09:30:00.12Z",
        "2025-03-04T09:30:00.000000Z",
        "2025-03-04T09:30:00+00:00",
        "2025-03-04T09:30:00",
        "2025-03-04T25:30:00Z",
    ],
)
def test_a_second_spelling_of_an_instant_is_not_a_timestamp(text):
    assert not is_utc_timestamp(text)


def test_naive_datetimes_are_refused():
    with pytest.raises(CustodyEventError, match="time zone"):
        utc_timestamp(datetime.datetime(2025, 3, 4, 9, 30))


def test_prev_hash_is_read_from_the_stored_bytes_without_and_with_a_parse():
    # given
    event = custody_chain(ITEM_PHONE, 2)[1]
    spaced = json.dumps(json.loads(event.canonical_bytes), indent=1).encode()
    # then
    assert event_prev_hash(event.canonical_bytes) == event.prev_hash
    assert event_prev_hash(memoryview(event.canonical_bytes)) == event.prev_hash
    assert event_prev_hash(spaced) == event.prev_hash
    assert event_prev_hash(b"not json") is None


# -- chains that hold ---------------------------------------------------------------------------


def test_intact_chains_of_several_items_verify():
    # given
    events = [
        *custody_chain(ITEM_PHONE, 5),
        *custody_chain(ITEM_LEDGER, 1),
        *custody_chain(ITEM_OTHER_CASE, 3),
    ]
    # when
    report = verify_chain(events)
    # then
    assert report.ok
    assert (report.events_checked, report.items_checked) == (9, 3)
    assert report.heads[ITEM_PHONE] == (5, events[4].hash)
    assert str(report) == "OK: 9 events in 3 chains"


def test_no_events_is_an_intact_log():
    assert verify_chain([]).ok


def test_plain_tuples_and_memoryviews_from_the_database_driver_are_accepted():
    # given
    events = [
        (item, sequence, memoryview(data), prev_hash, hash_)
        for item, sequence, data, prev_hash, hash_ in custody_chain(ITEM_PHONE, 3)
    ]
    # then
    assert verify_chain(iter(events)).ok


def test_bytes_the_fast_path_cannot_read_are_verified_by_parsing_them():
    # given: an event written by another tool, with a second prev_hash key nested inside
    first = custody_chain(ITEM_PHONE, 1)[0]
    content = minimal_content(sequence=2, prev_hash=first.hash, notes={"prev_hash": "x"})
    data = json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
    second = StoredEvent(ITEM_PHONE, 2, data, first.hash, event_hash(data))
    # then
    assert verify_chain([first, second]).ok


# -- each kind of tampering, located ------------------------------------------------------------


def test_altered_bytes_are_reported_at_that_event_with_both_hashes():
    # given
    events = custody_chain(ITEM_PHONE, 5)
    altered = events[2].canonical_bytes.replace(b'"seal_intact":true', b'"seal_intact":false')
    events[2] = restored(events[2], canonical_bytes=altered)
    # when
    report = verify_chain(events)
    # then
    broken = report.broken
    assert (broken.item, broken.sequence, broken.kind) == (ITEM_PHONE, 3, CONTENT_ALTERED)
    assert broken.expected == custody_chain(ITEM_PHONE, 5)[2].hash
    assert broken.actual == hashlib.sha256(altered).hexdigest()
    assert report.events_checked == 2
    assert "event 3: content altered" in str(report)


def test_an_altered_hash_column_is_reported_as_altered_content():
    # given
    events = custody_chain(ITEM_PHONE, 3)
    events[1] = restored(events[1], hash="f" * 64)
    # when
    broken = verify_chain(events).broken
    # then
    assert (broken.sequence, broken.kind, broken.expected) == (2, CONTENT_ALTERED, "f" * 64)


def test_an_event_rewritten_with_a_recomputed_hash_breaks_the_next_link():
    # given
    original = custody_chain(ITEM_PHONE, 4)
    events = list(original)
    events[1] = rewritten(events[1], b'"place":"Lyon', b'"place":"Lille')
    # when
    broken = verify_chain(events).broken
    # then
    assert (broken.sequence, broken.kind) == (3, PREV_LINK_BROKEN)
    assert broken.expected == events[1].hash
    assert broken.actual == original[1].hash


def test_an_event_removed_from_the_middle_is_reported_where_the_sequence_jumps():
    # given
    events = custody_chain(ITEM_PHONE, 5)
    removed = events.pop(2)
    # when
    broken = verify_chain(events).broken
    # then
    assert (broken.item, broken.sequence, broken.kind) == (ITEM_PHONE, 4, EVENT_REMOVED)
    assert (broken.expected, broken.actual) == (events[1].hash, removed.hash)
    assert "event 3 missing" in broken.detail


def test_a_removed_first_event_is_reported():
    # given
    events = custody_chain(ITEM_PHONE, 3)[1:]
    # when
    broken = verify_chain(events).broken
    # then
    assert (broken.sequence, broken.kind) == (2, EVENT_REMOVED)
    assert broken.expected == GENESIS_PREV_HASH


def test_an_event_removed_and_the_rest_renumbered_is_reported():
    # given
    events = custody_chain(ITEM_PHONE, 5)
    del events[2]
    events[2:] = [restored(event, sequence=event.sequence - 1) for event in events[2:]]
    # when
    broken = verify_chain(events).broken
    # then
    assert (broken.sequence, broken.kind) == (3, EVENT_REMOVED)
    assert "written as event 4" in broken.detail


def test_two_events_swapped_in_their_sequence_columns_are_reported_as_reordered():
    # given
    events = custody_chain(ITEM_PHONE, 5)
    second, third = events[1], events[2]
    events[1], events[2] = restored(third, sequence=2), restored(second, sequence=3)
    # when
    broken = verify_chain(events).broken
    # then
    assert (broken.sequence, broken.kind) == (2, REORDERED)
    assert "stored later, as event 3" in broken.detail


def test_events_read_out_of_order_are_reported_as_reordered():
    # given
    events = custody_chain(ITEM_PHONE, 5)
    events[1], events[3] = events[3], events[1]
    # when
    broken = verify_chain(events).broken
    # then
    assert (broken.sequence, broken.kind) == (4, REORDERED)


def test_an_item_whose_events_are_not_together_is_reported():
    # given
    phone = custody_chain(ITEM_PHONE, 2)
    events = [phone[0], *custody_chain(ITEM_LEDGER, 1), phone[1]]
    # when
    broken = verify_chain(events).broken
    # then
    assert (broken.item, broken.kind) == (ITEM_PHONE, REORDERED)


def test_a_changed_prev_hash_column_is_reported_with_the_value_in_the_bytes():
    # given
    events = custody_chain(ITEM_PHONE, 3)
    events[2] = restored(events[2], prev_hash="e" * 64)
    # when
    broken = verify_chain(events).broken
    # then
    assert (broken.sequence, broken.kind) == (3, PREV_LINK_BROKEN)
    assert (broken.expected, broken.actual) == (events[1].hash, "e" * 64)


def test_a_first_event_not_starting_from_zeros_is_reported():
    # given
    forged = minimal_content()
    data = json.dumps({**forged, "prev_hash": "1" * 64}, sort_keys=True, separators=(",", ":"))
    event = StoredEvent(ITEM_PHONE, 1, data.encode(), "1" * 64, event_hash(data.encode()))
    # when
    broken = verify_chain([event]).broken
    # then
    assert (broken.sequence, broken.kind, broken.expected) == (1, PREV_LINK_BROKEN, "0" * 64)


def test_bytes_that_are_not_an_event_are_reported_as_altered():
    # given
    data = b'{"not":"an event"}'
    event = StoredEvent(ITEM_PHONE, 1, data, GENESIS_PREV_HASH, event_hash(data))
    # then
    assert verify_chain([event]).broken.kind == CONTENT_ALTERED


def test_only_the_first_broken_link_is_reported():
    # given
    events = [*custody_chain(ITEM_PHONE, 4), *custody_chain(ITEM_LEDGER, 4)]
    events[6] = restored(events[6], hash="0" * 64)
    events[2] = restored(events[2], hash="0" * 64)
    # when
    report = verify_chain(events)
    # then
    assert (report.broken.item, report.broken.sequence) == (ITEM_PHONE, 3)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_any_changed_byte_of_any_event_is_located(data):
    # given
    chains = {item: custody_chain(item, 4) for item in (ITEM_PHONE, ITEM_LEDGER)}
    events = [event for chain in chains.values() for event in chain]
    target = data.draw(st.integers(0, len(events) - 1), label="event")
    stored = events[target].canonical_bytes
    position = data.draw(st.integers(0, len(stored) - 1), label="byte")
    value = data.draw(st.integers(0, 255).filter(lambda byte: byte != stored[position]))
    events[target] = restored(
        events[target], canonical_bytes=stored[:position] + bytes([value]) + stored[position + 1 :]
    )
    # when
    broken = verify_chain(events).broken
    # then
    assert (broken.item, broken.sequence, broken.kind) == (
        events[target].item,
        events[target].sequence,
        CONTENT_ALTERED,
    )
