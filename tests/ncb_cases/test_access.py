"""The permission matrix at the selector and service level (DESIGN.md §5).

One French case with a victim and a suspect; each scenario names a reader and how the case
reached them. Pages and the API build on these selectors, so they inherit the matrix.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import assign_perm

from contacts.choices import OfficerRole
from ncb_cases import selectors, services
from tests.factories import officer_user, share_case

pytestmark = pytest.mark.django_db

# scenario: (may read, may change)
MATRIX = {
    "anonymous": (False, False),
    "owner_officer": (True, True),
    "owner_supervisor": (True, True),
    "owner_analyst": (True, False),
    "srb_monitor": (False, False),
    "user_without_ncb": (False, False),
    "inactive_owner_officer": (False, False),
    "admin": (True, True),
    "other_ncb": (False, False),
    "shared_read": (True, False),
    "shared_read_write": (True, True),
    "shared_read_write_analyst": (True, False),
    "expired_share": (False, False),
    "revoked_share": (False, False),
    "personal_view_grant": (True, False),
}


@pytest.fixture
def reader(request, case_fr, ncb_de):
    """`reader(scenario)`: the user of a MATRIX scenario, with the share it needs."""

    def make(scenario):
        past = timezone.now() - datetime.timedelta(seconds=1)
        if scenario == "anonymous":
            return AnonymousUser()
        if scenario == "inactive_owner_officer":
            user = request.getfixturevalue("officer_fr")
            user.is_active = False
            user.save()
            return user
        simple = {
            "owner_officer": "officer_fr",
            "owner_supervisor": "supervisor_fr",
            "owner_analyst": "analyst_fr",
            "srb_monitor": "srb_europe",
            "user_without_ncb": "user_without_ncb",
            "admin": "admin_user",
            "other_ncb": "officer_de",
        }
        if scenario in simple:
            return request.getfixturevalue(simple[scenario])
        officer_de = request.getfixturevalue("officer_de")
        if scenario == "shared_read":
            share_case(case_fr, ncb_de, access="READ")
        elif scenario in ("shared_read_write", "shared_read_write_analyst"):
            share_case(case_fr, ncb_de, access="READ_WRITE")
            if scenario == "shared_read_write_analyst":
                return officer_user("analyst_de", ncb_de, OfficerRole.ANALYST)
        elif scenario == "expired_share":
            # The grant rows are still there (the beat task has not run): expiry is exact.
            share_case(case_fr, ncb_de, access="READ_WRITE", expires_at=past)
        elif scenario == "revoked_share":
            share_case(case_fr, ncb_de, access="READ_WRITE", revoked=True)
        elif scenario == "personal_view_grant":
            assign_perm("view_case", officer_de, case_fr)
        return officer_de

    return make


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_case_list_contains_the_case_exactly_when_the_reader_may_read_it(
    scenario, reader, case_fr
):
    # given
    user = reader(scenario)
    may_read, _may_change = MATRIX[scenario]
    # when
    listed = list(selectors.case_list_for_user(user=user))
    # then
    assert (case_fr in listed) is may_read


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_case_detail_is_404_for_missing_and_forbidden_alike(scenario, reader, case_fr):
    # given
    user = reader(scenario)
    may_read, may_change = MATRIX[scenario]
    # then
    for for_change, allowed in ((False, may_read), (True, may_change)):
        if allowed:
            got = selectors.case_get_for_user(
                user=user, case_id=case_fr.public_id, for_change=for_change
            )
            assert got == case_fr
        else:
            with pytest.raises(Http404):
                selectors.case_get_for_user(
                    user=user, case_id=case_fr.public_id, for_change=for_change
                )


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_persons_follow_the_case(scenario, reader, case_fr, victim_fr, suspect_fr):
    # given
    user = reader(scenario)
    may_read, may_change = MATRIX[scenario]
    # then
    assert selectors.person_list_for_case(user=user, case=case_fr).count() == (
        2 if may_read else 0
    )
    if may_read:
        assert selectors.person_get_for_user(user=user, person_id=suspect_fr.public_id)
    else:
        with pytest.raises(Http404):
            selectors.person_get_for_user(user=user, person_id=suspect_fr.public_id)
    if may_change:
        services.person_update(actor=user, person=suspect_fr, data={"forenames": "Didier J."})
    else:
        with pytest.raises(PermissionDenied):
            services.person_update(actor=user, person=suspect_fr, data={"forenames": "x"})


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_search_by_title_follows_the_case(scenario, reader, case_fr):
    user = reader(scenario)
    found = selectors.case_search_for_user(user=user, q="nail bars")
    assert (case_fr in found) is MATRIX[scenario][0]


def test_a_missing_case_and_a_malformed_id_are_404(officer_fr, case_fr):
    with pytest.raises(Http404):
        selectors.case_get_for_user(
            user=officer_fr, case_id="6f1c0b5e-0000-4000-8000-000000000000"
        )
    with pytest.raises(Http404):
        selectors.case_get_for_user(user=officer_fr, case_id="not-a-uuid")


def test_an_srb_monitor_sees_no_case_even_shared_with_their_ncb(srb_europe, case_de, ncb_fr):
    # given the German case shared with France, the monitor's NCB
    share_case(case_de, ncb_fr)
    # then
    assert not selectors.case_list_for_user(user=srb_europe).exists()


def test_revocation_takes_effect_on_the_very_next_read(
    case_fr, supervisor_fr, officer_de, ncb_de, tomorrow
):
    # given
    share = services.case_share(
        actor=supervisor_fr,
        case=case_fr,
        recipient_ncb=ncb_de,
        access="READ_WRITE",
        purpose="JIT",
        expires_at=tomorrow,
    )
    assert selectors.case_get_for_user(user=officer_de, case_id=case_fr.public_id, for_change=True)
    # when
    services.case_unshare(actor=supervisor_fr, share=share)
    # then
    with pytest.raises(Http404):
        selectors.case_get_for_user(user=officer_de, case_id=case_fr.public_id)


def test_a_share_stops_giving_access_at_its_expiry_to_the_second(
    case_fr, officer_de, ncb_de, monkeypatch
):
    # given a share expiring at a fixed instant
    expiry = timezone.now() + datetime.timedelta(hours=1)
    share_case(case_fr, ncb_de, expires_at=expiry)
    # when the clock reaches it
    monkeypatch.setattr(timezone, "now", lambda: expiry - datetime.timedelta(microseconds=1))
    before = selectors.case_list_for_user(user=officer_de).exists()
    monkeypatch.setattr(timezone, "now", lambda: expiry)
    at_expiry = selectors.case_list_for_user(user=officer_de).exists()
    # then
    assert (before, at_expiry) == (True, False)


# --- Role rules on the case -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        ("supervisor_fr", (True, True, True, True)),
        ("admin_user", (True, True, True, True)),
        ("officer_fr", (True, False, False, False)),
        ("analyst_fr", (False, False, False, False)),
    ],
)
def test_only_owner_supervisors_and_admins_share_reopen_grant_and_audit(
    user_fixture, expected, request, case_fr
):
    # given
    user = request.getfixturevalue(user_fixture)
    # when
    permissions = selectors.case_permissions_for_user(user=user, case=case_fr)
    # then
    assert (
        permissions.can_change,
        permissions.can_share,
        permissions.can_grant_victim_identity,
        permissions.can_view_full_audit_trail,
    ) == expected
    assert permissions.can_reopen == permissions.can_share


def test_a_supervisor_of_a_recipient_ncb_cannot_reshare(
    case_fr, supervisor_fr, supervisor_de, ncb_de, tomorrow, countries
):
    # given
    share_case(case_fr, ncb_de, access="READ_WRITE")
    italy = countries["IT"]
    from tests.factories import NcbFactory

    ncb_it = NcbFactory(country=italy, name="INTERPOL Rome")
    # then
    with pytest.raises(PermissionDenied):
        services.case_share(
            actor=supervisor_de,
            case=case_fr,
            recipient_ncb=ncb_it,
            access="READ",
            purpose="Onward",
            expires_at=tomorrow,
        )


def test_a_user_who_cannot_see_the_case_gets_nothing_from_its_sub_lists(case_fr, officer_de):
    # then
    assert not selectors.note_list_for_case(user=officer_de, case=case_fr).exists()
    assert not selectors.share_list_for_case(user=officer_de, case=case_fr).exists()
    assert not selectors.route_leg_list_for_case(user=officer_de, case=case_fr).exists()
    assert not selectors.task_list_for_case(user=officer_de, case=case_fr).exists()
    assert not selectors.group_list_for_case(user=officer_de, case=case_fr).exists()
    assert not selectors.audit_event_list_for_case(user=officer_de, case=case_fr).exists()


def test_a_recipient_ncb_sees_only_its_own_share(case_fr, officer_de, ncb_de, countries):
    # given
    from tests.factories import NcbFactory

    ncb_it = NcbFactory(country=countries["IT"], name="INTERPOL Rome")
    share_case(case_fr, ncb_de)
    share_case(case_fr, ncb_it)
    # then
    shares = selectors.share_list_for_case(user=officer_de, case=case_fr)
    assert [share.recipient_ncb for share in shares] == [ncb_de]
