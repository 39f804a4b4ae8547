"""Factories of the legislation tracker's tests: reviews written directly (for states the
service refuses on purpose, such as a review dated long ago by nobody) and a few countries."""

import datetime

import factory
from django.utils import timezone

from contacts.choices import LegislationStatus
from contacts.models import CountryLegislation
from tests.factories import CountryFactory


class CountryLegislationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountryLegislation

    country = factory.SubFactory(CountryFactory)
    assistance_punishable = LegislationStatus.YES
    incitement_punishable = LegislationStatus.YES
    asset_seizure = LegislationStatus.YES
    asset_confiscation = LegislationStatus.PARTIAL
    source_reference = "Penal Code (fictitious), art. 1-9"
    last_reviewed_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=30)
    )


def other_country(iso2: str, name: str, *, region=None, bureau=None, is_member=True):
    """A country outside the European fixtures (its own region and bureau unless given)."""
    kwargs = {"iso2": iso2, "iso3": f"{iso2}X", "name": name, "is_member": is_member}
    if region is not None:
        kwargs["region"] = region
    kwargs["sub_regional_bureau"] = bureau
    return CountryFactory(**kwargs)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)
