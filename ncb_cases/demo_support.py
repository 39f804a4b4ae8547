"""The referrals part of `manage.py seed_demo` (issue 6, item 2): demo victims referred to
the demo support organisations.

- the adult victim of the Mama Joy case (France) referred with her consent to a Paris
  shelter, accepted and now in care, willing to testify;
- a child of the Paris metro case referred without consent on supervisor_fr's documented
  override (supervisor_fr is given the case's victim-identity permission for it, by the
  owner-NCB supervisor's own grant);
- the possible victim of the Lampedusa case (Italy) referred with consent to IOM Rome, her
  repatriation to Nigeria under way (requested, risk assessed, travel arranged).

Every write goes through `ncb_cases.services.support` as a demo user (audit trail included).
Needs the cases demo and the support-directory demo. Idempotent: a referral is recognised by
its victim and organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contacts.models import SupportOrganisation
from ncb_cases.demo import DEMO_CASES
from ncb_cases.models import Case, Person
from ncb_cases.models.support import SupportReferral
from ncb_cases.selectors.access import victim_identity_permitted
from ncb_cases.services.sharing import victim_identity_grant
from ncb_cases.services.support import (
    referral_change_status,
    referral_create,
    referral_repatriation_step,
)


def _title(prefix: str) -> str:
    return next(demo.title for demo in DEMO_CASES if demo.title.startswith(prefix))


@dataclass(frozen=True)
class DemoReferral:
    owner: str
    case_title: str
    actor: str
    victim_family_name: str
    organisation: str
    data: dict
    # (status, days ago) moves of the care status, in order.
    moves: tuple[tuple[str, int], ...] = ()
    # (step, days ago, receiving country or "") repatriation steps, in order.
    repatriation: tuple[tuple[str, int, str], ...] = ()
    grant_identity: bool = False


# fmt: off
DEMO_REFERRALS: tuple[DemoReferral, ...] = (
    DemoReferral(
        owner="FR", case_title=_title("Mama Joy network"), actor="officer_fr",
        victim_family_name="EDOSA-TEST", organisation="Foyer Horizon (fictitious)",
        data={
            "services_requested": ["ACCOMMODATION", "PSYCHOLOGICAL", "MEDICAL"],
            "referred_days_ago": 200, "consent_given": True, "consent_days_ago": 201,
            "consent_scope": "Her situation and needs, shared with the shelter's staff only; "
                             "no contact with her family.",
            "court_role": "WILLING_TO_TESTIFY",
        },
        moves=(("ACCEPTED", 199), ("IN_CARE", 198)),
    ),
    DemoReferral(
        owner="FR", case_title=_title("Children forced to pickpocket"),
        actor="supervisor_fr", victim_family_name="N-TEST",
        organisation="Enfance Protégée (fictitious)",
        data={
            "services_requested": ["ACCOMMODATION", "PSYCHOLOGICAL", "EDUCATION"],
            "referred_days_ago": 18, "consent_given": False,
            "consent_override_reason": "Unaccompanied child of 12 with no legal guardian yet; "
                                       "the juvenile judge asked for an immediate placement.",
        },
        moves=(("ACCEPTED", 17),),
        grant_identity=True,
    ),
    DemoReferral(
        owner="IT", case_title=_title("Lampedusa landing"), actor="officer_it",
        victim_family_name="OSAGIE-TEST", organisation="OIM Ufficio di Roma (fictitious)",
        data={
            "services_requested": ["REPATRIATION", "REINTEGRATION", "INTERPRETATION"],
            "referred_days_ago": 120, "consent_given": True, "consent_days_ago": 121,
            "consent_scope": "Identity and travel documents shared with IOM Rome and IOM "
                             "Lagos for her voluntary return.",
            "court_role": "NOT_WILLING",
        },
        moves=(("ACCEPTED", 118), ("IN_CARE", 110)),
        repatriation=(("REQUESTED", 100, "NG"), ("RISK_ASSESSED", 60, ""),
                      ("TRAVEL_ARRANGED", 10, "")),
    ),
)
# fmt: on


@dataclass
class ReferralsDemoReport:
    created: int = 0
    present: int = 0
    skipped: int = 0

    def summary_lines(self) -> list[str]:
        lines = [
            f"Demo support referrals: {self.created} created ({self.present} already present)."
        ]
        if self.skipped:
            lines.append(
                f"Demo support referrals: {self.skipped} skipped (their case, victim, "
                "organisation or user is missing)."
            )
        return lines


@transaction.atomic
def seed_referrals_demo() -> ReferralsDemoReport:
    """Create the demo referrals that do not exist yet. Idempotent; a referral whose case,
    victim, organisation or user is missing is skipped and counted."""
    report = ReferralsDemoReport()
    users = {user.username: user for user in get_user_model().objects.filter(is_active=True)}
    for demo in DEMO_REFERRALS:
        case = Case.objects.filter(owner_ncb__code=demo.owner, title=demo.case_title).first()
        actor = users.get(demo.actor)
        victim = (
            Person.objects.filter(case=case, family_name=demo.victim_family_name).first()
            if case is not None
            else None
        )
        organisation = SupportOrganisation.objects.filter(name=demo.organisation).first()
        if None in (case, actor, victim, organisation):
            report.skipped += 1
            continue
        if SupportReferral.objects.filter(victim=victim, organisation=organisation).exists():
            report.present += 1
            continue
        _seed_referral(demo, case=case, actor=actor, victim=victim, organisation=organisation)
        report.created += 1
    return report


def _seed_referral(demo: DemoReferral, *, case, actor, victim, organisation) -> None:
    today = timezone.localdate()
    if demo.grant_identity and not victim_identity_permitted(user=actor, case=case):
        victim_identity_grant(actor=actor, case=case, user=actor)
    data = dict(demo.data)
    referred = today - timedelta(days=data.pop("referred_days_ago"))
    consent_days_ago = data.pop("consent_days_ago", None)
    data.update(
        victim=victim,
        organisation=organisation,
        referred_on=referred,
        consent_on=today - timedelta(days=consent_days_ago) if consent_days_ago else None,
    )
    referral = referral_create(actor=actor, case=case, data=data)
    for status, days_ago in demo.moves:
        referral_change_status(
            actor=actor, referral=referral, to_status=status, on=today - timedelta(days=days_ago)
        )
    for step, days_ago, country in demo.repatriation:
        referral_repatriation_step(
            actor=actor,
            referral=referral,
            to_status=step,
            on=today - timedelta(days=days_ago),
            receiving_country=country or None,
        )
