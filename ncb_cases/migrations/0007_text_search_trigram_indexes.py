"""Trigram indexes for the text searches of cases and persons (PostgreSQL only).

The case search (`selectors.cases.search_condition`) looks for a term anywhere in a case's
title, summary or reference (`UPPER(column) LIKE UPPER('%term%')`, Django's `icontains`) and in
its persons' folded names (`search_names LIKE '%term%'`). A B-tree cannot serve a pattern that
starts with a wildcard, so a search read the visible cases row by row, or, for an
administrator, the whole case table: at 10,000 cases and 50,000 persons, 20 ms for an officer
and 55-95 ms for an administrator; 2-10 ms for both with these indexes (docs/performance.md).
They serve terms of three characters or more; for a shorter term the planner goes back to a
scan by itself.

The index expressions are exactly those Django writes, or the planner would not use them.
`pg_trgm` is a trusted extension (PostgreSQL 13+): the database owner that runs `migrate` may
create it. Built CONCURRENTLY, outside a transaction, so a running instance keeps writing cases
while it upgrades. SQLite has no such index; its searches scan, which is fine at demo sizes.
"""

from django.db import migrations

INDEXES = {
    "ncb_cases_case_title_trgm": "ncb_cases_case USING gin (UPPER(title) gin_trgm_ops)",
    "ncb_cases_case_summary_trgm": "ncb_cases_case USING gin (UPPER(summary) gin_trgm_ops)",
    "ncb_cases_case_reference_trgm": "ncb_cases_case USING gin (UPPER(reference) gin_trgm_ops)",
    "ncb_cases_person_search_names_trgm": "ncb_cases_person USING gin (search_names gin_trgm_ops)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: another schema object may have come to use it since.
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("ncb_cases", "0006_retention_review")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
