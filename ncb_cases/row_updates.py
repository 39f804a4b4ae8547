"""Many rows, each written with its own values, in one statement sent once.

The ORM compiles an UPDATE per row (`filter(pk=...).update(...)`: about half a millisecond of
Python each, several times what the database spends on it), and `bulk_update` writes one CASE
expression per field over every row, which grows with the batch and is parsed anew each time.
`update_each` hands the driver one statement and every row's parameters (`executemany`:
psycopg 3 pipelines them in one round trip; SQLite steps the one prepared statement), for the
pipeline's hottest writes, which touch the same fields of a batch of rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import connection
from django.db.models import Model


def update_each(
    objects: Sequence[Model], fields: Sequence[str], *, only_if: Mapping[str, object] | None = None
) -> int:
    """Write each of `objects` (saved instances of one model) to its row, by primary key: its
    current values of `fields`. As `QuerySet.update`, no signals, no `auto_now`: set every
    value written. `only_if` ({field: value}, none None) writes a row only while it still
    holds those values (optimistic concurrency: a row another transaction changed is left
    alone, and not counted). Returns the number of rows updated."""
    if not objects:
        return 0
    meta = type(objects[0])._meta
    columns = [meta.get_field(name) for name in fields]
    if not columns:
        raise ValueError("update_each: no field to write")
    conditions = [(meta.get_field(name), value) for name, value in (only_if or {}).items()]
    if any(value is None for _field, value in conditions):
        raise ValueError("update_each: only_if compares with =, never true of NULL")
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    where = " AND ".join(
        f"{quote(field.column)} = %s" for field in (meta.pk, *(field for field, _ in conditions))
    )
    # Only the model's own table and column names, quoted, are spelled into it; values are
    # parameters.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {where}"  # noqa: S608
    guards = [field.get_db_prep_value(value, connection) for field, value in conditions]
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
        + [meta.pk.get_db_prep_value(obj.pk, connection), *guards]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        if len(rows) == 1:  # psycopg's executemany costs a pipeline's set-up: 0.2-0.3 ms more
            cursor.execute(sql, rows[0])
        else:
            cursor.executemany(sql, rows)
        return cursor.rowcount
