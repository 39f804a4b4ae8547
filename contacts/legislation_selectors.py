"""Reads of the legislation tracker (issue 6, item 3).

The tracker is not protected data: every member of an NCB (and every instance admin) reads
all of it, as the directory. Who may change a country's answers is
`contacts.legislation_permissions.can_review_legislation`.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from contacts.choices import LegislationStatus
from contacts.legislation_filtersets import CountryLegislationFilterSet
from contacts.legislation_services import LEGISLATION_ASKS, legislation_stale_before
from contacts.models import Country, CountryLegislation


def legislation_table(*, filters: Mapping[str, object] | None = None) -> QuerySet[Country]:
    """Countries by name with their region, bureau, legislation row (None when never
    reviewed: `country.legislation` raises, use `legislation_of(country)`) and reviewer.

    `filters` (all optional): `region`, `sub_regional_bureau` (codes), `is_member`, `q` (part
    of the name or an ISO code), `review` ("current", "stale", "never"). Invalid values raise
    ValidationError naming the filter. One query when evaluated, whatever the number of rows.
    """
    countries = Country.objects.select_related(
        "region", "sub_regional_bureau", "legislation__reviewed_by"
    ).order_by("name", "iso2")
    if not filters:
        return countries
    filterset = CountryLegislationFilterSet(data=filters, queryset=countries)
    if not filterset.is_valid():
        raise ValidationError(
            {
                field: [error["message"] for error in errors]
                for field, errors in filterset.errors.get_json_data().items()
            }
        )
    return filterset.qs


def legislation_of(country: Country) -> CountryLegislation | None:
    """The country's legislation row, or None when it was never reviewed (no query when the
    row was fetched with the country, as `legislation_table` does)."""
    try:
        return country.legislation
    except CountryLegislation.DoesNotExist:
        return None


def legislation_country_get(*, iso2: str) -> Country:
    """One country with its legislation and reviewer, by ISO alpha-2 in any case; 404 when
    unknown. One query."""
    country = legislation_table().filter(iso2=str(iso2).upper()).first()
    if country is None:
        raise Http404
    return country


@dataclass(frozen=True)
class AskCoverage:
    """How many countries answer one ask with each status.

    `counts` has every `LegislationStatus` value as a key; countries never reviewed count as
    UNKNOWN (and are also in `LegislationCoverage.never_reviewed`).
    """

    field: str
    label: str
    counts: dict[str, int]


@dataclass(frozen=True)
class LegislationCoverage:
    """The result of `legislation_coverage`: stable, plain values for pages and reports."""

    countries: int
    never_reviewed: int
    stale: int
    asks: tuple[AskCoverage, ...]

    def ask(self, field: str) -> AskCoverage:
        return next(ask for ask in self.asks if ask.field == field)


def legislation_coverage(
    countries: QuerySet[Country], *, today: datetime.date | None = None
) -> LegislationCoverage:
    """Counts of `countries` per ask of the resolution and per status.

    - `countries`: any queryset of countries (a region's, a bureau's, a filtered table);
    - returns a `LegislationCoverage`: the number of countries, of those never reviewed, of
      those whose last review is older than two years (`legislation_stale_before`), and one
      `AskCoverage` per ask in `LEGISLATION_ASKS` order whose `counts` map every
      `LegislationStatus` value (in its declaration order) to a number of countries; a
      country never reviewed counts as UNKNOWN. The counts of one ask add up to `countries`.

    Not restricted by user: the tracker is readable by every member. One query.
    """
    never = Q(legislation__isnull=True)
    aggregates = {
        "countries": Count("pk"),
        "never_reviewed": Count("pk", filter=never),
        "stale": Count(
            "pk",
            filter=Q(legislation__last_reviewed_on__lt=legislation_stale_before(today)),
        ),
    }
    for field, _label in LEGISLATION_ASKS:
        for status in LegislationStatus.values:
            condition = Q(**{f"legislation__{field}": status})
            if status == LegislationStatus.UNKNOWN:
                condition |= never
            aggregates[f"{field}__{status}"] = Count("pk", filter=condition)
    totals = countries.order_by().aggregate(**aggregates)
    return LegislationCoverage(
        countries=totals["countries"],
        never_reviewed=totals["never_reviewed"],
        stale=totals["stale"],
        asks=tuple(
            AskCoverage(
                field=field,
                label=str(label),
                counts={
                    status: totals[f"{field}__{status}"] for status in LegislationStatus.values
                },
            )
            for field, label in LEGISLATION_ASKS
        ),
    )
