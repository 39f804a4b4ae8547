"""Helpers every service uses to turn input into values or field errors."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from ncb_cases.services._common import Errors, as_date


@pytest.mark.parametrize("value", ["2026-13-45", "2026-02-30", "yesterday", "2026/01/02"])
def test_a_date_that_is_not_one_is_a_field_error_not_a_crash(value):
    errors = Errors()
    assert as_date(value, "due_on", errors) is None
    with pytest.raises(ValidationError) as raised:
        errors.raise_if_any()
    assert "due_on" in raised.value.message_dict


def test_a_date_is_read_and_an_empty_one_is_none():
    errors = Errors()
    assert as_date("2026-02-28", "due_on", errors) == datetime.date(2026, 2, 28)
    assert as_date("", "due_on", errors) is None
    errors.raise_if_any()
