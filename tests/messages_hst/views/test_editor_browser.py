"""The editor in Chromium (Playwright, the distribution's browser): the page waits for a draft
being built and opens it, the live check links problems to their inputs and shows the text
rendering, a row added in the browser is saved. Skipped without Chromium or playwright."""

import re

import pytest

from messages_hst.choices import MessageStatus
from messages_hst.models import HSTMessage
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    pass_password_and_code,
    skip_module_without_browser,
)
from tests.messages_hst.factories import HSTMessageFactory

skip_module_without_browser()

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium():
    # Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to run
    # beside it. Module-scoped: undone once the browser is closed, after the last test here.
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()


@pytest.fixture
def page_as(chromium, live_server):
    contexts = []

    def sign_in(user):
        # bypass_csp: Playwright evaluates `wait_for_function` predicates with eval, which the
        # policy refuses; the CSP itself is checked by tests/e2e/test_content_security_policy.py.
        context = chromium.new_context(
            locale="en-GB", viewport={"width": 1400, "height": 900}, bypass_csp=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        pass_password_and_code(page, live_server.url, user, PASSWORD)
        return page

    yield sign_in
    for context in contexts:
        context.close()


def test_the_live_check_links_problems_and_a_row_added_in_the_browser_is_saved(
    page_as, live_server, officer_fr, ncb_fr
):
    # given a draft REQUEST of France
    draft = HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr)
    page = page_as(officer_fr)

    # when the officer opens the editor
    page.goto(f"{live_server.url}/messages/{draft.message_id}/edit/")
    summary = page.locator("[data-editor-summary]")
    page.wait_for_function(
        "document.querySelector('[data-editor-summary]').textContent.includes('checked')"
    )
    # then the first check has run and the preview shows the text rendering
    assert f"MESSAGE ID: {draft.message_id}" in page.locator("[data-editor-preview]").inner_text()

    # when a date of birth in the future is typed
    page.locator("#id_persons-0-date_of_birth").fill("2099")
    link = page.locator("[data-editor-problems] a[href='#id_persons-0-date_of_birth']")
    link.wait_for()
    # then the problem is listed, linked to that input, which is marked invalid
    assert re.search(r"[1-9]\d* error", summary.inner_text())
    assert page.locator("#id_persons-0-date_of_birth").get_attribute("aria-invalid") == "true"
    # and following the problem's link puts the cursor in that input
    page.locator("#id_envelope-subject").focus()
    link.click()
    assert page.evaluate("document.activeElement.id") == "id_persons-0-date_of_birth"

    # when the date is put back, a location is added in the browser and the draft saved
    page.locator("#id_persons-0-date_of_birth").fill("1984-05-17")
    page.locator("#section-locations [data-formset-add]").click()
    page.locator("#id_locations-3-ref").fill("L4")
    page.locator("#id_locations-3-country").fill("NL")
    page.locator("#id_locations-3-place").fill("Utrecht")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    # then the saved draft holds the new location and nothing else changed
    draft.refresh_from_db()
    assert draft.document["body"]["locations"][-1] == {
        "ref": "L4",
        "country": "NL",
        "place": "Utrecht",
    }
    assert draft.document["body"]["persons"][0]["date_of_birth"] == "1984-05-17"
    assert page.get_by_text("Draft saved.").is_visible()


def test_the_page_waits_for_the_draft_being_built_then_opens_it(
    page_as, live_server, officer_fr, ncb_fr
):
    # given a message still being built by the compose task
    message = HSTMessageFactory(
        sender_ncb=ncb_fr, created_by=officer_fr, status=MessageStatus.COMPOSING
    )
    page = page_as(officer_fr)
    page.goto(f"{live_server.url}/messages/{message.message_id}/edit/")
    # then the page shows the progress
    assert page.locator("[data-compose-status-url]").is_visible()
    assert not page.locator("#message-editor").count()

    # when the task finishes
    HSTMessage.objects.filter(pk=message.pk).update(status=MessageStatus.DRAFT)
    # then the page opens the editor by itself
    page.wait_for_selector("#message-editor")
    assert page.url.endswith(f"/messages/{message.message_id}/edit/")
