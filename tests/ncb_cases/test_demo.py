"""The cases part of `manage.py seed_demo` (ncb_cases/demo.py)."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from ncb_cases.choices import (
    STRICTEST_CONFIDENTIALITY,
    AuditAction,
    CaseStatus,
    NoteKind,
    OffenceType,
    ShareAccess,
)
from ncb_cases.demo import DEMO_CASES, td3_mrz
from ncb_cases.matching import PHONE, case_matches_for_user
from ncb_cases.models import (
    AuditEvent,
    Case,
    CaseGroupObjectPermission,
    CaseLink,
    CaseNote,
    CaseShare,
    CaseUserObjectPermission,
    GroupMembership,
    IdentityDocument,
    OrganisedCrimeGroup,
    Person,
    PersonPhone,
    RouteLeg,
    Task,
)
from ncb_cases.selectors.access import victim_identity_permitted, visible_cases
from ncb_cases.validators import parse_mrz

pytestmark = pytest.mark.django_db

User = get_user_model()

MAMA_JOY_FR = "Mama Joy network: sexual exploitation of Nigerian women in Paris (fictitious)"
LAMPEDUSA_IT = (
    "Lampedusa landing: Tripoli smuggling cell behind a boat of 48 migrants (fictitious)"
)
HAMBURG_DE = "Forced labour on construction sites near Hamburg (fictitious)"


@pytest.fixture(autouse=True)
def demo_var_dir(settings, tmp_path):
    """Keep var/demo_password of the checkout untouched; hash passwords fast."""
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


def seed_demo(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def case_titled(title: str) -> Case:
    return Case.objects.get(title=title)


def test_seed_demo_with_a_password_opens_a_dozen_cases_across_the_six_demo_ncbs():
    # when
    output = seed_demo("--password", "demo-password-0123")
    # then
    assert Case.objects.count() == len(DEMO_CASES) == 12
    owners = set(Case.objects.values_list("owner_ncb__code", flat=True))
    assert owners == {"FR", "DE", "IT", "NG", "TH", "BR"}
    assert "Demo cases: 12 cases created (0 already present)" in output


def test_second_seed_demo_creates_no_case_data():
    # given
    seed_demo()
    models = (
        Case,
        Person,
        PersonPhone,
        IdentityDocument,
        OrganisedCrimeGroup,
        GroupMembership,
        RouteLeg,
        CaseShare,
        CaseGroupObjectPermission,
        CaseUserObjectPermission,
        CaseLink,
        CaseNote,
        Task,
        AuditEvent,
    )
    before = {model.__name__: model.objects.count() for model in models}
    # when
    output = seed_demo()
    # then
    assert {model.__name__: model.objects.count() for model in models} == before
    assert "Demo cases: 0 cases created (12 already present), 0 persons, 0 shares." in output


def test_demo_shares_france_to_germany_read_only_and_germany_to_france_read_write():
    # given
    seed_demo()
    # when
    shares = {
        (share.case.owner_ncb.code, share.recipient_ncb.code, share.access)
        for share in CaseShare.objects.active().select_related("case__owner_ncb", "recipient_ncb")
    }
    # then
    assert ("FR", "DE", ShareAccess.READ) in shares
    assert ("DE", "FR", ShareAccess.READ_WRITE) in shares
    assert ("IT", "FR", ShareAccess.READ) in shares
    officer_de = User.objects.get(username="officer_de")
    assert visible_cases(officer_de).filter(title=MAMA_JOY_FR).exists()
    officer_fr = User.objects.get(username="officer_fr")
    hamburg = case_titled(HAMBURG_DE)
    assert (
        CaseGroupObjectPermission.objects.filter(
            content_object=hamburg,
            group__ncb__code="FR",
            permission__codename__in=["view_case", "change_case"],
        ).count()
        == 2
    )
    assert visible_cases(officer_fr).filter(pk=hamburg.pk).exists()


def test_one_demo_share_expires_within_a_week():
    # given
    seed_demo()
    # when
    soon = CaseShare.objects.active().filter(expires_at__lt=timezone.now() + timedelta(days=7))
    # then
    assert soon.count() == 1
    assert soon.get().recipient_ncb.code == "DE"


def test_supervisor_fr_may_reveal_victims_of_the_german_case_shared_with_france():
    # given
    seed_demo()
    supervisor_fr = User.objects.get(username="supervisor_fr")
    officer_fr = User.objects.get(username="officer_fr")
    hamburg = case_titled(HAMBURG_DE)
    # then
    assert victim_identity_permitted(user=supervisor_fr, case=hamburg)
    assert not victim_identity_permitted(user=officer_fr, case=hamburg)
    grant = AuditEvent.objects.get(case=hamburg, action=AuditAction.GRANT)
    assert grant.actor.username == "supervisor_de"
    assert grant.details["user"] == "supervisor_fr"


def test_the_mama_joy_network_is_matched_across_the_french_and_italian_cases():
    # given
    seed_demo()
    officer_fr = User.objects.get(username="officer_fr")
    paris = case_titled(MAMA_JOY_FR)
    lampedusa = case_titled(LAMPEDUSA_IT)
    # when
    matches = case_matches_for_user(user=officer_fr, case=paris)
    # then
    found = {(match.kind, match.case_reference) for match in matches}
    assert ("person", lampedusa.reference) in found
    assert {m.value for m in matches if m.kind == PHONE} == {"+2348035550101", "+218915550101"}
    assert CaseLink.objects.filter(from_case=lampedusa, to_case=paris).exists()
    for case in (paris, lampedusa):
        assert case.crime_groups.get().memberships.count() >= 2


def test_the_paris_case_has_a_child_victim_and_is_raised_to_the_strictest_confidentiality():
    # given
    seed_demo()
    # when
    paris = case_titled(MAMA_JOY_FR)
    # then
    assert paris.minor_data_present
    assert paris.confidentiality_level == STRICTEST_CONFIDENTIALITY
    assert paris.persons.filter(is_child=True, role="VICTIM").count() == 1
    assert paris.persons.filter(role="SUSPECT").exists()


def test_the_paris_case_route_runs_from_lagos_through_agadez_tripoli_lampedusa_and_rome():
    # given
    seed_demo()
    # when
    legs = list(case_titled(MAMA_JOY_FR).route_legs.order_by("seq"))
    # then
    places = [legs[0].from_place] + [leg.to_place for leg in legs]
    assert places[:6] == ["Lagos", "Agadez", "Tripoli", "Lampedusa", "Rome", "Paris"]
    assert [leg.seq for leg in legs] == list(range(1, len(legs) + 1))


def test_the_lampedusa_smuggling_case_became_a_trafficking_case_on_its_timeline():
    # given
    seed_demo()
    # when
    lampedusa = case_titled(LAMPEDUSA_IT)
    # then
    assert lampedusa.offence_type == OffenceType.THB
    change = lampedusa.notes.get(kind=NoteKind.OFFENCE_TYPE_CHANGE)
    assert change.details == {"from": OffenceType.SMUGGLING, "to": OffenceType.THB}


def test_demo_cases_run_along_the_workflow_up_to_a_conviction():
    # given
    seed_demo()
    # when
    statuses = set(Case.objects.values_list("status", flat=True))
    # then
    assert {CaseStatus.OPEN, CaseStatus.UNDER_INVESTIGATION, CaseStatus.IN_COURT} <= statuses
    closed = Case.objects.get(status=CaseStatus.CLOSED)
    assert closed.outcome == "CONVICTION"


def test_demo_audit_trail_is_written_by_demo_users_and_names_no_victim():
    # given
    seed_demo()
    victim_names = {
        name
        for name in Person.objects.filter(Person.identity_protected_q()).values_list(
            "family_name", flat=True
        )
        if name
    }
    # when
    events = list(AuditEvent.objects.select_related("actor"))
    # then
    assert events
    # The demo admin maintains reference data: exchange rates, organisations, legislation.
    assert {event.actor.username for event in events if event.actor} <= {"admin"} | {
        f"{role}_{code}"
        for role in ("officer", "supervisor")
        for code in ("fr", "de", "it", "ng", "th", "br")
    }
    # The instance itself records the HST drafts its worker builds and what it receives.
    assert {event.action for event in events if event.actor is None} <= {
        AuditAction.UPDATE,
        AuditAction.RECEIVE,
    }
    text = " ".join(f"{event.purpose} {event.details}" for event in events)
    text += " ".join(CaseNote.objects.values_list("text", flat=True))
    assert not [name for name in victim_names if name in text]


def test_demo_passport_mrz_has_valid_check_digits():
    # when
    mrz = parse_mrz(
        td3_mrz(
            issuing_state="NGA",
            number="A55501234",
            family_name="OSARUMWEN-TEST",
            given_names="Joy",
            nationality="NGA",
            birth=date(1979, 4, 12),
            sex="F",
            expiry=date(2029, 1, 31),
        )
    )
    # then
    assert (mrz.document_number, mrz.issuing_state, mrz.birth_date) == (
        "A55501234",
        "NGA",
        "790412",
    )
    assert (mrz.family_name, mrz.given_names) == ("OSARUMWEN TEST", "JOY")
