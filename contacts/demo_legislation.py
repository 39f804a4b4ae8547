"""Demo reviews of the legislation tracker for the demo countries (`seed_demo`).

Plainly fictitious: every review names the same source, "Demo data (fictitious) — not a legal
assessment", and the answers are chosen to show every status, a stale review and a country
never reviewed (Brazil), not to describe any country's law.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contacts.choices import LegislationStatus as S
from contacts.legislation_services import LegislationReview, legislation_review_record
from contacts.models import Country, CountryLegislation

DEMO_SOURCE = "Demo data (fictitious) — not a legal assessment"
DEMO_REVIEWER = "admin"


@dataclass(frozen=True)
class DemoReview:
    iso2: str
    answers: tuple[str, str, str, str]  # assistance, incitement, seizure, confiscation
    reviewed_days_ago: int
    notes: str = ""


# fmt: off
DEMO_REVIEWS: tuple[DemoReview, ...] = (
    DemoReview("FR", (S.YES, S.YES, S.YES, S.YES), 120),
    DemoReview("DE", (S.YES, S.PARTIAL, S.YES, S.YES), 300,
               "Demo: incitement covered only through the general part of the code."),
    DemoReview("IT", (S.YES, S.YES, S.YES, S.PARTIAL), 60,
               "Demo: confiscation needs a conviction."),
    DemoReview("NG", (S.YES, S.NO, S.PARTIAL, S.UNKNOWN), 900,
               "Demo: a review older than two years, flagged on the tracker."),
    DemoReview("TH", (S.PARTIAL, S.UNKNOWN, S.YES, S.NO), 400),
)
# fmt: on


@dataclass
class LegislationDemoReport:
    reviews_recorded: int = 0
    already_present: int = 0
    countries_missing: tuple[str, ...] = ()

    def summary_lines(self) -> list[str]:
        lines = [
            f"Demo legislation: {self.reviews_recorded} reviews recorded, "
            f"{self.already_present} already present."
        ]
        if self.countries_missing:
            lines.append(
                "Demo legislation: countries missing from the reference data: "
                + ", ".join(self.countries_missing)
            )
        return lines


@transaction.atomic
def seed_legislation_demo() -> LegislationDemoReport:
    """Record the demo reviews, through the service (audited), by the demo `admin` user.

    Idempotent: a country that already has a review is left alone, so a real review entered
    since is never overwritten. Needs the reference data and the demo users.
    """
    report = LegislationDemoReport()
    reviewer = get_user_model().objects.filter(username=DEMO_REVIEWER).first()
    if reviewer is None:
        raise LookupError("The demo user `admin` is missing: seed the demo contacts first.")
    countries = Country.objects.in_bulk([demo.iso2 for demo in DEMO_REVIEWS], field_name="iso2")
    report.countries_missing = tuple(
        demo.iso2 for demo in DEMO_REVIEWS if demo.iso2 not in countries
    )
    reviewed = set(
        CountryLegislation.objects.filter(country__in=countries.values()).values_list(
            "country__iso2", flat=True
        )
    )
    today = timezone.localdate()
    for demo in DEMO_REVIEWS:
        if demo.iso2 not in countries:
            continue
        if demo.iso2 in reviewed:
            report.already_present += 1
            continue
        assistance, incitement, seizure, confiscation = demo.answers
        legislation_review_record(
            actor=reviewer,
            country=countries[demo.iso2],
            review=LegislationReview(
                assistance_punishable=assistance,
                incitement_punishable=incitement,
                asset_seizure=seizure,
                asset_confiscation=confiscation,
                source_reference=DEMO_SOURCE,
                notes=demo.notes,
                reviewed_on=today - datetime.timedelta(days=demo.reviewed_days_ago),
            ),
        )
        report.reviews_recorded += 1
    return report
