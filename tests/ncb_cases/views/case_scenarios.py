"""The readers of the case page tests (list, summary, tasks, timeline, sharing, audit): one per
row of the permission matrix of issue 3, each with the share that brings the case to them.

Used by test_cases.py, test_work.py and test_sharing.py (`reader = case_scenarios.reader`).
The case is `case_fr`, owned by INTERPOL Paris; the other NCB is INTERPOL Wiesbaden.
"""

import datetime

import pytest
from django.utils import timezone

from tests.factories import share_case

SCENARIO_USERS = {
    "anonymous": None,
    "other_ncb": "officer_de",
    "srb_monitor": "srb_europe",
    "user_without_ncb": "user_without_ncb",
    "analyst": "analyst_fr",
    "owner_officer": "officer_fr",
    "owner_supervisor": "supervisor_fr",
    "admin": "admin_user",
}
SHARED = ("shared_read", "shared_read_write", "expired_share")

# Analysts read cases through the API and, in the browser, through read-only pages.
READERS = (
    "shared_read",
    "shared_read_write",
    "analyst",
    "owner_officer",
    "owner_supervisor",
    "admin",
)
NON_READERS = ("other_ncb", "expired_share", "srb_monitor", "user_without_ncb")
EDITORS = ("shared_read_write", "owner_officer", "owner_supervisor", "admin")
READ_ONLY = ("shared_read", "analyst")
SHARERS = ("owner_supervisor", "admin")
NOT_SHARERS = ("shared_read", "shared_read_write", "analyst", "owner_officer", *NON_READERS)


@pytest.fixture
def reader(request, case_fr, ncb_de):
    """`reader(scenario)`: the user of a scenario (None: anonymous), with its share made."""

    def make(scenario):
        if scenario in SCENARIO_USERS:
            name = SCENARIO_USERS[scenario]
            return request.getfixturevalue(name) if name else None
        officer_de = request.getfixturevalue("officer_de")
        if scenario == "shared_read":
            share_case(case_fr, ncb_de, access="READ")
        elif scenario == "shared_read_write":
            share_case(case_fr, ncb_de, access="READ_WRITE")
        elif scenario == "expired_share":
            # The grant rows are still there (the beat task has not run): expiry is exact anyway.
            past = timezone.now() - datetime.timedelta(seconds=1)
            share_case(case_fr, ncb_de, access="READ_WRITE", expires_at=past)
        else:
            raise AssertionError(f"unknown scenario {scenario}")
        return officer_de

    return make
