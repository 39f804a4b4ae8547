"""API scenarios beyond the case list: `python -m bench api` (or `python -m bench.api`).

Each requests one endpoint in-process through DRF's APIClient (the whole middleware and DRF
stack, DEBUG off) as the bench officer (France, `bench.cases_data`), against the bench
database with the API data of `bench.api_data`, and measures beside it, alternating, a
hand-written SQL + `json.dumps` baseline returning the same rows with the same columns:

- `api case detail`: `GET /api/v1/cases/<id>/` of the big case (audited read; permissions);
- `api case persons (200)`: `GET /api/v1/cases/<id>/persons/?page_size=200`, the big case's
  200 persons (victims masked) with each one's phones and cross-case matches;
- `api phone match`: `GET /api/v1/search/?q=<phone>`, a phone known in 30 cases, 15 of them
  visible. The API also searches cases, persons, documents and plates for the same term (it is
  the one search endpoint); the baseline only looks the phone up, which is what the user asked;
- `api contact search`: `GET /api/v1/contact-points/?search=<name>` in the directory;
- `api case list search`: `GET /api/v1/cases/?q=<family name>&page_size=50`, the case list
  filtered by a person's name (victims' names only where the officer holds the grant).

Before timing, each baseline is checked to find the same rows as the API (count and ids).
SQL queries per request are counted with CaptureQueriesContext. No target of its own in
DESIGN.md §7 beyond the case list's: the "within 3x of hand-written SQL" yardstick is shown,
not enforced (`met` stays empty).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime

from bench.case_list import SHARED_IDS, _iso_date, _iso_datetime, _uuid

WARM_UP = 5

# The cases the user sees: their NCB's own and those shared with it (the case list's CTEs).
VISIBLE_SQL = """
WITH me AS (
    SELECT o.ncb_id AS ncb_id, n.group_id AS group_id
    FROM contacts_officer o
    JOIN auth_user u ON u.id = o.user_id
    JOIN contacts_nationalcentralbureau n ON n.id = o.ncb_id
    WHERE o.user_id = %(user)s AND u.is_active AND o.role IN ('OFFICER', 'SUPERVISOR', 'ANALYST')
),
perm AS (
    SELECT p.id, p.codename FROM auth_permission p
    JOIN django_content_type t ON t.id = p.content_type_id
    WHERE t.app_label = 'ncb_cases' AND t.model = 'case'
      AND p.codename IN ('view_case', 'view_victim_identity')
),
shared AS (
    SELECT g.content_object_id AS id
    FROM ncb_cases_casegroupobjectpermission g
    WHERE g.group_id = (SELECT group_id FROM me)
      AND g.permission_id = (SELECT id FROM perm WHERE codename = 'view_case')
      AND EXISTS (
          SELECT 1 FROM ncb_cases_caseshare s
          WHERE s.case_id = g.content_object_id
            AND s.recipient_ncb_id = (SELECT ncb_id FROM me)
            AND s.revoked_at IS NULL AND s.expired_at IS NULL AND s.expires_at > %(now)s
      )
    UNION
    SELECT g.content_object_id
    FROM ncb_cases_caseuserobjectpermission g
    WHERE g.user_id = %(user)s
      AND g.permission_id = (SELECT id FROM perm WHERE codename = 'view_case')
),
identity AS (
    SELECT g.content_object_id AS id FROM ncb_cases_caseuserobjectpermission g
    WHERE g.user_id = %(user)s
      AND g.permission_id = (SELECT id FROM perm WHERE codename = 'view_victim_identity')
),
visible AS (
    SELECT c.id FROM ncb_cases_case c WHERE c.owner_ncb_id = (SELECT ncb_id FROM me)
    UNION
    SELECT c.id FROM ncb_cases_case c WHERE {shared_ids}
)
"""


def _params(user_id: int, **extra) -> dict:
    from django.db import connection

    now = connection.ops.adapt_datetimefield_value(datetime.now(tz=UTC))
    return {"user": user_id, "now": now, **extra}


def _sql(query: str) -> str:
    from django.db import connection

    return (VISIBLE_SQL + query).replace("{shared_ids}", SHARED_IDS[connection.vendor])


def _fetch(query: str, params: dict) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_sql(query), params)
        return cursor.fetchall()


# --- Baselines --------------------------------------------------------------------------------

CASE_DETAIL_SQL = """
SELECT c.public_id, c.reference, c.title, c.status, c.outcome, c.offence_type, n.code,
       u.username, c.opened_on, c.closed_on, c.confidentiality_level, c.handling_codes,
       c.source_reliability, c.information_accuracy, c.minor_data_present, c.created_at,
       c.updated_at, c.summary, c.palermo_acts, c.palermo_means, c.palermo_purposes, c.h3_text,
       c.retention_review_on, n.name, cu.username, c.id,
       c.owner_ncb_id = (SELECT ncb_id FROM me) AS own,
       EXISTS (SELECT 1 FROM identity WHERE identity.id = c.id) AS identity
FROM ncb_cases_case c
JOIN contacts_nationalcentralbureau n ON n.id = c.owner_ncb_id
LEFT JOIN auth_user u ON u.id = c.lead_officer_id
LEFT JOIN auth_user cu ON cu.id = c.created_by_id
WHERE c.public_id = %(case)s AND c.id IN (SELECT id FROM visible)
"""

FACTS_SQL = """
SELECT cc.role, k.iso2, '' FROM ncb_cases_casecountry cc
JOIN contacts_country k ON k.id = cc.country_id WHERE cc.case_id = %(id)s
UNION ALL
SELECT '', '', f.form FROM ncb_cases_caseexploitationform f WHERE f.case_id = %(id)s
"""


def _json_list(value):
    return json.loads(value) if isinstance(value, str) else value


def case_detail_by_sql(*, user_id: int, case_id: str) -> bytes:
    from django.db import connection

    rows = _fetch(CASE_DETAIL_SQL, _params(user_id, case=case_id))
    if not rows:
        return json.dumps({"detail": "Not found."}).encode()
    row = rows[0]
    with connection.cursor() as cursor:
        cursor.execute(FACTS_SQL, {"id": row[25]})
        facts = cursor.fetchall()
    countries = [{"country": iso2, "role": role} for role, iso2, form in facts if not form]
    forms = [form for _role, _iso2, form in facts if form]
    return json.dumps(
        {
            "public_id": _uuid(row[0]),
            "reference": row[1],
            "title": row[2],
            "status": row[3],
            "outcome": row[4],
            "offence_type": row[5],
            "exploitation_forms": forms,
            "countries": countries,
            "owner_ncb": row[6],
            "lead_officer": row[7],
            "opened_on": _iso_date(row[8]),
            "closed_on": _iso_date(row[9]),
            "confidentiality_level": row[10],
            "handling_codes": _json_list(row[11]),
            "source_reliability": row[12],
            "information_accuracy": row[13],
            "minor_data_present": bool(row[14]),
            "created_at": _iso_datetime(row[15]),
            "updated_at": _iso_datetime(row[16]),
            "summary": row[17],
            "palermo_acts": _json_list(row[18]),
            "palermo_means": _json_list(row[19]),
            "palermo_purposes": _json_list(row[20]),
            "h3_text": row[21],
            "retention_review_on": _iso_date(row[22]),
            "owner_ncb_name": row[23],
            "created_by": row[24],
            "permissions": {
                "can_view": True,
                "can_change": bool(row[26]),
                "can_view_victim_identity": bool(row[27]),
            },
        }
    ).encode()


PERSONS_SQL = """
, big AS (SELECT c.id FROM ncb_cases_case c WHERE c.public_id = %(case)s
          AND c.id IN (SELECT id FROM visible))
SELECT p.public_id, p.role, p.family_name, p.forenames, p.sex, p.date_of_birth,
       p.nationalities, p.is_child, p.victim_number, p.created_at, p.updated_at,
       p.role IN ('VICTIM', 'POSSIBLE_VICTIM') OR p.is_child AS protected,
       (SELECT COALESCE(json_agg(json_build_object('number', ph.number, 'kind', ph.kind)
                                 ORDER BY ph.id), '[]')
        FROM ncb_cases_personphone ph WHERE ph.person_id = p.id) AS phones,
       (SELECT COALESCE(json_agg(m ORDER BY m->>'kind', m->>'case_reference'), '[]') FROM (
          SELECT DISTINCT jsonb_build_object(
                  'kind', 'phone', 'case_reference', oc.reference, 'case_id', oc.public_id,
                  'value', CASE WHEN p.role IN ('VICTIM', 'POSSIBLE_VICTIM') OR p.is_child
                                THEN '' ELSE ph.number END) AS m
          FROM ncb_cases_personphone ph
          JOIN ncb_cases_personphone other ON other.number = ph.number
          JOIN ncb_cases_person op ON op.id = other.person_id
          JOIN ncb_cases_case oc ON oc.id = op.case_id
          WHERE ph.person_id = p.id AND op.case_id <> p.case_id
            AND op.case_id IN (SELECT id FROM visible)
            AND (NOT (op.role IN ('VICTIM', 'POSSIBLE_VICTIM') OR op.is_child)
                 OR op.case_id IN (SELECT id FROM identity))
          UNION
          SELECT DISTINCT jsonb_build_object(
                  'kind', 'person', 'case_reference', oc.reference, 'case_id', oc.public_id,
                  'value', '')
          FROM ncb_cases_person op
          JOIN ncb_cases_case oc ON oc.id = op.case_id
          WHERE p.name_key <> '' AND op.name_key = p.name_key AND op.case_id <> p.case_id
            AND op.case_id IN (SELECT id FROM visible)
            AND (NOT (op.role IN ('VICTIM', 'POSSIBLE_VICTIM') OR op.is_child)
                 OR op.case_id IN (SELECT id FROM identity))
        ) AS found
        WHERE NOT (p.role IN ('VICTIM', 'POSSIBLE_VICTIM') OR p.is_child)
           OR p.case_id IN (SELECT id FROM identity)) AS matches,
       (SELECT COUNT(*) FROM ncb_cases_person n WHERE n.case_id = (SELECT id FROM big)) AS total
FROM ncb_cases_person p
WHERE p.case_id = (SELECT id FROM big)
ORDER BY p.id
LIMIT %(limit)s
"""


def case_persons_by_sql(*, user_id: int, case_id: str, limit: int = 200) -> bytes:
    rows = _fetch(PERSONS_SQL, _params(user_id, case=case_id, limit=limit))
    results = []
    for row in rows:
        masked = bool(row[11])
        results.append(
            {
                "public_id": _uuid(row[0]),
                "role": row[1],
                "display_name": f"V-{row[8]}" if masked else f"{row[2]}, {row[3]}",
                "identity_masked": masked,
                "family_name": "" if masked else row[2],
                "forenames": "" if masked else row[3],
                "sex": row[4],
                "date_of_birth": "" if masked else row[5],
                "nationalities": _json_list(row[6]),
                "is_child": row[7],
                "phones": [] if masked else _json_list(row[12]),
                "matches": _json_list(row[13]),
                "created_at": _iso_datetime(row[9]),
                "updated_at": _iso_datetime(row[10]),
            }
        )
    count = rows[0][14] if rows else 0
    return json.dumps({"count": count, "results": results}).encode()


PHONE_SQL = """
SELECT DISTINCT c.reference, c.public_id
FROM ncb_cases_personphone ph
JOIN ncb_cases_person p ON p.id = ph.person_id
JOIN ncb_cases_case c ON c.id = p.case_id
WHERE ph.number = %(number)s AND p.case_id IN (SELECT id FROM visible)
  AND (NOT (p.role IN ('VICTIM', 'POSSIBLE_VICTIM') OR p.is_child)
       OR p.case_id IN (SELECT id FROM identity))
ORDER BY c.reference
"""


def phone_match_by_sql(*, user_id: int, number: str) -> bytes:
    rows = _fetch(PHONE_SQL, _params(user_id, number=number))
    matches = [
        {
            "kind": "phone",
            "case_reference": reference,
            "case_id": _uuid(public_id),
            "value": number,
        }
        for reference, public_id in rows
    ]
    return json.dumps({"q": number, "phone_matches": matches}).encode()


CONTACTS_SQL = """
WITH found AS (
    SELECT cp.id FROM contacts_contactpoint cp
    JOIN contacts_nationalcentralbureau n ON n.id = cp.ncb_id
    JOIN contacts_country k ON k.id = n.country_id
    WHERE cp.full_name ILIKE %(like)s OR n.name ILIKE %(like)s OR UPPER(n.code) = UPPER(%(q)s)
       OR k.name ILIKE %(like)s
)
SELECT (SELECT COUNT(*) FROM found), cp.public_id, n.code, n.name, k.iso2, cp.role,
       cp.full_name, cp.title, cp.unit, cp.phone, cp.phone_24_7, cp.secure_email,
       cp.time_zone, cp.designated_from, cp.designated_to, cp.last_verified_at,
       (SELECT COALESCE(json_agg(l.code ORDER BY l.code), '[]')
        FROM contacts_contactpoint_languages cl JOIN contacts_language l ON l.id = cl.language_id
        WHERE cl.contactpoint_id = cp.id)
FROM found
JOIN contacts_contactpoint cp ON cp.id = found.id
JOIN contacts_nationalcentralbureau n ON n.id = cp.ncb_id
JOIN contacts_country k ON k.id = n.country_id
ORDER BY cp.ncb_id, cp.role, cp.designated_from DESC
LIMIT 50
"""


def contact_search_by_sql(*, q: str) -> bytes:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(CONTACTS_SQL, {"q": q, "like": f"%{q}%"})
        rows = cursor.fetchall()
    results = [
        {
            "public_id": _uuid(row[1]),
            "ncb": {"code": row[2], "name": row[3], "country": row[4]},
            "role": row[5],
            "full_name": row[6],
            "title": row[7],
            "unit": row[8],
            "phone": row[9],
            "phone_24_7": row[10],
            "secure_email": row[11],
            "languages": _json_list(row[16]),
            "time_zone": row[12],
            "designated_from": _iso_date(row[13]),
            "designated_to": _iso_date(row[14]),
            "is_current": row[14] is None,
            "last_verified_at": _iso_datetime(row[15]),
        }
        for row in rows
    ]
    count = rows[0][0] if rows else 0
    return json.dumps({"count": count, "results": results}).encode()


CASE_SEARCH_SQL = """
, found AS (
    SELECT c.id, c.created_at FROM ncb_cases_case c
    WHERE c.id IN (SELECT id FROM visible)
      AND (c.title ILIKE %(like)s OR c.summary ILIKE %(like)s OR c.reference ILIKE %(like)s
           OR EXISTS (SELECT 1 FROM ncb_cases_person p
                      WHERE p.case_id = c.id AND p.search_names LIKE %(folded)s
                        AND (NOT (p.role IN ('VICTIM', 'POSSIBLE_VICTIM') OR p.is_child)
                             OR p.case_id IN (SELECT id FROM identity))))
),
page AS (SELECT id, created_at FROM found ORDER BY created_at DESC, id DESC LIMIT %(limit)s)
SELECT (SELECT COUNT(*) FROM found), c.public_id, c.reference, c.title, c.status, c.outcome,
       c.offence_type, n.code, u.username, c.opened_on, c.closed_on, c.confidentiality_level,
       c.handling_codes, c.source_reliability, c.information_accuracy, c.minor_data_present,
       c.created_at, c.updated_at, c.id
FROM page
JOIN ncb_cases_case c ON c.id = page.id
JOIN contacts_nationalcentralbureau n ON n.id = c.owner_ncb_id
LEFT JOIN auth_user u ON u.id = c.lead_officer_id
ORDER BY c.created_at DESC, c.id DESC
"""

SEARCH_FACTS_SQL = """
SELECT cc.case_id, cc.role, k.iso2, '' FROM ncb_cases_casecountry cc
JOIN contacts_country k ON k.id = cc.country_id WHERE cc.case_id = ANY(%(ids)s)
UNION ALL
SELECT f.case_id, '', '', f.form FROM ncb_cases_caseexploitationform f
WHERE f.case_id = ANY(%(ids)s)
ORDER BY 1, 2, 3, 4
"""


def case_search_by_sql(*, user_id: int, q: str, limit: int = 50) -> bytes:
    from django.db import connection

    from ncb_cases.validators import fold_text

    rows = _fetch(
        CASE_SEARCH_SQL,
        _params(user_id, like=f"%{q}%", folded=f"%{fold_text(q)}%", limit=limit),
    )
    ids = [row[18] for row in rows]
    facts: dict[int, tuple[list, list]] = {case_id: ([], []) for case_id in ids}
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(SEARCH_FACTS_SQL, {"ids": ids})
            for case_id, role, iso2, form in cursor.fetchall():
                if form:
                    facts[case_id][1].append(form)
                else:
                    facts[case_id][0].append({"country": iso2, "role": role})
    results = [
        {
            "public_id": _uuid(row[1]),
            "reference": row[2],
            "title": row[3],
            "status": row[4],
            "outcome": row[5],
            "offence_type": row[6],
            "exploitation_forms": facts[row[18]][1],
            "countries": facts[row[18]][0],
            "owner_ncb": row[7],
            "lead_officer": row[8],
            "opened_on": _iso_date(row[9]),
            "closed_on": _iso_date(row[10]),
            "confidentiality_level": row[11],
            "handling_codes": _json_list(row[12]),
            "source_reliability": row[13],
            "information_accuracy": row[14],
            "minor_data_present": bool(row[15]),
            "created_at": _iso_datetime(row[16]),
            "updated_at": _iso_datetime(row[17]),
        }
        for row in rows
    ]
    count = rows[0][0] if rows else 0
    return json.dumps({"count": count, "results": results}).encode()


# --- Measuring --------------------------------------------------------------------------------


class Endpoint:
    """One scenario: the API request, its baseline, and how to compare their rows."""

    def __init__(self, name, url, params, baseline, rows, note=""):
        self.name, self.url, self.params = name, url, params
        self.baseline, self.rows, self.note = baseline, rows, note


def _client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user=user)
    return client


def _get(client, endpoint: Endpoint):
    response = client.get(endpoint.url, endpoint.params)
    if response.status_code != 200:
        raise AssertionError(f"{endpoint.url} answered {response.status_code}")
    return response


def query_count(client, endpoint: Endpoint) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _get(client, endpoint)
    return len(captured.captured_queries)


def measure(endpoint: Endpoint, *, user, requests: int, scale: float, log=print):
    from bench._results import record, summary

    client = _client(user)
    api_rows = endpoint.rows(json.loads(_get(client, endpoint).content))
    sql_rows = endpoint.rows(json.loads(endpoint.baseline()))
    if api_rows != sql_rows:
        raise AssertionError(
            f"{endpoint.name}: the baseline finds other rows than the API:\n"
            f"API: {api_rows!r:.1000}\nSQL: {sql_rows!r:.1000}"
        )
    for _ in range(WARM_UP):
        _get(client, endpoint)
        endpoint.baseline()
    api_times, sql_times = [], []
    for _ in range(requests):
        started = time.perf_counter()
        _get(client, endpoint)
        api_times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        endpoint.baseline()
        sql_times.append((time.perf_counter() - started) * 1000)
    api, sql = summary(api_times), summary(sql_times)
    queries = query_count(client, endpoint)
    log(
        f"  {endpoint.name:28} median {api['median_ms']:7.2f} ms  p95 {api['p95_ms']:7.2f} ms"
        f"  SQL baseline {sql['median_ms']:6.2f} ms  {queries} queries"
    )
    return record(
        scenario=endpoint.name,
        scale=scale,
        **api,
        queries=queries,
        baseline_ratio=round(api["median_ms"] / sql["median_ms"], 2),
        note=f"{endpoint.note}{'; ' if endpoint.note else ''}SQL baseline median "
        f"{sql['median_ms']} ms",
        details={"rows": len(api_rows), "sql": sql},
    )


def endpoints(user, big_case) -> list[Endpoint]:
    from bench.api_data import CONTACT_SEARCH, MATCH_PHONE, SEARCH_WORD
    from contacts.validators import normalize_phone

    case_id = str(big_case.public_id)
    phone = normalize_phone(MATCH_PHONE)
    return [
        Endpoint(
            "api case detail",
            f"/api/v1/cases/{case_id}/",
            {},
            lambda: case_detail_by_sql(user_id=user.pk, case_id=case_id),
            # The countries as a set: the API lists them by role, the baseline as stored.
            lambda body: [
                body["public_id"],
                body["reference"],
                sorted((row["country"], row["role"]) for row in body["countries"]),
            ],
            note="audited read",
        ),
        Endpoint(
            "api case persons (200)",
            f"/api/v1/cases/{case_id}/persons/",
            {"page_size": 200},
            lambda: case_persons_by_sql(user_id=user.pk, case_id=case_id),
            lambda body: (
                body["count"],
                sorted(row["public_id"] for row in body["results"]),
                sum(len(row.get("matches") or []) for row in body["results"]),
            ),
            note="200 persons with phones and cross-case matches",
        ),
        Endpoint(
            "api phone match",
            "/api/v1/search/",
            {"q": phone},
            lambda: phone_match_by_sql(user_id=user.pk, number=phone),
            lambda body: sorted(match["case_reference"] for match in body["phone_matches"]),
            note="the search endpoint (also cases, persons, documents, plates); baseline: "
            "the phone lookup only",
        ),
        Endpoint(
            "api contact search",
            "/api/v1/contact-points/",
            {"search": CONTACT_SEARCH},
            lambda: contact_search_by_sql(q=CONTACT_SEARCH),
            lambda body: (body["count"], sorted(row["public_id"] for row in body["results"])),
        ),
        Endpoint(
            "api case list search",
            "/api/v1/cases/",
            {"q": SEARCH_WORD, "page_size": 50},
            lambda: case_search_by_sql(user_id=user.pk, q=SEARCH_WORD),
            lambda body: (body["count"], [row["public_id"] for row in body["results"]]),
            note=f"q={SEARCH_WORD} (a person's name)",
        ),
    ]


def requests_at(scale: float) -> int:
    return 30 if scale < 0.5 else 100


def run(*, scale: float = 1.0, only: list[str] | None = None) -> bool:
    """The `python -m bench` entry point: the dedicated database, generated if needed."""
    from django.contrib.auth import get_user_model

    from bench.api_data import ensure_api_data
    from bench.cases_data import BENCH_OFFICER, ensure_dataset, use_bench_database

    use_bench_database()
    ensure_dataset(scale=scale)
    big_case = ensure_api_data()
    user = get_user_model().objects.get(username=BENCH_OFFICER)
    for endpoint in endpoints(user, big_case):
        if only and endpoint.name not in only:
            continue
        measure(endpoint, user=user, requests=requests_at(scale), scale=scale)
    return True


if __name__ == "__main__":
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 0.05
    run(scale=scale)
