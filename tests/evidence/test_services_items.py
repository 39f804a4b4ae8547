"""Item and file services: registering, numbering, correcting, attaching files."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evidence import services
from evidence.choices import CustodyAction, EvidenceKind
from evidence.models import EvidenceFile, EvidenceItem
from ncb_cases.choices import AuditAction, ShareAccess
from ncb_cases.models import AuditEvent
from tests.evidence.factories import (
    add_file,
    evidence_item,
    item_data,
    open_case,
    use_temporary_store,
)
from tests.factories import share_case


def _stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def test_items_are_numbered_within_their_case(officer_fr):
    # given
    case = open_case(officer_fr)

    # when
    first = evidence_item(actor=officer_fr, case=case)
    second = evidence_item(actor=officer_fr, case=case, kind=EvidenceKind.DOCUMENT)

    # then
    assert (first.number, second.number) == (1, 2)
    assert second.item_number == f"{case.reference}/E-2"


def test_the_default_custodian_is_the_registering_officer_and_their_ncb(officer_fr):
    # when
    item = evidence_item(actor=officer_fr)

    # then
    assert item.custodian_agency == "INTERPOL Paris"
    assert item.custodian_country == "FR"
    assert item.custodian_person


def test_registering_an_item_is_audited(officer_fr):
    # when
    item = evidence_item(actor=officer_fr)

    # then
    row = AuditEvent.objects.get(object_public_id=item.public_id)
    assert (row.action, row.case_id, row.actor_id) == (
        AuditAction.CREATE,
        item.case_id,
        officer_fr.pk,
    )


def test_an_item_without_kind_description_or_collection_time_is_refused_field_by_field(
    officer_fr,
):
    # given
    case = open_case(officer_fr)

    # when
    with pytest.raises(ValidationError) as error:
        services.evidence_item_create(
            actor=officer_fr,
            case=case,
            data=item_data(kind="ROCK", description="", collected_at=None),
        )

    # then
    assert {"kind", "description", "collected_at"} <= set(error.value.message_dict)
    assert not EvidenceItem.objects.exists()


def test_the_collected_event_hashes_what_was_seized_and_how(officer_fr):
    # when
    item = evidence_item(actor=officer_fr)

    # then
    content = item.custody_events.get().content
    assert content["description"] == item.description
    assert content["kind"] == EvidenceKind.DIGITAL
    assert content["collected_by"] == "Brigadier Test-Martin"
    assert content["place"] == "12 rue de l'Exemple, Lyon"
    assert content["legal_authority"] == item.legal_authority
    assert content["seal_number"] == "SEAL-FR-0001"
    assert content["from_custodian"] is None
    assert content["to_custodian"]["agency"] == "INTERPOL Paris"


def test_an_item_collected_in_the_future_is_refused(officer_fr):
    # when
    with pytest.raises(ValidationError) as error:
        evidence_item(actor=officer_fr, collected_at=timezone.now() + timedelta(hours=1))

    # then
    assert "future" in error.value.message_dict["collected_at"][0]


def test_a_naive_collection_time_is_refused(officer_fr):
    # when
    with pytest.raises(ValidationError) as error:
        evidence_item(actor=officer_fr, collected_at="2026-03-04T10:15:00")

    # then
    assert "time zone" in error.value.message_dict["collected_at"][0]


def test_an_unknown_custodian_country_is_refused(officer_fr):
    # when
    with pytest.raises(ValidationError) as error:
        evidence_item(actor=officer_fr, custodian={"agency": "Police", "country": "ZZ"})

    # then
    assert "custodian.country" in error.value.message_dict


def test_an_officer_of_another_ncb_cannot_register_evidence_in_a_case(officer_fr, officer_de):
    # given
    case = open_case(officer_fr)

    # when / then
    with pytest.raises(PermissionDenied):
        services.evidence_item_create(actor=officer_de, case=case, data=item_data())


def test_an_officer_of_an_ncb_sharing_the_case_read_write_may_register_evidence(
    officer_fr, officer_de, ncb_de
):
    # given
    case = open_case(officer_fr)
    share_case(case, ncb_de, access=ShareAccess.READ_WRITE)

    # when
    item = services.evidence_item_create(actor=officer_de, case=case, data=item_data())

    # then
    assert item.custodian_country == "DE"


def test_correcting_a_description_is_audited_and_custody_fields_are_refused(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)

    # when
    services.evidence_item_update(
        actor=officer_fr, item=item, data={"description": "Black smartphone, 2 SIM slots"}
    )
    with pytest.raises(ValidationError) as error:
        services.evidence_item_update(actor=officer_fr, item=item, data={"seal_number": "X"})

    # then
    item.refresh_from_db()
    assert item.description == "Black smartphone, 2 SIM slots"
    assert "custody event" in error.value.message_dict["seal_number"][0]
    row = AuditEvent.objects.filter(action=AuditAction.UPDATE).get()
    assert row.details == {"fields": ["description"]}


def test_a_file_is_streamed_into_the_store_and_recorded_with_its_hash(
    officer_fr, settings, tmp_path
):
    # given
    root = use_temporary_store(settings, tmp_path)
    item = evidence_item(actor=officer_fr)
    content = b"fictitious WhatsApp export\n" * 500

    # when
    stored = add_file(actor=officer_fr, item=item, content=content, media_type="text/plain")

    # then
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    assert stored.media_type == "text/plain"
    assert (root / stored.storage_key).read_bytes() == content
    assert AuditEvent.objects.filter(object_public_id=stored.public_id).count() == 1


def test_the_same_content_attached_twice_to_an_item_is_refused(officer_fr, settings, tmp_path):
    # given
    use_temporary_store(settings, tmp_path)
    item = evidence_item(actor=officer_fr)
    add_file(actor=officer_fr, item=item, content=b"one")

    # when / then
    with pytest.raises(ValidationError) as error:
        add_file(actor=officer_fr, item=item, content=b"one")
    assert "file" in error.value.message_dict
    assert item.files.count() == 1


def test_the_same_content_in_two_items_is_stored_once(officer_fr, settings, tmp_path):
    # given
    root = use_temporary_store(settings, tmp_path)
    first = evidence_item(actor=officer_fr)
    second = evidence_item(actor=officer_fr, case=first.case)

    # when
    add_file(actor=officer_fr, item=first, content=b"shared photo")
    add_file(actor=officer_fr, item=second, content=b"shared photo")

    # then
    assert len(_stored_files(root)) == 1
    assert EvidenceFile.objects.count() == 2


def test_a_derived_copy_names_its_parent_and_method_and_is_put_on_the_chain(
    officer_fr, settings, tmp_path
):
    # given
    use_temporary_store(settings, tmp_path)
    item = evidence_item(actor=officer_fr)
    original = add_file(actor=officer_fr, item=item, content=b"disk image")

    # when
    copy = add_file(
        actor=officer_fr,
        item=item,
        content=b"redacted disk image",
        parent=original,
        derivation_method="fictitious-redactor 1.2 --faces",
    )

    # then
    assert copy.parent == original
    event = item.custody_events.order_by("-sequence").first()
    assert event.action == CustodyAction.COPIED
    assert event.content["copy"] == {
        "parent_sha256": original.sha256,
        "sha256": copy.sha256,
        "method": "fictitious-redactor 1.2 --faces",
    }


def test_a_copy_without_its_method_is_refused_before_anything_is_stored(
    officer_fr, settings, tmp_path
):
    # given
    root = use_temporary_store(settings, tmp_path)
    item = evidence_item(actor=officer_fr)
    original = add_file(actor=officer_fr, item=item, content=b"disk image")

    # when
    with pytest.raises(ValidationError) as error:
        add_file(actor=officer_fr, item=item, content=b"copy", parent=original)

    # then
    assert "derivation_method" in error.value.message_dict
    assert len(_stored_files(root)) == 1


def test_an_upload_with_a_wrong_declared_hash_leaves_no_row_and_no_file(
    officer_fr, settings, tmp_path
):
    # given
    root = use_temporary_store(settings, tmp_path)
    item = evidence_item(actor=officer_fr)

    # when
    with pytest.raises(ValidationError):
        add_file(actor=officer_fr, item=item, content=b"truncated", expected_sha256="1" * 64)

    # then
    assert not item.files.exists()
    assert _stored_files(root) == []


def test_content_stored_for_a_refused_row_is_removed_again(officer_fr, settings, tmp_path):
    # given
    root = use_temporary_store(settings, tmp_path)
    item = evidence_item(actor=officer_fr)
    services.custody_destroy(actor=officer_fr, item=item, legal_authority="Order 2026/9")

    # when: a copy is refused by the state machine after its content was streamed in
    first = add_file(actor=officer_fr, item=item, content=b"photo of the destroyed item")
    with pytest.raises(ValidationError):
        add_file(
            actor=officer_fr,
            item=item,
            content=b"copy made later",
            parent=first,
            derivation_method="resize 50%",
        )

    # then
    assert item.files.count() == 1
    assert [p.name for p in _stored_files(root)] == [first.sha256]


def test_a_reader_who_may_not_change_the_case_cannot_attach_a_file(
    officer_fr, officer_de, ncb_de, settings, tmp_path
):
    # given
    root = use_temporary_store(settings, tmp_path)
    item = evidence_item(actor=officer_fr)
    share_case(item.case, ncb_de, access=ShareAccess.READ)

    # when / then
    with pytest.raises(PermissionDenied):
        services.evidence_file_add(actor=officer_de, item=item, content=io.BytesIO(b"x"))
    assert _stored_files(root) == []


def test_an_upload_cut_off_midway_leaves_no_row_and_no_file(officer_fr, settings, tmp_path):
    # given
    root = use_temporary_store(settings, tmp_path)
    item = evidence_item(actor=officer_fr)

    def cut_off():
        yield b"the first part of a forensic image"
        raise ConnectionResetError("client went away")

    # when
    with pytest.raises(ConnectionResetError):
        services.evidence_file_add(actor=officer_fr, item=item, content=cut_off())

    # then
    assert not item.files.exists()
    assert _stored_files(root) == []
    assert item.custody_events.count() == 1
