"""Fixtures of the message API tests: a French case, messages of France in each state, URLs."""

import datetime as dt

import pytest
from django.utils import timezone

from messages_hst.choices import DeliveryStatus, MessageStatus
from messages_hst.pipeline.scheduling import sign_message_once
from tests.evidence.factories import open_case
from tests.messages_hst.factories import DeliveryFactory, HSTMessageFactory

VICTIM_NAME = "OKAFOR-TEST"


@pytest.fixture
def case_fr(officer_fr, ncb_de):
    """A French case opened by officer_fr through the case service, who therefore holds its
    victim-identity permission (and nobody else does). Overrides the authoring tests'
    `case_fr`, a factory row nobody holds that permission on."""
    return open_case(officer_fr)


@pytest.fixture
def draft_fr(officer_fr, case_fr):
    """A valid DRAFT REQUEST from France to Germany about case_fr, written by officer_fr."""
    return HSTMessageFactory(
        sender_ncb=officer_fr.officer.ncb, created_by=officer_fr, case=case_fr
    )


@pytest.fixture
def pending_fr(draft_fr, officer_fr):
    """draft_fr submitted by officer_fr: awaiting a supervisor's approval."""
    draft_fr.status = MessageStatus.PENDING_APPROVAL
    draft_fr.submitted_by = officer_fr
    draft_fr.submitted_at = timezone.now()
    draft_fr.save()
    return draft_fr


@pytest.fixture
def sent_fr(officer_fr, supervisor_fr, case_fr, ncb_de):
    """A REQUEST of France approved by supervisor_fr, signed and dispatched: its German
    delivery is DEAD after three failed attempts."""
    message = HSTMessageFactory(
        sender_ncb=officer_fr.officer.ncb,
        created_by=officer_fr,
        case=case_fr,
        status=MessageStatus.DISPATCHED,
        submitted_by=officer_fr,
        approved_by=supervisor_fr,
        approved_at=timezone.now(),
    )
    # Signed as the pipeline signs: bytes, digest, key id, rendering, time.
    message.save(update_fields=sign_message_once(message, timezone.now()))
    DeliveryFactory(
        message=message,
        recipient_ncb=ncb_de,
        status=DeliveryStatus.DEAD,
        attempts=3,
        deadline_at=timezone.now() - dt.timedelta(minutes=1),
        last_error="connection refused",
    )
    return message


def named_victim(document: dict) -> dict:
    """`document` whose victim P2 is named (as a composer with the permission may do)."""
    for person in document["body"]["persons"]:
        if person["ref"] == "P2":
            person.update(
                family_name=VICTIM_NAME, forenames="Blessing", date_of_birth="1999-07-02"
            )
    return document


@pytest.fixture
def message_url():
    """`message_url(message, "deliveries")` → /api/v1/messages/<message id>/deliveries/."""

    def make(message=None, *parts):
        segments = [str(message.message_id)] if message is not None else []
        return "/".join(["/api/v1/messages", *segments, *parts, ""])

    return make
