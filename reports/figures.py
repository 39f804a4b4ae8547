"""A region's aggregated figures over a period: the one source of every report page, export,
API answer and PDF.

Only aggregates leave this module (GROUP BY in the database, then `reports.tables` cells with
small-cell suppression applied); never a case, a person or an asset. A region is the countries
of a sub-regional bureau; a case belongs to it when its owner NCB's country does. `bureau=None`
means every region (instance admins only: the caller checks, see `reports.permissions`).

Which cases: "opened" and "closed" count cases by the day they were opened or closed within the
period; every other table reads the cases *active* in the period (opened on or before its end
and not closed before its start). Asset statuses, contact points, overdue requests and
legislation are the state of today, as the table notes say.

Cost: at most eleven queries whatever the number of cases, months or countries.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.choices import LegislationStatus
from contacts.legislation_selectors import legislation_coverage
from contacts.models import Country, NationalCentralBureau, SubRegionalBureau
from contacts.models.directory import stale_cutoff
from messages_hst.choices import RequestDirection, RequestOutcome
from messages_hst.models import TrackedRequest
from ncb_cases.choices import (
    VICTIM_ROLES,
    AssetStatus,
    ExploitationForm,
    OffenceType,
    Sex,
)
from ncb_cases.models import Asset, Case, CaseExploitationForm, ExchangeRate, Person, RouteLeg
from reports.tables import (
    Cell,
    FigureTable,
    RegionalFigures,
    money,
    person_grid,
    plain_count,
    suppressed_text,
)


def regional_figures(
    *, bureau: SubRegionalBureau | None, start: date, end: date, today: date | None = None
) -> RegionalFigures:
    """Every table of `bureau`'s region (None: all regions) for `start`..`end` inclusive.

    No permission check: call it only for a region `reports.permissions` lets the user see.
    At most eleven queries whatever the amount of data.
    """
    today = today or timezone.localdate()
    cases = _region_cases(bureau)
    active = _active_cases(cases, start, end)
    tables = (
        _cases_by_month(cases, start, end),
        _cases_by_offence(active),
        _cases_by_exploitation(active),
        _routes(active),
        _victims(active),
        _assets(active, end),
        _contact_points(bureau),
        _overdue_requests(bureau, today),
        _legislation(bureau),
    )
    return RegionalFigures(
        scope=region_label(bureau),
        bureau_id=bureau.pk if bureau else None,
        start=start,
        end=end,
        tables=tables,
    )


def regional_headline(
    *, bureau: SubRegionalBureau | None, start: date, end: date, today: date | None = None
) -> tuple[tuple[str, Cell], ...]:
    """The headline figures of the region's page, read from the same tables (so a hidden
    victims total stays hidden): cases opened, cases closed, victims, assets' value, overdue
    requests. No permission check, as `regional_figures`. Six queries."""
    today = today or timezone.localdate()
    cases = _region_cases(bureau)
    active = _active_cases(cases, start, end)
    by_month = _cases_by_month(cases, start, end).rows[-1]
    victims = _victims(active).rows[-1]
    assets = _assets(active, end).rows[-1]
    overdue = _overdue_requests(bureau, today).rows[-1]
    return (
        (_("Cases opened"), by_month[1]),
        (_("Cases closed"), by_month[2]),
        (_("Victims"), victims[-1]),
        (_("Assets' estimated value"), assets[2]),
        (_("Overdue HST requests"), plain_count(overdue[1].value + overdue[2].value)),
    )


def region_label(bureau: SubRegionalBureau | None) -> str:
    """The scope as people read it: `European Regional Bureau (RB-EUR)`, or `All regions`."""
    return f"{bureau.name} ({bureau.code})" if bureau else _("All regions")


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from `start`'s to `end`'s, in order."""
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [date(index // 12, index % 12 + 1, 1) for index in range(first, last + 1)]


def _region_cases(bureau: SubRegionalBureau | None) -> QuerySet[Case]:
    cases = Case.objects.all()
    if bureau is not None:
        cases = cases.filter(owner_ncb__country__sub_regional_bureau=bureau)
    return cases.order_by()


def _active_cases(cases: QuerySet[Case], start: date, end: date) -> QuerySet[Case]:
    """Cases opened by the end of the period and not closed before its start."""
    return cases.filter(opened_on__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    )


def _region_countries(bureau: SubRegionalBureau | None) -> QuerySet[Country]:
    if bureau is not None:
        return Country.objects.filter(sub_regional_bureau=bureau)
    return Country.objects.filter(Q(is_member=True) | Q(ncb__isnull=False))


def _month_counts(queryset: QuerySet, field: str) -> dict[date, int]:
    rows = (
        queryset.annotate(month=TruncMonth(field)).values("month").annotate(n=Count("id"))
    ).order_by()
    return {_as_date(row["month"]): row["n"] for row in rows}


def _as_date(value) -> date:
    # TruncMonth of a DateField is a date; some backends hand back a datetime.
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _cases_by_month(cases: QuerySet[Case], start: date, end: date) -> FigureTable:
    opened = _month_counts(cases.filter(opened_on__range=(start, end)), "opened_on")
    closed = _month_counts(cases.filter(closed_on__range=(start, end)), "closed_on")
    months = months_between(start, end)
    rows = [
        (
            month.strftime("%Y-%m"),
            plain_count(opened.get(month, 0)),
            plain_count(closed.get(month, 0)),
        )
        for month in months
    ]
    rows.append(
        (
            _("Total"),
            plain_count(sum(opened.values())),
            plain_count(sum(closed.values())),
        )
    )
    return FigureTable(
        key="cases_by_month",
        title=_("Cases opened and closed per month"),
        columns=(_("Month"), _("Opened"), _("Closed")),
        rows=tuple(rows),
        chart="line",
    )


def _choice_counts(counts: dict[str, int], choices) -> tuple[tuple[str | Cell, ...], ...]:
    return tuple((str(label), plain_count(counts.get(value, 0))) for value, label in choices)


def _cases_by_offence(active: QuerySet[Case]) -> FigureTable:
    rows = active.values("offence_type").annotate(n=Count("id")).order_by()
    counts = {row["offence_type"]: row["n"] for row in rows}
    body = _choice_counts(counts, OffenceType.choices)
    return FigureTable(
        key="cases_by_offence",
        title=_("Cases active in the period, by offence type"),
        columns=(_("Offence type"), _("Cases")),
        rows=(*body, (_("Total"), plain_count(sum(counts.values())))),
    )


def _cases_by_exploitation(active: QuerySet[Case]) -> FigureTable:
    rows = (
        CaseExploitationForm.objects.filter(case__in=active)
        .values("form")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    counts = {row["form"]: row["n"] for row in rows}
    return FigureTable(
        key="cases_by_exploitation",
        title=_("Cases active in the period, by form of exploitation"),
        columns=(_("Form of exploitation"), _("Cases")),
        rows=_choice_counts(counts, ExploitationForm.choices),
        note=_("A case with several forms of exploitation counts once under each."),
    )


def _routes(active: QuerySet[Case]) -> FigureTable:
    rows = (
        RouteLeg.objects.filter(
            case__in=active, from_country__isnull=False, to_country__isnull=False
        )
        .exclude(from_country=F("to_country"))
        .values("from_country__name", "to_country__name")
        .annotate(n=Count("case", distinct=True))
        .order_by("-n", "from_country__name", "to_country__name")
    )
    return FigureTable(
        key="routes",
        title=_("Routes: legs from one country to another"),
        columns=(_("Origin"), _("Destination"), _("Cases")),
        rows=tuple(
            (row["from_country__name"], row["to_country__name"], plain_count(row["n"]))
            for row in rows
        ),
        note=_(
            "Cases whose route has a leg between the two countries; legs within a country "
            "or with a country not known are left out."
        ),
    )


AGE_GROUPS = ("child", "adult", "unknown")


def _victims(active: QuerySet[Case]) -> FigureTable:
    rows = (
        Person.objects.filter(case__in=active, role__in=list(VICTIM_ROLES))
        .values("sex", "is_child")
        .annotate(n=Count("id"), born=Count("id", filter=~Q(date_of_birth="")))
        .order_by()
    )
    # `is_child` is computed from the birth date; without one a victim's age is not known.
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        if row["is_child"]:
            counts[(row["sex"], "child")] += row["n"]
        else:
            counts[(row["sex"], "adult")] += row["born"]
            counts[(row["sex"], "unknown")] += row["n"] - row["born"]
    sexes = list(Sex.choices)
    grid = person_grid([[counts[(sex, group)] for group in AGE_GROUPS] for sex, _label in sexes])
    labels = [str(label) for _sex, label in sexes] + [_("Total")]
    return FigureTable(
        key="victims",
        title=_("Victims in cases active in the period, by sex and age"),
        columns=(_("Sex"), _("Children"), _("Adults"), _("Age not known"), _("Total")),
        rows=tuple((label, *cells) for label, cells in zip(labels, grid, strict=True)),
        note=_(
            "Victims and possible victims. Counts from 1 to %(below)s persons are shown as "
            "%(hidden)s, and so is one more cell of the same row or column where the hidden "
            "one could otherwise be worked out from the total."
        )
        % {"below": settings.SMALL_CELL_THRESHOLD - 1, "hidden": suppressed_text()},
    )


def _latest_rates(currencies: set[str], reporting: str, on: date) -> dict[str, Decimal]:
    """The rate valid on `on` for each currency: the newest one from that day or before."""
    rates: dict[str, Decimal] = {}
    if not currencies:
        return rates
    for currency, rate in (
        ExchangeRate.objects.filter(
            currency__in=currencies, reporting_currency=reporting, valid_from__lte=on
        )
        .order_by("currency", "-valid_from")
        .values_list("currency", "rate")
    ):
        rates.setdefault(currency, rate)
    return rates


def _assets(active: QuerySet[Case], end: date) -> FigureTable:
    reporting = settings.REPORTING_CURRENCY
    rows = list(
        Asset.objects.filter(case__in=active)
        .values("status", "currency")
        .annotate(n=Count("id"), total=Sum("estimated_value"), valued=Count("estimated_value"))
        .order_by()
    )
    rates = _latest_rates(
        {row["currency"] for row in rows if row["currency"] and row["currency"] != reporting},
        reporting,
        end,
    )
    count: dict[str, int] = defaultdict(int)
    value: dict[str, Decimal] = defaultdict(Decimal)
    unconverted: dict[str, int] = defaultdict(int)
    unvalued = 0
    missing_currencies: set[str] = set()
    for row in rows:
        status = row["status"]
        count[status] += row["n"]
        unvalued += row["n"] - row["valued"]
        if not row["valued"]:
            continue
        if row["currency"] == reporting:
            value[status] += row["total"]
        elif row["currency"] in rates:
            value[status] += row["total"] * rates[row["currency"]]
        else:
            unconverted[status] += row["valued"]
            missing_currencies.add(row["currency"])
    body = [
        (
            str(label),
            plain_count(count[status]),
            money(value[status], reporting),
            plain_count(unconverted[status]),
        )
        for status, label in AssetStatus.choices
    ]
    body.append(
        (
            _("Total"),
            plain_count(sum(count.values())),
            money(sum(value.values(), Decimal(0)), reporting),
            plain_count(sum(unconverted.values())),
        )
    )
    notes = [
        _(
            "Current status of the assets of cases active in the period; values converted at the "
            "latest rate valid on %(day)s."
        )
        % {"day": end.isoformat()}
    ]
    if missing_currencies:
        notes.append(
            _(
                "No rate to %(reporting)s for %(currencies)s: those values are left out of the "
                "total and counted as not converted."
            )
            % {"reporting": reporting, "currencies": ", ".join(sorted(missing_currencies))}
        )
    if unvalued:
        notes.append(_("%(count)s assets have no estimated value.") % {"count": unvalued})
    return FigureTable(
        key="assets",
        title=_("Assets by status and value"),
        columns=(
            _("Status"),
            _("Assets"),
            _("Value (%(currency)s)") % {"currency": reporting},
            _("Values not converted"),
        ),
        rows=tuple(body),
        note=" ".join(notes),
    )


def _contact_points(bureau: SubRegionalBureau | None) -> FigureTable:
    ncbs = NationalCentralBureau.objects.all()
    if bureau is not None:
        ncbs = ncbs.filter(country__sub_regional_bureau=bureau)
    current = Q(contact_points__designated_to__isnull=True)
    rows = (
        ncbs.annotate(
            current=Count("contact_points", filter=current),
            stale=Count(
                "contact_points",
                filter=current & Q(contact_points__last_verified_at__lt=stale_cutoff()),
            ),
        )
        .filter(Q(current=0) | Q(stale__gt=0))
        .values("country__name", "current", "stale")
        .order_by("country__name")
    )
    return FigureTable(
        key="contact_points",
        title=_("NCBs without a current or with a stale contact point"),
        columns=(_("NCB"), _("Current contact points"), _("Not verified recently")),
        rows=tuple(
            (row["country__name"], plain_count(row["current"]), plain_count(row["stale"]))
            for row in rows
        ),
        chart="none",
        note=_("Today's directory; a contact point is stale when not verified for %(days)s days.")
        % {"days": settings.CONTACT_POINT_STALE_AFTER_DAYS},
    )


def _overdue_requests(bureau: SubRegionalBureau | None, today: date) -> FigureTable:
    requests = TrackedRequest.objects.filter(outcome=RequestOutcome.OPEN, due_on__lt=today)
    if bureau is not None:
        requests = requests.filter(ncb__country__sub_regional_bureau=bureau)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        requests.values("ncb__country__name", "direction").annotate(n=Count("id")).order_by()
    ):
        counts[row["ncb__country__name"]][row["direction"]] += row["n"]
    body = [
        (
            name,
            plain_count(by_direction[RequestDirection.SENT]),
            plain_count(by_direction[RequestDirection.RECEIVED]),
        )
        for name, by_direction in sorted(counts.items())
    ]
    body.append(
        (
            _("Total"),
            plain_count(sum(c[RequestDirection.SENT] for c in counts.values())),
            plain_count(sum(c[RequestDirection.RECEIVED] for c in counts.values())),
        )
    )
    return FigureTable(
        key="overdue_requests",
        title=_("Overdue HST requests"),
        columns=(_("NCB"), _("Sent, awaiting an answer"), _("Received, to answer")),
        rows=tuple(body),
        note=_("Open requests whose due date is before %(day)s.") % {"day": today.isoformat()},
    )


def _legislation(bureau: SubRegionalBureau | None) -> FigureTable:
    coverage = legislation_coverage(_region_countries(bureau))
    statuses = list(LegislationStatus.choices)
    return FigureTable(
        key="legislation",
        title=_("Legislation coverage (countries)"),
        columns=(_("The law provides for"), *(str(label) for _status, label in statuses)),
        rows=tuple(
            (ask.label, *(plain_count(ask.counts[status]) for status, _label in statuses))
            for ask in coverage.asks
        ),
        note=_(
            "Today's tracker over %(count)s countries: %(never)s never reviewed (counted as "
            "not known), %(stale)s reviewed more than two years ago."
        )
        % {
            "count": coverage.countries,
            "never": coverage.never_reviewed,
            "stale": coverage.stale,
        },
    )
