"""The tracker's table and `legislation_coverage`, which the regional reports rely on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contacts.choices import LegislationStatus
from contacts.legislation_selectors import (
    LegislationCoverage,
    legislation_coverage,
    legislation_of,
    legislation_table,
)
from contacts.models import Country
from tests.contacts.legislation.factories import CountryLegislationFactory, other_country

pytestmark = pytest.mark.django_db


def test_coverage_counts_countries_per_ask_and_status_with_unreviewed_as_not_known(
    ncb_fr, ncb_de, africa
):
    # given
    CountryLegislationFactory(
        country=ncb_fr.country,
        assistance_punishable=LegislationStatus.YES,
        asset_confiscation=LegislationStatus.NO,
    )
    CountryLegislationFactory(
        country=ncb_de.country,
        assistance_punishable=LegislationStatus.PARTIAL,
        asset_confiscation=LegislationStatus.UNKNOWN,
    )
    other_country("NG", "Nigeria", region=africa)
    # when
    coverage = legislation_coverage(Country.objects.all())
    # then
    assert isinstance(coverage, LegislationCoverage)
    assert coverage.countries == 3
    assert coverage.never_reviewed == 1
    assert coverage.ask("assistance_punishable").counts == {
        "YES": 1,
        "PARTIAL": 1,
        "NO": 0,
        "UNKNOWN": 1,
    }
    assert coverage.ask("asset_confiscation").counts == {
        "YES": 0,
        "PARTIAL": 0,
        "NO": 1,
        "UNKNOWN": 2,
    }


def test_coverage_has_the_four_asks_in_order_and_each_adds_up_to_the_countries(ncb_fr, ncb_de):
    # given
    CountryLegislationFactory(country=ncb_fr.country)
    # when
    coverage = legislation_coverage(Country.objects.all())
    # then
    assert [ask.field for ask in coverage.asks] == [
        "assistance_punishable",
        "incitement_punishable",
        "asset_seizure",
        "asset_confiscation",
    ]
    assert all(list(ask.counts) == LegislationStatus.values for ask in coverage.asks)
    assert all(sum(ask.counts.values()) == coverage.countries for ask in coverage.asks)


def test_coverage_of_no_country_is_all_zeros(db):
    # when
    coverage = legislation_coverage(Country.objects.none())
    # then
    assert coverage.countries == 0
    assert all(set(ask.counts.values()) == {0} for ask in coverage.asks)


def test_coverage_counts_reviews_older_than_two_years_as_stale(ncb_fr, ncb_de):
    # given
    today = timezone.localdate()
    CountryLegislationFactory(
        country=ncb_fr.country, last_reviewed_on=today - datetime.timedelta(days=800)
    )
    CountryLegislationFactory(
        country=ncb_de.country, last_reviewed_on=today - datetime.timedelta(days=700)
    )
    # when
    coverage = legislation_coverage(Country.objects.all())
    # then
    assert coverage.stale == 1


def test_coverage_is_one_query(ncb_fr, ncb_de, django_assert_num_queries):
    # given
    CountryLegislationFactory(country=ncb_fr.country)
    # when / then
    with django_assert_num_queries(1):
        legislation_coverage(Country.objects.filter(sub_regional_bureau__code="RB-EUR"))


def test_table_filters_by_bureau_and_loads_rows_in_constant_queries(
    ncb_fr, ncb_de, srb_west_africa, django_assert_num_queries
):
    # given
    CountryLegislationFactory(country=ncb_fr.country)
    other_country("NG", "Nigeria", region=srb_west_africa.region, bureau=srb_west_africa)
    # when (one query checks the bureau's code, one loads the rows with their reviews)
    with django_assert_num_queries(2):
        rows = [
            (country.iso2, legislation_of(country))
            for country in legislation_table(filters={"sub_regional_bureau": "RB-EUR"})
        ]
    # then
    assert [iso2 for iso2, _legislation in rows] == ["FR", "DE"]
    assert dict(rows)["FR"].source_reference
    assert dict(rows)["DE"] is None


@pytest.mark.parametrize(
    ("review", "expected"), [("never", {"DE"}), ("stale", {"IT"}), ("current", {"FR"})]
)
def test_table_filters_by_review_age(ncb_fr, ncb_de, review, expected):
    # given
    today = timezone.localdate()
    CountryLegislationFactory(country=ncb_fr.country)
    italy = other_country("IT", "Italy", region=ncb_fr.country.region)
    CountryLegislationFactory(country=italy, last_reviewed_on=today - datetime.timedelta(days=900))
    # when
    countries = legislation_table(filters={"review": review})
    # then
    assert {country.iso2 for country in countries} == expected


def test_table_filters_by_membership_and_by_name_or_code(ncb_fr, ncb_de):
    # given
    other_country("XK", "Testland (fictitious)", region=ncb_fr.country.region, is_member=False)
    # when / then
    assert [c.iso2 for c in legislation_table(filters={"is_member": False})] == ["XK"]
    assert [c.iso2 for c in legislation_table(filters={"q": "deu"})] == ["DE"]
    assert [c.iso2 for c in legislation_table(filters={"q": "fran"})] == ["FR"]


def test_table_refuses_an_unknown_region_naming_the_filter(ncb_fr):
    # when
    with pytest.raises(ValidationError) as caught:
        list(legislation_table(filters={"region": "NOWHERE"}))
    # then
    assert "region" in caught.value.message_dict
