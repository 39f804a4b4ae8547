"""The Assets tab and its forms in headless Chromium: they render with the total, the status
change works from the browser, and no page breaks the Content-Security-Policy.

Uses the distribution's Chromium through Playwright, like tests/e2e (skipped without them);
the officer's session is created by the test client and handed to the browser.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from ncb_cases.choices import AssetStatus
from tests.ncb_cases.assets.factories import make_asset, move_to, rate

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("needs the distribution's Chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def page_for(live_server, monkeypatch, settings):
    """`page_for(user)`: a Chromium page signed in as `user` on the live server (the second
    factor is tested in tests/e2e; here the session comes from the test client)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.NCB_REQUIRE_MFA = False
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"], headless=True
        )

        cookie_name = settings.SESSION_COOKIE_NAME

        def make(user):
            client = Client()
            client.force_login(user)
            context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
            context.set_default_timeout(60_000)
            context.add_cookies(
                [
                    {
                        "name": cookie_name,
                        "value": client.cookies[cookie_name].value,
                        "url": live_server.url,
                    }
                ]
            )
            page = context.new_page()
            page.add_init_script(RECORD_VIOLATIONS)
            return page

        yield make
        browser.close()


def _screenshot(page, name: str) -> None:
    directory = Path(os.environ.get("NCB_VAR_DIR", "/tmp")) / "e2e-screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)


def test_an_officer_sees_the_total_and_freezes_an_asset_in_the_browser(
    live_server, page_for, officer_fr, case_fr, suspect_fr
):
    # given a case with assets in three currencies, one without a rate, one seized
    rate("USD", "0.9", valid_from=timezone.localdate() - datetime.timedelta(days=30))
    account = make_asset(
        officer_fr, case_fr, holder=suspect_fr, country="FR", description="Account (test)"
    )
    move_to(officer_fr, make_asset(officer_fr, case_fr, currency="USD"), AssetStatus.SEIZED)
    make_asset(
        officer_fr,
        case_fr,
        description="House in Benin City (test)",
        currency="NGN",
        silver_notice_candidate=True,
    )
    page = page_for(officer_fr)
    base = f"{live_server.url}/cases/{case_fr.public_id}/assets/"

    # when the officer opens the tab
    page.goto(base)
    _screenshot(page, "assets-tab")

    # then the total, the rate and the unconverted asset are shown
    assert "1,900.00" in page.inner_text(".asset-total__amount")
    assert "not in the total" in page.content()
    assert page.get_by_text("Silver Notice candidate").count() == 1

    # when they freeze the account through the status form
    page.goto(f"{base}{account.public_id}/status/")
    _screenshot(page, "asset-status-form")
    assert page.locator("input[name=to_status]").count() == 2
    page.check("input[name=to_status][value=FROZEN]")
    page.fill("input[name=legal_basis]", "Art. 706-153 CPP (test)")
    page.fill("input[name=authority]", "JLD Paris (test)")
    page.get_by_role("button", name="Record the change").click()
    page.wait_for_url(base)

    # then
    account.refresh_from_db()
    assert account.status == AssetStatus.FROZEN
    page.goto(f"{base}new/")
    _screenshot(page, "asset-form")
    assert page.evaluate("window.__cspViolations") == []
