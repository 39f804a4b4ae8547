"""The case-list benchmark runs end to end at a tiny scale on the test database.

Figures at this size mean nothing; what is checked is that the generator writes what the
services would (shares realised as group grants, the bench officer's visibility), that it is
idempotent, and that the scenario's hand-written page equals the API's page.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from bench.case_list import case_page_by_sql, report, run_scenario
from bench.cases_data import BENCH_NCB, BENCH_OFFICER, DatasetSize, ensure_dataset
from ncb_cases.models import Case, CaseGroupObjectPermission, CaseShare, Person
from ncb_cases.selectors.access import visible_cases

pytestmark = pytest.mark.django_db

TINY = 0.0005  # 50 cases, 250 persons, 10 shares


@pytest.fixture
def dataset(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return ensure_dataset(scale=TINY, log=lambda line: None)


@pytest.fixture
def bench_officer(dataset):
    return get_user_model().objects.get(username=BENCH_OFFICER)


def test_generator_writes_the_dataset_of_the_requested_size(dataset):
    # then
    assert dataset == DatasetSize(cases=50, persons=250, shares=10)
    assert Case.objects.count() == 50
    assert Person.objects.count() == 250
    assert CaseShare.objects.count() == 10
    assert Case.objects.filter(countries__isnull=True).count() == 0
    assert Case.objects.filter(exploitation_forms__isnull=True).count() == 0


def test_generator_run_twice_at_the_same_scale_adds_nothing(dataset):
    # given
    before = (Case.objects.count(), Person.objects.count(), CaseShare.objects.count())
    # when
    ensure_dataset(scale=TINY, log=lambda line: None)
    # then
    assert (Case.objects.count(), Person.objects.count(), CaseShare.objects.count()) == before


def test_generator_at_another_scale_replaces_the_dataset_and_keeps_the_bench_users(
    bench_officer,
):
    # when
    size = ensure_dataset(scale=2 * TINY, log=lambda line: None)
    # then
    assert Case.objects.count() == size.cases == 100
    assert Person.objects.count() == size.persons
    assert get_user_model().objects.get(username=BENCH_OFFICER).pk == bench_officer.pk


def test_open_shares_are_realised_as_the_recipient_groups_grants(dataset):
    # given
    expected = set()
    for share in CaseShare.objects.open().select_related("recipient_ncb"):
        expected.add((share.recipient_ncb.group_id, "view_case", share.case_id))
        if share.access == "READ_WRITE":
            expected.add((share.recipient_ncb.group_id, "change_case", share.case_id))
    # when
    grants = set(
        CaseGroupObjectPermission.objects.values_list(
            "group_id", "permission__codename", "content_object_id"
        )
    )
    # then
    assert grants == expected


def test_bench_officer_sees_own_ncb_cases_and_actively_shared_ones(bench_officer):
    # given
    own = set(Case.objects.filter(owner_ncb__code=BENCH_NCB).values_list("pk", flat=True))
    shared = set(
        CaseShare.objects.active()
        .filter(recipient_ncb__code=BENCH_NCB)
        .values_list("case_id", flat=True)
    )
    # when
    visible = set(visible_cases(bench_officer).values_list("pk", flat=True))
    # then
    assert visible == own | shared
    assert own


def test_hand_written_page_equals_the_api_page_on_a_later_page(bench_officer):
    # given
    client = APIClient()
    client.force_authenticate(bench_officer)
    # when
    api = client.get("/api/v1/cases/", {"page": 2, "page_size": 2})
    by_sql = case_page_by_sql(user_id=bench_officer.pk, page=2, page_size=2)
    # then
    assert api.status_code == 200
    assert json.loads(by_sql) == api.json()


def test_scenario_measures_and_writes_its_figures(bench_officer, tmp_path):
    # when
    figures = run_scenario(scale=TINY, requests=3)
    path = report(figures, out=lambda line: None)
    # then
    assert figures.cases == 50
    assert 0 < figures.visible < figures.cases
    assert figures.queries_page_5 == figures.queries_page_50
    assert figures.api_median_ms > 0
    assert figures.sql_median_ms > 0
    written = json.loads(path.read_text())
    assert written["api_median_ms"] == figures.api_median_ms
    assert path.parent == tmp_path / "bench"
