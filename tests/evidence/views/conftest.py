"""Fixtures of the evidence page tests: the case tests' cast, case and readers, and a private
evidence file store per test."""

import pytest

from tests.evidence.factories import use_temporary_store
from tests.ncb_cases.conftest import case_fr, countries  # noqa: F401 -- fixtures
from tests.ncb_cases.views.case_scenarios import reader  # noqa: F401 -- fixture


@pytest.fixture(autouse=True)
def evidence_store(settings, tmp_path):
    return use_temporary_store(settings, tmp_path)
