"""The `two_instances` fixture: two running instances of the application that exchange HST
messages (FR hosted on `a`, DE on `b`). See `instances.py` for what each instance is and the
API of the objects the fixture returns.

Module-scoped: setting up two instances costs about ten seconds, so the tests of one module
share them (and must not depend on each other's messages: each works on its own message ids).
A module needing other options (demo data, a faster outbox relay, more pool processes) calls
`instances.start_two_instances(...)` in a fixture of its own. When a test fails, the tails of
both instances' logs are printed with its report.
"""

import pytest

from tests.integration.hst.instances import TwoInstances, start_two_instances


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Record each phase's report on the test item, so a fixture can tell that a test failed.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="module")
def two_instances(tmp_path_factory) -> TwoInstances:
    with start_two_instances(tmp_path_factory.mktemp("hst-instances")) as pair:
        yield pair


@pytest.fixture(autouse=True)
def _instance_logs_on_failure(request):
    yield
    if "two_instances" not in request.fixturenames:
        return
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        pair = request.getfixturevalue("two_instances")
        print(f"\nLogs of the two instances (kept under {pair.a.directory.parent}):")
        print(pair.logs())
