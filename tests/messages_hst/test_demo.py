"""The messages part of `manage.py seed_demo` (messages_hst/demo.py): a real, signed exchange."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from messages_hst import signing
from messages_hst.choices import DeliveryStatus, InboundStatus, MessageStatus, SignatureStatus
from messages_hst.demo import DEMO_MESSAGES, seed_messages_demo
from messages_hst.models import HSTMessage, InboundMessage, TrackedRequest
from ncb_cases import keys

pytestmark = pytest.mark.django_db

PASSWORD = "demo-Password-42"


@pytest.fixture(autouse=True)
def demo_var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", "--password", PASSWORD, stdout=out)
    return out.getvalue()


def test_seed_demo_exchanges_signed_messages_between_the_demo_ncbs_once():
    # when
    output = seed_demo()

    # then: one message of each demo, in the state the demo promises
    assert f"Demo messages: {len(DEMO_MESSAGES)} created" in output
    by_subject = {message.subject: message for message in HSTMessage.objects.all()}
    request, info, alert = (by_subject[demo.subject] for demo in DEMO_MESSAGES)
    assert request.status == MessageStatus.DISPATCHED
    assert request.approved_by.username == "supervisor_fr"
    assert request.created_by.username == "officer_fr"
    assert info.status == MessageStatus.PENDING_APPROVAL
    assert alert.status == MessageStatus.DRAFT

    # then: the request reached DE and IT, each with a verified signed receipt
    deliveries = list(request.deliveries.select_related("recipient_ncb"))
    assert {d.recipient_ncb.code for d in deliveries} == {"DE", "IT"}
    assert {d.status for d in deliveries} == {DeliveryStatus.DELIVERED}
    assert {d.receipt_signature for d in deliveries} == {SignatureStatus.OK}
    inbound = InboundMessage.objects.filter(message_id=request.message_id)
    assert {i.status for i in inbound} == {InboundStatus.TRIAGE}
    assert {i.signature_status for i in inbound} == {SignatureStatus.OK}
    signed = signing.verify_message(
        json.loads(bytes(request.signed_bytes)),
        {keys.signing_key_id(): keys.signing_public_key()},
    )
    assert signed.ok

    # then: FR follows its two request items, DE and IT each owe them
    assert TrackedRequest.objects.filter(ncb__code="FR", direction="SENT").count() == 2
    assert TrackedRequest.objects.filter(ncb__code="DE", direction="RECEIVED").count() == 2

    # when: seeded again (one test: seeding the whole demo costs seconds)
    counts = (HSTMessage.objects.count(), InboundMessage.objects.count())
    report = seed_messages_demo()

    # then: nothing added
    assert (report.created, report.present) == (0, len(DEMO_MESSAGES))
    assert (HSTMessage.objects.count(), InboundMessage.objects.count()) == counts
