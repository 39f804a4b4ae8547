"""The meeting pages in headless Chromium: the calendar, a meeting and the planning form
render under the enforced Content-Security-Policy, and a supervisor plans a meeting by
keyboard and mouse as a person would."""

import os
import re
import tempfile
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    pass_password_and_code,
    skip_module_without_browser,
)
from tests.ncb_cases.meetings.factories import action_item

skip_module_without_browser()

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def page(monkeypatch, tmp_path):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        context.add_init_script(RECORD_VIOLATIONS)
        yield context.new_page()
        browser.close()


def looked_at(page, name: str) -> None:
    """Keep a screenshot for a person to look at, and check the page broke no CSP rule."""
    directory = Path(os.environ.get("NCB_VAR_DIR") or tempfile.gettempdir()) / "meetings-screens"
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []


def test_supervisor_plans_a_meeting_and_reads_it(
    page, live_server, supervisor_fr, ncb_it, ncb_ng, meeting_fr
):
    # given
    action_item(meeting_fr, ncb_it, "Share the phone analysis")
    pass_password_and_code(page, live_server.url, supervisor_fr, PASSWORD)
    # when: the calendar
    page.goto(f"{live_server.url}/meetings/")
    assert page.locator("h1").inner_text() == "Meetings"
    assert page.get_by_role("link", name=re.compile("Mama Joy")).count() == 1
    looked_at(page, "list")
    # and the meeting
    page.get_by_role("link", name=re.compile("Mama Joy")).click()
    page.wait_for_load_state()
    assert "Share the phone analysis" in page.content()
    looked_at(page, "detail")
    # and planning a new one, with a mistake first
    page.goto(f"{live_server.url}/meetings/new/")
    page.get_by_label("Title").fill("Debrief of the action day (fictitious)")
    page.get_by_label("Time zone").select_option("Europe/Rome")
    page.get_by_label("Starts at").fill("2030-05-04T10:00")
    page.get_by_label("Ends at").fill("2030-05-04T09:00")
    page.get_by_label("Participating NCBs").select_option(label="INTERPOL Rome (IT)")
    page.get_by_role("button", name="Plan the meeting").click()
    page.wait_for_load_state()
    assert "The meeting must end after it starts." in page.content()
    looked_at(page, "form-errors")
    page.get_by_label("Ends at").fill("2030-05-04T12:00")
    page.get_by_label("Online meeting").check()
    page.get_by_role("button", name="Plan the meeting").click()
    page.wait_for_load_state()
    # then
    assert page.locator("h1").inner_text() == "Debrief of the action day (fictitious)"
    looked_at(page, "created")
