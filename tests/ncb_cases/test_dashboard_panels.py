"""The dashboard's panels of issue 6: the NCB's open cases, messages awaiting the user,
evidence in transit to them, stale contacts (own NCB, and the region for supervisors), the
SRB monitor's region figures, and empty states that say what to do next."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.choices import ContactRole
from evidence import services as evidence_services
from messages_hst.choices import MessageStatus
from ncb_cases import services
from ncb_cases.choices import CaseOutcome, CaseStatus, ShareAccess
from tests.evidence.factories import GERMAN_LAB, evidence_item
from tests.factories import (
    CaseFactory,
    ContactPointFactory,
    CountryFactory,
    NcbFactory,
    share_case,
)
from tests.messages_hst.factories import HSTMessageFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")


def message_of(ncb, author, *, status, **fields):
    return HSTMessageFactory(sender_ncb=ncb, created_by=author, status=status, **fields)


def pending(ncb, author, subject="Pending (test)"):
    return message_of(
        ncb,
        author,
        status=MessageStatus.PENDING_APPROVAL,
        subject=subject,
        submitted_by=author,
        submitted_at=timezone.now(),
    )


def returned(ncb, author, by, subject="Returned (test)"):
    return message_of(
        ncb,
        author,
        status=MessageStatus.DRAFT,
        subject=subject,
        returned_by=by,
        returned_at=timezone.now(),
        return_comment="Add the passport number (test).",
    )


# --- The NCB's open cases --------------------------------------------------------------------


def test_officer_sees_the_count_and_latest_of_their_ncbs_open_cases_only(
    client_for, officer_fr, ncb_fr, ncb_de, countries
):
    # given
    today = timezone.localdate()
    for days in (1, 2, 3):
        CaseFactory(
            owner_ncb=ncb_fr,
            title=f"Open {days}",
            opened_on=today - datetime.timedelta(days=days),
        )
    CaseFactory(
        owner_ncb=ncb_fr,
        title="Closed one",
        status=CaseStatus.CLOSED,
        outcome=CaseOutcome.CONVICTION,
    )
    shared = CaseFactory(owner_ncb=ncb_de, title="German shared")
    share_case(shared, ncb_fr)
    # when
    response = client_for(officer_fr).get(DASHBOARD)
    # then
    open_cases = response.context["open_cases"]
    assert open_cases.count == 3
    assert [case.title for case in open_cases.latest] == ["Open 1", "Open 2", "Open 3"]


def test_the_open_cases_link_lists_exactly_those_cases(client_for, officer_fr, ncb_fr, countries):
    # given
    CaseFactory(owner_ncb=ncb_fr, title="Still open (test)")
    CaseFactory(
        owner_ncb=ncb_fr,
        title="Done (test)",
        status=CaseStatus.CLOSED,
        outcome=CaseOutcome.CONVICTION,
    )
    client = client_for(officer_fr)
    # when
    url = client.get(DASHBOARD).context["open_cases_url"]
    listed = client.get(url)
    # then
    titles = [row.case.title for row in listed.context["rows"]]
    assert titles == ["Still open (test)"]


def test_an_ncb_without_open_cases_is_told_what_to_do(client_for, officer_fr, ncb_fr):
    # when
    page = client_for(officer_fr).get(DASHBOARD).content.decode()
    # then
    assert "Your NCB has no open case." in page
    assert "Open one as soon as" in page


# --- Messages awaiting the user -------------------------------------------------------------


def test_supervisor_sees_messages_they_may_approve_not_their_own_nor_other_ncbs(
    client_for, supervisor_fr, officer_fr, ncb_fr, ncb_de, officer_de
):
    # given
    pending(ncb_fr, officer_fr, "Written by the officer")
    pending(ncb_fr, supervisor_fr, "Written by the supervisor")
    pending(ncb_de, officer_de, "German message")
    message_of(ncb_fr, officer_fr, status=MessageStatus.DRAFT, subject="Still a draft")
    # when
    page = client_for(supervisor_fr).get(DASHBOARD).content.decode()
    # then
    assert "To approve (four eyes)" in page
    assert "Written by the officer" in page
    assert "Written by the supervisor" not in page
    assert "German message" not in page
    assert "Still a draft" not in page


def test_an_officer_has_nothing_to_approve(client_for, officer_fr, supervisor_fr, ncb_fr):
    # given
    pending(ncb_fr, supervisor_fr, "Awaiting another supervisor")
    # when
    page = client_for(officer_fr).get(DASHBOARD).content.decode()
    # then
    assert "Awaiting another supervisor" not in page
    assert "None of your drafts was returned." in page


def test_an_author_sees_their_drafts_returned_for_correction(
    client_for, officer_fr, supervisor_fr, ncb_fr, ncb_de
):
    # given
    returned(ncb_fr, officer_fr, supervisor_fr, "Mine, returned")
    returned(ncb_fr, supervisor_fr, supervisor_fr, "Colleague's, returned")
    message_of(ncb_fr, officer_fr, status=MessageStatus.DRAFT, subject="Mine, never submitted")
    # when
    page = client_for(officer_fr).get(DASHBOARD).content.decode()
    # then
    assert "Returned to you for correction" in page
    assert "Mine, returned" in page
    assert "Colleague&#x27;s, returned" not in page
    assert "Mine, never submitted" not in page


def test_a_supervisor_with_nothing_waiting_is_told_what_will_appear(client_for, supervisor_fr):
    # when
    page = client_for(supervisor_fr).get(DASHBOARD).content.decode()
    # then
    assert "Nothing to approve and no draft returned to you." in page


def test_analysts_see_no_message_or_evidence_panel(client_for, analyst_fr, officer_fr, ncb_fr):
    # given
    pending(ncb_fr, officer_fr, "Written by the officer")
    # when
    page = client_for(analyst_fr).get(DASHBOARD).content.decode()
    # then
    assert "Messages awaiting you" not in page
    assert "Evidence in transit to you" not in page


# --- Evidence in transit --------------------------------------------------------------------


def test_evidence_released_to_germany_is_in_transit_to_german_officers_not_the_sender(
    client_for, case_fr, officer_fr, officer_de, ncb_de
):
    # given
    share_case(case_fr, ncb_de, access=ShareAccess.READ_WRITE)
    item = evidence_item(actor=officer_fr, case=case_fr)
    evidence_services.custody_transfer_release(
        actor=officer_fr,
        item=item,
        to_custodian=GERMAN_LAB,
        legal_authority="MLA request FR-DE 2026/17 (fictitious)",
    )
    # when
    german = client_for(officer_de).get(DASHBOARD).content.decode()
    french = client_for(officer_fr).get(DASHBOARD).content.decode()
    # then
    assert item.item_number in german
    assert reverse("evidence:item_detail", args=[item.public_id]) in german
    assert item.item_number not in french
    assert "No evidence is on its way to your NCB." in french


# --- Contact points -------------------------------------------------------------------------


def test_stale_own_contacts_are_counted_and_flagged(client_for, officer_fr, ncb_fr):
    # given
    ContactPointFactory(
        ncb=ncb_fr,
        role=ContactRole.PRIMARY,
        last_verified_at=timezone.now() - datetime.timedelta(days=200),
    )
    # when
    response = client_for(officer_fr).get(DASHBOARD)
    # then
    assert response.context["own_stale_contacts"] == 1
    assert "1 to verify" in response.content.decode()
    assert response.context["region_contacts"] is None


def test_supervisor_sees_the_regions_ncbs_with_stale_or_no_contacts(
    client_for, supervisor_fr, ncb_fr, ncb_de, srb_europe_bureau
):
    # given
    ContactPointFactory(ncb=ncb_fr)
    ContactPointFactory(ncb=ncb_de, last_verified_at=timezone.now() - datetime.timedelta(days=200))
    NcbFactory(
        country=CountryFactory(
            iso2="IT",
            iso3="ITA",
            name="Italy",
            capital="Rome",
            sub_regional_bureau=srb_europe_bureau,
        )
    )
    # when
    response = client_for(supervisor_fr).get(DASHBOARD)
    # then
    region = response.context["region_contacts"]
    assert (region.scope, region.ncbs, region.with_stale_contact, region.without_contact) == (
        "European Regional Bureau",
        3,
        1,
        1,
    )
    assert "1 of 3 NCBs has a contact not verified" in response.content.decode()
    assert response.context["region_stale_url"].endswith("?sub_regional_bureau=RB-EUR&stale=true")


# --- SRB monitors ---------------------------------------------------------------------------


def test_srb_monitor_sees_the_regions_headline_and_no_case_panel(client_for, srb_europe, case_fr):
    # when
    response = client_for(srb_europe).get(DASHBOARD)
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "European Regional Bureau (RB-EUR)" in page
    assert "/reports/regions/RB-EUR/?start=" in page
    assert "Your NCB&#x27;s open cases" not in page
    assert case_fr.reference not in page


def test_officers_do_not_get_the_region_panel(client_for, officer_fr):
    # when
    page = client_for(officer_fr).get(DASHBOARD).content.decode()
    # then
    assert "/reports/regions/" not in page


def test_a_tasks_badge_counts_overdue_tasks(client_for, officer_fr, supervisor_fr, case_fr):
    # given
    services.task_create(
        actor=supervisor_fr,
        case=case_fr,
        title="Call the shelter (test)",
        assignee=officer_fr,
        due_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    # when
    response = client_for(officer_fr).get(DASHBOARD)
    # then
    assert response.context["overdue_tasks"] == 1
    assert "1 overdue" in response.content.decode()


def test_an_instance_admin_of_no_ncb_gets_the_dashboard_without_ncb_panels(
    client_for, admin_user, case_fr
):
    # when
    response = client_for(admin_user).get(DASHBOARD)
    # then
    assert response.status_code == 200
    assert response.context["open_cases"] is None
    assert "Messages awaiting you" not in response.content.decode()
