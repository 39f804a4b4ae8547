"""The case-list filter form shared by /cases/ and /api/v1/cases/."""

import datetime

from django.http import QueryDict

from ncb_cases.filtersets import CaseFilterForm


def test_empty_values_filter_nothing():
    # given
    form = CaseFilterForm(QueryDict("status=&offence_type=&q=&country="))
    # then
    assert form.is_valid(), form.errors
    assert form.selector_filters() == {}


def test_several_codes_of_one_filter_are_kept():
    # given
    form = CaseFilterForm(QueryDict("status=OPEN&status=IN_COURT&country=fr"))
    # then
    assert form.is_valid(), form.errors
    assert form.selector_filters() == {"status": ["OPEN", "IN_COURT"], "country": "fr"}


def test_an_unknown_code_is_an_error_on_its_field():
    # given
    form = CaseFilterForm(QueryDict("status=LOST"))
    # then
    assert not form.is_valid()
    assert list(form.errors) == ["status"]


def test_a_period_ending_before_it_starts_is_refused_on_its_end():
    # given
    form = CaseFilterForm(QueryDict("opened_after=2026-05-01&opened_before=2026-04-01"))
    # then
    assert not form.is_valid()
    assert list(form.errors) == ["opened_before"]


def test_dates_are_parsed_for_the_selector():
    # given
    form = CaseFilterForm(QueryDict("opened_after=2026-05-01"))
    # then
    assert form.is_valid()
    assert form.selector_filters() == {"opened_after": datetime.date(2026, 5, 1)}
