"""Property test: lists and search return exactly what the grant tables allow.

Hypothesis builds random worlds — cases owned by random NCBs, shares in every state (active,
expired but not yet cleaned up, expired and cleaned up, revoked, grant rows without a share),
personal grants — and an oracle computes each user's visible cases straight from the rows of
the guardian tables and the shares, independently of the selectors.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.choices import OfficerRole
from contacts.permissions import is_instance_admin
from ncb_cases import selectors, services
from ncb_cases.choices import VICTIM_ROLES, PersonRole
from ncb_cases.models import (
    CaseGroupObjectPermission,
    CaseShare,
    CaseUserObjectPermission,
    Person,
)
from ncb_cases.permissions import case_reader
from tests.factories import (
    CaseFactory,
    NcbFactory,
    PersonFactory,
    UserFactory,
    country,
    officer_user,
    share_case,
)

pytestmark = pytest.mark.django_db

WORDS = ("harbour", "salon", "vineyard")
NAMES = ("Adebayo-Test", "Bianchi-Test", "Nowak-Test")
SHARE_STATES = ("active", "expired", "expired_cleaned", "revoked", "grant_without_share")


@pytest.fixture
def cast(db, ncb_fr, ncb_de, srb_europe_bureau):
    ncb_it = NcbFactory(country=country("IT"), name="INTERPOL Rome")
    ncbs = [ncb_fr, ncb_de, ncb_it]
    users = [
        officer_user("p_officer_fr", ncb_fr),
        officer_user("p_analyst_fr", ncb_fr, OfficerRole.ANALYST),
        officer_user("p_officer_de", ncb_de),
        officer_user("p_supervisor_it", ncb_it, OfficerRole.SUPERVISOR),
        UserFactory(username="p_admin", is_superuser=True, is_staff=True),
        UserFactory(username="p_nobody"),
        AnonymousUser(),
    ]
    users.append(
        officer_user(
            "p_monitor", ncb_fr, OfficerRole.SRB_MONITOR, sub_regional_bureau=srb_europe_bureau
        )
    )
    return ncbs, users


case_strategy = st.fixed_dictionaries(
    {
        "owner": st.integers(0, 2),
        "word": st.sampled_from(WORDS),
        "victim": st.none() | st.sampled_from(NAMES),
        "suspect": st.none() | st.sampled_from(NAMES),
    }
)
share_strategy = st.fixed_dictionaries(
    {
        "case": st.integers(0, 5),
        "recipient": st.integers(0, 2),
        "access": st.sampled_from(["READ", "READ_WRITE"]),
        "state": st.sampled_from(SHARE_STATES),
    }
)
grant_strategy = st.fixed_dictionaries(
    {
        "case": st.integers(0, 5),
        "user": st.integers(0, 3),
        "codename": st.sampled_from(["view_case", "view_victim_identity"]),
    }
)
world_strategy = st.fixed_dictionaries(
    {
        "cases": st.lists(case_strategy, min_size=1, max_size=6),
        "shares": st.lists(share_strategy, max_size=6),
        "grants": st.lists(grant_strategy, max_size=4),
        "query": st.sampled_from(WORDS + NAMES),
    }
)


def _build(world, ncbs, users):
    now = timezone.now()
    cases = []
    for spec in world["cases"]:
        case = CaseFactory(owner_ncb=ncbs[spec["owner"]], title=f"The {spec['word']} case")
        if spec["victim"]:
            PersonFactory(case=case, role=PersonRole.VICTIM, family_name=spec["victim"])
        if spec["suspect"]:
            PersonFactory(case=case, role=PersonRole.SUSPECT, family_name=spec["suspect"])
        cases.append(case)
    opened = set()
    for spec in world["shares"]:
        case = cases[spec["case"] % len(cases)]
        recipient = ncbs[spec["recipient"]]
        state = spec["state"]
        if recipient.pk == case.owner_ncb_id:
            continue  # the service never shares a case with its owner
        if state == "grant_without_share":
            assign_perm("view_case", recipient.group, case)
            continue
        if state != "revoked":
            if (case.pk, recipient.pk) in opened:
                continue  # one open share per case and NCB
            opened.add((case.pk, recipient.pk))
        past = now - datetime.timedelta(minutes=1)
        share_case(
            case,
            recipient,
            access=spec["access"],
            expires_at=past if state.startswith("expired") else None,
            revoked=state == "revoked",
        )
    for spec in world["grants"]:
        assign_perm(spec["codename"], users[spec["user"]], cases[spec["case"] % len(cases)])
    if any(spec["state"] == "expired_cleaned" for spec in world["shares"]):
        services.expire_case_shares()
    return cases


def _oracle_visible(user, cases):
    """Visible cases computed from the rows of the grant tables and shares alone."""
    if is_instance_admin(user):
        return {case.pk for case in cases}
    officer = case_reader(user)
    if officer is None:
        return set()
    now = timezone.now()
    group_grants = set(
        CaseGroupObjectPermission.objects.filter(
            group_id=officer.ncb.group_id, permission__codename="view_case"
        ).values_list("content_object_id", flat=True)
    )
    live_shares = {
        share.case_id
        for share in CaseShare.objects.filter(recipient_ncb_id=officer.ncb_id)
        if share.revoked_at is None and share.expired_at is None and share.expires_at > now
    }
    personal = set(
        CaseUserObjectPermission.objects.filter(
            user_id=user.pk, permission__codename="view_case"
        ).values_list("content_object_id", flat=True)
    )
    return {
        case.pk
        for case in cases
        if case.owner_ncb_id == officer.ncb_id
        or (case.pk in group_grants and case.pk in live_shares)
        or case.pk in personal
    }


def _oracle_search(user, cases, visible, query):
    identity = set(
        CaseUserObjectPermission.objects.filter(
            user_id=user.pk or 0, permission__codename="view_victim_identity"
        ).values_list("content_object_id", flat=True)
    )
    found = set()
    for case in cases:
        if case.pk not in visible:
            continue
        if query.lower() in case.title.lower():
            found.add(case.pk)
        for person in Person.objects.filter(case=case):
            protected = person.role in VICTIM_ROLES or person.is_child
            if query.lower() in person.family_name.lower() and (
                not protected or case.pk in identity
            ):
                found.add(case.pk)
    return found


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=world_strategy)
def test_lists_and_search_return_exactly_what_the_grants_allow(cast, world):
    ncbs, users = cast
    # Each example in its own transaction, rolled back: worlds do not accumulate.
    with transaction.atomic():
        # given
        cases = _build(world, ncbs, users)
        ids = [case.pk for case in cases]
        for user in users:
            # when
            listed = set(
                selectors.case_list_for_user(user=user)
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            )
            searched = set(
                selectors.case_search_for_user(user=user, q=world["query"])
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            )
            # then
            visible = _oracle_visible(user, cases)
            assert listed == visible, user
            assert searched == _oracle_search(user, cases, visible, world["query"]), user
            for filters in ({}, {"q": world["query"]}):
                assert (
                    selectors.case_count_for_user(user=user, filters=filters)
                    == selectors.case_list_for_user(user=user, filters=filters).count()
                ), user
        transaction.set_rollback(True)
