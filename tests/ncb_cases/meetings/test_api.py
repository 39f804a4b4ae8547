"""`/api/v1/meetings/`: the same rules as the pages, as JSON, with fixed query counts."""

import datetime as dt

import pytest

from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent, Meeting
from tests.ncb_cases.meetings.factories import action_item, meeting

pytestmark = pytest.mark.django_db

LIST = "/api/v1/meetings/"


def url(meeting, *parts):
    return "/".join([LIST.rstrip("/"), str(meeting.public_id), *parts, ""])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("supervisor_fr", 200),
        ("analyst_fr", 200),
        ("officer_it", 200),
        ("srb_europe", 200),
        ("admin_user", 200),
        ("officer_de", 404),
        ("srb_africa", 404),
        ("user_without_ncb", 404),
    ],
)
def test_retrieve_visibility_matrix(request, api_client_for, meeting_fr, who, status):
    response = api_client_for(request.getfixturevalue(who)).get(url(meeting_fr))
    assert response.status_code == status


def test_anonymous_gets_401(api_client_for, meeting_fr):
    assert api_client_for(None).get(url(meeting_fr)).status_code == 401
    assert api_client_for(None).get(LIST).status_code == 401


def test_retrieve_lists_only_linked_cases_the_reader_may_see_and_is_audited(
    api_client_for, meeting_fr, case_fr, officer_fr, officer_it
):
    meeting_fr.cases.set([case_fr])
    mine = api_client_for(officer_fr).get(url(meeting_fr)).json()
    theirs = api_client_for(officer_it).get(url(meeting_fr)).json()
    assert [c["reference"] for c in mine["cases"]] == [case_fr.reference]
    assert theirs["cases"] == []
    assert [p["ncb"]["code"] for p in theirs["participants"]] == ["IT", "NG"]
    assert (
        AuditEvent.objects.filter(
            object_public_id=meeting_fr.public_id, action=AuditAction.VIEW
        ).count()
        == 2
    )


def test_list_filters_upcoming_and_past(
    api_client_for, meeting_fr, supervisor_fr, ncb_fr, ncb_it, officer_it
):
    past = meeting(
        organiser=ncb_fr,
        created_by=supervisor_fr,
        participants=[ncb_it],
        starts_in=-dt.timedelta(days=30),
    )
    client = api_client_for(officer_it)
    assert [m["public_id"] for m in client.get(LIST + "?when=past").json()["results"]] == [
        str(past.public_id)
    ]
    assert [m["public_id"] for m in client.get(LIST + "?when=upcoming").json()["results"]] == [
        str(meeting_fr.public_id)
    ]
    assert client.get(LIST).json()["count"] == 2


def test_list_is_empty_for_other_ncbs(api_client_for, meeting_fr, officer_de):
    assert api_client_for(officer_de).get(LIST).json()["count"] == 0


@pytest.mark.parametrize("count", [1, 15])
def test_list_has_a_fixed_number_of_queries(
    api_client_for,
    officer_it,
    supervisor_fr,
    ncb_fr,
    ncb_it,
    ncb_ng,
    count,
    django_assert_max_num_queries,
):
    for index in range(count):
        meeting(
            organiser=ncb_fr,
            created_by=supervisor_fr,
            participants=[ncb_it, ncb_ng],
            starts_in=dt.timedelta(days=2 + index),
        )
    client = api_client_for(officer_it)
    with django_assert_max_num_queries(6):
        response = client.get(LIST)
    assert response.json()["count"] == count


def test_create_and_bad_input(api_client_for, supervisor_fr, ncb_it, case_fr):
    client = api_client_for(supervisor_fr)
    bad = client.post(
        LIST,
        {
            "kind": "WORKING",
            "title": "Debrief",
            "timezone": "Nowhere/Atlantis",
            "starts_at": "2030-01-01T10:00:00Z",
            "ends_at": "2030-01-01T09:00:00Z",
            "participants": [],
        },
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"timezone", "ends_at", "place", "participants"}
    assert not Meeting.objects.exists()
    good = client.post(
        LIST,
        {
            "kind": "OPERATIONAL",
            "title": "Joint action day (fictitious)",
            "timezone": "Europe/Rome",
            "starts_at": "2030-01-01T10:00",
            "ends_at": "2030-01-01T12:00",
            "online": True,
            "participants": ["IT"],
            "cases": [str(case_fr.public_id)],
        },
        format="json",
    )
    assert good.status_code == 201
    body = good.json()
    assert body["starts_at"].startswith("2030-01-01T")
    assert body["organising_ncb"]["code"] == "FR"
    assert [c["public_id"] for c in body["cases"]] == [str(case_fr.public_id)]


def test_bad_kind_is_a_field_error(api_client_for, supervisor_fr, ncb_it):
    response = api_client_for(supervisor_fr).post(
        LIST, {"kind": "PARTY", "title": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "kind" in response.json()


@pytest.mark.parametrize("who", ["officer_fr", "analyst_fr", "srb_europe", "user_without_ncb"])
def test_who_may_not_plan_meetings_gets_403_and_nothing_is_created(request, api_client_for, who):
    response = api_client_for(request.getfixturevalue(who)).post(
        LIST, {"title": "Not theirs to plan"}, format="json"
    )
    assert response.status_code == 403
    assert "supervisors" in response.json()["detail"]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("who", ["officer_fr", "analyst_fr", "officer_it", "srb_europe"])
def test_who_may_not_change_a_meeting_gets_404(request, api_client_for, meeting_fr, who):
    response = api_client_for(request.getfixturevalue(who)).patch(
        url(meeting_fr), {"title": "Changed"}, format="json"
    )
    assert response.status_code == 404
    meeting_fr.refresh_from_db()
    assert meeting_fr.title != "Changed"


def test_organiser_patches_a_meeting(api_client_for, supervisor_fr, meeting_fr):
    response = api_client_for(supervisor_fr).patch(
        url(meeting_fr), {"minutes": "Agreed: exchange route data."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["minutes"] == "Agreed: exchange route data."


def test_action_items_are_listed_added_and_marked_done(
    api_client_for, supervisor_fr, officer_it, meeting_fr, ncb_it
):
    action_item(meeting_fr, ncb_it, "Share the phone analysis")
    client = api_client_for(supervisor_fr)
    assert api_client_for(officer_it).get(url(meeting_fr, "action-items")).json()["count"] == 1
    created = client.post(
        url(meeting_fr, "action-items"),
        {"description": "Check the bank accounts", "owner_ncb": "NG", "due_on": "2030-02-01"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["owner_ncb"] == "NG"
    item_id = created.json()["id"]
    done = client.patch(
        url(meeting_fr, "action-items", str(item_id)), {"done_on": "2026-01-02"}, format="json"
    )
    assert done.json()["done_on"] == "2026-01-02"
    refused = api_client_for(officer_it).post(
        url(meeting_fr, "action-items"),
        {"description": "x", "owner_ncb": "IT"},
        format="json",
    )
    assert refused.status_code == 404


def test_bad_action_item_is_refused_field_by_field(api_client_for, supervisor_fr, meeting_fr):
    response = api_client_for(supervisor_fr).post(
        url(meeting_fr, "action-items"),
        {"description": "Check", "owner_ncb": "DE", "due_on": "not a date"},
        format="json",
    )
    assert response.status_code == 400
    assert "due_on" in response.json()


def test_documents_metadata_for_participants_only(
    api_client_for, settings, tmp_path, supervisor_fr, meeting_fr, officer_it, srb_europe
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ncb_cases.services.meetings import meeting_document_add

    settings.VAR_DIR = tmp_path
    meeting_document_add(
        actor=supervisor_fr,
        meeting=meeting_fr,
        title="Agenda",
        upload=SimpleUploadedFile("agenda.txt", b"1. Routes\n", content_type="text/plain"),
    )
    listed = api_client_for(officer_it).get(url(meeting_fr, "documents")).json()
    assert [d["filename"] for d in listed["results"]] == ["agenda.txt"]
    assert listed["results"][0]["media_type"] == "text/plain"
    assert api_client_for(srb_europe).get(url(meeting_fr, "documents")).json()["count"] == 0


@pytest.mark.parametrize("count", [1, 12])
def test_action_item_list_has_a_fixed_number_of_queries(
    api_client_for, officer_it, meeting_fr, ncb_it, ncb_ng, count, django_assert_max_num_queries
):
    for index in range(count):
        action_item(meeting_fr, ncb_it if index % 2 else ncb_ng, f"Action {index}")
    client = api_client_for(officer_it)
    with django_assert_max_num_queries(6):
        response = client.get(url(meeting_fr, "action-items"))
    assert response.json()["count"] == count
