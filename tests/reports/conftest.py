"""A region with figures on both sides of the small-cell threshold."""

from datetime import date
from decimal import Decimal

import pytest

from ncb_cases.choices import AssetStatus, ExploitationForm, OffenceType, PersonRole, Sex
from tests.factories import CaseFactory, VictimFactory
from tests.reports.factories import (
    AssetFactory,
    ExchangeRateFactory,
    ExploitationFormFactory,
    RouteLegFactory,
)

PERIOD = {"start": date(2026, 1, 1), "end": date(2026, 6, 30)}


@pytest.fixture
def europe_figures(ncb_fr, ncb_de, officer_fr):
    """France and Germany (region RB-EUR): cases in 2026, 10 female, 11 male and 3
    unspecified adult victims, no child; assets in EUR, USD (with a rate) and XOF (without)."""
    paris = CaseFactory(
        owner_ncb=ncb_fr,
        opened_on=date(2026, 1, 15),
        offence_type=OffenceType.THB,
        created_by=officer_fr,
    )
    berlin = CaseFactory(owner_ncb=ncb_de, opened_on=date(2026, 3, 2), created_by=officer_fr)
    CaseFactory(owner_ncb=ncb_fr, opened_on=date(2025, 3, 2), created_by=officer_fr)
    ExploitationFormFactory(case=paris, form=ExploitationForm.SEXUAL)
    ExploitationFormFactory(case=berlin, form=ExploitationForm.SEXUAL)
    ExploitationFormFactory(case=berlin, form=ExploitationForm.FORCED_LABOUR)
    RouteLegFactory(case=paris, seq=1, from_country=ncb_de.country, to_country=ncb_fr.country)
    RouteLegFactory(case=berlin, seq=1, from_country=ncb_de.country, to_country=ncb_fr.country)
    VictimFactory.create_batch(10, case=paris, sex=Sex.F, date_of_birth="1990-01-01")
    VictimFactory.create_batch(3, case=berlin, sex=Sex.X, date_of_birth="1992-01-01")
    VictimFactory.create_batch(
        11, case=berlin, sex=Sex.M, date_of_birth="1991-01-01", role=PersonRole.POSSIBLE_VICTIM
    )
    AssetFactory(case=paris, estimated_value=Decimal("1000000.00"), currency="EUR")
    AssetFactory(
        case=paris,
        estimated_value=Decimal("1000.00"),
        currency="USD",
        status=AssetStatus.SEIZED,
    )
    AssetFactory(case=berlin, estimated_value=Decimal("5000.00"), currency="XOF")
    ExchangeRateFactory(currency="USD", valid_from=date(2025, 1, 1), rate=Decimal("0.5"))
    ExchangeRateFactory(currency="USD", valid_from=date(2026, 2, 1), rate=Decimal("0.9"))
    ExchangeRateFactory(currency="USD", valid_from=date(2026, 12, 1), rate=Decimal("2"))
    return {"paris": paris, "berlin": berlin}
