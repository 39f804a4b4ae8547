"""Browser fixtures for the end-to-end tests: one Chromium per session, a context per test.

The distribution's Chromium (`/usr/bin/chromium`) is driven by Playwright; no browser is ever
downloaded. A failed test leaves a screenshot under `var/e2e-screenshots/` of the test's
NCB_VAR_DIR (or the pytest tmp dir).
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery-staple"  # tests/factories.py: UserFactory.password


def skip_module_without_browser() -> None:
    """Skip the calling test module unless Chromium and Playwright are both installed.

    (A conftest cannot skip itself: each test module calls this at import.)
    """
    if not CHROMIUM.exists():
        pytest.skip(
            f"end-to-end tests need the distribution's Chromium at {CHROMIUM}",
            allow_module_level=True,
        )
    pytest.importorskip("playwright", reason="end-to-end tests need the playwright package")


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="package", autouse=True)
def _async_unsafe_allowed():
    # Playwright's sync API runs an event loop in the main thread; Django's ORM, used by the
    # tests and by the database fixtures' set-up and tear-down, would otherwise refuse to run
    # there. Package-scoped, so that it outlives every test's database and is undone once the
    # browser is closed, before the rest of the suite runs.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser(_async_unsafe_allowed):
    """One Chromium for all the end-to-end tests, closed when they are done (package scope:
    Playwright's event loop must not outlive them, or the rest of the suite's ORM calls fail).
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


def _screenshot_dir(tmp_path_factory) -> Path:
    var_dir = os.environ.get("NCB_VAR_DIR")
    base = Path(var_dir) if var_dir else tmp_path_factory.getbasetemp()
    directory = base / "e2e-screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def new_page(browser, request, tmp_path_factory):
    """`new_page()`: a page in a fresh browser context (own cookies); screenshots on failure."""
    contexts = []

    def make():
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    failed = getattr(request.node, "rep_call", None) and request.node.rep_call.failed
    if failed:
        directory = _screenshot_dir(tmp_path_factory)
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.name)
        for number, context in enumerate(contexts):
            for page_number, page in enumerate(context.pages):
                path = directory / f"{name}-{number}-{page_number}.png"
                try:
                    page.screenshot(path=str(path), full_page=True)
                except Exception as error:  # a screenshot never hides the failure
                    print(f"screenshot failed: {error}")
                else:
                    print(f"screenshot: {path}")
    for context in contexts:
        context.close()


def current_totp_code(user) -> str:
    """The code `user`'s authenticator app would show now, as a phone computes it.

    The user gets a confirmed authenticator if they have none. The device's memory of the
    last accepted time step is cleared first: a test may sign the same user in twice within
    30 seconds, which a real user cannot (the same code is refused the second time).
    """
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"


def pass_password_and_code(page, base_url: str, user, password: str) -> None:
    """Sign in through both steps of the form: password, then the authenticator's code."""
    code = current_totp_code(user)
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, "the password step failed"
    if "/accounts/mfa/verify/" in page.url:
        page.locator("#id_code").fill(code)
        page.get_by_role("button", name="Verify").click()
        page.wait_for_load_state()
    assert "/accounts/mfa/" not in page.url, "the code step failed"


@pytest.fixture
def sign_in(live_server):
    """`sign_in(page, user)`: sign in as `user` (password and code), wait for the landing page."""

    def sign(page, user):
        pass_password_and_code(page, live_server.url, user, PASSWORD)
        return page

    return sign
