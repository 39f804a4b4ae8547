import pytest

from contacts.choices import LegislationStatus
from contacts.legislation_services import LegislationReview
from tests.factories import RegionFactory, SubRegionalBureauFactory


@pytest.fixture
def africa(db):
    return RegionFactory(code="AF", name="Africa")


@pytest.fixture
def srb_west_africa(africa):
    return SubRegionalBureauFactory(
        code="RB-ABJ", name="West African Regional Bureau", city="Abidjan", region=africa
    )


@pytest.fixture
def full_review():
    """Every ask answered YES, with its source."""
    return LegislationReview(
        assistance_punishable=LegislationStatus.YES,
        incitement_punishable=LegislationStatus.YES,
        asset_seizure=LegislationStatus.YES,
        asset_confiscation=LegislationStatus.YES,
        source_reference="Penal Code (fictitious), art. 225-4-1",
        source_url="https://legislation.example.test/penal-code",
    )
