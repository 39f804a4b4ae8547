"""factory_boy factories: realistic, plainly fictitious data (no real person or number)."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from contacts import services as contact_services
from contacts.choices import ContactRole, OfficerRole
from contacts.models import (
    ContactPoint,
    Country,
    Language,
    NationalCentralBureau,
    Region,
    SubRegionalBureau,
)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "EU"
    name = "Europe"


class SubRegionalBureauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubRegionalBureau
        django_get_or_create = ("code",)

    code = "RB-EUR"
    name = "European Regional Bureau"
    city = "Lyon"
    region = factory.SubFactory(RegionFactory)


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("iso2",)

    iso2 = "FR"
    iso3 = "FRA"
    name = "France"
    capital = "Paris"
    region = factory.SubFactory(RegionFactory)
    sub_regional_bureau = factory.SubFactory(SubRegionalBureauFactory)


class NcbFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NationalCentralBureau
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    country = factory.SubFactory(CountryFactory)
    code = factory.SelfAttribute("country.iso2")
    name = factory.LazyAttribute(lambda ncb: f"INTERPOL {ncb.country.capital}")
    phone_24_7 = "+33172000001"

    @factory.post_generation
    def with_group(ncb, create, extracted, **kwargs):
        if create:
            contact_services.ncb_ensure_group(ncb=ncb)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    first_name = "Test"
    last_name = factory.LazyAttribute(lambda u: u.username.upper())
    password = factory.django.Password("correct-horse-battery-staple")


def officer_user(username: str, ncb, role=OfficerRole.OFFICER, **officer_kwargs):
    """A user who is a member of `ncb` with `role`, through the same service the app uses."""
    user = UserFactory(username=username)
    contact_services.officer_assign(user=user, ncb=ncb, role=role, **officer_kwargs)
    user.refresh_from_db()
    return user


def language(code: str, name: str | None = None) -> Language:
    names = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "ar": "Arabic"}
    return Language.objects.get_or_create(code=code, defaults={"name": name or names[code]})[0]


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint
        skip_postgeneration_save = True

    ncb = factory.SubFactory(NcbFactory)
    role = ContactRole.PRIMARY
    full_name = "Camille DURAND-TEST"
    title = "Commandant"
    unit = "THB desk"
    phone_24_7 = "+33172000002"
    secure_email = "thb.desk@ncb-fr.example.test"
    time_zone = "Europe/Paris"
    designated_from = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=400)
    )
    last_verified_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def languages(contact, create, extracted, **kwargs):
        if create:
            contact.languages.set([language(code) for code in (extracted or ["en", "fr"])])
