"""Reads of a case's assets and their total in the reporting currency (issue 6, item 1).

Assets are read only through the case selectors: an asset of a case the user may not see is
missing (Http404). The total converts each estimated value with the latest rate valid on the
chosen day; an asset whose currency has no such rate is listed as not converted, never
silently left out of the sum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction
from ncb_cases.models import Case
from ncb_cases.models.assets import Asset, AssetStatusChange, ExchangeRate
from ncb_cases.selectors._common import as_uuid
from ncb_cases.selectors.access import editable_cases, visible_cases

User = AbstractBaseUser | AnonymousUser
CENT = Decimal("0.01")


def _assets() -> QuerySet[Asset]:
    history = AssetStatusChange.objects.select_related("recorded_by").order_by(
        "effective_on", "recorded_at", "id"
    )
    return Asset.objects.select_related("case", "country", "holder__case").prefetch_related(
        Prefetch("status_changes", queryset=history)
    )


def asset_list_for_case(*, user: User, case: Case) -> QuerySet[Asset]:
    """The assets of a case `user` may read, oldest first, with country, holder (present
    them through `ncb_cases.pseudonyms`) and status history. Two queries; none visible
    (an empty list) if the case is not visible to the user."""
    return _assets().filter(case=case, case__in=visible_cases(user)).order_by("created_at", "id")


def asset_get_for_user(
    *, user: User, asset_id, for_change: bool = False, ip: str | None = None
) -> Asset:
    """The asset with public id `asset_id` if `user` may read its case (or change it, with
    `for_change`); Http404 for missing and forbidden alike. A refused attempt on an asset
    that exists is recorded as DENIED (committed at once: do not call this inside a
    transaction that the 404 rolls back); a successful read is not audited (see
    `asset_detail_for_user`). Two queries."""
    cases = editable_cases(user) if for_change else visible_cases(user)
    public_id = as_uuid(asset_id)
    try:
        return _assets().filter(case__in=cases).get(public_id=public_id)
    except Asset.DoesNotExist as exc:
        _audit_refused(user, public_id, for_change=for_change, ip=ip)
        raise Http404 from exc


def _audit_refused(user: User, public_id, *, for_change: bool, ip: str | None) -> None:
    if not user.is_authenticated:
        return
    found = Asset.objects.select_related("case").filter(public_id=public_id).first()
    if found is not None:
        with transaction.atomic():
            audit_record(
                actor=user,
                action=AuditAction.DENIED,
                obj=found,
                ip=ip,
                details={"attempted": AuditAction.UPDATE if for_change else AuditAction.VIEW},
            )


def asset_detail_for_user(*, user: User, asset_id, ip: str | None = None) -> Asset:
    """`asset_get_for_user` for a person reading one asset: one VIEW audit row; a refused
    read of an existing asset is recorded as DENIED, then Http404. Do not wrap this in an
    outer transaction."""
    asset = asset_get_for_user(user=user, asset_id=asset_id, ip=ip)
    with transaction.atomic():
        audit_record(actor=user, action=AuditAction.VIEW, obj=asset, ip=ip)
    return asset


# --- The total in the reporting currency ------------------------------------------------------


@dataclass(frozen=True)
class ConvertedAsset:
    """One asset's estimated value and, if a rate was found, its value in the reporting
    currency (rounded to the cent) with the rate and the day that rate took effect."""

    asset: Asset
    converted: Decimal | None = None
    rate: Decimal | None = None
    rate_valid_from: date | None = None

    @property
    def is_converted(self) -> bool:
        return self.converted is not None


@dataclass(frozen=True)
class RateUsed:
    currency: str
    rate: Decimal
    valid_from: date
    source: str


@dataclass
class AssetTotal:
    """The assets of a case totalled in `reporting_currency` with the rates valid `on`.

    - `rows`: every asset, in the order given, converted or not;
    - `total`: the sum of the converted values (Decimal, to the cent);
    - `not_converted`: assets with a value in a currency without a rate on that day;
    - `without_value`: assets with no estimated value;
    - `rates`: the rate used for each foreign currency, with its date and source;
    - `by_status`: the converted total per asset status.
    """

    reporting_currency: str
    on: date
    rows: list[ConvertedAsset] = field(default_factory=list)
    total: Decimal = Decimal("0.00")
    rates: list[RateUsed] = field(default_factory=list)
    by_status: dict[str, Decimal] = field(default_factory=dict)

    @property
    def not_converted(self) -> list[Asset]:
        return [
            row.asset
            for row in self.rows
            if row.asset.estimated_value is not None and not row.is_converted
        ]

    @property
    def without_value(self) -> list[Asset]:
        return [row.asset for row in self.rows if row.asset.estimated_value is None]

    @property
    def converted_count(self) -> int:
        return sum(row.is_converted for row in self.rows)

    def row_for(self, asset: Asset) -> ConvertedAsset | None:
        return next((row for row in self.rows if row.asset.pk == asset.pk), None)


def latest_rates(
    currencies, *, on: date, reporting_currency: str | None = None
) -> dict[str, ExchangeRate]:
    """For each of `currencies`, the rate into `reporting_currency` (default
    `settings.REPORTING_CURRENCY`) with the latest `valid_from` not after `on`. One query
    (none for no currencies), over the (currency, reporting currency, day) unique index."""
    reporting = reporting_currency or settings.REPORTING_CURRENCY
    wanted = sorted({code for code in currencies if code and code != reporting})
    if not wanted:
        return {}
    latest_day = (
        ExchangeRate.objects.filter(
            currency=OuterRef("currency"), reporting_currency=reporting, valid_from__lte=on
        )
        .order_by("-valid_from")
        .values("valid_from")[:1]
    )
    rates = ExchangeRate.objects.filter(
        currency__in=wanted, reporting_currency=reporting, valid_from=Subquery(latest_day)
    )
    return {rate.currency: rate for rate in rates}


def asset_total(
    assets, *, on: date | None = None, reporting_currency: str | None = None
) -> AssetTotal:
    """The total of `assets` (already read through a selector) in the reporting currency
    with the rates valid on `on` (default today). One query for the rates, whatever the
    number of assets (none if every value is already in the reporting currency)."""
    reporting = reporting_currency or settings.REPORTING_CURRENCY
    on = on or timezone.localdate()
    assets = list(assets)
    rates = latest_rates(
        (asset.currency for asset in assets if asset.estimated_value is not None),
        on=on,
        reporting_currency=reporting,
    )
    result = AssetTotal(reporting_currency=reporting, on=on)
    for asset in assets:
        value = asset.estimated_value
        if value is None:
            result.rows.append(ConvertedAsset(asset))
            continue
        if asset.currency == reporting:
            row = ConvertedAsset(asset, value.quantize(CENT, ROUND_HALF_UP), Decimal(1), None)
        elif asset.currency in rates:
            rate = rates[asset.currency]
            converted = (value * rate.rate).quantize(CENT, ROUND_HALF_UP)
            row = ConvertedAsset(asset, converted, rate.rate, rate.valid_from)
        else:
            row = ConvertedAsset(asset)
        result.rows.append(row)
        if row.is_converted:
            result.total += row.converted
            result.by_status[asset.status] = (
                result.by_status.get(asset.status, Decimal("0.00")) + row.converted
            )
    result.rates = [
        RateUsed(code, rate.rate, rate.valid_from, rate.source)
        for code, rate in sorted(rates.items())
    ]
    return result


def case_asset_total_for_user(
    *, user: User, case: Case, on: date | None = None, reporting_currency: str | None = None
) -> AssetTotal:
    """The total of the assets of a case `user` may read (`asset_list_for_case` then
    `asset_total`). Three queries."""
    assets = asset_list_for_case(user=user, case=case)
    return asset_total(assets, on=on, reporting_currency=reporting_currency)
