"""`/api/v1/cases/`: list and filters, detail, opening, editing, workflow (DESIGN.md §6)."""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from ncb_cases import services
from ncb_cases.choices import AuditAction, CaseStatus, NoteKind
from ncb_cases.models import AuditEvent, Case, CaseNote
from ncb_cases.selectors import CasePermissions
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def test_the_list_shows_a_case_with_its_countries_forms_owner_and_lead(
    api_client_for, officer_fr, case_fr
):
    # given
    services.case_update(actor=officer_fr, case=case_fr, data={"lead_officer": officer_fr})
    # when
    response = api_client_for(officer_fr).get(CASES)
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 1
    row = response.json()["results"][0]
    assert row["public_id"] == str(case_fr.public_id)
    assert row["reference"] == case_fr.reference
    assert row["owner_ncb"] == "FR"
    assert row["lead_officer"] == "officer_fr"
    assert row["exploitation_forms"] == ["FORCED_LABOUR", "SEXUAL"]
    assert {"country": "NG", "role": "ORIGIN"} in row["countries"]
    assert "id" not in row


def test_the_list_leaves_out_other_ncbs_cases(api_client_for, officer_fr, case_fr, case_de):
    # when
    response = api_client_for(officer_fr).get(CASES)
    # then
    assert [row["reference"] for row in response.json()["results"]] == [case_fr.reference]


def test_the_list_filters_by_status_and_exploitation_form(
    api_client_for, officer_fr, case_fr, countries
):
    # given
    other = services.case_create(
        actor=officer_fr,
        data={"title": "Domestic work", "exploitation_forms": ["DOMESTIC_SERVITUDE"]},
    )
    services.case_change_status(
        actor=officer_fr, case=other, status=CaseStatus.UNDER_INVESTIGATION
    )
    client = api_client_for(officer_fr)
    # when
    by_status = client.get(CASES, {"status": ["UNDER_INVESTIGATION", "IN_COURT"]})
    by_form = client.get(CASES, {"exploitation_form": "SEXUAL"})
    # then
    assert [row["reference"] for row in by_status.json()["results"]] == [other.reference]
    assert [row["reference"] for row in by_form.json()["results"]] == [case_fr.reference]


def test_search_is_an_alias_of_q(api_client_for, officer_fr, case_fr, suspect_fr):
    # when
    response = api_client_for(officer_fr).get(CASES, {"search": "moreau"})
    # then
    assert [row["reference"] for row in response.json()["results"]] == [case_fr.reference]


def test_an_empty_filter_filters_nothing(api_client_for, officer_fr, case_fr):
    # when: as an HTML form sends its untouched fields
    response = api_client_for(officer_fr).get(CASES, {"status": "", "country": "", "q": ""})
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "LOST"}, "status"),
        ({"offence_type": "PIRACY"}, "offence_type"),
        ({"exploitation_form": "SEXUAL_X"}, "exploitation_form"),
        ({"country": "France"}, "country"),
        ({"opened_after": "2026-02-30"}, "opened_after"),
        ({"opened_after": "2026-03-01", "opened_before": "2026-01-01"}, "opened_before"),
        ({"ordering": "password"}, "ordering"),
    ],
)
def test_an_invalid_filter_is_a_400_naming_the_parameter(
    api_client_for, officer_fr, case_fr, params, field
):
    # when
    response = api_client_for(officer_fr).get(CASES, params)
    # then
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("page_size", [5, 50])
def test_the_list_costs_the_same_queries_whatever_the_page_size(
    api_client_for, officer_fr, ncb_fr, countries, page_size, django_assert_max_num_queries
):
    # given 60 cases of the NCB, each with countries and exploitation forms
    for number in range(60):
        case = CaseFactory(owner_ncb=ncb_fr, title=f"Fictitious case {number}")
        services.case_update(
            actor=officer_fr,
            case=case,
            data={
                "exploitation_forms": ["SEXUAL", "FORCED_LABOUR"],
                "countries": [("NG", "ORIGIN"), ("FR", "DESTINATION")],
            },
        )
    client = api_client_for(officer_fr)
    # when: session user, officer, count, page, countries, exploitation forms (+ slack of 2)
    with django_assert_max_num_queries(8):
        response = client.get(CASES, {"page_size": page_size})
    # then
    assert len(response.json()["results"]) == page_size
    assert all(len(row["countries"]) == 2 for row in response.json()["results"])


def test_the_detail_shows_the_callers_permissions_and_is_audited(
    api_client_for, supervisor_fr, case_fr
):
    # when
    response = api_client_for(supervisor_fr).get(f"{CASES}{case_fr.public_id}/")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["summary"].startswith("Fictitious")
    assert (body["owner_ncb_name"], body["created_by"]) == ("INTERPOL Paris", "officer_fr")
    assert body["permissions"]["can_share"] is True
    assert body["permissions"]["can_change"] is True
    assert body["permissions"]["can_reveal_victim_identity"] is False
    assert (
        AuditEvent.objects.filter(
            actor=supervisor_fr, action=AuditAction.VIEW, case=case_fr
        ).count()
        == 1
    )


def test_the_detail_shows_every_permission_the_selector_knows(api_client_for, officer_fr, case_fr):
    # when
    response = api_client_for(officer_fr).get(f"{CASES}{case_fr.public_id}/")
    # then
    assert set(response.json()["permissions"]) == {
        field.name for field in dataclasses.fields(CasePermissions)
    }


def test_a_malformed_or_missing_id_is_a_404(api_client_for, officer_fr, case_fr):
    client = api_client_for(officer_fr)
    assert client.get(f"{CASES}42/").status_code == 404
    assert client.get(f"{CASES}00000000-0000-0000-0000-000000000000/").status_code == 404


def test_an_officer_opens_a_case_for_their_ncb(api_client_for, officer_fr, countries):
    # when
    response = api_client_for(officer_fr).post(
        CASES,
        {
            "title": "Fictitious seasonal workers in Provence",
            "offence_type": "THB",
            "exploitation_forms": ["FORCED_LABOUR"],
            "countries": [{"country": "IT", "role": "TRANSIT"}],
            "lead_officer": "officer_fr",
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("FR-")
    assert body["owner_ncb"] == "FR"
    assert body["lead_officer"] == "officer_fr"
    assert body["countries"] == [{"country": "IT", "role": "TRANSIT"}]
    assert body["permissions"]["can_reveal_victim_identity"] is True


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"offence_type": "PIRACY"}, "offence_type"),
        ({"exploitation_forms": ["SEXUAL", "JUGGLING"]}, "exploitation_forms.1"),
        ({"countries": [{"country": "NG", "role": "HOME"}]}, "countries.0.role"),
        ({"countries": [{"country": "QQ", "role": "ORIGIN"}]}, "countries"),
        ({"opened_on": "2026-02-30"}, "opened_on"),
        ({"handling_codes": ["H3"]}, "h3_text"),
        ({"lead_officer": "nobody_at_all"}, "lead_officer"),
        ({"lead_officer": "officer_de"}, "lead_officer"),
        ({"owner_ncb": "DE"}, "owner_ncb"),
    ],
)
def test_a_bad_case_is_refused_naming_the_field_and_nothing_is_written(
    api_client_for, officer_fr, officer_de, countries, payload, field
):
    # when
    response = api_client_for(officer_fr).post(
        CASES, {"title": "Fictitious refused case", **payload}, format="json"
    )
    # then
    assert response.status_code == 400
    assert field in response.json()
    assert not Case.objects.filter(title="Fictitious refused case").exists()


def test_a_case_opened_in_the_future_is_refused(api_client_for, officer_fr, countries):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = api_client_for(officer_fr).post(
        CASES, {"title": "Too early", "opened_on": tomorrow.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["opened_on"]


def test_an_admin_names_the_owner_ncb(api_client_for, admin_user, ncb_de, countries):
    # when
    response = api_client_for(admin_user).post(
        CASES, {"title": "Opened by the admin", "owner_ncb": "de"}, format="json"
    )
    # then
    assert response.status_code == 201
    assert response.json()["owner_ncb"] == "DE"


def test_a_patch_changes_only_the_fields_sent(api_client_for, officer_fr, case_fr):
    # when
    response = api_client_for(officer_fr).patch(
        f"{CASES}{case_fr.public_id}/", {"title": "Renamed (fictitious)"}, format="json"
    )
    # then
    assert response.status_code == 200
    case_fr.refresh_from_db()
    assert (case_fr.title, case_fr.summary[:10]) == ("Renamed (fictitious)", "Fictitious")


def test_a_patch_cannot_move_the_case_to_another_ncb(api_client_for, officer_fr, case_fr):
    response = api_client_for(officer_fr).patch(
        f"{CASES}{case_fr.public_id}/", {"owner_ncb": "DE"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["owner_ncb"]


def test_there_is_no_put_nor_delete(api_client_for, officer_fr, case_fr):
    client = api_client_for(officer_fr)
    url = f"{CASES}{case_fr.public_id}/"
    assert client.put(url, {"title": "x"}, format="json").status_code == 405
    assert client.delete(url).status_code == 405


def test_the_status_moves_along_the_workflow_and_onto_the_timeline(
    api_client_for, officer_fr, case_fr
):
    # when
    response = api_client_for(officer_fr).post(
        f"{CASES}{case_fr.public_id}/status/", {"status": "UNDER_INVESTIGATION"}, format="json"
    )
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "UNDER_INVESTIGATION"
    assert CaseNote.objects.filter(case=case_fr, kind=NoteKind.STATUS_CHANGE).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "IN_COURT"}, "status"),
        ({"status": "FINISHED"}, "status"),
        ({"status": "CLOSED"}, "outcome"),
        ({"status": "CLOSED", "outcome": "WON"}, "outcome"),
    ],
)
def test_an_illegal_status_change_is_a_400_naming_the_field(
    api_client_for, officer_fr, case_fr, payload, field
):
    # when
    response = api_client_for(officer_fr).post(
        f"{CASES}{case_fr.public_id}/status/", payload, format="json"
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == [field]
    case_fr.refresh_from_db()
    assert case_fr.status == CaseStatus.OPEN


def test_only_a_supervisor_reopens_a_case_and_says_why(
    api_client_for, officer_fr, supervisor_fr, case_fr
):
    # given a closed case
    services.case_change_status(
        actor=officer_fr, case=case_fr, status=CaseStatus.CLOSED, outcome="NO_FURTHER_ACTION"
    )
    url = f"{CASES}{case_fr.public_id}/status/"
    # when
    by_officer = api_client_for(officer_fr).post(
        url, {"status": "REOPENED", "reason": "New witness"}, format="json"
    )
    without_reason = api_client_for(supervisor_fr).post(url, {"status": "REOPENED"}, format="json")
    reopened = api_client_for(supervisor_fr).post(
        url, {"status": "REOPENED", "reason": "New witness"}, format="json"
    )
    # then
    assert by_officer.status_code == 404
    assert (without_reason.status_code, list(without_reason.json())) == (400, ["reason"])
    assert reopened.json()["status"] == "REOPENED"


def test_another_ncbs_case_cannot_be_requalified(api_client_for, officer_fr, case_de):
    # when
    response = api_client_for(officer_fr).post(
        f"{CASES}{case_de.public_id}/offence-type/", {"offence_type": "THB"}, format="json"
    )
    # then
    assert response.status_code == 404
    case_de.refresh_from_db()
    assert case_de.offence_type == "SMUGGLING"


def test_an_offence_type_change_goes_on_the_timeline_with_its_reason(
    api_client_for, officer_de, case_de
):
    # when
    response = api_client_for(officer_de).post(
        f"{CASES}{case_de.public_id}/offence-type/",
        {"offence_type": "THB_AND_SMUGGLING", "reason": "Debt bondage found"},
        format="json",
    )
    # then
    assert response.status_code == 200
    assert response.json()["offence_type"] == "THB_AND_SMUGGLING"
    note = CaseNote.objects.get(case=case_de, kind=NoteKind.OFFENCE_TYPE_CHANGE)
    assert "Debt bondage found" in note.text


def test_an_unknown_offence_type_is_a_400(api_client_for, officer_de, case_de):
    response = api_client_for(officer_de).post(
        f"{CASES}{case_de.public_id}/offence-type/", {"offence_type": "PIRACY"}, format="json"
    )
    assert (response.status_code, list(response.json())) == (400, ["offence_type"])
