"""The received message page /messages/inbound/<id>/ and its triage: who sees it, what it
shows (signature verdict, problems, raw SHA-256, the rendering), accept into a new or an
existing case with imports and the matches afterwards, reject with reasons, reply."""

import pytest
from django.urls import reverse

from messages_hst.choices import InboundStatus, MessageStatus, MessageType, SignatureStatus
from messages_hst.models import HSTMessage
from ncb_cases.models import Case, Person
from tests.factories import PersonFactory, PersonPhoneFactory
from tests.messages_hst.factories import hst_document
from tests.messages_hst.views.conftest import VICTIM_NAME, received, with_named_victim

pytestmark = pytest.mark.django_db


def url(name, inbound):
    return reverse(f"messages_hst:{name}", args=[inbound.public_id])


def test_anonymous_is_sent_to_the_login_page(client_for, inbound_fr):
    # when
    response = client_for(None).get(url("inbound", inbound_fr))

    # then
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("user", ["officer_fr", "supervisor_fr", "analyst_fr"])
def test_the_recipient_ncb_reads_it(request, client_for, inbound_fr, user):
    # when
    response = client_for(request.getfixturevalue(user)).get(url("inbound", inbound_fr))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert inbound_fr.raw_sha256 in page
    assert "signature valid" in page
    assert '<pre class="rendering"' in page


@pytest.mark.parametrize("user", ["officer_de", "supervisor_de", "srb_europe", "user_without_ncb"])
def test_anyone_else_gets_404(request, client_for, inbound_fr, user):
    # when (Germany sent it, but reads its own copy, not France's)
    response = client_for(request.getfixturevalue(user)).get(url("inbound", inbound_fr))

    # then
    assert response.status_code == 404


def test_quarantined_message_shows_its_problems_and_only_rejection(
    client_for, officer_fr, ncb_fr, ncb_de
):
    # given a message whose signature did not verify
    inbound = received(
        ncb_fr,
        ncb_de,
        status=InboundStatus.QUARANTINED,
        problems=[
            {
                "path": "/signature",
                "code": "bad_signature",
                "severity": "error",
                "message": "the signature does not verify",
            }
        ],
    )
    inbound.signature_status = SignatureStatus.BAD_SIGNATURE
    inbound.save()

    # when
    page = client_for(officer_fr).get(url("inbound", inbound)).content.decode()

    # then
    assert "the signature does not verify" in page
    assert "Quarantined." in page
    assert url("inbound_reject", inbound) in page
    assert url("inbound_accept", inbound) not in page


def test_analyst_sees_no_triage(client_for, analyst_fr, inbound_fr):
    # when
    page = client_for(analyst_fr).get(url("inbound", inbound_fr)).content.decode()

    # then
    assert url("inbound_accept", inbound_fr) not in page
    assert url("inbound_reject", inbound_fr) not in page


def test_victim_names_absent_from_the_received_message(client_for, officer_fr, ncb_fr, ncb_de):
    # given Germany named the victim P2
    inbound = received(ncb_fr, ncb_de)
    inbound.document = with_named_victim(inbound.document)
    inbound.save()

    # when
    page = client_for(officer_fr).get(url("inbound", inbound)).content.decode()

    # then neither the persons, the import choices nor a rendering name her
    assert VICTIM_NAME not in page
    assert "Victim P2" in page


def test_accept_into_a_new_case_with_imports(
    client_for, officer_fr, inbound_fr, django_capture_on_commit_callbacks
):
    # when the officer accepts, importing the suspect P1 and his phone C1
    with django_capture_on_commit_callbacks():
        response = client_for(officer_fr).post(
            url("inbound_accept", inbound_fr),
            {"destination": "new", "import_refs": ["P1", "C1"], "comment": "Ours (test)"},
        )

    # then a case of France holds him, and the sender is answered
    assert response.status_code == 302
    assert response["Location"] == url("inbound", inbound_fr)
    inbound_fr.refresh_from_db()
    assert inbound_fr.status == InboundStatus.ACCEPTED
    assert inbound_fr.case.owner_ncb.code == "FR"
    assert Person.objects.filter(case=inbound_fr.case, family_name="DURAND-TEST").exists()
    assert HSTMessage.objects.filter(message_type=MessageType.RESPONSE).exists()


def test_accept_into_an_existing_case_shows_the_matches_afterwards(
    client_for, officer_fr, inbound_fr, case_fr, ncb_fr, django_capture_on_commit_callbacks
):
    # given another French case already knows the phone +44 20 7946 0123
    other = Case.objects.create(
        owner_ncb=ncb_fr,
        reference="FR-2026-990001",
        title="Earlier coach case (test)",
        offence_type="THB",
        created_by=officer_fr,
    )
    known = PersonFactory(case=other, family_name="KNOWN-TEST")
    PersonPhoneFactory(person=known, number="+442079460123")
    client = client_for(officer_fr)

    # when the message is accepted into the case, importing the phone
    with django_capture_on_commit_callbacks():
        response = client.post(
            url("inbound_accept", inbound_fr),
            {"destination": "existing", "case": str(case_fr.public_id), "import_refs": ["C1"]},
        )

    # then the flash counts the match, and the page shows the other case
    assert response.status_code == 302
    inbound_fr.refresh_from_db()
    assert inbound_fr.case == case_fr
    page = client.get(url("inbound", inbound_fr)).content.decode()
    assert "FR-2026-990001" in page


def test_accept_into_an_existing_case_needs_the_case(client_for, officer_fr, inbound_fr):
    # when
    response = client_for(officer_fr).post(
        url("inbound_accept", inbound_fr), {"destination": "existing"}
    )

    # then
    assert response.status_code == 400
    assert response.context["accept_form"].errors["case"]
    inbound_fr.refresh_from_db()
    assert inbound_fr.status == InboundStatus.TRIAGE


def test_a_case_of_another_ncb_is_not_a_choice(client_for, officer_fr, inbound_fr, case_de):
    # when
    response = client_for(officer_fr).post(
        url("inbound_accept", inbound_fr),
        {"destination": "existing", "case": str(case_de.public_id)},
    )

    # then
    assert response.status_code == 400
    assert response.context["accept_form"].errors["case"]


def test_reject_with_reasons(
    client_for, officer_fr, inbound_fr, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks():
        response = client_for(officer_fr).post(
            url("inbound_reject", inbound_fr),
            {"reasons": ["NOT_COMPETENT"], "comment": "Not our jurisdiction (test)."},
        )

    # then
    assert response.status_code == 302
    inbound_fr.refresh_from_db()
    assert inbound_fr.status == InboundStatus.REJECTED
    assert inbound_fr.rejection_reasons == ["NOT_COMPETENT"]


def test_reject_needs_a_reason(client_for, officer_fr, inbound_fr):
    # when
    response = client_for(officer_fr).post(url("inbound_reject", inbound_fr), {"comment": ""})

    # then
    assert response.status_code == 400
    assert response.context["reject_form"].errors["reasons"]


def test_other_reason_needs_a_comment(client_for, officer_fr, inbound_fr):
    # when
    response = client_for(officer_fr).post(
        url("inbound_reject", inbound_fr), {"reasons": ["OTHER"]}
    )

    # then
    assert response.status_code == 400
    assert response.context["reject_form"].errors["comment"]


def test_analyst_may_not_triage(client_for, analyst_fr, inbound_fr):
    # when
    response = client_for(analyst_fr).post(
        url("inbound_reject", inbound_fr), {"reasons": ["NOT_COMPETENT"]}
    )

    # then
    assert response.status_code == 403
    inbound_fr.refresh_from_db()
    assert inbound_fr.status == InboundStatus.TRIAGE


@pytest.mark.parametrize(
    "action", ["inbound_accept", "inbound_reject", "inbound_reply", "inbound_follow_up"]
)
def test_other_ncb_gets_404_for_triage(client_for, officer_de, inbound_fr, action):
    # when
    response = client_for(officer_de).post(url(action, inbound_fr), {"reasons": ["OTHER"]})

    # then
    assert response.status_code == 404


def test_reply_to_a_request(
    client_for, officer_fr, inbound_fr, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks():
        response = client_for(officer_fr).post(url("inbound_reply", inbound_fr))

    # then a REPLY of France to Germany is being composed, and opens in the editor
    reply = HSTMessage.objects.get(message_type=MessageType.REPLY)
    assert response.status_code == 302
    assert response["Location"] == reverse("messages_hst:edit", args=[reply.message_id])
    assert reply.sender_ncb.code == "FR"
    assert reply.in_reply_to == inbound_fr.message_id
    assert reply.status in (MessageStatus.COMPOSING, MessageStatus.DRAFT)


def test_no_reply_offered_for_an_info(client_for, officer_fr, ncb_fr, ncb_de):
    # given an INFO received
    inbound = received(
        ncb_fr,
        ncb_de,
        message_type=MessageType.INFO,
        document=hst_document(
            message_id="8e0b6a43-70f5-4c5b-8a3e-3f1b22d4c001",
            sender_ncb=ncb_de,
            recipients=("FR",),
        ),
    )

    # when
    page = client_for(officer_fr).get(url("inbound", inbound)).content.decode()

    # then
    assert url("inbound_reply", inbound) not in page


def test_follow_up_of_a_received_message_offers_update_and_close_only(
    client_for, officer_fr, inbound_fr
):
    # when
    page = client_for(officer_fr).get(url("inbound", inbound_fr)).content.decode()

    # then
    assert url("inbound_follow_up", inbound_fr) in page
    assert 'value="UPDATE"' in page
    assert 'value="CLOSE"' in page
    assert 'value="CANCEL"' not in page


def test_update_after_a_received_message_goes_to_its_sender(
    client_for, officer_fr, inbound_fr, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks():
        response = client_for(officer_fr).post(
            url("inbound_follow_up", inbound_fr), {"message_type": "UPDATE"}
        )

    # then an UPDATE of France to Germany opens in the editor
    update = HSTMessage.objects.get(message_type=MessageType.UPDATE)
    assert response.status_code == 302
    assert response["Location"] == reverse("messages_hst:edit", args=[update.message_id])
    assert update.sender_ncb.code == "FR"
    assert [r["ncb_code"] for r in update.document["recipients"]] == ["DE"]


def test_a_received_message_cannot_be_cancelled(client_for, officer_fr, inbound_fr):
    # when
    response = client_for(officer_fr).post(
        url("inbound_follow_up", inbound_fr), {"message_type": "CANCEL"}
    )

    # then
    assert response.status_code == 400
    assert response.context["follow_up_form"].errors["message_type"]


def test_analyst_may_not_follow_up(client_for, analyst_fr, inbound_fr):
    # when
    response = client_for(analyst_fr).post(
        url("inbound_follow_up", inbound_fr), {"message_type": "UPDATE"}
    )

    # then
    assert response.status_code == 403
    assert not HSTMessage.objects.exists()


def test_no_follow_up_of_a_quarantined_message(client_for, officer_fr, ncb_fr, ncb_de):
    # given
    inbound = received(ncb_fr, ncb_de, status=InboundStatus.QUARANTINED)

    # when
    page = client_for(officer_fr).get(url("inbound", inbound)).content.decode()

    # then
    assert url("inbound_follow_up", inbound) not in page
