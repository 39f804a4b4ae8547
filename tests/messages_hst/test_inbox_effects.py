"""Effects of received messages by type (`messages_hst.inbox.effects`): a gateway's RECEIPT
delivers, a RESPONSE answers our delivery, a CANCEL / CORRECTION flags what it supersedes."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from messages_hst import keys, signing
from messages_hst.choices import DeliveryStatus, InboundStatus, MessageStatus
from messages_hst.inbox import inbox_receive
from messages_hst.models import InboundMessage, TrackedRequest
from ncb_cases.canonical import canonical_json_bytes
from tests.messages_hst import examples
from tests.messages_hst.factories import DeliveryFactory, HSTMessageFactory, hst_document

pytestmark = pytest.mark.django_db


def addressed(document: dict, *, sender, recipient: str) -> dict:
    """`document` re-addressed from `sender` (an NCB) to `recipient`, with a fresh id, now."""
    document["message_id"] = str(uuid.uuid4())
    document["created_at"] = timezone.now().replace(microsecond=0).isoformat()[:19] + "Z"
    document["sender"] = {
        "ncb_code": sender.code,
        "ncb_name": sender.name,
        "country": sender.country.iso2,
    }
    document["recipients"] = [{"ncb_code": recipient, "role": "TO"}]
    review_on = (timezone.now().date() + dt.timedelta(days=365)).isoformat()
    document["handling"]["retention"] = {"review_on": review_on}
    return document


def receive(document: dict, recipient: str):
    raw = canonical_json_bytes(keys.sign_as_instance(document))
    return inbox_receive(raw=raw, recipient_code=recipient, transport="local", remote_addr=None)


@pytest.fixture
def sent_to_de(officer_fr, ncb_de):
    """FR's dispatched REQUEST and its delivery to DE through the gateway, awaiting the receipt."""
    message = HSTMessageFactory(
        sender_ncb=officer_fr.officer.ncb, created_by=officer_fr, status=MessageStatus.DISPATCHED
    )
    signed = keys.sign_as_instance(message.document)
    message.signed_bytes = canonical_json_bytes(signed)
    message.digest = signing.message_digest(signed)
    message.save()
    return DeliveryFactory(
        message=message,
        recipient_ncb=ncb_de,
        transport="gateway",
        status=DeliveryStatus.AWAITING_RECEIPT,
    )


def receipt_from_de(delivery, ncb_de, *, digest=None) -> dict:
    document = addressed(examples.receipt_message(), sender=ncb_de, recipient="FR")
    document["body"]["receipt"].update(
        ref_message_id=str(delivery.message.message_id),
        received_digest=digest or delivery.message.digest,
        received_at=document["created_at"],
    )
    return document


def test_gateway_receipt_marks_the_delivery_delivered(sent_to_de, ncb_de):
    # when DE's RECEIPT for our message arrives in FR's inbox
    outcome = receive(receipt_from_de(sent_to_de, ncb_de), "FR")

    # then it is processed automatically and the delivery is DELIVERED with the receipt kept
    assert outcome.http_status == 201, outcome.problems
    assert outcome.inbound.status == InboundStatus.PROCESSED
    sent_to_de.refresh_from_db()
    assert sent_to_de.status == DeliveryStatus.DELIVERED
    assert bytes(sent_to_de.receipt_bytes) == bytes(outcome.inbound.raw_body)
    assert sent_to_de.receipt_signature == "ok"
    assert sent_to_de.delivered_at is not None


def test_receipt_for_other_bytes_leaves_the_delivery_and_is_noted(sent_to_de, ncb_de):
    outcome = receive(receipt_from_de(sent_to_de, ncb_de, digest="0" * 64), "FR")
    sent_to_de.refresh_from_db()
    assert sent_to_de.status == DeliveryStatus.AWAITING_RECEIPT
    assert "receipt_digest_mismatch" in {p["code"] for p in outcome.inbound.problems}


def test_receipt_from_another_ncb_than_the_recipient_changes_nothing(sent_to_de, ncb_fr, ncb_de):
    # given a receipt "from FR itself" for the delivery to DE
    document = receipt_from_de(sent_to_de, ncb_de)
    document["sender"] = {"ncb_code": "FR", "ncb_name": ncb_fr.name, "country": "FR"}
    document["recipients"] = [{"ncb_code": "DE", "role": "TO"}]

    # when DE's inbox gets it, nothing of FR's delivery is touched
    receive(document, "DE")
    sent_to_de.refresh_from_db()
    assert sent_to_de.status == DeliveryStatus.AWAITING_RECEIPT


@pytest.mark.parametrize(
    ("outcome", "reasons", "status"),
    [
        ("ACCEPTED_MANUAL", None, DeliveryStatus.ACCEPTED),
        ("REJECTED", ["NOT_COMPETENT"], DeliveryStatus.REJECTED),
    ],
)
def test_response_records_the_answer_on_the_delivery(sent_to_de, ncb_de, outcome, reasons, status):
    # given the delivery DELIVERED
    sent_to_de.status = DeliveryStatus.DELIVERED
    sent_to_de.save()
    document = addressed(examples.response_message(), sender=ncb_de, recipient="FR")
    document["body"]["response"] = {
        "ref_message_id": str(sent_to_de.message.message_id),
        "outcome": outcome,
        "comment": "Linked to our case (test).",
    }
    if reasons:
        document["body"]["response"]["reason_codes"] = reasons

    # when DE's RESPONSE arrives
    received = receive(document, "FR")

    # then the delivery holds the answer
    assert received.http_status == 201, received.problems
    sent_to_de.refresh_from_db()
    assert sent_to_de.status == status
    assert sent_to_de.response_outcome == outcome
    assert sent_to_de.response_reasons == (reasons or [])
    assert sent_to_de.response_comment == "Linked to our case (test)."
    assert sent_to_de.responded_at is not None


def test_cancel_flags_the_cancelled_message_and_withdraws_its_requests(ncb_fr, ncb_de):
    # given FR's REQUEST received by DE, its items owed
    request = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    assert receive(request, "DE").http_status == 201
    assert TrackedRequest.objects.filter(ncb=ncb_de).count() == 2
    cancel = addressed(examples.cancel_message(), sender=ncb_fr, recipient="DE")
    cancel["case"] = request["case"]
    cancel["thread"] = {"supersedes": request["message_id"]}

    # when FR cancels it
    outcome = receive(cancel, "DE")

    # then the CANCEL awaits triage, the REQUEST is kept and flagged, nothing is owed any more
    assert outcome.http_status == 201, outcome.problems
    assert outcome.inbound.status == InboundStatus.TRIAGE
    original = InboundMessage.objects.get(message_id=request["message_id"])
    flags = [p for p in original.problems if p["code"] == "cancelled"]
    assert len(flags) == 1
    assert "DISREGARD" in flags[0]["message"]
    assert not TrackedRequest.objects.filter(ncb=ncb_de).exists()


def test_correction_flags_the_corrected_message(ncb_fr, ncb_de):
    request = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    receive(request, "DE")
    correction = addressed(examples.correction_message(), sender=ncb_fr, recipient="DE")
    correction["case"] = request["case"]
    correction["thread"] = {"supersedes": request["message_id"]}
    assert receive(correction, "DE").http_status == 201
    original = InboundMessage.objects.get(message_id=request["message_id"])
    assert "corrected" in {p["code"] for p in original.problems}


def test_reminder_notes_when_we_were_reminded_of_the_items_it_names(ncb_fr, ncb_de):
    # given FR's REQUEST received by DE, items R1 and R2 owed
    request = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))
    receive(request, "DE")
    reminder = addressed(examples.reminder_message(), sender=ncb_fr, recipient="DE")
    reminder["case"] = request["case"]
    reminder["thread"] = {"in_reply_to": request["message_id"]}

    # when FR's REMINDER for R2 arrives
    outcome = receive(reminder, "DE")

    # then R2 notes the reminder, R1 does not
    assert outcome.http_status == 201, outcome.problems
    reminded = dict(TrackedRequest.objects.values_list("request_ref", "reminded_at"))
    assert reminded["R2"] is not None
    assert reminded["R1"] is None
