"""End to end, in Chromium: an officer opens a case, a supervisor shares it, other NCBs look."""

import datetime

import pytest
from django.utils import timezone

from contacts.choices import OfficerRole
from ncb_cases.models import Case
from tests.e2e.conftest import skip_module_without_browser
from tests.factories import ContactPointFactory, CountryFactory, NcbFactory, officer_user

skip_module_without_browser()

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer_it(srb_europe_bureau):
    country = CountryFactory(iso2="IT", iso3="ITA", name="Italy", capital="Rome")
    ncb_it = NcbFactory(country=country, name="INTERPOL Rome")
    return officer_user("officer_it", ncb_it, OfficerRole.OFFICER)


def test_a_case_opened_in_the_browser_is_seen_by_the_ncb_it_is_shared_with_and_by_no_other(
    live_server, new_page, sign_in, officer_fr, supervisor_fr, officer_de, officer_it, ncb_de
):
    # given a contact point at the German NCB
    ContactPointFactory(ncb=ncb_de, full_name="Jonas MUSTER-TEST", time_zone="Europe/Berlin")
    page = sign_in(new_page(), officer_fr)

    # when officer_fr looks Germany up in the directory
    page.goto(f"{live_server.url}/contacts/")
    page.get_by_label("Search").fill("Germany")
    page.get_by_role("button", name="Filter").click()
    # then the Wiesbaden bureau is listed
    assert page.get_by_text("INTERPOL Wiesbaden").first.is_visible()
    assert page.get_by_text("Jonas MUSTER-TEST").first.is_visible()

    # when officer_fr opens a case through the form
    page.goto(f"{live_server.url}/cases/")
    page.get_by_role("link", name="New case").click()
    page.get_by_label("Title").fill("Fictitious nail bars in Lyon (e2e)")
    page.get_by_label("Summary").fill("Fictitious test case: workers charged recruitment debts.")
    page.get_by_label("Offence type").select_option(label="Trafficking in human beings")
    page.get_by_label("Country 1", exact=True).select_option(label="Germany")
    page.get_by_label("Role of country 1").select_option(index=1)
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_load_state()
    # then the case exists and its page shows it
    case = Case.objects.get(title="Fictitious nail bars in Lyon (e2e)")
    assert case.owner_ncb == officer_fr.officer.ncb
    assert page.get_by_text(case.reference).first.is_visible()
    case_url = f"{live_server.url}/cases/{case.public_id}/"

    # when officer_fr adds a suspect and a victim on the persons tab
    for role, family_name, forenames in (
        ("Suspect", "EXEMPLE-TEST", "Marc"),
        ("Victim", "FICTIF-TEST", "Ana"),
    ):
        page.goto(f"{case_url}persons/")
        page.get_by_role("link", name="Add person").first.click()
        page.get_by_label("Role in the case").select_option(label=role)
        page.get_by_label("Family name").fill(family_name)
        page.get_by_label("Forenames").fill(forenames)
        page.get_by_role("button", name="Add the person").click()
        page.wait_for_load_state()
    # then a colleague without identity access sees the victim pseudonymised
    colleague = sign_in(new_page(), supervisor_fr)
    colleague.goto(f"{case_url}persons/")
    assert colleague.get_by_text("Victim V-1").first.is_visible()
    assert colleague.get_by_text("EXEMPLE-TEST").first.is_visible()
    assert colleague.get_by_text("FICTIF-TEST").count() == 0

    # when supervisor_fr shares the case read-only with Germany
    colleague.goto(f"{case_url}sharing/")
    colleague.get_by_text("Share with another NCB").click()
    recipient = colleague.get_by_label("Share with")
    recipient.select_option(value=ncb_de.code)
    colleague.get_by_label("Read only").check()
    colleague.get_by_label("Purpose").fill("Fictitious joint investigation team JIT-E2E")
    expiry = timezone.localdate() + datetime.timedelta(days=30)
    colleague.get_by_label("Access ends after").fill(expiry.isoformat())
    colleague.get_by_role("button", name="Share the case").click()
    colleague.wait_for_load_state()
    # then the German NCB is listed among the shares
    assert case.shares.filter(recipient_ncb=ncb_de).exists()

    # when officer_de signs in
    german = sign_in(new_page(), officer_de)
    german.goto(f"{live_server.url}/cases/")
    # then the case is in the German officer's list
    assert german.get_by_role("link", name=case.reference).is_visible()

    # when an officer of a third NCB looks
    italian = sign_in(new_page(), officer_it)
    italian.goto(f"{live_server.url}/cases/")
    # then the case is not listed, and its URL is a 404
    assert italian.get_by_role("link", name=case.reference).count() == 0
    response = italian.goto(case_url)
    assert response.status == 404
