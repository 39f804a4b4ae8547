"""Fixtures of the case tests: cases opened through the services by the shared cast."""

import datetime

import pytest
from django.utils import timezone

from ncb_cases import services
from ncb_cases.choices import OffenceType, PersonRole
from tests.factories import country


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The cast's users get a password each; PBKDF2's deliberate slowness costs ~1 s per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def countries(db):
    return {iso2: country(iso2) for iso2 in ("FR", "DE", "IT", "NG", "LY")}


@pytest.fixture
def case_fr(officer_fr, countries):
    """A French trafficking case opened by officer_fr (who thereby holds victim identity)."""
    return services.case_create(
        actor=officer_fr,
        data={
            "title": "Nail bars in Lyon staffed by recruited workers",
            "summary": "Fictitious: women recruited in Benin City, moved via Libya and Italy.",
            "offence_type": OffenceType.THB,
            "exploitation_forms": ["FORCED_LABOUR", "SEXUAL"],
            "countries": [
                {"country": "NG", "role": "ORIGIN"},
                {"country": "LY", "role": "TRANSIT"},
                {"country": "FR", "role": "DESTINATION"},
            ],
        },
    )


@pytest.fixture
def case_de(officer_de, countries):
    """A German case the French NCB knows nothing of."""
    return services.case_create(
        actor=officer_de,
        data={"title": "Construction sites in Hamburg", "offence_type": OffenceType.SMUGGLING},
    )


@pytest.fixture
def victim_fr(case_fr, officer_fr):
    """An adult victim in case_fr, with a phone and the ICAO specimen passport."""
    return services.person_create(
        actor=officer_fr,
        case=case_fr,
        data={
            "role": PersonRole.VICTIM,
            "family_name": "Okafor-Test",
            "forenames": "Blessing",
            "aliases": ["Jewel"],
            "sex": "F",
            "date_of_birth": "1998-05-14",
            "nationalities": ["NGA"],
            "exploitation_started_on": datetime.date(2024, 3, 1),
            "phones": ["+234 803 000 0001"],
            "documents": [{"doc_type": "PASSPORT", "number": "A00000001", "issuing_state": "NGA"}],
        },
    )


@pytest.fixture
def suspect_fr(case_fr, officer_fr):
    return services.person_create(
        actor=officer_fr,
        case=case_fr,
        data={
            "role": PersonRole.SUSPECT,
            "family_name": "Moreau-Test",
            "forenames": "Didier",
            "date_of_birth": "1975-11-30",
            "phones": ["+33 1 99 00 10 01"],
        },
    )


@pytest.fixture
def tomorrow():
    return timezone.now() + datetime.timedelta(days=1)
