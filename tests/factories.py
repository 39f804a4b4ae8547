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
from ncb_cases.choices import (
    DocumentAuthenticity,
    DocumentType,
    OffenceType,
    PersonRole,
    Sex,
    ShareAccess,
    VehicleType,
)
from ncb_cases.models import (
    Case,
    CaseShare,
    IdentityDocument,
    Person,
    PersonPhone,
    Vehicle,
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


# --- Cases (ncb_cases) ------------------------------------------------------------------------
# Factories write rows directly, for speed and for states the services refuse on purpose
# (expired shares, for instance). Tests of behaviour go through the services.


def country(iso2: str) -> Country:
    """A reference country by ISO alpha-2 (a handful of the demo's, with their capitals)."""
    known = {
        "FR": ("FRA", "France", "Paris"),
        "DE": ("DEU", "Germany", "Berlin"),
        "IT": ("ITA", "Italy", "Rome"),
        "NG": ("NGA", "Nigeria", "Abuja"),
        "TH": ("THA", "Thailand", "Bangkok"),
        "BR": ("BRA", "Brazil", "Brasília"),
        "ES": ("ESP", "Spain", "Madrid"),
        "LY": ("LBY", "Libya", "Tripoli"),
    }
    iso3, name, capital = known[iso2]
    return CountryFactory(iso2=iso2, iso3=iso3, name=name, capital=capital)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case row. References start at 900001 so they never collide with `case_create`'s."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    owner_ncb = factory.SubFactory(NcbFactory)
    reference = factory.LazyAttributeSequence(
        lambda case, n: f"{case.owner_ncb.code}-{timezone.localdate().year}-{900001 + n:06d}"
    )
    title = "Workers recruited through the fictitious agency “Sol-Test Interim”"
    summary = "Fictitious test case: seasonal workers charged recruitment debts."
    offence_type = OffenceType.THB
    created_by = factory.SubFactory(UserFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    """A person row; protected persons get the next V-number of their case."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    role = PersonRole.SUSPECT
    family_name = "MARTIN-TEST"
    forenames = "Lucas"
    sex = Sex.M
    date_of_birth = "1984-03-12"
    nationalities = factory.LazyFunction(lambda: ["FRA"])
    created_by = factory.SelfAttribute("case.created_by")

    @factory.post_generation
    def victim_number(person, create, extracted, **kwargs):
        if create and person.identity_protected and person.victim_number is None:
            numbers = Person.objects.filter(case=person.case).exclude(victim_number=None)
            person.victim_number = (
                max(numbers.values_list("victim_number", flat=True), default=0) + 1
            )
            person.save(update_fields=["victim_number"])


class VictimFactory(PersonFactory):
    role = PersonRole.VICTIM
    family_name = "OKAFOR-TEST"
    forenames = "Blessing"
    sex = Sex.F
    date_of_birth = "1999-07-02"
    nationalities = factory.LazyFunction(lambda: ["NGA"])


class PersonPhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonPhone

    person = factory.SubFactory(PersonFactory)
    number = "+33199001002"  # a French range reserved for fiction


class IdentityDocumentFactory(factory.django.DjangoModelFactory):
    """The ICAO 9303 specimen passport (Utopia, fictitious by design)."""

    class Meta:
        model = IdentityDocument

    person = factory.SubFactory(PersonFactory)
    doc_type = DocumentType.PASSPORT
    number = "L898902C3"
    issuing_state = "UTO"
    authenticity = DocumentAuthenticity.UNKNOWN


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    case = factory.SubFactory(CaseFactory)
    vehicle_type = VehicleType.VAN
    plate = "TS-123-XX"


def share_case(
    case: Case,
    recipient_ncb: NationalCentralBureau,
    *,
    access: str = ShareAccess.READ,
    expires_at: datetime.datetime | None = None,
    revoked: bool = False,
    granted_by=None,
) -> CaseShare:
    """A share row and its guardian grants exactly as `case_share` writes them, but without
    its checks: expiry in the past and revoked shares (grants removed) are allowed."""
    from guardian.shortcuts import assign_perm

    share = CaseShare.objects.create(
        case=case,
        recipient_ncb=recipient_ncb,
        access=access,
        purpose="Fictitious joint investigation (test)",
        expires_at=expires_at or timezone.now() + datetime.timedelta(days=30),
        granted_by=granted_by or case.created_by,
        revoked_at=timezone.now() if revoked else None,
    )
    if not revoked:
        group = contact_services.ncb_ensure_group(ncb=recipient_ncb)
        assign_perm("view_case", group, case)
        if access == ShareAccess.READ_WRITE:
            assign_perm("change_case", group, case)
    return share
