import pytest

from tests.contacts.support.factories import make_organisation
from tests.factories import country


@pytest.fixture
def france(ncb_fr):
    return ncb_fr.country


@pytest.fixture
def shelter_fr(france):
    """A French shelter: its address is for the French NCB and admins only."""
    return make_organisation(france)


@pytest.fixture
def legal_aid_it(db):
    return make_organisation(
        country("IT"),
        name="Avvocati di Strada-Test (fictitious)",
        kind="LEGAL_AID",
        services=["LEGAL", "INTERPRETATION"],
        languages=["it", "en", "yo"],
        city="Roma",
        address="Via dei Fiori-Test 3, Roma",
        phone="+390699990101",
        phone_24_7=False,
    )
