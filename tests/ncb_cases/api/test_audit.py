"""Audit completeness through the API: N sensitive reads, N audit rows; no victim in the body."""

import pytest

from ncb_cases import services
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.factories import share_case

pytestmark = pytest.mark.django_db

VICTIM_IDENTITY = ("Okafor", "OKAFOR", "Blessing", "Jewel", "2348030000001", "A00000001", "1998")


def test_n_case_detail_reads_write_n_view_rows(api_client_for, supervisor_fr, case_fr, case_url):
    # given
    client = api_client_for(supervisor_fr)
    # when
    for _ in range(3):
        assert client.get(case_url(case_fr)).status_code == 200
    # then
    views = AuditEvent.objects.filter(actor=supervisor_fr, action=AuditAction.VIEW, case=case_fr)
    assert views.count() == 3
    assert {event.object_type for event in views} == {"case"}


def test_n_person_reads_write_n_view_rows_naming_the_person(
    api_client_for, analyst_fr, case_fr, victim_fr, suspect_fr, case_url
):
    # given
    client = api_client_for(analyst_fr)
    # when
    for person in (victim_fr, suspect_fr, victim_fr):
        client.get(case_url(case_fr, "persons", person))
    # then
    views = AuditEvent.objects.filter(actor=analyst_fr, action=AuditAction.VIEW)
    assert sorted(str(event.object_public_id) for event in views) == sorted(
        [str(victim_fr.public_id)] * 2 + [str(suspect_fr.public_id)]
    )


def test_n_reveals_write_n_rows_with_their_purpose_and_address(
    api_client_for, officer_fr, case_fr, victim_fr, case_url
):
    # given
    client = api_client_for(officer_fr)
    url = case_url(case_fr, "persons", victim_fr, "identity")
    # when
    for purpose in ("Hearing of 12 May", "Hearing of 13 May"):
        client.get(url, HTTP_X_PURPOSE=purpose, REMOTE_ADDR="192.0.2.10")
    # then
    reveals = AuditEvent.objects.filter(actor=officer_fr, action=AuditAction.VIEW_VICTIM_IDENTITY)
    assert sorted(event.purpose for event in reveals) == ["Hearing of 12 May", "Hearing of 13 May"]
    assert {event.ip for event in reveals} == {"192.0.2.10"}


def test_lists_are_not_audited_as_reads_of_each_row(
    api_client_for, officer_fr, case_fr, victim_fr, suspect_fr, case_url
):
    # given
    before = AuditEvent.objects.count()
    client = api_client_for(officer_fr)
    # when
    client.get("/api/v1/cases/")
    client.get(case_url(case_fr, "persons"))
    # then
    assert AuditEvent.objects.count() == before


def test_a_refused_detail_read_is_recorded_as_denied(
    api_client_for, officer_de, case_fr, victim_fr, case_url
):
    # given
    client = api_client_for(officer_de)
    # when
    case_read = client.get(case_url(case_fr))
    person_read = client.get(case_url(case_fr, "persons", victim_fr))
    # then
    assert (case_read.status_code, person_read.status_code) == (404, 404)
    denied = AuditEvent.objects.filter(actor=officer_de, action=AuditAction.DENIED)
    assert sorted(event.object_type for event in denied) == ["case", "person"]


def test_every_write_through_the_api_leaves_one_audit_row(
    api_client_for, officer_fr, case_fr, suspect_fr, case_url
):
    # given
    client = api_client_for(officer_fr)
    before = AuditEvent.objects.count()
    # when
    client.patch(case_url(case_fr), {"title": "Renamed (fictitious)"}, format="json")
    client.patch(case_url(case_fr, "persons", suspect_fr), {"sex": "M"}, format="json")
    client.post(case_url(case_fr, "notes"), {"text": "Called the desk"}, format="json")
    # then
    actions = list(AuditEvent.objects.order_by("id")[before:].values_list("action", "object_type"))
    assert actions == [("UPDATE", "case"), ("UPDATE", "person"), ("CREATE", "casenote")]


@pytest.fixture
def victim_everywhere(case_fr, victim_fr, officer_fr, ncb_de, countries):
    """The victim as member, traveller and vehicle holder, so every list could leak them."""
    group = services.group_create(actor=officer_fr, case=case_fr, data={"name": "Ring"})
    services.group_member_add(actor=officer_fr, group=group, person=victim_fr)
    services.route_leg_add(
        actor=officer_fr,
        case=case_fr,
        data={
            "stage": "TRANSIT",
            "mode": "SEA",
            "from_country": "LY",
            "to_country": "IT",
            "persons": [victim_fr],
        },
    )
    services.vehicle_add(
        actor=officer_fr, case=case_fr, data={"plate": "TS-7-XX", "holder": victim_fr}
    )
    services.task_create(actor=officer_fr, case=case_fr, title="Find a shelter")
    share_case(case_fr, ncb_de)
    return victim_fr


@pytest.mark.parametrize("reader", ["supervisor_fr", "analyst_fr", "officer_de", "admin_user"])
def test_a_victims_identity_is_in_no_answer_to_a_reader_without_the_permission(
    reader, request, victim_everywhere, case_fr, api_client_for, case_url
):
    # given
    client = api_client_for(request.getfixturevalue(reader))
    victim = victim_everywhere
    urls = [case_url(case_fr)] + [
        case_url(case_fr, part)
        for part in ("persons", "groups", "route", "vehicles", "links", "tasks", "notes", "shares")
    ]
    urls += [case_url(case_fr, "persons", victim), "/api/v1/cases/"]
    urls += [
        f"/api/v1/search/?q={q}" for q in ("Okafor", "Jewel", "%2B2348030000001", "A00000001")
    ]
    # when
    bodies = {url: client.get(url) for url in urls}
    # then
    for url, response in bodies.items():
        assert response.status_code == 200, url
        body = response.content.decode()
        if "/search/" in url:
            body = body.split('"cases"', 1)[1]  # the query itself is echoed back
        leaked = [value for value in VICTIM_IDENTITY if value in body]
        assert leaked == [], url
