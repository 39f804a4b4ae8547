"""The API, page and runner pieces of the benchmark suite, at a tiny scale on the test database.

Figures at this size mean nothing; what is checked is that each hand-written baseline finds the
same rows as the API it stands beside (the check `bench.api.measure` makes before timing), that
the scenarios report lines into the one table, and that the table and its JSON are written.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from bench import _results
from bench.__main__ import parse_scale
from bench.api import _client, _get, endpoints, measure
from bench.api_data import BIG_CASE_PERSONS, ensure_api_data
from bench.cases_data import BENCH_OFFICER, ensure_dataset
from bench.pages import pages, signed_in_client

pytestmark = pytest.mark.django_db

TINY = 0.0005  # 50 cases, 250 persons, 10 shares


@pytest.fixture
def big_case(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    ensure_dataset(scale=TINY, log=lambda line: None)
    return ensure_api_data(log=lambda line: None)


@pytest.fixture
def bench_officer(big_case):
    return get_user_model().objects.get(username=BENCH_OFFICER)


@pytest.fixture(autouse=True)
def empty_table():
    _results.RESULTS.clear()
    yield
    _results.RESULTS.clear()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the baselines are PostgreSQL SQL")
def test_every_baseline_finds_the_rows_of_its_api_endpoint(big_case, bench_officer):
    for endpoint in endpoints(bench_officer, big_case):
        # when
        api = json.loads(_get(_client(bench_officer), endpoint).content)
        by_sql = json.loads(endpoint.baseline())
        # then
        assert endpoint.rows(api) == endpoint.rows(by_sql), endpoint.name


def test_the_big_case_has_its_persons_and_is_generated_once(big_case):
    # when
    again = ensure_api_data(log=lambda line: None)
    # then
    assert again.pk == big_case.pk
    assert big_case.persons.count() >= BIG_CASE_PERSONS


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the baselines are PostgreSQL SQL")
def test_a_measured_endpoint_reports_one_line_with_its_queries_and_ratio(big_case, bench_officer):
    # given the persons of the big case
    endpoint = endpoints(bench_officer, big_case)[1]
    # when
    line = measure(endpoint, user=bench_officer, requests=2, scale=TINY, log=lambda text: None)
    # then
    assert [line] == _results.RESULTS
    assert line.scenario == "api case persons (200)"
    assert line.median_ms > 0
    assert line.p95_ms >= line.median_ms
    assert line.queries > 0
    assert line.baseline_ratio > 0
    assert line.peak_rss_mb > 0


def test_every_page_renders_for_a_signed_in_officer(big_case, bench_officer):
    client = signed_in_client(bench_officer)
    for name, url, params in pages(big_case):
        assert client.get(url, params).status_code == 200, name


def test_the_table_and_its_json_carry_every_line(tmp_path, monkeypatch):
    # given two lines, one with a baseline, one with a missed target
    monkeypatch.setenv("NCB_VAR_DIR", str(tmp_path))
    lines = [
        _results.Result(scenario="api x", scale=0.05, median_ms=12.5, p95_ms=20.0,
                        throughput=80.0, queries=6, baseline_ratio=2.5, met=True),
        _results.Result(scenario="memory y", scale=0.05, peak_rss_mb=250.0, met=False,
                        target="peak RSS < 200 MB"),
    ]  # fmt: skip
    # when
    table = _results.format_table(lines)
    path = _results.write_json(lines, scale=0.05, scale_label="quick")
    # then
    assert "api x" in table
    assert "2.50x" in table
    assert "MISSED" in table
    assert "memory y: peak RSS < 200 MB" in table
    written = json.loads(path.read_text())
    assert [line["scenario"] for line in written["results"]] == ["api x", "memory y"]
    assert written["scale_label"] == "quick"
    assert (tmp_path / "bench" / "latest.json").read_text() == path.read_text()


def test_lines_travel_from_a_scenario_process_to_the_runner(tmp_path):
    # given a line recorded in the scenario's process
    _results.record(
        scenario="custody", scale=1.0, throughput=250_000.0, throughput_unit="events/s"
    )
    # when
    _results.dump(tmp_path / "lines.json")
    # then
    [line] = _results.load(tmp_path / "lines.json")
    assert line.scenario == "custody"
    assert line.throughput_unit == "events/s"
    assert line.peak_rss_mb > 0


@pytest.mark.parametrize(("text", "scale"), [("quick", 0.05), ("full", 1.0), ("0.1", 0.1)])
def test_the_scale_is_quick_full_or_a_factor(text, scale):
    assert parse_scale(text) == scale
