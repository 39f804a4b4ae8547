"""Case list benchmark: `python -m bench.case_list [--scale S] [--requests N]`.

Measures what DESIGN.md §7 targets for `GET /api/v1/cases/?page_size=50`, requested in-process
through Django's test client (the whole middleware and DRF stack, DEBUG off) by an officer
whose NCB sees about 10% of the cases (`bench.cases_data`):

- median and p95 time per request; target: median under 40 ms;
- the same page (same rows, columns, order and count; checked equal before timing) built by
  hand-written SQL and `json.dumps` in the same run: a top-N merge of the NCB's own cases and
  the cases shared with it over their indexes, as a PostgreSQL expert would write it; target:
  the API within 3x of it;
- SQL queries per request at page_size 5 and 50; target: the same number.

Requests alternate between the API and the baseline so that both see the same cache state.
Prints a table and writes it as JSON under var/bench/. Run alone, it uses the dedicated
database (`ncb_thb_bench`, or NCB_BENCH_DATABASE); `run_scenario` also runs on whatever
database Django is configured with (the test suite runs it on the test database at a tiny
scale).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

DEFAULT_REQUESTS = 200
WARM_UP = 10
PAGE_SIZE = 50
SMALL_PAGE_SIZE = 5
TARGET_MEDIAN_MS = 40.0
TARGET_RATIO = 3.0
URL = "/api/v1/cases/"


@dataclass
class CaseListFigures:
    scale: float
    database: str
    cases: int
    visible: int
    requests: int
    api_median_ms: float
    api_p95_ms: float
    sql_median_ms: float
    sql_p95_ms: float
    ratio: float
    queries_page_5: int
    queries_page_50: int
    api_queries: list[str] = field(default_factory=list)
    measured_at: str = ""
    # Other processes competing for the CPU make every figure slower (the ratio less so).
    load_average: float = 0.0

    @property
    def median_met(self) -> bool:
        return self.api_median_ms < TARGET_MEDIAN_MS

    @property
    def ratio_met(self) -> bool:
        return self.ratio <= TARGET_RATIO

    @property
    def queries_met(self) -> bool:
        return self.queries_page_5 == self.queries_page_50

    @property
    def met(self) -> bool:
        return self.median_met and self.ratio_met and self.queries_met


# --- The hand-written baseline ----------------------------------------------------------------

# The NCB's own cases come from the (owner_ncb, created_at) index, newest first; the cases
# shared with it from its group's grants (with an open, unexpired share) and the user's
# personal grants, a few thousand ids at most; each branch stops at the page's last row, the
# two are merged, and the count adds the own cases (index-only) to the shared ones not owned.
# Portable SQL (PostgreSQL and SQLite), two round trips: the page with its count, then the
# countries and exploitation forms of its rows. One dialect difference: PostgreSQL's planner
# underestimates the shared ids and would hash-join them against a sequential scan of every
# case; `= ANY(ARRAY(...))` makes it probe the primary key for each of them instead.
SHARED_IDS = {
    "postgresql": "c.id = ANY(ARRAY(SELECT id FROM shared))",
    "sqlite": "c.id IN (SELECT id FROM shared)",
}
PAGE_SQL = """
WITH me AS (
    SELECT o.ncb_id AS ncb_id, n.group_id AS group_id
    FROM contacts_officer o
    JOIN auth_user u ON u.id = o.user_id
    JOIN contacts_nationalcentralbureau n ON n.id = o.ncb_id
    WHERE o.user_id = %(user)s AND u.is_active AND o.role IN ('OFFICER', 'SUPERVISOR', 'ANALYST')
),
view_case AS (
    SELECT p.id FROM auth_permission p
    JOIN django_content_type t ON t.id = p.content_type_id
    WHERE t.app_label = 'ncb_cases' AND t.model = 'case' AND p.codename = 'view_case'
),
shared AS (
    SELECT g.content_object_id AS id
    FROM ncb_cases_casegroupobjectpermission g
    WHERE g.group_id = (SELECT group_id FROM me)
      AND g.permission_id = (SELECT id FROM view_case)
      AND EXISTS (
          SELECT 1 FROM ncb_cases_caseshare s
          WHERE s.case_id = g.content_object_id
            AND s.recipient_ncb_id = (SELECT ncb_id FROM me)
            AND s.revoked_at IS NULL AND s.expired_at IS NULL AND s.expires_at > %(now)s
      )
    UNION
    SELECT g.content_object_id
    FROM ncb_cases_caseuserobjectpermission g
    WHERE g.user_id = %(user)s AND g.permission_id = (SELECT id FROM view_case)
),
shared_not_owned AS (
    SELECT c.id, c.created_at
    FROM ncb_cases_case c
    WHERE {shared_ids} AND c.owner_ncb_id <> (SELECT ncb_id FROM me)
),
candidates AS (
    SELECT * FROM (
        SELECT c.id, c.created_at FROM ncb_cases_case c
        WHERE c.owner_ncb_id = (SELECT ncb_id FROM me)
        ORDER BY c.created_at DESC, c.id DESC LIMIT %(reach)s
    ) AS own
    UNION ALL
    SELECT * FROM (
        SELECT id, created_at FROM shared_not_owned
        ORDER BY created_at DESC, id DESC LIMIT %(reach)s
    ) AS other
),
page AS (
    SELECT id FROM candidates ORDER BY created_at DESC, id DESC
    LIMIT %(limit)s OFFSET %(offset)s
),
total AS (
    SELECT (SELECT COUNT(*) FROM ncb_cases_case c WHERE c.owner_ncb_id = (SELECT ncb_id FROM me))
         + (SELECT COUNT(*) FROM shared_not_owned) AS n
)
SELECT total.n, c.id, c.public_id, c.reference, c.title, c.status, c.outcome, c.offence_type,
       n.code, u.username, c.opened_on, c.closed_on, c.confidentiality_level,
       c.handling_codes, c.source_reliability, c.information_accuracy, c.minor_data_present,
       c.created_at, c.updated_at
FROM total
LEFT JOIN page ON 1 = 1
LEFT JOIN ncb_cases_case c ON c.id = page.id
LEFT JOIN contacts_nationalcentralbureau n ON n.id = c.owner_ncb_id
LEFT JOIN auth_user u ON u.id = c.lead_officer_id
ORDER BY c.created_at DESC, c.id DESC
"""

FACTS_SQL = """
SELECT cc.case_id, 'C' AS kind, cc.role AS key1, k.name AS key2, k.iso2 AS value
FROM ncb_cases_casecountry cc JOIN contacts_country k ON k.id = cc.country_id
WHERE cc.case_id IN ({ids})
UNION ALL
SELECT f.case_id, 'F', f.form, '', f.form
FROM ncb_cases_caseexploitationform f
WHERE f.case_id IN ({ids})
ORDER BY 1, 2, 3, 4
"""


def _as_datetime(value) -> datetime:
    if isinstance(value, str):  # SQLite
        from django.utils.dateparse import parse_datetime

        value = parse_datetime(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _iso_datetime(value) -> str:
    # As DRF renders an aware datetime in UTC: ISO 8601 with "Z".
    text = _as_datetime(value).astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _iso_date(value) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


def _uuid(value) -> str:
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def case_page_by_sql(*, user_id: int, page: int = 1, page_size: int = PAGE_SIZE) -> bytes:
    """The JSON of `GET /api/v1/cases/?page=<page>&page_size=<page_size>`, by hand."""
    from django.db import connection

    offset = (page - 1) * page_size
    now = connection.ops.adapt_datetimefield_value(datetime.now(tz=UTC))
    with connection.cursor() as cursor:
        cursor.execute(
            PAGE_SQL.replace("{shared_ids}", SHARED_IDS[connection.vendor]),
            {
                "user": user_id,
                "now": now,
                "reach": offset + page_size,
                "limit": page_size,
                "offset": offset,
            },
        )
        rows = cursor.fetchall()
        ids = [row[1] for row in rows if row[1] is not None]
        facts: dict[int, tuple[list, list]] = {case_id: ([], []) for case_id in ids}
        if ids:
            cursor.execute(FACTS_SQL.format(ids=", ".join(["%s"] * len(ids))), ids + ids)
            for case_id, kind, key1, _key2, value in cursor.fetchall():
                countries, forms = facts[case_id]
                if kind == "C":
                    countries.append({"country": value, "role": key1})
                else:
                    forms.append(value)
    count = rows[0][0] if rows else 0
    results = []
    for row in rows:
        if row[1] is None:
            continue
        countries, forms = facts[row[1]]
        results.append(
            {
                "public_id": _uuid(row[2]),
                "reference": row[3],
                "title": row[4],
                "status": row[5],
                "outcome": row[6],
                "offence_type": row[7],
                "exploitation_forms": forms,
                "countries": countries,
                "owner_ncb": row[8],
                "lead_officer": row[9],
                "opened_on": _iso_date(row[10]),
                "closed_on": _iso_date(row[11]),
                "confidentiality_level": row[12],
                "handling_codes": json.loads(row[13]) if isinstance(row[13], str) else row[13],
                "source_reliability": row[14],
                "information_accuracy": row[15],
                "minor_data_present": bool(row[16]),
                "created_at": _iso_datetime(row[17]),
                "updated_at": _iso_datetime(row[18]),
            }
        )
    base = f"http://testserver{URL}"
    pages = max(1, -(-count // page_size))
    return json.dumps(
        {
            "count": count,
            "next": (f"{base}?page={page + 1}&page_size={page_size}" if page < pages else None),
            "previous": (
                None
                if page == 1
                else f"{base}?page_size={page_size}"
                if page == 2
                else f"{base}?page={page - 1}&page_size={page_size}"
            ),
            "results": results,
        }
    ).encode()


# --- Measuring --------------------------------------------------------------------------------


_clients: dict = {}


def _client():
    """One test client per process: building one loads the middleware chain, which a server
    does once at start-up, not per request."""
    from rest_framework.test import APIClient

    return _clients.setdefault("api", APIClient())


def _authenticated_client(user):
    from django.contrib.auth import get_user_model

    client = _client()
    # A fresh user object per request, as an authentication backend would load it: the
    # officer and NCB lookups are then part of the request, as in production.
    client.force_authenticate(user=get_user_model().objects.get(pk=user.pk))
    return client


def _api_get(user, page_size: int):
    response = _authenticated_client(user).get(URL, {"page_size": page_size})
    if response.status_code != 200:
        raise AssertionError(f"GET {URL} answered {response.status_code}: {response.content!r}")
    return response


def _queries(user, page_size: int) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _authenticated_client(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"page_size": page_size})
    assert response.status_code == 200, response.status_code
    return [query["sql"] for query in captured.captured_queries]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def run_scenario(*, scale: float, requests: int = DEFAULT_REQUESTS, user=None) -> CaseListFigures:
    """Measure on the configured database, whose dataset `bench.cases_data` generated."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench.cases_data import BENCH_OFFICER
    from ncb_cases.models import Case
    from ncb_cases.selectors.access import visible_cases

    user = user or get_user_model().objects.get(username=BENCH_OFFICER)
    api = json.loads(_api_get(user, PAGE_SIZE).content)
    baseline = json.loads(case_page_by_sql(user_id=user.pk))
    if api != baseline:
        raise AssertionError(
            "the hand-written page differs from the API's:\n"
            f"API: {json.dumps(api)[:2000]}\nSQL: {json.dumps(baseline)[:2000]}"
        )
    for _ in range(WARM_UP):
        _api_get(user, PAGE_SIZE)
        case_page_by_sql(user_id=user.pk)
    api_times, sql_times = [], []
    for _ in range(requests):
        started = time.perf_counter()
        _api_get(user, PAGE_SIZE).content  # noqa: B018 (rendered already; kept explicit)
        api_times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        case_page_by_sql(user_id=user.pk)
        sql_times.append((time.perf_counter() - started) * 1000)
    small, large = _queries(user, SMALL_PAGE_SIZE), _queries(user, PAGE_SIZE)
    api_median, sql_median = statistics.median(api_times), statistics.median(sql_times)
    return CaseListFigures(
        scale=scale,
        database=connection.vendor,
        cases=Case.objects.count(),
        visible=visible_cases(user).count(),
        requests=requests,
        api_median_ms=round(api_median, 2),
        api_p95_ms=round(_percentile(api_times, 0.95), 2),
        sql_median_ms=round(sql_median, 2),
        sql_p95_ms=round(_percentile(sql_times, 0.95), 2),
        ratio=round(api_median / sql_median, 2),
        queries_page_5=len(small),
        queries_page_50=len(large),
        api_queries=large,
        measured_at=datetime.now(tz=UTC).isoformat(timespec="seconds"),
        load_average=round(os.getloadavg()[0], 2),
    )


def report(figures: CaseListFigures, *, out=print) -> Path | None:
    """Print the table; write the figures as JSON under VAR_DIR/bench/. Returns the path."""
    from django.conf import settings

    def verdict(met: bool) -> str:
        return "met" if met else "MISSED"

    out(
        f"{figures.cases:,} cases on {figures.database}, the officer's NCB sees "
        f"{figures.visible:,} ({figures.visible / max(1, figures.cases):.0%}); "
        f"{figures.requests} requests each; load average {figures.load_average:g} "
        f"on {os.cpu_count()} CPUs"
    )
    out(f"  {'':32} {'median':>9} {'p95':>9}")
    out(
        f"  {'GET /api/v1/cases/?page_size=50':32} {figures.api_median_ms:7.2f} ms "
        f"{figures.api_p95_ms:6.2f} ms  target median < {TARGET_MEDIAN_MS:g} ms: "
        f"{verdict(figures.median_met)}"
    )
    out(
        f"  {'hand-written SQL + json.dumps':32} {figures.sql_median_ms:7.2f} ms "
        f"{figures.sql_p95_ms:6.2f} ms"
    )
    out(
        f"  {'API / SQL (medians)':32} {figures.ratio:7.2f} x    "
        f"          target <= {TARGET_RATIO:g} x: {verdict(figures.ratio_met)}"
    )
    out(
        f"  {'SQL queries per request':32} {figures.queries_page_5} at page_size 5, "
        f"{figures.queries_page_50} at page_size 50: "
        f"{verdict(figures.queries_met)} (constant)"
    )
    directory = Path(settings.VAR_DIR) / "bench"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"case_list-{date.today().isoformat()}-{int(time.time())}.json"
    data = asdict(figures) | {
        "targets": {"median_ms": TARGET_MEDIAN_MS, "ratio": TARGET_RATIO},
        "met": figures.met,
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
    out(f"  figures written to {path}")
    return path


def run(*, scale: float = 1.0, requests: int = DEFAULT_REQUESTS) -> bool:
    """The `python -m bench` entry point: the dedicated database, generated if needed."""
    from bench.cases_data import ensure_dataset, use_bench_database

    use_bench_database()
    ensure_dataset(scale=scale)
    figures = run_scenario(scale=scale, requests=requests)
    report(figures)
    record_figures(figures)
    return figures.met


def record_figures(figures: CaseListFigures) -> None:
    """The line of `python -m bench`'s table."""
    from bench._results import record

    record(
        scenario="api case list",
        scale=figures.scale,
        median_ms=figures.api_median_ms,
        p95_ms=figures.api_p95_ms,
        throughput=round(1000 / figures.api_median_ms, 1),
        queries=figures.queries_page_50,
        baseline_ratio=figures.ratio,
        met=figures.met,
        target=(
            f"median < {TARGET_MEDIAN_MS:g} ms, <= {TARGET_RATIO:g}x SQL, constant "
            f"queries ({figures.queries_page_5} at 5 / {figures.queries_page_50} at 50)"
        ),
        note=f"{figures.cases:,} cases, {figures.visible:,} visible; SQL median "
        f"{figures.sql_median_ms} ms",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.case_list", description=__doc__)
    parser.add_argument(
        "--scale", type=float, default=0.05, help="dataset size factor (default 0.05, quick)"
    )
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS)
    arguments = parser.parse_args(argv)
    return 0 if run(scale=arguments.scale, requests=arguments.requests) else 1


if __name__ == "__main__":
    sys.exit(main())
