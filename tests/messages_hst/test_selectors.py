"""`messages_hst.selectors`: who reads which messages, the audited reads, the list costs."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from messages_hst import selectors
from messages_hst.choices import InboundStatus, MessageStatus
from messages_hst.models import DeliveryAttempt, HSTMessage
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.factories import CaseFactory
from tests.messages_hst.factories import (
    DeliveryFactory,
    HSTMessageFactory,
    InboundMessageFactory,
    hst_document,
)

pytestmark = pytest.mark.django_db

NOBODY = ["srb_europe", "user_without_ncb", "admin_user"]
READERS = ["officer_fr", "supervisor_fr", "analyst_fr"]


@pytest.fixture
def message_fr(ncb_fr, ncb_de, officer_fr):
    return HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr)


@pytest.fixture
def message_de(ncb_fr, ncb_de, officer_de):
    return HSTMessageFactory(sender_ncb=ncb_de, created_by=officer_de, recipients=("FR",))


def _inbound(recipient, sender, *, status=InboundStatus.TRIAGE, document=None, **fields):
    message_id = uuid.uuid4()
    document = document or hst_document(
        message_id=message_id, sender_ncb=sender, recipients=(recipient.code,)
    )
    return InboundMessageFactory(
        recipient_ncb=recipient,
        sender_ncb=sender,
        sender_code=sender.code,
        message_id=message_id,
        status=status,
        document=document,
        message_type=document["message_type"],
        subject=document["subject"],
        **fields,
    )


# --- Outgoing messages -----------------------------------------------------------------------


@pytest.mark.parametrize("who", READERS)
def test_readers_of_the_sender_ncb_see_its_messages(request, message_fr, message_de, who):
    user = request.getfixturevalue(who)
    assert list(selectors.message_list_for_user(user=user)) == [message_fr]
    assert selectors.message_get_for_user(user=user, message_id=message_fr.message_id) == (
        message_fr
    )


@pytest.mark.parametrize("who", NOBODY)
def test_monitors_admins_and_users_without_ncb_see_no_message(request, message_fr, who):
    user = request.getfixturevalue(who)
    assert not selectors.message_list_for_user(user=user).exists()
    with pytest.raises(Http404):
        selectors.message_get_for_user(user=user, message_id=message_fr.message_id)


def test_another_ncb_gets_404_for_a_message(message_fr, officer_de):
    with pytest.raises(Http404):
        selectors.message_get_for_user(user=officer_de, message_id=message_fr.message_id)


def test_an_unknown_or_malformed_id_is_404(officer_fr):
    for message_id in (uuid.uuid4(), "not-a-uuid", None):
        with pytest.raises(Http404):
            selectors.message_get_for_user(user=officer_fr, message_id=message_id)


def test_analysts_read_but_may_not_change(message_fr, analyst_fr, officer_fr):
    with pytest.raises(Http404):
        selectors.message_get_for_user(
            user=analyst_fr, message_id=message_fr.message_id, for_change=True
        )
    assert selectors.message_get_for_user(
        user=officer_fr, message_id=message_fr.message_id, for_change=True
    )


def test_the_boxes_split_the_lifecycle(ncb_fr, ncb_de, officer_fr):
    # given one message in each status
    by_status = {
        status: HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr, status=status)
        for status in MessageStatus.values
    }

    # then
    def box(name):
        return {m.status for m in selectors.message_list_for_user(user=officer_fr, box=name)}

    assert box("drafts") == {"COMPOSING", "DRAFT"}
    assert box("approval") == {"PENDING_APPROVAL"}
    assert box("outbox") == {"APPROVED", "QUEUED", "DISPATCHED", "CANCELLED"}
    assert box(None) == set(by_status)


def test_filters_narrow_the_list(ncb_fr, ncb_de, officer_fr):
    # given two messages, one about a case
    case = CaseFactory(owner_ncb=ncb_fr, created_by=officer_fr)
    about_case = HSTMessageFactory(
        sender_ncb=ncb_fr, created_by=officer_fr, case=case, subject="Coach driver (test)"
    )
    HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr, priority="FLASH", subject="Other")

    def listed(**filters):
        return list(selectors.message_list_for_user(user=officer_fr, filters=filters))

    # then
    assert listed(case=str(case.public_id)) == [about_case]
    assert listed(case=case.reference.lower()) == [about_case]
    assert listed(q="coach") == [about_case]
    assert listed(q=str(about_case.message_id)) == [about_case]
    assert listed(priority="URGENT") == [about_case]
    assert listed(message_type="INFO") == []


def test_bad_filters_and_boxes_are_named(officer_fr):
    with pytest.raises(ValidationError) as error:
        selectors.message_list_for_user(
            user=officer_fr, box="trash", filters={"status": "SENT", "colour": "red"}
        )
    assert set(error.value.message_dict) == {"box", "status", "colour"}


@pytest.mark.parametrize("size", [1, 12])
def test_the_message_list_costs_two_queries_whatever_its_size(
    ncb_fr, ncb_de, officer_fr, supervisor_fr, django_assert_num_queries, size
):
    # given messages of several authors and cases
    for _ in range(size):
        case = CaseFactory(owner_ncb=ncb_fr, created_by=officer_fr)
        HSTMessageFactory(
            sender_ncb=ncb_fr, created_by=officer_fr, submitted_by=officer_fr, case=case,
            approved_by=supervisor_fr, status=MessageStatus.QUEUED,
        )  # fmt: skip

    # when the list and what a list page shows of each row are read
    # then: the user's NCB membership, then the rows with everything joined
    with django_assert_num_queries(2):
        rows = [
            (m.sender_ncb.code, m.case.reference, m.created_by.username, m.approved_by.username)
            for m in selectors.message_list_for_user(user=officer_fr, box="outbox")
        ]

    # then
    assert len(rows) == size


def test_reading_a_message_in_detail_is_audited(message_fr, officer_fr):
    # when
    message = selectors.message_detail_for_user(
        user=officer_fr, message_id=message_fr.message_id, ip="192.0.2.10"
    )

    # then one VIEW row names the message, without content
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert message == message_fr
    assert event.object_public_id == message_fr.message_id
    assert event.actor == officer_fr
    assert event.ip == "192.0.2.10"
    assert event.details == {"message_type": "REQUEST", "status": "DRAFT"}


def test_a_refused_detail_read_is_audited_as_denied(message_fr, officer_de):
    with pytest.raises(Http404):
        selectors.message_detail_for_user(user=officer_de, message_id=message_fr.message_id)
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.DENIED
    assert event.actor == officer_de
    assert event.details == {"attempted": AuditAction.VIEW}


# --- Deliveries ------------------------------------------------------------------------------


def test_deliveries_are_listed_with_their_attempts_in_three_queries(
    message_fr, ncb_de, officer_fr, django_assert_num_queries
):
    # given a delivery with two attempts
    from django.utils import timezone

    delivery = DeliveryFactory(message=message_fr, recipient_ncb=ncb_de)
    for number in (1, 2):
        DeliveryAttempt.objects.create(
            delivery=delivery, number=number, started_at=timezone.now(),
            finished_at=timezone.now(), outcome="TRANSIENT",
        )  # fmt: skip

    # when (the user's membership, the deliveries, their attempts)
    with django_assert_num_queries(3):
        rows = [
            (d.recipient_ncb.code, [a.number for a in d.attempt_log.all()])
            for d in selectors.delivery_list_for_message(user=officer_fr, message=message_fr)
        ]

    # then
    assert rows == [("DE", [1, 2])]


def test_deliveries_of_another_ncbs_message_are_hidden(message_fr, ncb_de, officer_de):
    delivery = DeliveryFactory(message=message_fr, recipient_ncb=ncb_de)
    assert not selectors.delivery_list_for_message(user=officer_de, message=message_fr).exists()
    with pytest.raises(Http404):
        selectors.delivery_get_for_user(user=officer_de, delivery_id=delivery.pk)


def test_a_delivery_is_read_by_the_sender_ncb(message_fr, ncb_de, officer_fr, analyst_fr):
    delivery = DeliveryFactory(message=message_fr, recipient_ncb=ncb_de)
    assert selectors.delivery_get_for_user(user=analyst_fr, delivery_id=delivery.pk) == delivery
    with pytest.raises(Http404):
        selectors.delivery_get_for_user(user=analyst_fr, delivery_id=delivery.pk, for_change=True)
    with pytest.raises(Http404):
        selectors.delivery_get_for_user(user=officer_fr, delivery_id="x")


# --- Inbound messages ------------------------------------------------------------------------


@pytest.mark.parametrize("who", READERS)
def test_the_recipient_ncb_reads_what_it_received(request, ncb_fr, ncb_de, who):
    # given a message received by FR and one received by DE
    received = _inbound(ncb_fr, ncb_de)
    _inbound(ncb_de, ncb_fr)
    user = request.getfixturevalue(who)

    # then
    assert list(selectors.inbound_list_for_user(user=user)) == [received]
    assert selectors.inbound_get_for_user(user=user, public_id=received.public_id) == received


@pytest.mark.parametrize("who", [*NOBODY, "officer_de"])
def test_others_do_not_read_what_an_ncb_received(request, ncb_fr, ncb_de, who):
    received = _inbound(ncb_fr, ncb_de)
    user = request.getfixturevalue(who)
    assert not selectors.inbound_list_for_user(user=user).exists()
    with pytest.raises(Http404):
        selectors.inbound_get_for_user(user=user, public_id=received.public_id)


def test_inbound_list_filters_by_status(ncb_fr, ncb_de, officer_fr):
    quarantined = _inbound(ncb_fr, ncb_de, status=InboundStatus.QUARANTINED)
    _inbound(ncb_fr, ncb_de)
    assert list(selectors.inbound_list_for_user(user=officer_fr, status="QUARANTINED")) == [
        quarantined
    ]
    with pytest.raises(ValidationError) as error:
        selectors.inbound_list_for_user(user=officer_fr, status="LOST")
    assert "status" in error.value.message_dict


@pytest.mark.parametrize("size", [1, 10])
def test_the_inbound_list_costs_two_queries_whatever_its_size(
    ncb_fr, ncb_de, officer_fr, django_assert_num_queries, size
):
    for _ in range(size):
        _inbound(ncb_fr, ncb_de, case=CaseFactory(owner_ncb=ncb_fr, created_by=officer_fr))
    with django_assert_num_queries(2):
        rows = [
            (i.sender_ncb.code, i.recipient_ncb.code, i.case.reference, i.subject)
            for i in selectors.inbound_list_for_user(user=officer_fr)
        ]
    assert len(rows) == size


def test_analysts_may_not_triage(ncb_fr, ncb_de, analyst_fr, officer_fr):
    received = _inbound(ncb_fr, ncb_de)
    with pytest.raises(Http404):
        selectors.inbound_get_for_user(
            user=analyst_fr, public_id=received.public_id, for_change=True
        )
    assert selectors.inbound_get_for_user(
        user=officer_fr, public_id=received.public_id, for_change=True
    )


def test_reading_a_received_message_is_audited(ncb_fr, ncb_de, officer_fr, officer_de):
    received = _inbound(ncb_fr, ncb_de)
    selectors.inbound_detail_for_user(user=officer_fr, public_id=received.public_id)
    with pytest.raises(Http404):
        selectors.inbound_detail_for_user(user=officer_de, public_id=received.public_id)
    events = AuditEvent.objects.order_by("id")
    assert [(e.action, e.actor) for e in events] == [
        (AuditAction.VIEW, officer_fr),
        (AuditAction.DENIED, officer_de),
    ]
    assert {e.object_public_id for e in events} == {received.public_id}


# --- Threads and known messages --------------------------------------------------------------


def test_the_thread_of_a_case_mixes_both_directions_by_time(ncb_fr, ncb_de, officer_fr):
    # given FR's message about its case, DE's answer carrying the case id, and noise
    case = CaseFactory(owner_ncb=ncb_fr, created_by=officer_fr)
    sent = HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr, case=case)
    HSTMessageFactory(
        sender_ncb=ncb_fr, created_by=officer_fr, case=case, status=MessageStatus.DISCARDED
    )
    answer = _inbound(ncb_fr, ncb_de, hst_case_id=case.public_id)
    _inbound(ncb_fr, ncb_de)

    # when
    thread = selectors.thread_for_case(user=officer_fr, case=case)

    # then
    assert [(entry.direction, entry.message) for entry in thread] == [
        ("out", sent),
        ("in", answer),
    ]
    assert thread[0].is_outgoing


def test_another_ncb_sees_nothing_of_the_thread(ncb_fr, ncb_de, officer_fr, officer_de):
    case = CaseFactory(owner_ncb=ncb_fr, created_by=officer_fr)
    HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr, case=case)
    assert selectors.thread_for_case(user=officer_de, case=case) == []


def test_known_messages_are_sent_and_checked_received_ones(ncb_fr, ncb_de, officer_fr):
    # given FR's sent message, a draft, a checked inbound and a quarantined one
    sent = HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr, status="DISPATCHED")
    draft = HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr)
    received = _inbound(ncb_fr, ncb_de)
    quarantined = _inbound(ncb_fr, ncb_de, status=InboundStatus.QUARANTINED)
    elsewhere = _inbound(ncb_de, ncb_fr)

    # when
    known = selectors.known_messages_for(ncb_fr)

    # then
    assert known(str(sent.message_id)) == sent.document
    assert known(str(received.message_id)) == received.document
    for unknown in (draft, quarantined, elsewhere):
        assert known(str(unknown.message_id)) is None
    assert known("not-a-uuid") is None


def test_known_messages_are_looked_up_once(ncb_fr, officer_fr, django_assert_num_queries):
    sent = HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr, status="DISPATCHED")
    known = selectors.known_messages_for(ncb_fr)
    with django_assert_num_queries(1):
        known(str(sent.message_id))
        known(str(sent.message_id))


def test_message_list_is_ordered_newest_first(ncb_fr, ncb_de, officer_fr):
    first = HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr)
    second = HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr)
    HSTMessage.objects.filter(pk=first.pk).update(created_at=second.created_at.replace(year=2020))
    assert list(selectors.message_list_for_user(user=officer_fr)) == [second, first]


@pytest.mark.parametrize("size", [1, 6])
def test_the_thread_costs_three_queries_whatever_its_length(
    ncb_fr, ncb_de, officer_fr, supervisor_fr, django_assert_num_queries, size
):
    # given a case with messages both ways
    case = CaseFactory(owner_ncb=ncb_fr, created_by=officer_fr)
    for _ in range(size):
        HSTMessageFactory(
            sender_ncb=ncb_fr, created_by=officer_fr, approved_by=supervisor_fr, case=case
        )
        _inbound(ncb_fr, ncb_de, case=case)

    # when the thread and what a thread page shows are read
    # then: the user's membership, the outgoing rows, the inbound rows
    with django_assert_num_queries(3):
        rows = [
            (e.message.sender_ncb.code, getattr(e.message, "approved_by", None))
            for e in selectors.thread_for_case(user=officer_fr, case=case)
        ]
    assert len(rows) == 2 * size
