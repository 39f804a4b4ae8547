"""Evidence models: columns derived from canonical bytes, append-only saves, constraints."""

import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import IntegrityError, transaction

from evidence.checkpoints import checkpoint_sign, checkpoint_verify
from evidence.hashing import (
    GENESIS_PREV_HASH,
    event_canonical_bytes,
    event_content,
    event_hash,
)
from evidence.models import CustodyCheckpoint, CustodyEvent, EvidenceFile
from tests.evidence.factories import add_file, evidence_item, use_temporary_store


def _content(item, **extra):
    return event_content(
        item=str(item.public_id),
        sequence=2,
        action="EXAMINED",
        time="2026-03-04T10:15:00Z",
        recorded_by="officer_fr",
        prev_hash=item.head_hash,
        from_custodian={"person": "A. Exemple", "agency": "Police Lyon", "country": "FR"},
        place="Lab 2",
        **extra,
    )


def test_an_event_row_is_derived_from_its_canonical_bytes(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    canonical = event_canonical_bytes(
        _content(item, claimed_time="2026-03-04T09:00:00Z", legal_authority="Order 7")
    )

    # when
    event = CustodyEvent.from_canonical(
        item=item, canonical=canonical, log_index=99, recorded_by=officer_fr
    )

    # then
    assert event.sequence == 2
    assert event.hash == event_hash(canonical)
    assert event.prev_hash == item.head_hash
    assert event.occurred_at == datetime.datetime(2026, 3, 4, 10, 15, tzinfo=datetime.UTC)
    assert event.claimed_at == datetime.datetime(2026, 3, 4, 9, 0, tzinfo=datetime.UTC)
    assert event.clock_skew_flagged is True
    assert (event.from_person, event.from_country, event.to_person) == ("A. Exemple", "FR", "")
    assert event.legal_authority == "Order 7"
    assert event.content["place"] == "Lab 2"


def test_the_first_event_links_to_the_genesis_hash(officer_fr):
    # when
    event = evidence_item(actor=officer_fr).custody_events.get()

    # then
    assert event.prev_hash == GENESIS_PREV_HASH
    assert str(event).endswith("#1 COLLECTED")


def test_two_events_cannot_share_a_sequence_in_one_item(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    first = item.custody_events.get()
    duplicate = CustodyEvent.from_canonical(
        item=item, canonical=bytes(first.canonical), log_index=1000, recorded_by=officer_fr
    )

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_an_evidence_file_cannot_be_saved_twice(officer_fr, settings, tmp_path):
    # given
    use_temporary_store(settings, tmp_path)
    stored = add_file(actor=officer_fr, item=evidence_item(actor=officer_fr))

    # when / then
    with pytest.raises(ValueError, match="never changed"):
        stored.save()


def test_a_copy_without_a_method_is_refused_by_the_database(officer_fr, settings, tmp_path):
    # given
    use_temporary_store(settings, tmp_path)
    original = add_file(actor=officer_fr, item=evidence_item(actor=officer_fr))
    copy = EvidenceFile(
        item=original.item,
        sha256="c" * 64,
        size=1,
        storage_key="sha256/cc/cc/" + "c" * 64,
        parent=original,
        added_by=officer_fr,
    )

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_a_checkpoint_row_keeps_the_signed_checkpoint_verifiable(db):
    # given
    key = Ed25519PrivateKey.generate()
    signed = checkpoint_sign(
        private_key=key,
        tree_size=3,
        root_hash="ab" * 32,
        timestamp=datetime.datetime(2026, 3, 4, 10, 15, 0, 123456, tzinfo=datetime.UTC),
        ncb_code="FR",
    )

    # when
    row = CustodyCheckpoint.from_signed(signed)
    row.save()
    stored = CustodyCheckpoint.objects.get()

    # then
    assert stored.checkpoint == signed
    checkpoint_verify(stored.checkpoint, key.public_key())
    assert (stored.tree_size, stored.root_hash, stored.kid) == (3, "ab" * 32, signed["kid"])
    with pytest.raises(ValueError, match="append-only"):
        stored.save()


def test_an_item_reads_as_its_number_and_kind(officer_fr):
    # when
    item = evidence_item(actor=officer_fr)

    # then
    assert str(item) == f"{item.item_number} (Digital evidence)"
    assert item.custodian["country"] == "FR"
