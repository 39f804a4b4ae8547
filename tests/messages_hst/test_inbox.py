"""The inbox service (`messages_hst.inbox.inbox_receive`): bytes first, dedupe, signature,
validation, the signed RECEIPT, and the refusals of issue 5's "Bad input"."""

import hashlib
import json
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contacts.choices import MessageTransport
from contacts.models import Notification
from messages_hst import keys, signing
from messages_hst.choices import InboundStatus, RequestDirection, SignatureStatus
from messages_hst.inbox import InboxOutcome, inbox_receive
from messages_hst.models import InboundMessage, TrackedRequest
from messages_hst.validation import validate_message
from ncb_cases.canonical import canonical_json_bytes
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.factories import CaseFactory
from tests.messages_hst.factories import hst_document

pytestmark = pytest.mark.django_db


def signed_bytes(document: dict) -> bytes:
    return canonical_json_bytes(keys.sign_as_instance(document))


@pytest.fixture
def request_from_fr(ncb_fr, ncb_de):
    """A REQUEST from FR to DE, both hosted here, signed with the instance key."""
    return hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",))


def receive(raw: bytes, recipient_code: str | None = "DE") -> InboxOutcome:
    return inbox_receive(raw=raw, recipient_code=recipient_code, transport="peer",
                         remote_addr="192.0.2.10")  # fmt: skip


def test_valid_message_is_stored_receipted_and_queued_for_triage(request_from_fr, ncb_de):
    # given a signed, valid REQUEST for DE
    raw = signed_bytes(request_from_fr)

    # when the inbox receives it
    outcome = receive(raw)

    # then it answers 201 with a signed RECEIPT, and the row holds the exact bytes
    assert outcome.http_status == 201
    assert outcome.problems == []
    inbound = InboundMessage.objects.get()
    assert bytes(inbound.raw_body) == raw
    assert inbound.raw_sha256 == hashlib.sha256(raw).hexdigest()
    assert inbound.status == InboundStatus.TRIAGE
    assert inbound.signature_status == SignatureStatus.OK
    assert inbound.recipient_ncb == ncb_de
    assert inbound.sender_code == "FR"
    assert str(inbound.message_id) == request_from_fr["message_id"]
    assert inbound.message_type == "REQUEST"
    assert str(inbound.remote_addr) == "192.0.2.10"
    assert bytes(inbound.receipt_bytes) == outcome.receipt_bytes


def test_the_stored_document_is_the_body_as_received_whatever_its_layout(request_from_fr):
    # given a signed REQUEST with accented and Arabic text, posted indented and with \u escapes
    # (not canonical: the signature is over the canonical form, so it still verifies)
    request_from_fr["subject"] = "Réseau présumé — شبكة (fictitious)"
    signed = keys.sign_as_instance(request_from_fr)
    raw = json.dumps(signed, indent=2, ensure_ascii=True).encode()

    # when the inbox receives it
    outcome = receive(raw)

    # then the row's document is that JSON, parsed (by the database on PostgreSQL)
    assert outcome.http_status == 201
    inbound = InboundMessage.objects.get()
    assert inbound.document == json.loads(raw) == signed
    assert inbound.subject == "Réseau présumé — شبكة (fictitious)"


def test_receipt_is_a_valid_message_signed_by_the_recipient(request_from_fr, ncb_de):
    # given a received REQUEST
    raw = signed_bytes(request_from_fr)

    # when the inbox answers
    receipt = json.loads(receive(raw).receipt_bytes)

    # then the receipt is a valid RECEIPT from DE to FR naming the message and its digest
    assert receipt["message_type"] == "RECEIPT"
    assert receipt["sender"]["ncb_code"] == "DE"
    assert receipt["recipients"] == [{"ncb_code": "FR", "role": "TO"}]
    body = receipt["body"]["receipt"]
    assert body["ref_message_id"] == request_from_fr["message_id"]
    assert body["received_digest"] == hashlib.sha256(raw).hexdigest()
    assert body["signature_valid"] is True
    assert body["schema_valid"] is True
    assert signing.verify_message(receipt, keys.sender_keyring(ncb_de)).ok
    assert [p for p in validate_message(receipt) if p.severity == "error"] == []
    assert canonical_json_bytes(receipt) == receive(raw).receipt_bytes


def test_same_bytes_twice_replays_the_identical_receipt(request_from_fr):
    # given a message already received
    raw = signed_bytes(request_from_fr)
    first = receive(raw)

    # when the same bytes arrive again
    second = receive(raw)

    # then one row, and the second answer is 200 with byte-identical receipt
    assert second.http_status == 200
    assert second.receipt_bytes == first.receipt_bytes
    assert InboundMessage.objects.count() == 1


def test_other_body_under_a_known_id_is_a_conflict_with_alert(
    request_from_fr, supervisor_de, officer_de, caplog
):
    # given a message already received
    receive(signed_bytes(request_from_fr))
    altered = dict(request_from_fr, subject="Another subject under the same id (test)")

    # when another body arrives under the same id
    outcome = receive(signed_bytes(altered))

    # then 409, a CONFLICT row kept beside the original, and DE's supervisor is alerted
    assert outcome.http_status == 409
    assert outcome.problems[0]["code"] == "duplicate_conflict"
    conflict = InboundMessage.objects.get(status=InboundStatus.CONFLICT)
    assert conflict.is_original is False
    assert bytes(conflict.raw_body) == signed_bytes(altered)
    assert InboundMessage.objects.filter(is_original=True).count() == 1
    alert = Notification.objects.get()
    assert alert.recipient == supervisor_de
    assert "Another subject" not in alert.body
    # and the log says what happened without the content
    assert "security alert" in caplog.text
    assert "Another subject" not in caplog.text


def test_the_same_conflicting_bytes_again_are_kept_and_alerted_once(
    request_from_fr, supervisor_de
):
    # given a conflict already recorded
    receive(signed_bytes(request_from_fr))
    altered = signed_bytes(dict(request_from_fr, subject="Conflicting copy (test)"))
    receive(altered)

    # when the same conflicting bytes come again
    outcome = receive(altered)

    # then 409 again, but no second row and no second alert
    assert outcome.http_status == 409
    assert InboundMessage.objects.filter(status=InboundStatus.CONFLICT).count() == 1
    assert Notification.objects.count() == 1


def test_malformed_json_is_kept_and_refused_with_400(ncb_de):
    # given bytes that are not JSON
    raw = b'{"message_id": "not finished'

    # when the inbox receives them for DE
    outcome = receive(raw)

    # then 400 names the problem, and the bytes are kept with sender and id unknown
    assert outcome.http_status == 400
    assert outcome.problems[0]["code"] == "malformed_json"
    inbound = InboundMessage.objects.get()
    assert bytes(inbound.raw_body) == raw
    assert inbound.status == InboundStatus.QUARANTINED
    assert inbound.sender_code == ""
    assert inbound.message_id is None


def test_repeated_member_names_are_malformed(ncb_de):
    outcome = receive(b'{"subject": "a", "subject": "b"}')
    assert outcome.http_status == 400
    assert "repeats a member" in outcome.problems[0]["message"]


def test_json_that_is_not_an_object_is_refused(ncb_de):
    outcome = receive(b"[1, 2]")
    assert outcome.http_status == 400
    assert outcome.problems[0]["code"] == "not_an_object"


def test_oversized_body_is_413_and_only_the_limit_is_kept(request_from_fr, settings):
    # given a limit smaller than the message
    settings.HST_INBOX_MAX_BYTES = 100
    raw = signed_bytes(request_from_fr)

    # when it arrives
    outcome = receive(raw)

    # then 413, and what is kept is bounded by the limit
    assert outcome.http_status == 413
    assert outcome.problems[0]["code"] == "body_too_large"
    assert outcome.inbound.byte_size == 101


def test_unsigned_message_is_quarantined_with_403(request_from_fr):
    outcome = receive(canonical_json_bytes(request_from_fr))
    assert outcome.http_status == 403
    assert outcome.problems[0]["code"] == "signature_missing"
    assert outcome.inbound.status == InboundStatus.QUARANTINED
    assert outcome.receipt_bytes is None


def test_unknown_key_is_quarantined_with_403_and_alert(request_from_fr, ncb_fr, supervisor_de):
    # given FR served by a peer instance whose key is not registered here
    ncb_fr.transport = MessageTransport.PEER
    ncb_fr.save()
    raw = signed_bytes(request_from_fr)

    # when its message arrives
    outcome = receive(raw)

    # then 403 unknown key, quarantined, and DE's supervisor alerted
    assert outcome.http_status == 403
    assert outcome.problems[0]["code"] == "signature_unknown_key"
    assert outcome.inbound.signature_status == SignatureStatus.UNKNOWN_KEY
    assert Notification.objects.filter(recipient=supervisor_de).count() == 1


def test_altered_body_fails_the_signature(request_from_fr, supervisor_de):
    # given a signed message altered in transit
    signed = keys.sign_as_instance(request_from_fr)
    signed["subject"] = "Altered in transit (test)"

    # when it arrives
    outcome = receive(canonical_json_bytes(signed))

    # then 403 bad signature, quarantined, alert raised
    assert outcome.http_status == 403
    assert outcome.problems[0]["code"] == "signature_bad"
    assert Notification.objects.filter(recipient=supervisor_de).exists()


def test_message_signed_by_another_key_is_refused(request_from_fr):
    signed = signing.sign_message(request_from_fr, Ed25519PrivateKey.generate())
    outcome = receive(canonical_json_bytes(signed))
    assert outcome.http_status == 403
    assert outcome.problems[0]["code"] == "signature_unknown_key"


def test_schema_violation_is_quarantined_with_400_and_every_problem(request_from_fr):
    # given a signed message missing its subject and with a bad priority
    del request_from_fr["subject"]
    request_from_fr["priority"] = "WHENEVER"

    # when it arrives
    outcome = receive(signed_bytes(request_from_fr))

    # then 400 lists both problems
    assert outcome.http_status == 400
    paths = {p["path"] for p in outcome.problems}
    assert {"/priority"} <= paths
    assert any("subject" in p["message"] or p["path"] == "/subject" for p in outcome.problems)
    assert outcome.inbound.status == InboundStatus.QUARANTINED


def test_unknown_recipient_is_404_and_the_bytes_are_kept(request_from_fr):
    # when a message arrives for an NCB not hosted here
    raw = signed_bytes(request_from_fr)
    outcome = receive(raw, recipient_code="zz")

    # then 404, and the bytes are kept without recipient, the named code noted
    assert outcome.http_status == 404
    assert outcome.problems[0]["code"] == "unknown_recipient"
    inbound = InboundMessage.objects.get()
    assert inbound.recipient_ncb is None
    assert inbound.recipient_code == "ZZ"
    assert bytes(inbound.raw_body) == raw


def test_malformed_body_without_any_recipient_is_still_kept(db):
    outcome = receive(b"\x00garbage", recipient_code=None)
    assert outcome.http_status == 400
    assert bytes(InboundMessage.objects.get().raw_body) == b"\x00garbage"


def test_recipient_not_hosted_here_is_404(request_from_fr, ncb_de):
    ncb_de.transport = MessageTransport.PEER
    ncb_de.save()
    outcome = receive(signed_bytes(request_from_fr), recipient_code=None)
    assert outcome.http_status == 404


def test_without_header_the_single_hosted_recipient_is_taken(request_from_fr, ncb_de):
    outcome = receive(signed_bytes(request_from_fr), recipient_code=None)
    assert outcome.http_status == 201
    assert outcome.inbound.recipient_ncb == ncb_de


def test_header_naming_a_hosted_ncb_not_addressed_is_400(request_from_fr, ncb_fr):
    outcome = receive(signed_bytes(request_from_fr), recipient_code="FR")
    assert outcome.http_status == 400
    assert "not_addressed_here" in {p["code"] for p in outcome.problems}


def test_quarantined_message_is_checked_again_when_resent(request_from_fr, ncb_fr):
    # given FR's message quarantined because FR was a peer with no registered key
    ncb_fr.transport = MessageTransport.PEER
    ncb_fr.save()
    raw = signed_bytes(request_from_fr)
    assert receive(raw).http_status == 403

    # when the key is known (FR hosted here again) and the same bytes are resent
    ncb_fr.transport = MessageTransport.LOCAL
    ncb_fr.save()
    outcome = receive(raw)

    # then the message is accepted, still one row
    assert outcome.http_status == 201
    assert InboundMessage.objects.count() == 1


def test_verified_body_replaces_an_unverified_one_under_the_same_id(request_from_fr):
    # given a forged body under the id first
    forged = keys.sign_as_instance(request_from_fr)
    forged["subject"] = "Forged (test)"
    assert receive(canonical_json_bytes(forged)).http_status == 403

    # when the genuine message arrives
    outcome = receive(signed_bytes(request_from_fr))

    # then it is accepted; the forged one is kept as a non-original
    assert outcome.http_status == 201
    assert InboundMessage.objects.filter(is_original=False).count() == 1


def test_received_request_is_tracked_and_receipt_audited(request_from_fr, ncb_de):
    # when a REQUEST with two items arrives
    outcome = receive(signed_bytes(request_from_fr))

    # then both items are tracked as owed by DE, and the reception is audited
    items = TrackedRequest.objects.filter(ncb=ncb_de, direction=RequestDirection.RECEIVED)
    assert sorted(items.values_list("request_ref", flat=True)) == ["R1", "R2"]
    event = AuditEvent.objects.get(action=AuditAction.RECEIVE)
    assert event.object_public_id == outcome.inbound.public_id
    assert event.actor is None


def test_a_message_about_the_recipients_own_case_is_linked_to_it(ncb_fr, ncb_de):
    # given a message from FR naming DE's case (FR answers DE's message about it)
    own_case = CaseFactory(owner_ncb=ncb_de)
    document = hst_document(
        message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",), case=own_case
    )
    document["thread"] = {"in_reply_to": str(uuid.uuid4())}

    # when
    outcome = receive(signed_bytes(document))

    # then the message and its reception's audit row belong to that case
    assert outcome.http_status == 201
    assert InboundMessage.objects.get().case == own_case
    assert AuditEvent.objects.get(action=AuditAction.RECEIVE).case == own_case


def test_a_message_starting_a_thread_is_not_looked_up_as_the_recipients_case(
    ncb_fr, ncb_de, django_assert_num_queries
):
    # given a first INFO (no thread) whose case id happens to be one of DE's cases
    own_case = CaseFactory(owner_ncb=ncb_de)
    document = hst_document(
        message_id=uuid.uuid4(),
        sender_ncb=ncb_fr,
        recipients=("DE",),
        case=own_case,
        message_type="INFO",
    )
    document.pop("thread", None)
    raw = signed_bytes(document)
    receive(
        signed_bytes(hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",)))
    )  # fmt: skip  (caches warmed)

    # when / then: (savepoint) the bytes (+ release), (savepoint) the check's UPDATE, the audit
    # row (+ release): no case lookup; the thread's case id is its sender's
    with django_assert_num_queries(7):
        receive(raw)
    assert InboundMessage.objects.get(message_id=document["message_id"]).case is None


def test_a_case_id_of_another_ncbs_case_links_nothing(ncb_fr, ncb_de):
    # given a message naming a case this instance holds for FR, not DE's
    fr_case = CaseFactory(owner_ncb=ncb_fr)
    document = hst_document(
        message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE",), case=fr_case
    )

    # when
    receive(signed_bytes(document))

    # then triage decides: no link to a case DE cannot see
    assert InboundMessage.objects.get().case is None


def test_several_hosted_recipients_without_header_is_400(ncb_fr, ncb_de, srb_europe_bureau):
    # given a message from FR to DE and AT, both hosted here, and no HST-Recipient header
    from tests.factories import CountryFactory, NcbFactory

    NcbFactory(country=CountryFactory(iso2="AT", iso3="AUT", name="Austria", capital="Vienna"))
    document = hst_document(message_id=uuid.uuid4(), sender_ncb=ncb_fr, recipients=("DE", "AT"))

    # when it arrives
    outcome = receive(signed_bytes(document), recipient_code=None)

    # then 400: the sender must say which delivery this is
    assert outcome.http_status == 400
    assert outcome.problems[0]["code"] == "recipient_ambiguous"
    assert InboundMessage.objects.get().recipient_ncb is None
