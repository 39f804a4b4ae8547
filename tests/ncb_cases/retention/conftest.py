"""Fixtures of the retention review tests: a frozen clock and a case recorded on a known day.

The clock is frozen with time-machine (`tick=False`): the case is recorded on RECORDED_AT,
so its review date is RECORDED_AT + 5 years, and `clock.move_to(...)` jumps to any later day.
"""

import datetime as dt

import pytest
import time_machine

from contacts.choices import OfficerRole
from ncb_cases import services
from ncb_cases.choices import OffenceType, PersonRole
from tests.factories import officer_user

RECORDED_AT = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)
REVIEW_ON = dt.date(2031, 1, 15)
# Six months and a bit before the review date: the case is due for listing.
LISTING_DAY = dt.datetime(2030, 8, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(RECORDED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def supervisor2_fr(ncb_fr):
    """A second French supervisor: the four eyes of a follow-up message."""
    return officer_user("supervisor2_fr", ncb_fr, OfficerRole.SUPERVISOR)


@pytest.fixture
def old_case(clock, officer_fr, countries):
    """A French case recorded on RECORDED_AT, with a victim (phone, passport) and a note."""
    case = services.case_create(
        actor=officer_fr,
        data={
            "title": "Fictitious: Lyon nail bars, workers of Blessing Test-Okafor",
            "summary": "Fictitious summary naming Blessing Test-Okafor.",
            "offence_type": OffenceType.THB,
        },
    )
    services.person_create(
        actor=officer_fr,
        case=case,
        data={
            "role": PersonRole.VICTIM,
            "family_name": "Test-Okafor",
            "forenames": "Blessing",
            "aliases": ["Jewel"],
            "date_of_birth": "1998-05-14",
            "addresses": "1 rue de l'Exemple, Lyon",
            "phones": ["+234 803 000 0001"],
            "documents": [{"doc_type": "PASSPORT", "number": "A00000001", "issuing_state": "NGA"}],
        },
    )
    services.case_note_add(actor=officer_fr, case=case, text="Met Blessing Test-Okafor (test).")
    case.refresh_from_db()
    return case


@pytest.fixture
def listed_case(old_case, clock):
    """`old_case`, on the review list on LISTING_DAY (the clock stays there)."""
    from ncb_cases.services.retention import retention_review_list_refresh

    clock.move_to(LISTING_DAY)
    retention_review_list_refresh()
    old_case.refresh_from_db()
    return old_case
