"""Fixtures of the asset tests (the case fixtures come from tests/ncb_cases/conftest.py)."""

import pytest

from tests.ncb_cases.assets.factories import make_asset


@pytest.fixture
def asset_fr(officer_fr, case_fr):
    """A traced bank account of 1,000.00 EUR in the French case."""
    return make_asset(officer_fr, case_fr)
