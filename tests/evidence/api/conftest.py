"""Fixtures of the evidence API tests: a French case with one item, a temporary file store."""

import pytest

from tests.evidence.factories import evidence_item, open_case, use_temporary_store


@pytest.fixture(autouse=True)
def evidence_store(settings, tmp_path):
    """Every test stores evidence files in a fresh directory of its own."""
    return use_temporary_store(settings, tmp_path)


@pytest.fixture
def case_fr(officer_fr, ncb_de):
    """A French case opened by officer_fr (Germany exists, as a destination abroad)."""
    return open_case(officer_fr)


@pytest.fixture
def item_fr(officer_fr, case_fr):
    """A seized phone of case_fr, in custody in France (its chain: COLLECTED)."""
    return evidence_item(actor=officer_fr, case=case_fr)


@pytest.fixture
def evidence_url():
    """`evidence_url(item, "custody")` → /api/v1/evidence/<id>/custody/."""

    def make(item=None, *parts):
        segments = [str(item.public_id)] if item is not None else []
        return "/".join(["/api/v1/evidence", *segments, *parts, ""])

    return make
