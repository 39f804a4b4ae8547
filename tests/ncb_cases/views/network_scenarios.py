"""The readers of the network and group page tests: one per row of the permission matrix.

Used by test_network.py and test_groups.py (`reader = network_scenarios.reader`).
"""

import datetime

import pytest
from django.utils import timezone

from tests.factories import share_case

# scenario: (page status for reading, may change the case's groups)
MATRIX = {
    "anonymous": (302, False),
    "other_ncb": (404, False),
    "shared_read": (200, False),
    "shared_read_write": (200, True),
    "expired_share": (404, False),
    "srb_monitor": (404, False),
    "analyst": (200, False),
    "owner_officer": (200, True),
    "admin": (200, True),
}
READERS = [scenario for scenario, (status, _change) in MATRIX.items() if status == 200]
EDITORS = [scenario for scenario, (_status, change) in MATRIX.items() if change]
NOT_EDITORS = [
    scenario for scenario, (status, change) in MATRIX.items() if not change and status != 302
]


@pytest.fixture
def reader(request, case_fr, ncb_de):
    """`reader(scenario)`: the user of a MATRIX scenario (None: anonymous), with its share."""

    def make(scenario):
        simple = {
            "anonymous": None,
            "other_ncb": "officer_de",
            "srb_monitor": "srb_europe",
            "analyst": "analyst_fr",
            "owner_officer": "officer_fr",
            "admin": "admin_user",
        }
        if scenario in simple:
            name = simple[scenario]
            return None if name is None else request.getfixturevalue(name)
        officer_de = request.getfixturevalue("officer_de")
        if scenario == "shared_read":
            share_case(case_fr, ncb_de, access="READ")
        elif scenario == "shared_read_write":
            share_case(case_fr, ncb_de, access="READ_WRITE")
        elif scenario == "expired_share":
            # Grant rows still present (the beat task has not run): expiry is exact anyway.
            past = timezone.now() - datetime.timedelta(seconds=1)
            share_case(case_fr, ncb_de, access="READ_WRITE", expires_at=past)
        return officer_de

    return make
