"""End to end, in Chromium: an evidence item registered, handed over, accepted and verified."""

import re

import pytest

from evidence.models import EvidenceItem
from ncb_cases import services
from tests.e2e.conftest import skip_module_without_browser

skip_module_without_browser()

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case_fr(officer_fr):
    return services.case_create(
        actor=officer_fr,
        data={
            "title": "Fictitious recruitment agency in Marseille (e2e)",
            "countries": [("FR", "DESTINATION")],
        },
    )


def test_an_item_handed_over_in_the_browser_shows_both_events_and_its_chain_holds(
    live_server, new_page, sign_in, officer_fr, supervisor_fr, case_fr
):
    # given officer_fr signed in, on the case's evidence page
    page = sign_in(new_page(), officer_fr)
    page.goto(f"{live_server.url}/evidence/cases/{case_fr.public_id}/")

    # when officer_fr registers an item through the form
    page.get_by_role("link", name="Register an item").first.click()
    page.get_by_label("Kind").select_option(label="Physical object")
    page.get_by_label("Description").fill("Fictitious ledger of recruitment debts, 48 pages")
    page.get_by_label("Collected at").fill("2026-11-20T10:30")
    page.get_by_label("Collected by").fill("Brigade fictive de test")
    page.get_by_label("Seal number").fill("SCELLE-TEST-0001")
    page.get_by_role("button", name="Register the item").click()
    page.wait_for_load_state()
    item = EvidenceItem.objects.get(case=case_fr)
    assert page.get_by_text(item.item_number).first.is_visible()

    # and releases it to supervisor_fr
    release = page.locator("#custody-released")
    release.locator("summary").click()
    release.get_by_label("To (person)").fill(supervisor_fr.get_username())
    release.get_by_label("Agency").fill("INTERPOL Paris")
    release.get_by_label("Country", exact=True).fill("FR")
    release.get_by_label("Purpose").fill("Fictitious handover to the desk supervisor")
    release.get_by_role("button", name="Release the item").click()
    page.wait_for_load_state()

    # when supervisor_fr signs in and accepts it on the item's page
    supervisor = sign_in(new_page(), supervisor_fr)
    supervisor.goto(f"{live_server.url}/evidence/{item.public_id}/")
    accept = supervisor.locator("#custody-accepted")
    accept.get_by_role("button", name="Accept the item").click()
    supervisor.wait_for_load_state()

    # then the timeline shows the release and the acceptance
    timeline = supervisor.locator(".custody-timeline")
    actions = timeline.locator(".custody-event__action").all_inner_texts()
    assert "Transferred (released)" in actions
    assert "Received (accepted)" in actions
    assert actions.index("Transferred (released)") < actions.index("Received (accepted)")

    # when supervisor_fr verifies the chain
    supervisor.get_by_role("button", name="Verify now").click()
    supervisor.wait_for_load_state()
    # then the page reports that every link holds
    assert supervisor.get_by_text(
        re.compile(r"Chain of custody verified: \d+ events, every link holds")
    ).is_visible()
