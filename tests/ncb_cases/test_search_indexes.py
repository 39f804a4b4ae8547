"""The text searches can use their trigram indexes (PostgreSQL; migration 0007).

An index on an expression serves only a query with the very same expression. Should Django
ever write the search SQL differently, these plans fall back to sequential scans and the
searches silently slow down with the data: this is what would say so.
"""

import pytest
from django.db import connection

from ncb_cases import selectors
from ncb_cases.models import Person
from ncb_cases.validators import fold_text

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only"
    ),
]

CASE_INDEXES = {
    "ncb_cases_case_title_trgm",
    "ncb_cases_case_summary_trgm",
    "ncb_cases_case_reference_trgm",
}
PERSON_INDEX = "ncb_cases_person_search_names_trgm"


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # The test database is tiny: a scan would win on cost, and an index scan of another
        # index with a filter on the text could too. Taking both off the table asks whether the
        # trigram indexes can serve the query at all, which is the question here.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_case_search_reads_titles_summaries_references_and_names_through_the_indexes(
    case_fr, suspect_fr, admin_user
):
    # given a search by a name, as the case list and the API make it, by an administrator
    # (who sees every case: no access filter narrows the rows before the text is tested)
    cases = selectors.case_search_for_user(user=admin_user, q="Moreau")

    # when PostgreSQL plans it
    plan = _plan(cases.order_by("-created_at")[:50])

    # then each of the four text conditions is an index scan
    assert all(name in plan for name in CASE_INDEXES), plan
    assert PERSON_INDEX in plan, plan


def test_the_person_search_reads_the_folded_names_through_the_index():
    # given the name condition of the person search (a name with an accent), alone: with the
    # access filter, reading the visible cases' persons first can be the better plan
    persons = Person.objects.filter(search_names__contains=fold_text("Morëau"))

    # when PostgreSQL plans it, then the folded names are read through the index
    plan = _plan(persons)
    assert PERSON_INDEX in plan, plan


def test_the_indexes_are_trigram_gin_indexes():
    # given the database's own description of the four indexes
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
            [sorted({*CASE_INDEXES, PERSON_INDEX})],
        )
        definitions = dict(cursor.fetchall())

    # then each is a GIN index with the trigram operator class
    assert set(definitions) == {*CASE_INDEXES, PERSON_INDEX}
    assert all("USING gin" in text and "gin_trgm_ops" in text for text in definitions.values())
