"""A region's figures: what each table counts, suppression and the query cost."""

from datetime import date, timedelta

from django.utils import timezone

from contacts.choices import LegislationStatus
from messages_hst.choices import RequestDirection
from ncb_cases.choices import Sex
from reports.figures import months_between, regional_figures
from tests.factories import CaseFactory, ContactPointFactory, VictimFactory, country
from tests.reports.conftest import PERIOD
from tests.reports.factories import (
    LegislationFactory,
    TrackedRequestFactory,
    ncb_of_west_africa,
)


def rows_of(figures, key):
    return [[c if isinstance(c, str) else c.text for c in row] for row in figures.table(key).rows]


def test_cases_are_counted_per_month_opened_and_closed(europe_figures, srb_europe_bureau):
    figures = regional_figures(bureau=srb_europe_bureau, **PERIOD)

    assert rows_of(figures, "cases_by_month") == [
        ["2026-01", "1", "0"],
        ["2026-02", "0", "0"],
        ["2026-03", "1", "0"],
        ["2026-04", "0", "0"],
        ["2026-05", "0", "0"],
        ["2026-06", "0", "0"],
        ["Total", "2", "0"],
    ]


def test_cases_of_another_region_are_left_out(europe_figures, srb_europe_bureau, officer_fr):
    # given a case of an NCB outside the region
    CaseFactory(owner_ncb=ncb_of_west_africa(), opened_on=date(2026, 2, 1), created_by=officer_fr)

    figures = regional_figures(bureau=srb_europe_bureau, **PERIOD)

    assert rows_of(figures, "cases_by_month")[-1] == ["Total", "2", "0"]
    assert regional_figures(bureau=None, **PERIOD).table("cases_by_month").rows[-1][1].text == "3"


def test_active_cases_by_offence_include_cases_opened_before_the_period(
    europe_figures, srb_europe_bureau
):
    figures = regional_figures(bureau=srb_europe_bureau, **PERIOD)

    assert rows_of(figures, "cases_by_offence")[0] == ["Trafficking in human beings", "3"]
    assert rows_of(figures, "cases_by_offence")[-1] == ["Total", "3"]


def test_exploitation_forms_and_routes_count_cases(europe_figures, srb_europe_bureau):
    figures = regional_figures(bureau=srb_europe_bureau, **PERIOD)

    assert rows_of(figures, "cases_by_exploitation")[:2] == [
        ["Sexual exploitation", "2"],
        ["Forced labour", "1"],
    ]
    assert rows_of(figures, "routes") == [["Germany", "France", "2"]]


def test_victims_ten_are_hidden_eleven_shown_zero_shown(europe_figures, srb_europe_bureau):
    figures = regional_figures(bureau=srb_europe_bureau, **PERIOD)

    # columns: sex, children, adults, age not known, total; 11 men, 10 women, 3 unspecified
    assert rows_of(figures, "victims") == [
        ["Male", "0", "11", "0", "11"],
        ["Female", "0", "<11", "0", "<11"],
        ["Unspecified", "0", "<11", "0", "<11"],
        ["Unknown", "0", "0", "0", "0"],
        ["Total", "0", "24", "0", "24"],
    ]
    female = figures.table("victims").rows[1]
    assert (female[2].value, female[2].suppressed) == (None, True)


def test_a_lone_hidden_count_hides_a_second_one_of_its_row_and_column(
    europe_figures, srb_europe_bureau
):
    # given 3 more women of unknown age: the women's row is 0 | 10 | 3 | 13
    VictimFactory.create_batch(3, case=europe_figures["paris"], sex=Sex.F, date_of_birth="")

    figures = regional_figures(bureau=srb_europe_bureau, **PERIOD)

    # then no row or column of the grid leaves exactly one hidden cell to recompute
    grid = [row[1:] for row in figures.table("victims").rows]
    for line in [*grid, *zip(*grid, strict=True)]:
        assert sum(cell.suppressed for cell in line) != 1
    assert rows_of(figures, "victims")[1] == ["Female", "0", "<11", "<11", "13"]


def test_a_child_victim_and_a_victim_of_unknown_age_are_grouped_apart(
    europe_figures, srb_europe_bureau
):
    VictimFactory.create_batch(
        11, case=europe_figures["paris"], sex=Sex.U, date_of_birth="2015-01-01"
    )
    VictimFactory.create_batch(11, case=europe_figures["paris"], sex=Sex.U, date_of_birth="")

    figures = regional_figures(bureau=srb_europe_bureau, **PERIOD)

    assert rows_of(figures, "victims")[3] == ["Unknown", "11", "0", "11", "22"]


def test_assets_are_totalled_in_euros_at_the_rate_valid_at_the_end(
    europe_figures, srb_europe_bureau
):
    figures = regional_figures(bureau=srb_europe_bureau, **PERIOD)

    rows = {row[0]: row[1:] for row in rows_of(figures, "assets")}
    assert rows["Traced"] == ["2", "1,000,000.00 EUR", "1"]
    assert rows["Seized"] == ["1", "900.00 EUR", "0"]
    assert rows["Total"] == ["3", "1,000,900.00 EUR", "1"]
    assert "XOF" in figures.table("assets").note


def test_ncbs_without_or_with_stale_contact_points_are_listed(ncb_fr, ncb_de, srb_europe_bureau):
    ContactPointFactory(ncb=ncb_fr, last_verified_at=timezone.now() - timedelta(days=400))

    figures = regional_figures(bureau=srb_europe_bureau, **PERIOD)

    assert rows_of(figures, "contact_points") == [["France", "1", "1"], ["Germany", "0", "0"]]


def test_overdue_requests_are_counted_per_ncb_and_direction(ncb_fr, ncb_de, srb_europe_bureau):
    TrackedRequestFactory.create_batch(2, ncb=ncb_fr)
    TrackedRequestFactory(ncb=ncb_de, direction=RequestDirection.RECEIVED)
    TrackedRequestFactory(ncb=ncb_de, due_on=timezone.localdate() + timedelta(days=2))
    TrackedRequestFactory(ncb=ncb_de, outcome="DONE")

    figures = regional_figures(bureau=srb_europe_bureau, **PERIOD)

    assert rows_of(figures, "overdue_requests") == [
        ["France", "2", "0"],
        ["Germany", "0", "1"],
        ["Total", "2", "1"],
    ]


def test_legislation_counts_countries_per_status_unreviewed_as_unknown(
    ncb_fr, ncb_de, srb_europe_bureau
):
    LegislationFactory(country=ncb_fr.country, assistance_punishable=LegislationStatus.YES)

    figures = regional_figures(bureau=srb_europe_bureau, **PERIOD)

    assert figures.table("legislation").columns[1:] == ("Yes", "Partly", "No", "Not known")
    assert rows_of(figures, "legislation")[0][1:] == ["1", "0", "0", "1"]
    assert rows_of(figures, "legislation")[2][1:] == ["0", "0", "0", "2"]


def test_figures_cost_a_fixed_number_of_queries(
    europe_figures, srb_europe_bureau, ncb_fr, django_assert_max_num_queries
):
    with django_assert_max_num_queries(11):
        regional_figures(bureau=srb_europe_bureau, **PERIOD)
    # given many more rows
    for _n in range(5):
        case = CaseFactory(owner_ncb=ncb_fr, opened_on=date(2026, 4, 1))
        VictimFactory.create_batch(3, case=case)
    country("IT")
    with django_assert_max_num_queries(11):
        regional_figures(bureau=srb_europe_bureau, **PERIOD)


def test_months_run_across_the_turn_of_a_year():
    assert months_between(date(2025, 11, 20), date(2026, 2, 3)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
