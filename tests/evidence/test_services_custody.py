"""Custody services: the chain, the state machine, two-sided transfers, integrity failures."""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone

from evidence import services
from evidence.choices import CustodyAction, EvidenceState
from evidence.hashing import GENESIS_PREV_HASH, event_hash, verify_chain
from evidence.models import CustodyEvent, EvidenceFile
from ncb_cases.choices import AuditAction, ShareAccess
from ncb_cases.models import AuditEvent
from tests.evidence.factories import (
    FRENCH_LAB,
    GERMAN_LAB,
    add_file,
    evidence_item,
    use_temporary_store,
)
from tests.factories import officer_user, share_case


def _chain(item):
    return list(
        CustodyEvent.objects.filter(item=item)
        .order_by("sequence")
        .values_list("item_id", "sequence", "canonical", "prev_hash", "hash")
    )


def test_registering_an_item_opens_its_chain_with_a_collected_event(officer_fr):
    # when
    item = evidence_item(actor=officer_fr)

    # then
    event = item.custody_events.get()
    assert event.sequence == 1
    assert event.action == CustodyAction.COLLECTED
    assert event.prev_hash == GENESIS_PREV_HASH
    assert event.hash == event_hash(bytes(event.canonical))
    assert item.head_hash == event.hash
    assert item.state == EvidenceState.IN_CUSTODY
    assert item.item_number == f"{item.case.reference}/E-1"


def test_each_event_links_to_the_previous_events_hash(officer_fr, officer_de, ncb_de):
    # given
    item = evidence_item(actor=officer_fr)

    # when
    services.custody_examine(actor=officer_fr, item=item, purpose="Photographs for the file")
    services.custody_seal(actor=officer_fr, item=item, seal_number="SEAL-FR-0002")

    # then
    events = list(item.custody_events.order_by("sequence"))
    assert [event.sequence for event in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert verify_chain(_chain(item)).ok
    item.refresh_from_db()
    assert item.head_hash == events[2].hash
    assert item.seal_number == "SEAL-FR-0002"


def test_event_columns_are_derived_from_the_stored_canonical_bytes(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)

    # when
    event = services.custody_examine(
        actor=officer_fr, item=item, place="Lab 2", purpose="Extraction", seal_intact=True
    )

    # then
    content = event.content
    assert content["item"] == str(item.public_id)
    assert content["action"] == event.action == CustodyAction.EXAMINED
    assert content["place"] == event.place == "Lab 2"
    assert content["recorded_by"] == officer_fr.get_username()
    assert content["seal_intact"] is event.seal_intact is True
    assert content["item_number"] == item.item_number


def test_release_puts_the_item_in_transit_and_a_colleague_of_the_receiver_accepts_it(
    officer_fr, ncb_fr
):
    # given
    item = evidence_item(actor=officer_fr)
    colleague = officer_user("officer_fr_lab", ncb_fr)

    # when
    services.custody_transfer_release(actor=officer_fr, item=item, to_custodian=FRENCH_LAB)
    in_transit = item.state
    services.custody_transfer_accept(actor=colleague, item=item)

    # then
    assert in_transit == EvidenceState.IN_TRANSIT
    assert item.state == EvidenceState.IN_CUSTODY
    assert item.custodian_agency == FRENCH_LAB["agency"]
    accepted = item.custody_events.get(sequence=3)
    assert accepted.action == CustodyAction.ACCEPTED
    assert accepted.content["release_sequence"] == 2
    assert accepted.to_person == FRENCH_LAB["person"]


def test_the_releaser_cannot_accept_their_own_transfer(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    services.custody_transfer_release(actor=officer_fr, item=item, to_custodian=FRENCH_LAB)

    # when
    with pytest.raises(ValidationError) as error:
        services.custody_transfer_accept(actor=officer_fr, item=item)

    # then
    assert "different person" in str(error.value.message_dict[NON_FIELD_ERRORS])
    item.refresh_from_db()
    assert item.state == EvidenceState.IN_TRANSIT
    assert item.last_sequence == 2


def test_accepting_an_item_not_in_transit_is_refused_naming_the_allowed_actions(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)

    # when
    with pytest.raises(ValidationError) as error:
        services.custody_transfer_accept(actor=officer_fr, item=item)

    # then
    message = error.value.message_dict["action"][0]
    assert "in custody" in message
    assert "Transferred (released)" in message
    assert "Destroyed" in message
    assert item.custody_events.count() == 1


def test_a_destroyed_item_allows_no_further_action(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    services.custody_destroy(
        actor=officer_fr, item=item, legal_authority="Destruction order TJ Lyon 2026/77 (fict.)"
    )

    # when
    with pytest.raises(ValidationError) as error:
        services.custody_transfer_release(actor=officer_fr, item=item, to_custodian=FRENCH_LAB)

    # then
    assert "allows no further custody action" in error.value.message_dict["action"][0]
    assert item.custody_events.count() == 2


def test_sending_abroad_without_a_legal_authority_is_refused_and_writes_nothing(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    audit_rows = AuditEvent.objects.count()

    # when
    with pytest.raises(ValidationError) as error:
        services.custody_event_append(
            actor=officer_fr,
            item=item,
            action=CustodyAction.SENT_ABROAD,
            data={"to_custodian": GERMAN_LAB},
        )

    # then
    assert "legal_authority" in error.value.message_dict
    assert item.custody_events.count() == 1
    assert AuditEvent.objects.count() == audit_rows


def test_a_release_to_another_country_needs_a_legal_authority(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)

    # when
    with pytest.raises(ValidationError) as error:
        services.custody_transfer_release(actor=officer_fr, item=item, to_custodian=GERMAN_LAB)

    # then
    assert "letter rogatory" in error.value.message_dict["legal_authority"][0]


def test_an_item_sent_abroad_is_accepted_by_an_officer_of_the_receiving_country(
    officer_fr, officer_de, ncb_de
):
    # given
    item = evidence_item(actor=officer_fr)
    share_case(item.case, ncb_de, access=ShareAccess.READ_WRITE)
    services.custody_send_abroad(
        actor=officer_fr,
        item=item,
        to_custodian=GERMAN_LAB,
        legal_authority="MLA request FR-DE 2026/12 (fictitious)",
    )

    # when
    event = services.custody_transfer_accept(actor=officer_de, item=item)

    # then
    assert item.custodian_country == "DE"
    assert item.state == EvidenceState.IN_CUSTODY
    assert event.legal_authority == "MLA request FR-DE 2026/12 (fictitious)"
    assert event.from_country == "FR"


def test_an_officer_of_the_sending_country_cannot_accept_for_the_receiving_one(
    officer_fr, ncb_fr, ncb_de
):
    # given
    item = evidence_item(actor=officer_fr)
    services.custody_send_abroad(
        actor=officer_fr, item=item, to_custodian=GERMAN_LAB, legal_authority="MLA 2026/12"
    )
    colleague = officer_user("officer_fr_2", ncb_fr)

    # when
    with pytest.raises(ValidationError) as error:
        services.custody_transfer_accept(actor=colleague, item=item)

    # then
    assert "receiving party (DE)" in str(error.value.message_dict[NON_FIELD_ERRORS])


def test_a_cancelled_transfer_leaves_the_item_with_the_giver(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    services.custody_transfer_release(actor=officer_fr, item=item, to_custodian=FRENCH_LAB)

    # when
    services.custody_transfer_cancel(actor=officer_fr, item=item, notes="Lab closed (fict.)")

    # then
    assert item.state == EvidenceState.IN_CUSTODY
    assert item.custodian_agency != FRENCH_LAB["agency"]


def test_an_officer_who_may_only_read_the_case_cannot_record_custody(
    officer_fr, officer_de, ncb_de
):
    # given
    item = evidence_item(actor=officer_fr)
    share_case(item.case, ncb_de, access=ShareAccess.READ)

    # when / then
    with pytest.raises(PermissionDenied):
        services.custody_examine(actor=officer_de, item=item)
    assert item.custody_events.count() == 1


def test_a_claimed_time_far_from_the_server_clock_is_kept_and_flagged(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)
    claimed = timezone.now() - datetime.timedelta(hours=3)

    # when
    event = services.custody_examine(actor=officer_fr, item=item, claimed_time=claimed)

    # then
    assert event.clock_skew_flagged is True
    assert abs(event.claimed_at - claimed) < datetime.timedelta(seconds=1)
    assert event.occurred_at > claimed + datetime.timedelta(hours=2)


def test_a_claimed_time_close_to_the_server_clock_is_not_flagged(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)

    # when
    event = services.custody_examine(
        actor=officer_fr, item=item, claimed_time=timezone.now() - datetime.timedelta(minutes=2)
    )

    # then
    assert event.clock_skew_flagged is False


def test_a_reported_hash_that_is_not_64_hex_characters_is_refused(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)

    # when
    with pytest.raises(ValidationError) as error:
        services.custody_examine(actor=officer_fr, item=item, file_hashes=["abc123"])

    # then
    assert "file_hashes" in error.value.message_dict
    assert item.custody_events.count() == 1


def test_a_changed_stored_file_at_a_hand_off_appends_an_integrity_failure_and_flags_the_item(
    officer_fr, settings, tmp_path
):
    # given
    root = use_temporary_store(settings, tmp_path)
    item = evidence_item(actor=officer_fr)
    stored = add_file(actor=officer_fr, item=item, content=b"original extraction")
    (root / stored.storage_key).write_bytes(b"tampered extraction")

    # when
    event = services.custody_transfer_release(actor=officer_fr, item=item, to_custodian=FRENCH_LAB)

    # then
    check = event.file_hashes_rechecked[0]
    assert check["sha256"] == stored.sha256
    assert check["matches"] is False
    assert event.integrity_failure.action == CustodyAction.INTEGRITY_FAILURE
    assert event.integrity_failure.sequence == event.sequence + 1
    assert event.integrity_failure.content["failure"]["files"] == [stored.sha256]
    item.refresh_from_db()
    assert item.integrity_failed is True
    assert item.state == EvidenceState.IN_TRANSIT
    assert EvidenceFile.objects.get(pk=stored.pk).sha256 == stored.sha256


def test_an_intact_stored_file_is_rechecked_at_a_hand_off_without_failure(
    officer_fr, settings, tmp_path
):
    # given
    use_temporary_store(settings, tmp_path)
    item = evidence_item(actor=officer_fr)
    stored = add_file(actor=officer_fr, item=item)

    # when
    event = services.custody_transfer_release(actor=officer_fr, item=item, to_custodian=FRENCH_LAB)

    # then
    assert event.file_hashes_rechecked == [
        {"sha256": stored.sha256, "actual": stored.sha256, "matches": True, "by": "server"}
    ]
    assert event.integrity_failure is None
    assert item.integrity_failed is False


def test_a_broken_seal_records_an_integrity_failure(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)

    # when
    event = services.custody_examine(actor=officer_fr, item=item, seal_intact=False)

    # then
    assert event.integrity_failure.content["failure"]["seal_broken"] is True
    assert item.integrity_failed is True


def test_recording_custody_writes_one_audit_row(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)

    # when
    services.custody_examine(actor=officer_fr, item=item)

    # then
    row = AuditEvent.objects.filter(object_public_id=item.public_id).order_by("-id").first()
    assert row.action == AuditAction.UPDATE
    assert row.details == {"custody_action": CustodyAction.EXAMINED, "sequence": 2}
    assert row.case_id == item.case_id


def test_events_take_consecutive_positions_in_the_instance_wide_log(officer_fr):
    # given
    first = evidence_item(actor=officer_fr)
    second = evidence_item(actor=officer_fr, case=first.case)

    # when
    services.custody_examine(actor=officer_fr, item=first)

    # then
    positions = list(
        CustodyEvent.objects.order_by("log_index").values_list("log_index", flat=True)
    )
    assert positions == list(range(len(positions)))
    assert second.number == 2


def test_recording_an_event_costs_a_fixed_number_of_queries(
    officer_fr, django_assert_max_num_queries
):
    # given: a long chain already
    item = evidence_item(actor=officer_fr)
    for _ in range(20):
        services.custody_examine(actor=officer_fr, item=item)

    # when / then: 11 on PostgreSQL (lock, log position, insert, head, audit...)
    with django_assert_max_num_queries(11):
        services.custody_examine(actor=officer_fr, item=item)
