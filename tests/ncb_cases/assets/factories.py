"""Assets and rates for the asset tests, made through the services (audit and all)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from ncb_cases.choices import AssetStatus, AssetType
from ncb_cases.models.assets import ExchangeRate
from ncb_cases.services.assets import asset_change_status, asset_create

# How to reach each status from TRACED through legal moves only.
PATH_TO = {
    AssetStatus.TRACED: (),
    AssetStatus.FROZEN: (AssetStatus.FROZEN,),
    AssetStatus.SEIZED: (AssetStatus.SEIZED,),
    AssetStatus.CONFISCATED: (AssetStatus.SEIZED, AssetStatus.CONFISCATED),
    AssetStatus.RETURNED: (AssetStatus.FROZEN, AssetStatus.RETURNED),
    AssetStatus.VICTIM_COMPENSATION: (
        AssetStatus.SEIZED,
        AssetStatus.CONFISCATED,
        AssetStatus.VICTIM_COMPENSATION,
    ),
}


def make_asset(actor, case, **data):
    values = {
        "asset_type": AssetType.BANK_ACCOUNT,
        "description": "Account receiving the proceeds (test)",
        "estimated_value": Decimal("1000.00"),
        "currency": "EUR",
    }
    values.update(data)
    return asset_create(actor=actor, case=case, data=values)


def move_to(actor, asset, status, *, start_days_ago: int = 30):
    """Walk `asset` to `status` along `PATH_TO`, one day apart, ending in the past."""
    today = timezone.localdate()
    for step, to_status in enumerate(PATH_TO[status]):
        asset_change_status(
            actor=actor,
            asset=asset,
            to_status=to_status,
            effective_on=today - datetime.timedelta(days=start_days_ago - step),
            legal_basis="Art. 706-153 CPP (test)",
            authority="Tribunal judiciaire de Paris (test)",
        )
    asset.refresh_from_db()
    return asset


def rate(currency, value, *, valid_from, reporting="EUR", source="test rate"):
    return ExchangeRate.objects.create(
        currency=currency,
        reporting_currency=reporting,
        valid_from=valid_from,
        rate=Decimal(value),
        source=source,
    )
