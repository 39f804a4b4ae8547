"""The review date: five years after the last substantial update, never shortened."""

import datetime as dt

import pytest

from ncb_cases import services
from ncb_cases.models import Case
from ncb_cases.services.retention import add_months, listing_cutoff, review_on_after
from tests.ncb_cases.retention.conftest import REVIEW_ON

pytestmark = pytest.mark.django_db


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(dt.date(2030, 8, 31), 6) == dt.date(2031, 2, 28)
    assert add_months(dt.date(2030, 1, 15), 6) == dt.date(2030, 7, 15)
    assert add_months(dt.date(2031, 7, 31), 6) == dt.date(2032, 1, 31)


def test_review_date_of_29_february_falls_on_28_february():
    assert review_on_after(dt.date(2028, 2, 29)) == dt.date(2033, 2, 28)
    assert listing_cutoff(dt.date(2030, 8, 1)) == dt.date(2031, 2, 1)


def test_a_new_case_is_reviewed_five_years_after_it_was_recorded(old_case):
    assert old_case.retention_review_on == REVIEW_ON
    assert old_case.retention_basis_on == dt.date(2026, 1, 15)


def test_a_note_two_years_later_rolls_the_review_date(old_case, clock, officer_fr):
    # given
    clock.move_to(dt.datetime(2028, 3, 1, 12, 0, tzinfo=dt.UTC))

    # when
    services.case_note_add(actor=officer_fr, case=old_case, text="Hearing scheduled (test).")

    # then
    old_case.refresh_from_db()
    assert old_case.retention_review_on == dt.date(2033, 3, 1)
    assert old_case.retention_basis_on == dt.date(2028, 3, 1)


def test_a_person_change_rolls_the_review_date(old_case, clock, officer_fr):
    # given
    clock.move_to(dt.datetime(2027, 6, 2, 12, 0, tzinfo=dt.UTC))
    person = old_case.persons.get()

    # when
    services.person_update(actor=officer_fr, person=person, data={"sex": "F"})

    # then
    old_case.refresh_from_db()
    assert old_case.retention_review_on == dt.date(2032, 6, 2)


def test_an_update_never_shortens_a_later_review_date(old_case, clock, officer_fr):
    # given: a supervisor's decision left the review on a later day than an update would
    Case.objects.filter(pk=old_case.pk).update(
        retention_review_on=dt.date(2031, 12, 31), retention_basis_on=dt.date(2026, 12, 31)
    )
    clock.move_to(dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC))

    # when
    services.case_update(actor=officer_fr, case=old_case, data={"title": "Renamed (test)"})

    # then
    old_case.refresh_from_db()
    assert old_case.retention_review_on == dt.date(2031, 12, 31)


def test_an_explicit_earlier_review_date_in_the_case_form_is_kept(old_case, clock, officer_fr):
    # given
    clock.move_to(dt.datetime(2027, 1, 1, 12, 0, tzinfo=dt.UTC))

    # when
    services.case_update(
        actor=officer_fr, case=old_case, data={"retention_review_on": dt.date(2029, 1, 1)}
    )

    # then
    old_case.refresh_from_db()
    assert old_case.retention_review_on == dt.date(2029, 1, 1)
