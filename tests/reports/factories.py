"""Rows for the regional figures: assets, route legs, exploitation forms, tracked requests,
contact points and legislation reviews of fictitious cases."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from contacts.models import CountryLegislation
from messages_hst.choices import RequestDirection
from messages_hst.models import TrackedRequest
from ncb_cases.choices import AssetType, RouteStage, TransportMode
from ncb_cases.models import Asset, CaseExploitationForm, ExchangeRate, RouteLeg
from tests.factories import CaseFactory, CountryFactory, NcbFactory, SubRegionalBureauFactory


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    case = factory.SubFactory(CaseFactory)
    asset_type = AssetType.BANK_ACCOUNT
    description = "Account at the fictitious Banque Test-Exemple"
    estimated_value = Decimal("1000.00")
    currency = "EUR"
    created_by = factory.SelfAttribute("case.created_by")


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    currency = "USD"
    reporting_currency = "EUR"
    valid_from = date(2026, 1, 1)
    rate = Decimal("0.90000000")
    source = "Fictitious test rate"


class RouteLegFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RouteLeg

    case = factory.SubFactory(CaseFactory)
    seq = factory.Sequence(lambda n: n + 1)
    stage = RouteStage.TRANSIT
    mode = TransportMode.ROAD


class ExploitationFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseExploitationForm

    case = factory.SubFactory(CaseFactory)


class TrackedRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackedRequest

    direction = RequestDirection.SENT
    counterpart_code = "DE"
    request_message_id = factory.LazyFunction(uuid.uuid4)
    request_ref = factory.Sequence(lambda n: f"REQ-{n:04d}")
    action = "IDENTIFY_PERSON"
    due_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))


class LegislationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountryLegislation

    source_reference = "Fictitious Penal Code, art. 1 (test)"


def ncb_of_west_africa():
    """Nigeria's NCB, in the region of a second bureau (RB-ABJ)."""
    bureau = SubRegionalBureauFactory(
        code="RB-ABJ", name="Regional Bureau for West Africa", city="Abidjan"
    )
    nigeria = CountryFactory(
        iso2="NG", iso3="NGA", name="Nigeria", capital="Abuja", sub_regional_bureau=bureau
    )
    return NcbFactory(country=nigeria, name="INTERPOL Abuja")
