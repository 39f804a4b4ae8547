"""Fixtures of the case API tests: URLs by public id, and the property test's cast."""

import pytest

# The cast of the selector-level property test, for the same property through the API.
from tests.ncb_cases.test_access_property import cast  # noqa: F401


@pytest.fixture
def case_url():
    """`case_url(case, "persons", obj, "identity")` → /api/v1/cases/<id>/persons/<id>/identity/."""

    def make(case, *parts):
        segments = [str(getattr(part, "public_id", part)) for part in parts]
        return "/".join(["/api/v1/cases", str(case.public_id), *segments, ""])

    return make
