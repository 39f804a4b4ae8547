"""`ncb_cases.selectors.assets`: assets through the case selectors, and the case total."""

import datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from ncb_cases.choices import AssetStatus, AuditAction
from ncb_cases.models import AuditEvent
from ncb_cases.selectors.assets import (
    asset_detail_for_user,
    asset_get_for_user,
    asset_list_for_case,
    asset_total,
    case_asset_total_for_user,
)
from tests.ncb_cases.assets.factories import make_asset, move_to, rate

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 1)


def test_the_total_converts_with_the_rates_and_lists_what_it_cannot(officer_fr, case_fr):
    # given assets in EUR, USD (a rate exists), NGN (no rate) and one without a value
    rate("USD", "0.9", valid_from=DAY)
    make_asset(officer_fr, case_fr, estimated_value="100.00", currency="EUR")
    make_asset(officer_fr, case_fr, estimated_value="1000.00", currency="USD")
    ngn = make_asset(officer_fr, case_fr, estimated_value="5000000", currency="NGN")
    make_asset(officer_fr, case_fr, estimated_value=None, currency="")

    # when
    total = case_asset_total_for_user(user=officer_fr, case=case_fr, on=DAY)

    # then 100 + 1000 x 0.9; the naira asset is listed, not dropped
    assert total.reporting_currency == "EUR"
    assert total.total == Decimal("1000.00")
    assert [asset.pk for asset in total.not_converted] == [ngn.pk]
    assert len(total.without_value) == 1
    assert total.converted_count == 2
    assert [(r.currency, r.rate, r.valid_from) for r in total.rates] == [
        ("USD", Decimal("0.9"), DAY)
    ]
    assert isinstance(total.total, Decimal)


def test_the_latest_rate_valid_on_the_day_is_used(officer_fr, case_fr):
    # given three USD rates: old, current on DAY, and a later one
    rate("USD", "0.80", valid_from=DAY - datetime.timedelta(days=60))
    rate("USD", "0.90", valid_from=DAY - datetime.timedelta(days=1))
    rate("USD", "0.99", valid_from=DAY + datetime.timedelta(days=1))
    rate("USD", "5.00", valid_from=DAY, reporting="GBP")
    asset = make_asset(officer_fr, case_fr, estimated_value="10.00", currency="USD")

    # then
    on_day = asset_total([asset], on=DAY)
    assert on_day.total == Decimal("9.00")
    assert on_day.row_for(asset).rate_valid_from == DAY - datetime.timedelta(days=1)
    assert asset_total([asset], on=DAY + datetime.timedelta(days=1)).total == Decimal("9.90")
    before_any = asset_total([asset], on=DAY - datetime.timedelta(days=61))
    assert before_any.total == Decimal("0.00")
    assert before_any.not_converted == [asset]


def test_converted_values_are_rounded_to_the_cent(officer_fr, case_fr):
    rate("NGN", "0.00058123", valid_from=DAY)
    asset = make_asset(officer_fr, case_fr, estimated_value="1234567.89", currency="NGN")
    total = asset_total([asset], on=DAY)
    assert total.row_for(asset).converted == Decimal("717.57")
    assert total.total == Decimal("717.57")


def test_another_reporting_currency_can_be_asked_for(officer_fr, case_fr):
    rate("EUR", "0.85", valid_from=DAY, reporting="GBP")
    asset = make_asset(officer_fr, case_fr, estimated_value="100.00", currency="EUR")
    total = asset_total([asset], on=DAY, reporting_currency="GBP")
    assert (total.reporting_currency, total.total) == ("GBP", Decimal("85.00"))


def test_the_total_by_status(officer_fr, case_fr):
    seized = make_asset(officer_fr, case_fr, estimated_value="10.00")
    move_to(officer_fr, seized, AssetStatus.SEIZED)
    make_asset(officer_fr, case_fr, estimated_value="5.00")
    total = case_asset_total_for_user(user=officer_fr, case=case_fr)
    assert total.by_status == {
        AssetStatus.SEIZED: Decimal("10.00"),
        AssetStatus.TRACED: Decimal("5.00"),
    }


@pytest.mark.parametrize("count", [1, 12])
def test_listing_and_totalling_cost_the_same_queries_whatever_the_number(
    officer_fr, case_fr, django_assert_max_num_queries, count
):
    # given assets in several currencies with rates, each with a history
    for currency in ("USD", "GBP", "BRL"):
        rate(currency, "1.1", valid_from=DAY)
    for index in range(count):
        asset = make_asset(
            officer_fr, case_fr, currency=("EUR", "USD", "GBP", "BRL", "THB")[index % 5]
        )
        move_to(officer_fr, asset, AssetStatus.FROZEN)

    # then: the assets with their histories (2), the rates (1)
    with django_assert_max_num_queries(3):
        total = asset_total(asset_list_for_case(user=officer_fr, case=case_fr), on=DAY)
        for row in total.rows:
            list(row.asset.status_changes.all())
            _ = (row.asset.holder, row.asset.country, row.asset.case)
    assert len(total.rows) == count


def test_assets_of_a_case_the_user_may_not_see_are_not_listed(officer_de, case_fr, asset_fr):
    assert list(asset_list_for_case(user=officer_de, case=case_fr)) == []
    with pytest.raises(Http404):
        asset_get_for_user(user=officer_de, asset_id=asset_fr.public_id)


def test_an_srb_monitor_sees_no_asset(srb_europe, case_fr, asset_fr):
    assert list(asset_list_for_case(user=srb_europe, case=case_fr)) == []
    with pytest.raises(Http404):
        asset_get_for_user(user=srb_europe, asset_id=asset_fr.public_id)


def test_readers_may_not_get_an_asset_for_change(analyst_fr, officer_fr, asset_fr):
    assert asset_get_for_user(user=analyst_fr, asset_id=asset_fr.public_id) == asset_fr
    with pytest.raises(Http404):
        asset_get_for_user(user=analyst_fr, asset_id=asset_fr.public_id, for_change=True)
    assert asset_get_for_user(user=officer_fr, asset_id=asset_fr.public_id, for_change=True)


def test_reading_an_asset_is_audited_and_a_refused_read_too(officer_fr, officer_de, asset_fr):
    # when
    asset_detail_for_user(user=officer_fr, asset_id=asset_fr.public_id, ip="192.0.2.1")
    with pytest.raises(Http404):
        asset_detail_for_user(user=officer_de, asset_id=asset_fr.public_id)

    # then
    events = AuditEvent.objects.filter(object_public_id=asset_fr.public_id)
    viewed = events.get(action=AuditAction.VIEW)
    assert (viewed.actor, viewed.ip) == (officer_fr, "192.0.2.1")
    denied = events.get(action=AuditAction.DENIED)
    assert denied.actor == officer_de


def test_a_not_uuid_is_a_404(officer_fr):
    with pytest.raises(Http404):
        asset_get_for_user(user=officer_fr, asset_id="not-a-uuid")


def test_the_default_day_is_today(officer_fr, case_fr):
    rate("USD", "2", valid_from=timezone.localdate())
    asset = make_asset(officer_fr, case_fr, currency="USD")
    assert asset_total([asset]).total == Decimal("2000.00")
