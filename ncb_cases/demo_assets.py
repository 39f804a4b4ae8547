"""The assets part of `manage.py seed_demo` (issue 6, item 1): a few assets on the demo cases
and the demo exchange rates that total them in EUR.

Everything is fictitious: banks, account numbers, amounts and rates (source "demo rate
(fictitious)"). Every write goes through `ncb_cases.services.assets` as a demo user, so the
assets have their status history, timeline entries and audit trail. Idempotent: an asset is
matched by its case and description, a rate by its currency pair and day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ncb_cases.choices import AssetStatus, AssetType
from ncb_cases.demo import DEMO_CASES, MAMA_JOY
from ncb_cases.models import Case, Person
from ncb_cases.models.assets import Asset, ExchangeRate
from ncb_cases.services.assets import asset_change_status, asset_create, exchange_rate_save

DEMO_RATE_SOURCE = "demo rate (fictitious)"
# 1 unit = this many EUR; plausible orders of magnitude, not real quotations.
DEMO_RATES = {
    "USD": Decimal("0.92"),
    "NGN": Decimal("0.00058"),
    "GBP": Decimal("1.17"),
    "THB": Decimal("0.026"),
    "BRL": Decimal("0.17"),
}
RATES_VALID_DAYS_AGO = 365


def _title(prefix: str) -> str:
    return next(demo.title for demo in DEMO_CASES if demo.title.startswith(prefix))


@dataclass(frozen=True)
class DemoAsset:
    owner: str
    case_title: str
    actor: str
    data: dict
    holder_family_name: str = ""
    # (status, days ago, legal basis, authority), in order.
    moves: tuple[tuple[str, int, str, str], ...] = ()


MAMA_JOY_CASE = _title("Mama Joy network: sexual exploitation")
HAMBURG_CASE = _title("Forced labour on construction sites near Hamburg")

# fmt: off
DEMO_ASSETS: tuple[DemoAsset, ...] = (
    DemoAsset(
        owner="FR", case_title=MAMA_JOY_CASE, actor="officer_fr",
        holder_family_name=MAMA_JOY["family_name"],
        data={
            "asset_type": AssetType.BANK_ACCOUNT,
            "description": "Current account receiving the victims' 'debt' repayments "
                           "(fictitious)",
            "estimated_value": Decimal("41250.00"), "currency": "EUR", "country": "FR",
            "institution": "Banque Exemple Paris (fictitious)",
            "account_identifier": "FR76 9999 9000 0000 0000 0000 042",
        },
        moves=(
            (AssetStatus.FROZEN, 120, "Art. 706-153 CPP, freezing order (fictitious)",
             "Juge des libertés et de la détention, Paris (fictitious)"),
            (AssetStatus.SEIZED, 60, "Art. 706-141 CPP, seizure order (fictitious)",
             "Juge d'instruction, Tribunal judiciaire de Paris (fictitious)"),
        ),
    ),
    DemoAsset(
        owner="FR", case_title=MAMA_JOY_CASE, actor="officer_fr",
        holder_family_name=MAMA_JOY["family_name"],
        data={
            "asset_type": AssetType.CASH,
            "description": "Cash found during the search of the apartment in Paris 18e "
                           "(fictitious)",
            "estimated_value": Decimal("23450.00"), "currency": "EUR", "country": "FR",
        },
        moves=(
            (AssetStatus.SEIZED, 90, "Art. 56 CPP, seizure during a search (fictitious)",
             "Procureur de la République, Paris (fictitious)"),
        ),
    ),
    DemoAsset(
        owner="FR", case_title=MAMA_JOY_CASE, actor="officer_fr",
        holder_family_name=MAMA_JOY["family_name"],
        data={
            "asset_type": AssetType.VEHICLE,
            "description": "Black saloon car used to move the women between flats "
                           "(fictitious)",
            "estimated_value": Decimal("18000.00"), "currency": "EUR", "country": "FR",
        },
    ),
    DemoAsset(
        owner="FR", case_title=MAMA_JOY_CASE, actor="officer_fr",
        holder_family_name=MAMA_JOY["family_name"],
        data={
            "asset_type": AssetType.REAL_ESTATE,
            "description": "House under construction in Benin City paid from the proceeds "
                           "(fictitious)",
            "estimated_value": Decimal("45000000.00"), "currency": "NGN", "country": "NG",
            "silver_notice_candidate": True,
        },
    ),
    DemoAsset(
        owner="DE", case_title=HAMBURG_CASE, actor="officer_de",
        holder_family_name="KRAUSE-TEST",
        data={
            "asset_type": AssetType.REAL_ESTATE,
            "description": "Flat in Hamburg-Wilhelmsburg rented out to the workers "
                           "(fictitious)",
            "estimated_value": Decimal("310000.00"), "currency": "EUR", "country": "DE",
            "institution": "Grundbuchamt Hamburg (fictitious)",
            "account_identifier": "Blatt 99999 (fictitious)",
        },
        moves=(
            (AssetStatus.FROZEN, 30, "§ 111e StPO, Vermögensarrest (fictitious)",
             "Amtsgericht Hamburg (fictitious)"),
        ),
    ),
)
# fmt: on


@dataclass
class AssetsDemoReport:
    assets_created: int = 0
    assets_present: int = 0
    status_changes: int = 0
    rates_created: int = 0
    skipped: int = 0

    def summary_lines(self) -> list[str]:
        lines = [
            f"Demo assets: {self.assets_created} assets created "
            f"({self.assets_present} already present), {self.status_changes} status changes, "
            f"{self.rates_created} exchange rates."
        ]
        if self.skipped:
            lines.append(f"Demo assets: {self.skipped} skipped (their demo case is missing).")
        return lines


@transaction.atomic
def seed_assets_demo() -> AssetsDemoReport:
    """Create the demo rates and assets that do not exist yet. Needs the cases demo (its
    users and cases); an asset whose case is missing is skipped and counted. Idempotent."""
    report = AssetsDemoReport()
    users = {user.username: user for user in get_user_model().objects.filter(is_active=True)}
    _seed_rates(users, report)
    cases = {
        (case.owner_ncb.code, case.title): case
        for case in Case.objects.select_related("owner_ncb").filter(
            title__in={demo.case_title for demo in DEMO_ASSETS}
        )
    }
    for demo in DEMO_ASSETS:
        case = cases.get((demo.owner, demo.case_title))
        actor = users.get(demo.actor)
        if case is None or actor is None:
            report.skipped += 1
            continue
        if Asset.objects.filter(case=case, description=demo.data["description"]).exists():
            report.assets_present += 1
            continue
        _seed_asset(demo, case=case, actor=actor, report=report)
    return report


def _seed_rates(users: dict, report: AssetsDemoReport) -> None:
    admin = users.get("admin")
    if admin is None:
        return
    valid_from = timezone.localdate() - timedelta(days=RATES_VALID_DAYS_AGO)
    present = set(
        ExchangeRate.objects.filter(reporting_currency="EUR", source=DEMO_RATE_SOURCE).values_list(
            "currency", flat=True
        )
    )
    for currency, rate in DEMO_RATES.items():
        if currency in present:
            continue
        exchange_rate_save(
            actor=admin,
            rate=ExchangeRate(),
            data={
                "currency": currency,
                "reporting_currency": "EUR",
                "valid_from": valid_from,
                "rate": rate,
                "source": DEMO_RATE_SOURCE,
            },
        )
        report.rates_created += 1


def _seed_asset(demo: DemoAsset, *, case: Case, actor, report: AssetsDemoReport) -> None:
    data = dict(demo.data)
    if demo.holder_family_name:
        data["holder"] = Person.objects.filter(
            case=case, family_name=demo.holder_family_name
        ).first()
    asset = asset_create(actor=actor, case=case, data=data)
    report.assets_created += 1
    today = timezone.localdate()
    for status, days_ago, legal_basis, authority in demo.moves:
        asset_change_status(
            actor=actor,
            asset=asset,
            to_status=status,
            effective_on=today - timedelta(days=days_ago),
            legal_basis=legal_basis,
            authority=authority,
        )
        report.status_changes += 1
