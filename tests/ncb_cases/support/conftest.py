"""Fixtures of the referral tests (the case fixtures come from tests/ncb_cases/conftest.py)."""

import datetime

import pytest

from ncb_cases import services
from ncb_cases.choices import PersonRole
from ncb_cases.services.sharing import victim_identity_grant
from tests.contacts.support.factories import SHELTER_ADDRESS, make_organisation  # noqa: F401
from tests.ncb_cases.support.factories import make_referral


@pytest.fixture
def shelter_fr(case_fr):
    """A French shelter; its address must never leave the instance."""
    return make_organisation(case_fr.owner_ncb.country)


@pytest.fixture
def child_fr(case_fr, officer_fr):
    """A victim aged 12 when exploited: a child."""
    return services.person_create(
        actor=officer_fr,
        case=case_fr,
        data={
            "role": PersonRole.VICTIM,
            "family_name": "Childname-Test",
            "forenames": "Ada",
            "sex": "F",
            "date_of_birth": "2012-02-01",
            "exploitation_started_on": datetime.date(2024, 6, 1),
        },
    )


@pytest.fixture
def supervisor_fr_with_identity(supervisor_fr, case_fr):
    victim_identity_grant(actor=supervisor_fr, case=case_fr, user=supervisor_fr)
    return supervisor_fr


@pytest.fixture
def referral_fr(officer_fr, case_fr, victim_fr, shelter_fr):
    return make_referral(officer_fr, case_fr, victim_fr, shelter_fr)
