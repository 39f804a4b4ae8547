"""Rows for the message pages' tests: messages of France in each state (about `case_fr`, the
French case of `tests/messages_hst/conftest.py`), a message France received from Germany, a
German case. Built with the model-level factories
(`tests.messages_hst.factories`) so that a page is tested without the pipeline behind it."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from messages_hst.choices import (
    DeliveryStatus,
    InboundStatus,
    MessageStatus,
    MessageType,
    SignatureStatus,
)
from messages_hst.models import DeliveryAttempt
from tests.factories import CaseFactory
from tests.messages_hst.factories import (
    DeliveryFactory,
    HSTMessageFactory,
    InboundMessageFactory,
    hst_document,
)

DIGEST = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"
VICTIM_NAME = "NAMEOFVICTIM-TEST"


@pytest.fixture
def case_de(ncb_de, officer_de):
    return CaseFactory(owner_ncb=ncb_de, created_by=officer_de)


def draft_of(ncb, author, *, case=None, status=MessageStatus.DRAFT, **fields):
    """A message of `ncb` written by `author` in `status`, addressed to DE."""
    return HSTMessageFactory(sender_ncb=ncb, created_by=author, case=case, status=status, **fields)


@pytest.fixture
def draft_fr(ncb_fr, ncb_de, officer_fr, case_fr):
    return draft_of(ncb_fr, officer_fr, case=case_fr)


@pytest.fixture
def pending_fr(ncb_fr, ncb_de, officer_fr, case_fr):
    return draft_of(
        ncb_fr,
        officer_fr,
        case=case_fr,
        status=MessageStatus.PENDING_APPROVAL,
        submitted_by=officer_fr,
        submitted_at=timezone.now(),
    )


def sent_message(ncb, author, approver, *, case=None, recipients=(), **fields):
    """A DISPATCHED message with its signature facts and one delivery per recipient NCB."""
    message = draft_of(
        ncb,
        author,
        case=case,
        status=MessageStatus.DISPATCHED,
        submitted_by=author,
        submitted_at=timezone.now(),
        approved_by=approver,
        approved_at=timezone.now(),
        digest=DIGEST,
        kid="a1b2c3d4e5f60718",
        rendering="INTERPOL RESTRICTED\nHST REQUEST\n(test rendering)\n",
        signed_at=timezone.now(),
        **fields,
    )
    for recipient in recipients:
        DeliveryFactory(message=message, recipient_ncb=recipient)
    return message


@pytest.fixture
def sent_fr(ncb_fr, ncb_de, officer_fr, supervisor_fr, case_fr):
    return sent_message(ncb_fr, officer_fr, supervisor_fr, case=case_fr, recipients=[ncb_de])


def deliver(delivery, *, digest=DIGEST):
    """Mark `delivery` DELIVERED with a verified receipt, after one failed attempt."""
    now = timezone.now()
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=1,
        started_at=now - dt.timedelta(minutes=2),
        finished_at=now - dt.timedelta(minutes=2),
        outcome="TRANSIENT",
        http_status=503,
        detail="Service unavailable",
    )
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=2,
        started_at=now,
        finished_at=now,
        outcome="DELIVERED",
        http_status=201,
    )
    delivery.status = DeliveryStatus.DELIVERED
    delivery.attempts = 2
    delivery.delivered_at = now
    delivery.receipt_signature = SignatureStatus.OK
    delivery.receipt = {
        "message_type": "RECEIPT",
        "signature": {"alg": "EdDSA", "kid": "0f0e0d0c0b0a0908", "value": "test"},
        "body": {
            "receipt": {
                "ref_message_id": str(delivery.message.message_id),
                "received_digest": digest,
                "received_at": now.isoformat(),
                "signature_valid": True,
                "schema_valid": True,
            }
        },
    }
    delivery.save()
    return delivery


def with_named_victim(document: dict) -> dict:
    """`document` whose victim P2 carries a name (composed with the identity permission)."""
    for person in document["body"]["persons"]:
        if person["ref"] == "P2":
            person["family_name"] = VICTIM_NAME
            person["forenames"] = "Ana"
    return document


def received(recipient, sender, *, status=InboundStatus.TRIAGE, case=None, **fields):
    """A REQUEST `recipient` received from `sender` that passed the checks (`fields`
    override the row's fields)."""
    message_id = fields.pop("message_id", uuid.uuid4())
    row = {
        "recipient_ncb": recipient,
        "sender_ncb": sender,
        "sender_code": sender.code,
        "message_id": message_id,
        "status": status,
        "signature_status": SignatureStatus.OK,
        "kid": "0f0e0d0c0b0a0908",
        "document": hst_document(
            message_id=message_id, sender_ncb=sender, recipients=(recipient.code,)
        ),
        "message_type": MessageType.REQUEST,
        "priority": "URGENT",
        "subject": "Identify the driver of a coach (received, test)",
        "case": case,
    }
    row.update(fields)
    return InboundMessageFactory(**row)


@pytest.fixture
def inbound_fr(ncb_fr, ncb_de):
    """A REQUEST France received from Germany, awaiting triage."""
    return received(ncb_fr, ncb_de)
