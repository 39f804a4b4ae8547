"""Helpers of the case API tests: URLs by public id, and the JSON of an answer."""

import pytest


@pytest.fixture
def case_url():
    """`case_url(case, "persons", obj, "identity")` → /api/v1/cases/<id>/persons/<id>/identity/."""

    def make(case, *parts):
        segments = [str(getattr(part, "public_id", part)) for part in parts]
        return "/".join(["/api/v1/cases", str(case.public_id), *segments, ""])

    return make
