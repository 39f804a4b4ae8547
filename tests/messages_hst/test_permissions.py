"""`messages_hst.permissions`: who composes, approves, triages and requeues."""

import pytest

from messages_hst import permissions
from messages_hst.models import Delivery, InboundMessage
from tests.factories import UserFactory, officer_user
from tests.messages_hst.factories import HSTMessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def message_fr(ncb_fr, ncb_de, officer_fr):
    return HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("officer_fr", True),
        ("supervisor_fr", True),
        ("analyst_fr", False),
        ("srb_europe", False),
        ("user_without_ncb", False),
        ("admin_user", False),
    ],
)
def test_officers_and_supervisors_compose(request, who, allowed):
    assert permissions.can_compose(request.getfixturevalue(who)) is allowed


def test_anonymous_and_inactive_users_compose_nothing(officer_fr):
    from django.contrib.auth.models import AnonymousUser

    officer_fr.is_active = False
    assert not permissions.can_compose(officer_fr)
    assert not permissions.can_compose(AnonymousUser())


def test_a_supervisor_of_the_sender_ncb_approves_a_message_they_did_not_write(
    message_fr, supervisor_fr
):
    assert permissions.can_approve(supervisor_fr, message_fr)


def test_the_author_cannot_approve_even_as_supervisor(message_fr, supervisor_fr):
    # given a message written by a supervisor
    message_fr.created_by = supervisor_fr
    # then four eyes forbid them to approve it
    assert not permissions.can_approve(supervisor_fr, message_fr)


def test_the_submitter_cannot_approve(message_fr, supervisor_fr):
    message_fr.submitted_by = supervisor_fr
    assert not permissions.can_approve(supervisor_fr, message_fr)


@pytest.mark.parametrize("who", ["officer_fr", "analyst_fr", "supervisor_de", "srb_europe"])
def test_nobody_else_approves(request, message_fr, who):
    other = officer_user("officer_fr_2", message_fr.sender_ncb)
    message_fr.created_by = other
    assert not permissions.can_approve(request.getfixturevalue(who), message_fr)


def test_triage_is_for_officers_and_supervisors_of_the_recipient(
    ncb_fr, ncb_de, officer_de, supervisor_de, officer_fr, analyst_fr
):
    inbound = InboundMessage(recipient_ncb=ncb_fr)
    assert permissions.can_triage(officer_fr, inbound)
    assert not permissions.can_triage(analyst_fr, inbound)
    assert not permissions.can_triage(officer_de, inbound)
    assert not permissions.can_triage(supervisor_de, inbound)


def test_requeue_is_for_supervisors_of_the_sender(message_fr, supervisor_fr, officer_fr, ncb_de):
    delivery = Delivery(message=message_fr, recipient_ncb=ncb_de)
    assert permissions.can_requeue(supervisor_fr, delivery)
    assert not permissions.can_requeue(officer_fr, delivery)
    assert not permissions.can_requeue(UserFactory(username="nobody"), delivery)
