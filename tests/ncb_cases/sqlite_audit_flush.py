"""pytest hook: let Django's flush empty the append-only audit table on SQLite.

After each transactional test Django flushes the database. PostgreSQL uses TRUNCATE, which
the append-only row triggers do not see; SQLite deletes row by row, which the DELETE trigger
refuses unless `ncb_cases_audit_wipe_allowed()` says yes (ncb_cases/models/audit.py). This
wrapper says yes only while the test's teardown (and so the flush) runs.

Imported by tests/ncb_cases/conftest.py. To cover transactional tests elsewhere, the root
tests/conftest.py should register it: `pytest_plugins = ["tests.ncb_cases.sqlite_audit_flush"]`.
"""

import pytest

from ncb_cases.models.audit import sqlite_test_database_wipe


def _is_transactional(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    marker_kwargs = marker.kwargs if marker else {}
    return (
        "transactional_db" in fixtures
        or "live_server" in fixtures
        or "django_db_reset_sequences" in fixtures
        or bool(marker_kwargs.get("transaction") or marker_kwargs.get("reset_sequences"))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    if not _is_transactional(item):
        return (yield)
    with sqlite_test_database_wipe():
        return (yield)
