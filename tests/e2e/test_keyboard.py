"""Keyboard-only operation and visible focus (issue 9, WCAG 2.2 AA 2.1.1, 2.4.1, 2.4.7).

Once a page is open, every step proven here is made with the keyboard alone: Tab, Shift+Tab,
Enter, Space, arrow keys and typing; never a click or a `fill()`. Focus is moved with
`_tab_to`, which presses Tab until the wanted element holds the focus, the way a person
would; set-up steps that are not under test (signing in before tests 2 to 5) use the usual
helpers.
"""

import re

import pytest
from playwright.sync_api import expect

from ncb_cases.choices import PersonRole
from ncb_cases.models import Case
from tests.e2e.conftest import PASSWORD, current_totp_code, skip_module_without_browser
from tests.factories import CaseFactory, PersonFactory

skip_module_without_browser()

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# What the focused element looks like: its focus indicator, its box, and a name for messages.
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const name = element.getAttribute("aria-label") || element.textContent || element.name || "";
  return {
    isBody: element === document.body || element === document.documentElement,
    describe: `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""} `
      + `"${name.trim().replace(/\\s+/g, " ").slice(0, 50)}"`,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
    width: box.width,
    height: box.height,
    inViewport: box.bottom > 0 && box.right > 0
      && box.top < window.innerHeight && box.left < window.innerWidth,
  };
}"""
HAS_FOCUS = "(selector) => document.activeElement?.matches(selector) ?? false"


def _tab_to(page, selector: str, *, limit: int = 40, key: str = "Tab") -> None:
    """Press `key` (Tab or Shift+Tab) until the focused element matches `selector`."""
    for _press in range(limit):
        page.keyboard.press(key)
        if page.evaluate(HAS_FOCUS, selector):
            return
    focused = page.evaluate(FOCUSED)["describe"]
    raise AssertionError(f"{selector} not reached by {limit} {key}; focus is on {focused}")


def _focus_problem(focused: dict) -> str | None:
    """Why the focused element is not visibly focused, or None if it is."""
    if focused["isBody"]:
        return "the focus left the page's controls"
    if focused["width"] == 0 or focused["height"] == 0 or not focused["inViewport"]:
        return f"{focused['describe']} is focused but not on screen"
    outlined = focused["outlineStyle"] != "none" and focused["outlineWidth"] > 0
    if not outlined and focused["boxShadow"] == "none":
        return f"{focused['describe']} is focused without an outline or a shadow"
    return None


def _assert_focus_visible(page) -> None:
    problem = _focus_problem(page.evaluate(FOCUSED))
    assert problem is None, problem


def _assert_focus_on(page, selector: str) -> None:
    """The focus is on `selector` (else the message names where it is instead)."""
    assert page.evaluate(HAS_FOCUS, selector), f"focus on {page.evaluate(FOCUSED)['describe']}"


@pytest.fixture
def case_fr(ncb_fr, officer_fr):
    case = CaseFactory(
        owner_ncb=ncb_fr, created_by=officer_fr, title="Fictitious car washes in Lille (e2e)"
    )
    PersonFactory(case=case, role=PersonRole.SUSPECT, family_name="CLAVIER-TEST")
    PersonFactory(case=case, role=PersonRole.SUSPECT, family_name="TOUCHE-TEST", forenames="Éva")
    return case


def test_an_officer_signs_in_with_password_and_code_by_keyboard_alone(
    live_server, new_page, officer_fr
):
    # given the sign-in page, and an officer with an authenticator app
    current_totp_code(officer_fr)
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    # the username field has the focus on arrival (autofocus), or is the next Tab stop
    if not page.evaluate(HAS_FOCUS, "#id_username"):
        _tab_to(page, "#id_username")
    _assert_focus_visible(page)

    # when the officer types the username, tabs to the password, types it and presses Enter
    page.keyboard.type(officer_fr.get_username())
    page.keyboard.press("Tab")
    _assert_focus_on(page, "#id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    # then the second step asks for the code, its field focused or the next Tab stop
    expect(page).to_have_url(re.compile(r"/accounts/mfa/verify/"))
    if not page.evaluate(HAS_FOCUS, "#id_code"):
        _tab_to(page, "#id_code")
    _assert_focus_visible(page)

    # when the officer types the authenticator's code and presses Enter
    page.keyboard.type(current_totp_code(officer_fr))
    page.keyboard.press("Enter")
    # then the dashboard is shown
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


def test_an_officer_opens_a_case_from_the_list_by_keyboard_alone(
    live_server, new_page, sign_in, officer_fr
):
    # given the case list of a signed-in officer
    page = sign_in(new_page(), officer_fr)
    page.goto(f"{live_server.url}/cases/")

    # when the officer tabs to "New case" and presses Enter
    _tab_to(page, 'a[href$="/cases/new/"]')
    _assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/cases/new/")
    # and fills the form by typing: text fields, selects (type-ahead, arrow keys), a checkbox
    _tab_to(page, "#id_title")
    page.keyboard.type("Fictitious kitchens in Rouen (keyboard)")
    page.keyboard.press("Tab")
    _assert_focus_on(page, "#id_summary")
    page.keyboard.type("Fictitious test case, typed without a mouse.")
    _tab_to(page, "#id_offence_type")
    page.keyboard.type("Traff")  # type-ahead picks "Trafficking in human beings"
    _tab_to(page, 'input[name="exploitation_forms"][value="FORCED_LABOUR"]')
    _assert_focus_visible(page)
    page.keyboard.press("Space")
    _tab_to(page, "#id_countries-0-country")
    page.keyboard.type("Fra")
    page.keyboard.press("Tab")
    _assert_focus_on(page, "#id_countries-0-role")
    page.keyboard.press("ArrowDown")  # from "—" to the first role, "Origin"
    expect(page.locator("#id_offence_type")).to_have_value("THB")
    expect(page.locator("#id_countries-0-country")).to_have_value("FR")
    expect(page.locator("#id_countries-0-role")).to_have_value("ORIGIN")
    # and submits with Enter on the submit button
    _tab_to(page, ".case-form button[type=submit]", limit=100)  # past the Palermo boxes
    _assert_focus_visible(page)
    page.keyboard.press("Enter")

    # then the new case's page shows its title and the flash message
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fictitious kitchens in Rouen (keyboard)"
    )
    case = Case.objects.get(title="Fictitious kitchens in Rouen (keyboard)")
    expect(page.locator(".flash-list")).to_contain_text(f"Case {case.reference} is open.")
    assert case.offence_type == "THB"
    assert list(case.exploitation_forms.values_list("form", flat=True)) == ["FORCED_LABOUR"]
    assert list(case.countries.values_list("country__iso2", "role")) == [("FR", "ORIGIN")]


def test_the_case_tabs_are_reached_and_followed_by_keyboard(
    live_server, new_page, sign_in, officer_fr, case_fr
):
    # given a case's summary tab
    page = sign_in(new_page(), officer_fr)
    page.goto(f"{live_server.url}/cases/{case_fr.public_id}/")
    expect(page.locator('.case-tabs a[aria-current="page"]')).to_have_text("Summary")

    # when the officer tabs to the "Persons" tab, which shows its focus, and presses Enter
    _tab_to(page, '.case-tabs a[href$="/persons/"]')
    _assert_focus_visible(page)
    page.keyboard.press("Enter")

    # then the persons tab is the current one and shows the case's persons
    expect(page).to_have_url(f"{live_server.url}/cases/{case_fr.public_id}/persons/")
    expect(page.locator('.case-tabs a[aria-current="page"]')).to_have_text("Persons")
    expect(page.get_by_text("CLAVIER-TEST").first).to_be_visible()
    # and Shift+Tab from further down comes back to the tabs, the current one visibly focused
    _tab_to(page, '.case-tabs a[href$="/tasks/"]')
    _tab_to(page, '.case-tabs a[aria-current="page"]', key="Shift+Tab")
    _assert_focus_visible(page)


def test_the_share_disclosure_opens_and_closes_by_keyboard(
    live_server, new_page, sign_in, supervisor_fr, case_fr
):
    # given the sharing tab of a case, its "Share with another NCB" form closed
    page = sign_in(new_page(), supervisor_fr)
    page.goto(f"{live_server.url}/cases/{case_fr.public_id}/sharing/")
    disclosure = page.locator("details.share-dialog")
    expect(disclosure).not_to_have_attribute("open", "")
    expect(page.get_by_label("Share with")).to_be_hidden()

    # when the supervisor tabs to its summary and presses Enter
    _tab_to(page, "details.share-dialog > summary")
    _assert_focus_visible(page)
    page.keyboard.press("Enter")
    # then the form is shown, and the next Tab stop is its first field
    expect(disclosure).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    _assert_focus_on(page, "#id_share-recipient_ncb")
    _assert_focus_visible(page)

    # when the supervisor goes back with Shift+Tab and presses Space on the summary
    page.keyboard.press("Shift+Tab")
    _assert_focus_on(page, "details.share-dialog > summary")
    page.keyboard.press("Space")
    # then the form is closed again and the focus stays on the summary
    expect(disclosure).not_to_have_attribute("open", "")
    expect(page.get_by_label("Share with")).to_be_hidden()
    _assert_focus_on(page, "details.share-dialog > summary")


def test_the_network_graph_shows_and_clears_an_item_by_keyboard(
    live_server, new_page, sign_in, officer_fr, case_fr
):
    # given the network tab of a case with two persons, drawn as a graph
    page = sign_in(new_page(), officer_fr)
    page.goto(f"{live_server.url}/cases/{case_fr.public_id}/network/")
    details = page.locator(".network__details")
    expect(page.locator(".network__node")).not_to_have_count(0)
    expect(details).to_be_hidden()

    # when the officer tabs into the graph (one Tab stop) and moves with the arrow keys
    _tab_to(page, '.network__node[tabindex="0"]')
    first = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("ArrowRight")
    second = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    _assert_focus_on(page, ".network__node")
    assert second != first, "the arrow key did not move to another item"
    # then the focused item is marked by a thicker outline of its shape
    stroke = page.evaluate(
        "() => getComputedStyle(document.activeElement.querySelector('.network__shape'))"
        ".strokeWidth"
    )
    assert stroke == "3px"

    # when Enter is pressed, the item's details are shown
    page.keyboard.press("Enter")
    expect(details).to_be_visible()
    expect(details.get_by_role("heading", level=3)).to_have_text(re.compile(r"\S"))
    # and when Escape is pressed, they are cleared and the focus stays on the item
    page.keyboard.press("Escape")
    expect(details).to_be_hidden()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == second


def test_every_tab_stop_of_the_dashboard_shows_its_focus_starting_with_the_skip_link(
    live_server, new_page, sign_in, officer_fr, case_fr
):
    # given the dashboard of a signed-in officer, with one open case
    page = sign_in(new_page(), officer_fr)
    page.goto(f"{live_server.url}/")

    # when the officer presses Tab once
    page.keyboard.press("Tab")
    # then the first stop is the skip link, shown on screen, and Enter moves to the content
    _assert_focus_on(page, "a.skip-link")
    _assert_focus_visible(page)
    page.keyboard.press("Enter")
    _assert_focus_on(page, "main#main")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")

    # when the officer tabs through the page from the top
    page.goto(f"{live_server.url}/")
    stops, problems = [], []
    for _press in range(25):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["isBody"]:
            break  # past the last control
        stops.append(focused["describe"])
        if problem := _focus_problem(focused):
            problems.append(problem)
    # then every stop shows a focus indicator
    assert problems == [], "\n".join(problems)
    assert len(stops) >= 15, stops
