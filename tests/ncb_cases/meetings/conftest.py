"""Fixtures of the meeting tests: Italy and Nigeria besides the shared cast, and meetings."""

import pytest

from contacts.choices import OfficerRole
from tests.factories import (
    NcbFactory,
    RegionFactory,
    SubRegionalBureauFactory,
    country,
    officer_user,
)
from tests.ncb_cases.meetings.factories import meeting


@pytest.fixture
def ncb_it(ncb_fr):
    return NcbFactory(country=country("IT"), name="INTERPOL Rome")


@pytest.fixture
def ncb_ng(db):
    return NcbFactory(country=country("NG"), name="INTERPOL Abuja")


@pytest.fixture
def officer_it(ncb_it):
    return officer_user("officer_it", ncb_it, OfficerRole.OFFICER)


@pytest.fixture
def officer_ng(ncb_ng):
    return officer_user("officer_ng", ncb_ng, OfficerRole.OFFICER)


@pytest.fixture
def srb_africa(ncb_ng):
    bureau = SubRegionalBureauFactory(
        code="RB-WAF",
        name="West Africa Regional Bureau",
        region=RegionFactory(code="AF", name="Africa"),
    )
    return officer_user("srb_africa", ncb_ng, OfficerRole.SRB_MONITOR, sub_regional_bureau=bureau)


@pytest.fixture
def meeting_fr(supervisor_fr, ncb_fr, ncb_it, ncb_ng, srb_europe_bureau):
    """Organised by France with the Europe bureau; Italy and Nigeria take part, not Germany."""
    return meeting(
        organiser=ncb_fr,
        created_by=supervisor_fr,
        participants=[ncb_it, ncb_ng],
        bureau=srb_europe_bureau,
    )
