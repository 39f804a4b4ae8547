"""Triage of received messages (`messages_hst.services.triage`): accept (with import into a new
or existing case and cross-case matches) or reject; the sender gets a RESPONSE either way."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from messages_hst import keys
from messages_hst.choices import InboundStatus, MessageType
from messages_hst.inbox import inbox_receive
from messages_hst.models import HSTMessage, TrackedRequest
from messages_hst.services.triage import inbound_accept, inbound_reject
from ncb_cases.canonical import canonical_json_bytes
from ncb_cases.choices import AuditAction, PersonRole
from ncb_cases.models import AuditEvent, Person
from tests.factories import CaseFactory, PersonFactory, PersonPhoneFactory
from tests.messages_hst.factories import hst_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbound_request(ncb_fr, ncb_de):
    """FR's REQUEST received by DE, awaiting triage."""
    document = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    raw = canonical_json_bytes(keys.sign_as_instance(document))
    outcome = inbox_receive(raw=raw, recipient_code="DE", transport="local", remote_addr=None)
    assert outcome.inbound.status == InboundStatus.TRIAGE
    return outcome.inbound


def response_of(inbound) -> dict:
    message = HSTMessage.objects.get(message_type=MessageType.RESPONSE)
    assert message.sender_ncb == inbound.recipient_ncb
    assert [r["ncb_code"] for r in message.document["recipients"]] == ["FR"]
    return message.document["body"]["response"]


def test_accept_without_case_sends_accepted_response(inbound_request, officer_de):
    # when DE's officer accepts the message as it is
    result = inbound_accept(actor=officer_de, inbound=inbound_request, comment="Noted (test)")

    # then it is ACCEPTED, the sender gets the RESPONSE, and the decision is audited
    inbound_request.refresh_from_db()
    assert inbound_request.status == InboundStatus.ACCEPTED
    assert inbound_request.triaged_by == officer_de
    response = response_of(inbound_request)
    assert response["ref_message_id"] == str(inbound_request.message_id)
    assert response["outcome"] in ("ACCEPTED", "ACCEPTED_MANUAL")
    assert response["comment"] == "Noted (test)"
    assert result.response.message_id is not None
    event = AuditEvent.objects.get(
        action=AuditAction.UPDATE, object_public_id=inbound_request.public_id
    )
    assert event.details["decision"] == "ACCEPTED"


def test_accept_into_a_new_case_imports_the_chosen_entities_with_matches(
    inbound_request, officer_de, ncb_de
):
    # given a DE case that already knows the recruiter's phone
    known = CaseFactory(owner_ncb=ncb_de, created_by=officer_de)
    PersonPhoneFactory(person=PersonFactory(case=known), number="+442079460123")

    # when DE's officer accepts into a new case, importing the driver P3, phone C1 and passport D2
    result = inbound_accept(
        actor=officer_de, inbound=inbound_request, create_case=True, import_refs=["P3", "C1", "D2"]
    )

    # then a DE case holds P3 and the holder P1 of C1 and D2, with the phone and passport
    case = result.case
    assert case.owner_ncb == ncb_de
    assert inbound_request.__class__.objects.get(pk=inbound_request.pk).case == case
    persons = {p.family_name: p for p in Person.objects.filter(case=case)}
    assert set(persons) == {"DURAND-TEST", "MUSTERMANN-TEST"}
    recruiter = persons["DURAND-TEST"]
    assert recruiter.role == PersonRole.SUSPECT
    assert list(recruiter.phones.values_list("number", flat=True)) == ["+442079460123"]
    assert recruiter.documents.get().number == "24FT00123"
    # and the match with the earlier case is returned
    assert known.reference in {match.case_reference for match in result.matches}
    # and what DE owes for the REQUEST is filed under the new case
    assert set(TrackedRequest.objects.values_list("case", flat=True)) == {case.pk}


def test_accept_into_an_existing_case_of_another_ncb_is_refused(
    inbound_request, officer_de, officer_fr
):
    foreign = CaseFactory(owner_ncb=officer_fr.officer.ncb, created_by=officer_fr)
    with pytest.raises(PermissionDenied):
        inbound_accept(actor=officer_de, inbound=inbound_request, case=foreign)


def test_import_without_a_case_is_refused(inbound_request, officer_de):
    with pytest.raises(ValidationError) as error:
        inbound_accept(actor=officer_de, inbound=inbound_request, import_refs=["P1"])
    assert "case" in error.value.message_dict


def test_import_of_an_unknown_ref_is_refused(inbound_request, officer_de):
    with pytest.raises(ValidationError) as error:
        inbound_accept(
            actor=officer_de, inbound=inbound_request, create_case=True, import_refs=["P9"]
        )
    assert "import_refs" in error.value.message_dict


def test_officer_of_the_sender_ncb_cannot_triage(inbound_request, officer_fr):
    with pytest.raises(PermissionDenied):
        inbound_accept(actor=officer_fr, inbound=inbound_request)


def test_reject_with_reasons_sends_rejected_response(inbound_request, supervisor_de):
    # when DE's supervisor rejects the message as not competent
    inbound_reject(
        actor=supervisor_de,
        inbound=inbound_request,
        reasons=["NOT_COMPETENT"],
        comment="Please address the Austrian NCB (test).",
    )

    # then REJECTED with the reason, and the RESPONSE carries them
    inbound_request.refresh_from_db()
    assert inbound_request.status == InboundStatus.REJECTED
    assert inbound_request.rejection_reasons == ["NOT_COMPETENT"]
    response = response_of(inbound_request)
    assert response["outcome"] == "REJECTED"
    assert response["reason_codes"] == ["NOT_COMPETENT"]


def test_reject_needs_a_known_reason(inbound_request, officer_de):
    with pytest.raises(ValidationError) as error:
        inbound_reject(actor=officer_de, inbound=inbound_request, reasons=["BORED"])
    assert "reasons" in error.value.message_dict


def test_reject_for_other_reason_needs_a_comment(inbound_request, officer_de):
    with pytest.raises(ValidationError) as error:
        inbound_reject(actor=officer_de, inbound=inbound_request, reasons=["OTHER"], comment=" ")
    assert "comment" in error.value.message_dict


def test_a_triaged_message_cannot_be_triaged_again(inbound_request, officer_de):
    inbound_accept(actor=officer_de, inbound=inbound_request)
    with pytest.raises(ValidationError):
        inbound_reject(actor=officer_de, inbound=inbound_request, reasons=["SCHEMA"])
    with pytest.raises(ValidationError):
        inbound_accept(actor=officer_de, inbound=inbound_request)


def test_a_minimised_victim_is_imported_as_a_protected_person(inbound_request, officer_de):
    # when the victim P2 (no name: minimised by the sender) is imported into a new case
    result = inbound_accept(
        actor=officer_de, inbound=inbound_request, create_case=True, import_refs=["P2"]
    )

    # then she is a victim of the new case, with her victim context
    victim = Person.objects.get(case=result.case)
    assert victim.role == PersonRole.VICTIM
    assert victim.family_name == ""
    assert victim.means_of_control == ["DEBT_BONDAGE", "WITHHOLDS_DOCUMENTS"]
    assert victim.referred_to_support is True


def test_a_document_without_number_is_refused_by_name(inbound_request, officer_de):
    # when the withheld passport D1, sent without its number, is chosen for import
    with pytest.raises(ValidationError) as error:
        inbound_accept(
            actor=officer_de, inbound=inbound_request, create_case=True, import_refs=["D1"]
        )

    # then the refusal names it, and nothing was written
    assert "D1" in " ".join(error.value.message_dict["import_refs"])
    assert not Person.objects.exists()
