"""The demo reviews: fictitious, audited, idempotent, and never over a real review."""

import pytest
from django.utils import timezone

from contacts.demo_legislation import DEMO_SOURCE, seed_legislation_demo
from contacts.models import CountryLegislation
from tests.contacts.legislation.factories import CountryLegislationFactory
from tests.factories import UserFactory, country

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_countries(db):
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    return {iso2: country(iso2) for iso2 in ("FR", "DE", "IT", "NG", "TH", "BR")}


def test_the_demo_reviews_five_countries_with_a_plainly_fictitious_source(demo_countries):
    # when
    report = seed_legislation_demo()
    # then
    assert report.reviews_recorded == 5
    assert set(CountryLegislation.objects.values_list("source_reference", flat=True)) == {
        DEMO_SOURCE
    }
    assert not CountryLegislation.objects.filter(country__iso2="BR").exists()
    assert CountryLegislation.objects.get(country__iso2="NG").last_reviewed_on < (
        timezone.localdate().replace(year=timezone.localdate().year - 2)
    )
    assert "5 reviews recorded" in report.summary_lines()[0]


def test_the_demo_is_idempotent_and_leaves_a_real_review_alone(demo_countries):
    # given
    CountryLegislationFactory(country=demo_countries["FR"], source_reference="Real review")
    seed_legislation_demo()
    # when
    again = seed_legislation_demo()
    # then
    assert again.reviews_recorded == 0
    assert again.already_present == 5
    assert CountryLegislation.objects.get(country__iso2="FR").source_reference == "Real review"
