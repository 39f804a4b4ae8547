"""The shared browser fixtures of `tests/e2e/`, for the report pages' browser tests."""

from tests.e2e.conftest import (  # noqa: F401 (fixtures used by the tests of this package)
    _async_unsafe_allowed,
    browser,
    new_page,
    pytest_runtest_makereport,
    sign_in,
)
