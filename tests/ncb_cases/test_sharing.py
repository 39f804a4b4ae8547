"""Sharing a case with another NCB, its end (revocation, expiry), and victim-identity grants."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ncb_cases import selectors, services, tasks
from ncb_cases.choices import AuditAction, NoteKind
from ncb_cases.models import (
    AuditEvent,
    CaseGroupObjectPermission,
    CaseNote,
    CaseShare,
    CaseUserObjectPermission,
)
from tests.factories import share_case

pytestmark = pytest.mark.django_db


def _share(case, actor, ncb, *, access="READ", expires_at=None, purpose="Joint investigation"):
    return services.case_share(
        actor=actor,
        case=case,
        recipient_ncb=ncb,
        access=access,
        purpose=purpose,
        expires_at=expires_at or timezone.now() + datetime.timedelta(days=30),
    )


def _grants(case):
    return sorted(
        CaseGroupObjectPermission.objects.filter(content_object=case).values_list(
            "group__name", "permission__codename"
        )
    )


def test_a_read_share_grants_view_to_the_recipient_ncb_group(case_fr, supervisor_fr, ncb_de):
    # when
    share = _share(case_fr, supervisor_fr, ncb_de)
    # then
    assert _grants(case_fr) == [("NCB DE", "view_case")]
    assert share.granted_by == supervisor_fr
    assert CaseNote.objects.filter(case=case_fr, kind=NoteKind.SHARE).exists()
    event = AuditEvent.objects.get(action=AuditAction.SHARE)
    assert event.details["recipient_ncb"] == "DE"
    assert event.purpose == "Joint investigation"


def test_a_read_write_share_grants_change_too_and_resharing_read_takes_it_back(
    case_fr, supervisor_fr, ncb_de
):
    # when
    first = _share(case_fr, supervisor_fr, ncb_de, access="READ_WRITE")
    assert _grants(case_fr) == [("NCB DE", "change_case"), ("NCB DE", "view_case")]
    second = _share(case_fr, supervisor_fr, ncb_de, access="READ")
    # then
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_active()
    assert _grants(case_fr) == [("NCB DE", "view_case")]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"recipient_ncb": "FR"}, "recipient_ncb"),
        ({"recipient_ncb": "ZZ"}, "recipient_ncb"),
        ({"purpose": "  "}, "purpose"),
        ({"access": "ADMIN"}, "access"),
        ({"expires_at": "soon"}, "expires_at"),
        ({"expires_at": None}, "expires_at"),
    ],
)
def test_bad_shares_are_refused_naming_the_field_and_nothing_is_granted(
    overrides, field, case_fr, supervisor_fr, ncb_de
):
    # given
    arguments = {
        "recipient_ncb": "DE",
        "access": "READ",
        "purpose": "Joint investigation",
        "expires_at": timezone.now() + datetime.timedelta(days=10),
        **overrides,
    }
    # when
    with pytest.raises(ValidationError) as raised:
        services.case_share(actor=supervisor_fr, case=case_fr, **arguments)
    # then
    assert field in raised.value.message_dict
    assert not CaseShare.objects.exists()
    assert _grants(case_fr) == []


def test_an_expiry_in_the_past_or_beyond_a_year_is_refused(case_fr, supervisor_fr, ncb_de):
    for expires_at in (
        timezone.now() - datetime.timedelta(minutes=1),
        timezone.now() + datetime.timedelta(days=366),
    ):
        with pytest.raises(ValidationError) as raised:
            _share(case_fr, supervisor_fr, ncb_de, expires_at=expires_at)
        assert "expires_at" in raised.value.message_dict


def test_a_date_as_expiry_means_the_end_of_that_day(case_fr, supervisor_fr, ncb_de):
    # when
    day = timezone.localdate() + datetime.timedelta(days=3)
    share = _share(case_fr, supervisor_fr, ncb_de, expires_at=day)
    # then
    assert timezone.localtime(share.expires_at).date() == day
    assert timezone.localtime(share.expires_at).hour == 23


@pytest.mark.parametrize("user_fixture", ["officer_fr", "analyst_fr", "officer_de"])
def test_only_owner_supervisors_share(user_fixture, request, case_fr, ncb_de, countries):
    user = request.getfixturevalue(user_fixture)
    with pytest.raises(PermissionDenied):
        _share(case_fr, user, ncb_de)


def test_unsharing_removes_the_grants_and_the_recipients_identity_grants(
    case_fr, supervisor_fr, officer_de, ncb_de
):
    # given a share and a victim-identity grant to a German officer
    share = _share(case_fr, supervisor_fr, ncb_de)
    services.victim_identity_grant(actor=supervisor_fr, case=case_fr, user=officer_de)
    # when
    services.case_unshare(actor=supervisor_fr, share=share)
    # then
    assert _grants(case_fr) == []
    assert not CaseUserObjectPermission.objects.filter(user=officer_de).exists()
    assert CaseNote.objects.filter(case=case_fr, kind=NoteKind.UNSHARE).exists()
    assert AuditEvent.objects.filter(action=AuditAction.UNSHARE, actor=supervisor_fr).exists()
    with pytest.raises(ValidationError):
        services.case_unshare(actor=supervisor_fr, share=share)


def test_the_expiry_task_ends_past_shares_once(case_fr, case_de, ncb_fr, ncb_de, supervisor_fr):
    # given one expired and one running share
    past = timezone.now() - datetime.timedelta(minutes=5)
    expired = share_case(case_fr, ncb_de, expires_at=past)
    running = share_case(case_de, ncb_fr)
    # when
    first_run = tasks.expire_case_shares.apply().get()
    second_run = services.expire_case_shares()
    # then
    assert (first_run, second_run) == (1, 0)
    expired.refresh_from_db()
    running.refresh_from_db()
    assert expired.expired_at is not None
    assert running.expired_at is None
    assert _grants(case_fr) == []
    assert _grants(case_de) == [("NCB FR", "view_case")]
    event = AuditEvent.objects.get(action=AuditAction.UNSHARE)
    assert (event.actor, event.details["reason"]) == (None, "expired")
    assert CaseNote.objects.filter(case=case_fr, kind=NoteKind.SHARE_EXPIRED).exists()


def test_sharing_again_after_an_unprocessed_expiry_records_the_expiry(
    case_fr, supervisor_fr, ncb_de
):
    # given
    old = share_case(case_fr, ncb_de, expires_at=timezone.now() - datetime.timedelta(days=1))
    # when
    _share(case_fr, supervisor_fr, ncb_de)
    # then
    old.refresh_from_db()
    assert old.expired_at is not None
    assert CaseShare.objects.open().count() == 1


# --- Victim identity --------------------------------------------------------------------------


def test_a_supervisor_grants_victim_identity_to_an_officer_of_a_recipient_ncb(
    case_fr, supervisor_fr, officer_de, ncb_de
):
    # given
    _share(case_fr, supervisor_fr, ncb_de)
    # when
    granted = services.victim_identity_grant(actor=supervisor_fr, case=case_fr, user=officer_de)
    again = services.victim_identity_grant(actor=supervisor_fr, case=case_fr, user=officer_de)
    # then
    assert (granted, again) == (True, False)
    assert selectors.victim_identity_permitted(user=officer_de, case=case_fr)
    holders = selectors.victim_identity_holders_for_case(user=supervisor_fr, case=case_fr)
    assert set(holders.values_list("username", flat=True)) == {"officer_fr", "officer_de"}
    assert AuditEvent.objects.filter(action=AuditAction.GRANT).count() == 1


def test_victim_identity_cannot_be_granted_to_someone_who_cannot_see_the_case(
    case_fr, supervisor_fr, officer_de
):
    with pytest.raises(ValidationError) as raised:
        services.victim_identity_grant(actor=supervisor_fr, case=case_fr, user=officer_de)
    assert "user" in raised.value.message_dict


def test_an_officer_cannot_grant_victim_identity(case_fr, officer_fr, analyst_fr):
    with pytest.raises(PermissionDenied):
        services.victim_identity_grant(actor=officer_fr, case=case_fr, user=analyst_fr)


def test_revoking_victim_identity_takes_effect_at_once(case_fr, supervisor_fr, officer_fr):
    # when
    revoked = services.victim_identity_revoke(actor=supervisor_fr, case=case_fr, user=officer_fr)
    # then
    assert revoked
    assert not selectors.victim_identity_permitted(user=officer_fr, case=case_fr)
    assert AuditEvent.objects.filter(action=AuditAction.REVOKE).count() == 1
