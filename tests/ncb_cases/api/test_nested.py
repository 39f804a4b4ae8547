"""What hangs off a case in the API: groups, route, vehicles, links, tasks, notes, shares."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ncb_cases import services
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent, CaseShare, RouteLeg, Task
from tests.factories import CountryFactory, NcbFactory, share_case

pytestmark = pytest.mark.django_db


def _in_days(days: int) -> str:
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


# --- Groups -----------------------------------------------------------------------------------


def test_a_group_is_recorded_and_a_victim_member_shows_under_their_pseudonym(
    api_client_for, officer_fr, case_fr, victim_fr, suspect_fr, case_url
):
    # given
    client = api_client_for(officer_fr)
    created = client.post(
        case_url(case_fr, "groups"), {"name": "Fictitious Lyon ring"}, format="json"
    )
    group_url = case_url(case_fr, "groups", created.json()["public_id"])
    # when
    client.post(
        group_url + "members/",
        {"person_id": str(suspect_fr.public_id), "role": "LEADER"},
        format="json",
    )
    response = client.post(
        group_url + "members/", {"person_id": str(victim_fr.public_id)}, format="json"
    )
    # then
    assert created.status_code == 201
    members = {member["display_name"]: member["role"] for member in response.json()["members"]}
    assert members == {"MOREAU-TEST Didier": "LEADER", "Victim V-1": "MEMBER"}
    assert "Okafor" not in response.content.decode()


def test_a_member_is_removed_from_a_group(
    api_client_for, officer_fr, case_fr, suspect_fr, case_url
):
    # given
    group = services.group_create(actor=officer_fr, case=case_fr, data={"name": "Ring"})
    services.group_member_add(actor=officer_fr, group=group, person=suspect_fr)
    # when
    response = api_client_for(officer_fr).delete(
        case_url(case_fr, "groups", group, "members", suspect_fr)
    )
    # then
    assert response.status_code == 204
    assert not group.memberships.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"name": ""}, "name"), ({"name": "Ring", "kind": "CARTEL_X"}, "kind")],
)
def test_a_bad_group_is_refused_naming_the_field(
    api_client_for, officer_fr, case_fr, case_url, payload, field
):
    response = api_client_for(officer_fr).post(case_url(case_fr, "groups"), payload, format="json")
    assert (response.status_code, list(response.json())) == (400, [field])


def test_a_person_of_another_case_cannot_join_a_group(
    api_client_for, officer_fr, case_fr, countries, case_url
):
    # given
    other = services.case_create(actor=officer_fr, data={"title": "Other fictitious case"})
    outsider = services.person_create(actor=officer_fr, case=other, data={"role": "SUSPECT"})
    group = services.group_create(actor=officer_fr, case=case_fr, data={"name": "Ring"})
    # when
    response = api_client_for(officer_fr).post(
        case_url(case_fr, "groups", group, "members"),
        {"person_id": str(outsider.public_id)},
        format="json",
    )
    # then
    assert response.status_code == 404


# --- Route ------------------------------------------------------------------------------------


def test_legs_are_added_in_order_and_one_can_be_inserted_first(
    api_client_for, officer_fr, case_fr, victim_fr, case_url
):
    # given
    client = api_client_for(officer_fr)
    url = case_url(case_fr, "route")
    client.post(
        url, {"stage": "TRANSIT", "mode": "ROAD", "from_country": "NG", "to_country": "LY"}
    )
    # when
    client.post(
        url,
        {
            "stage": "RECRUITMENT",
            "mode": "ROAD",
            "from_place": "Benin City",
            "to_country": "NG",
            "position": 1,
            "persons": [str(victim_fr.public_id)],
        },
        format="json",
    )
    response = client.get(url)
    # then
    legs = response.json()["results"]
    assert [(leg["seq"], leg["stage"]) for leg in legs] == [(1, "RECRUITMENT"), (2, "TRANSIT")]
    assert legs[0]["persons"] == [
        {"public_id": str(victim_fr.public_id), "display_name": "Victim V-1"}
    ]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"mode": "TELEPORT"}, "mode"),
        ({"departed_on": "2024-05-02", "arrived_on": "2024-05-01"}, "arrived_on"),
        ({"to_country": None, "to_place": ""}, "to_country"),
        ({"from_country": "QQ"}, "from_country"),
    ],
)
def test_a_bad_leg_is_refused_naming_the_field_and_nothing_is_written(
    api_client_for, officer_fr, case_fr, case_url, payload, field
):
    # when
    response = api_client_for(officer_fr).post(
        case_url(case_fr, "route"),
        {"stage": "TRANSIT", "mode": "ROAD", "from_country": "NG", "to_country": "LY", **payload},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert field in response.json()
    assert not RouteLeg.objects.exists()


def test_removing_a_leg_moves_the_next_ones_up(api_client_for, officer_fr, case_fr, case_url):
    # given
    first, second = (
        services.route_leg_add(
            actor=officer_fr,
            case=case_fr,
            data={"stage": "TRANSIT", "mode": "SEA", "from_place": place, "to_place": "Lampedusa"},
        )
        for place in ("Zuwara", "Sabratha")
    )
    # when
    response = api_client_for(officer_fr).delete(case_url(case_fr, "route", first))
    # then
    assert response.status_code == 204
    second.refresh_from_db()
    assert second.seq == 1


# --- Vehicles and links -----------------------------------------------------------------------


def test_a_vehicle_is_added_with_its_holder_shown_by_pseudonym(
    api_client_for, officer_fr, case_fr, victim_fr, case_url
):
    # when
    response = api_client_for(officer_fr).post(
        case_url(case_fr, "vehicles"),
        {"plate": "ts-123-xx", "vehicle_type": "VAN", "holder": str(victim_fr.public_id)},
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    assert response.json()["holder"]["display_name"] == "Victim V-1"


def test_a_vehicle_type_that_does_not_exist_is_refused(
    api_client_for, officer_fr, case_fr, case_url
):
    response = api_client_for(officer_fr).post(
        case_url(case_fr, "vehicles"), {"plate": "TS-1", "vehicle_type": "SLED"}, format="json"
    )
    assert (response.status_code, list(response.json())) == (400, ["vehicle_type"])


def test_two_visible_cases_are_linked_and_an_invisible_one_cannot_be(
    api_client_for, officer_fr, case_fr, case_de, countries, case_url
):
    # given
    other = services.case_create(actor=officer_fr, data={"title": "Related fictitious case"})
    client = api_client_for(officer_fr)
    # when
    linked = client.post(
        case_url(case_fr, "links"), {"to_case_id": str(other.public_id)}, format="json"
    )
    hidden = client.post(
        case_url(case_fr, "links"), {"to_case_id": str(case_de.public_id)}, format="json"
    )
    # then
    assert linked.status_code == 201
    assert linked.json()["to_case"]["reference"] == other.reference
    assert (hidden.status_code, list(hidden.json())) == (400, ["to_case_id"])
    assert client.get(case_url(other, "links")).json()["count"] == 1


def test_a_case_linked_to_itself_or_twice_is_a_400_naming_the_other_case(
    api_client_for, officer_fr, case_fr, countries, case_url
):
    # given
    other = services.case_create(actor=officer_fr, data={"title": "Related fictitious case"})
    client = api_client_for(officer_fr)
    client.post(case_url(case_fr, "links"), {"to_case_id": str(other.public_id)}, format="json")
    # when
    itself = client.post(
        case_url(case_fr, "links"), {"to_case_id": str(case_fr.public_id)}, format="json"
    )
    twice = client.post(
        case_url(other, "links"), {"to_case_id": str(case_fr.public_id)}, format="json"
    )
    # then
    assert (itself.status_code, list(itself.json())) == (400, ["to_case_id"])
    assert (twice.status_code, list(twice.json())) == (400, ["to_case_id"])


def test_a_second_group_of_the_same_name_is_a_400_naming_the_name(
    api_client_for, officer_fr, case_fr, case_url
):
    # given
    client = api_client_for(officer_fr)
    client.post(case_url(case_fr, "groups"), {"name": "Lyon ring"}, format="json")
    # when
    response = client.post(case_url(case_fr, "groups"), {"name": "Lyon ring"}, format="json")
    # then
    assert (response.status_code, list(response.json())) == (400, ["name"])


# --- Tasks and notes --------------------------------------------------------------------------


def test_a_task_is_assigned_and_its_assignee_completes_it(
    api_client_for, officer_fr, supervisor_fr, case_fr, case_url
):
    # given
    created = api_client_for(supervisor_fr).post(
        case_url(case_fr, "tasks"),
        {"title": "Request bank records", "assignee": "officer_fr", "due_on": "2030-01-31"},
        format="json",
    )
    # when
    done = api_client_for(officer_fr).post(
        case_url(case_fr, "tasks", created.json()["public_id"], "complete")
    )
    # then
    assert created.status_code == 201
    assert created.json()["assignee"] == "officer_fr"
    assert (done.status_code, done.json()["is_done"], done.json()["done_by"]) == (
        200,
        True,
        "officer_fr",
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "Call", "assignee": "nobody_at_all"}, "assignee"),
        ({"title": "Call", "assignee": "officer_de"}, "assignee"),
        ({"title": "Call", "due_on": "2030-02-30"}, "due_on"),
    ],
)
def test_a_bad_task_is_refused_naming_the_field_and_nothing_is_written(
    api_client_for, officer_fr, officer_de, case_fr, case_url, payload, field
):
    response = api_client_for(officer_fr).post(case_url(case_fr, "tasks"), payload, format="json")
    assert (response.status_code, list(response.json())) == (400, [field])
    assert not Task.objects.exists()


def test_a_task_done_twice_is_a_400(api_client_for, officer_fr, case_fr, case_url):
    # given
    task = services.task_create(actor=officer_fr, case=case_fr, title="Call the embassy")
    services.task_complete(actor=officer_fr, task=task)
    # when
    response = api_client_for(officer_fr).post(case_url(case_fr, "tasks", task, "complete"))
    # then
    assert response.status_code == 400


def test_a_note_is_appended_and_notes_are_never_edited(
    api_client_for, officer_fr, case_fr, case_url
):
    # given
    client = api_client_for(officer_fr)
    # when
    created = client.post(
        case_url(case_fr, "notes"), {"text": "Met the Italian desk"}, format="json"
    )
    note_url = case_url(case_fr, "notes", created.json()["public_id"])
    # then
    assert created.status_code == 201
    assert client.get(case_url(case_fr, "notes")).json()["results"][0]["text"] == (
        "Met the Italian desk"
    )
    assert client.patch(note_url, {"text": "Changed"}, format="json").status_code in (404, 405)
    assert client.delete(note_url).status_code in (404, 405)


# --- Shares -----------------------------------------------------------------------------------


def test_a_supervisor_shares_a_case_and_the_recipient_sees_it_at_once(
    api_client_for, supervisor_fr, officer_de, ncb_de, case_fr, case_url
):
    # when
    response = api_client_for(supervisor_fr).post(
        case_url(case_fr, "shares"),
        {
            "recipient_ncb": "DE",
            "access": "READ",
            "purpose": "Joint investigation team (fictitious)",
            "expires_at": _in_days(30),
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    assert response.json()["is_active"] is True
    assert api_client_for(officer_de).get(case_url(case_fr)).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.SHARE, case=case_fr).count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"recipient_ncb": "FR"}, "recipient_ncb"),
        ({"recipient_ncb": "ZZ"}, "recipient_ncb"),
        ({"purpose": ""}, "purpose"),
        ({"purpose": "   "}, "purpose"),
        ({"access": "ADMIN"}, "access"),
        ({"expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
        ({"expires_at": "2030-02-30T00:00:00Z"}, "expires_at"),
        ({"expires_at": "in a fortnight"}, "expires_at"),
    ],
)
def test_a_bad_share_is_refused_naming_the_field_and_nothing_is_shared(
    api_client_for, supervisor_fr, ncb_de, case_fr, case_url, payload, field
):
    # when
    body = {
        "recipient_ncb": "DE",
        "access": "READ",
        "purpose": "Joint investigation team (fictitious)",
        "expires_at": _in_days(30),
        **payload,
    }
    response = api_client_for(supervisor_fr).post(case_url(case_fr, "shares"), body, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not CaseShare.objects.exists()


def test_a_revoked_share_ends_access_on_the_very_next_request(
    api_client_for, supervisor_fr, officer_de, ncb_de, case_fr, case_url
):
    # given
    share = share_case(case_fr, ncb_de, access="READ_WRITE")
    reader = api_client_for(officer_de)
    assert reader.get(case_url(case_fr)).status_code == 200
    # when
    revoked = api_client_for(supervisor_fr).post(case_url(case_fr, "shares", share, "revoke"))
    # then
    assert revoked.status_code == 200
    assert revoked.json()["is_active"] is False
    assert reader.get(case_url(case_fr)).status_code == 404


def test_a_recipient_sees_its_own_share_but_may_not_revoke_it(
    api_client_for, officer_de, supervisor_de, ncb_de, case_fr, case_url
):
    # given
    share = share_case(case_fr, ncb_de, access="READ_WRITE")
    # when
    listed = api_client_for(officer_de).get(case_url(case_fr, "shares"))
    revoked = api_client_for(supervisor_de).post(case_url(case_fr, "shares", share, "revoke"))
    # then
    assert [row["public_id"] for row in listed.json()["results"]] == [str(share.public_id)]
    assert revoked.status_code == 404
    share.refresh_from_db()
    assert share.revoked_at is None


# --- Query counts of every list ---------------------------------------------------------------


@pytest.fixture
def busy_case(case_fr, officer_fr, supervisor_fr, countries):
    """case_fr with 60 of everything that lists under it."""
    persons = [
        services.person_create(
            actor=officer_fr, case=case_fr, data={"role": "SUSPECT", "family_name": f"S{n}-Test"}
        )
        for n in range(60)
    ]
    for n in range(60):
        group = services.group_create(actor=officer_fr, case=case_fr, data={"name": f"G{n}"})
        services.group_member_add(actor=officer_fr, group=group, person=persons[n])
        services.route_leg_add(
            actor=officer_fr,
            case=case_fr,
            data={
                "stage": "TRANSIT",
                "mode": "ROAD",
                "from_country": "NG",
                "to_country": "LY",
                "persons": [persons[n]],
            },
        )
        services.vehicle_add(
            actor=officer_fr,
            case=case_fr,
            data={"plate": f"TS-{n:03d}-XX", "registration_country": "FR", "holder": persons[n]},
        )
        services.task_create(
            actor=officer_fr, case=case_fr, title=f"Task {n}", assignee=officer_fr
        )
        services.case_note_add(actor=officer_fr, case=case_fr, text=f"Note {n}")
        other = services.case_create(actor=officer_fr, data={"title": f"Linked {n}"})
        services.case_link_create(actor=officer_fr, from_case=case_fr, to_case=other)
    for first, second in itertools.product("XY", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
        code = first + second  # user-assigned ISO codes: no real country
        country = CountryFactory(iso2=code, iso3=f"{code}X", name=f"Fictitia {code}")
        share_case(case_fr, NcbFactory(country=country), granted_by=supervisor_fr)
    return case_fr


LISTS = ("groups", "route", "vehicles", "links", "tasks", "notes", "shares", "persons")


def test_every_list_under_a_case_costs_the_same_queries_at_page_size_5_and_50(
    api_client_for, supervisor_fr, busy_case, case_url
):
    # given (one busy case for all the lists: building it is the slow part)
    client = api_client_for(supervisor_fr)
    client.get(case_url(busy_case, "notes"))  # warm the per-process caches (content types)
    counts = {}
    # when
    for part in LISTS:
        for page_size in (5, 50):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(case_url(busy_case, part), {"page_size": page_size})
            assert len(response.json()["results"]) == page_size
            counts[part, page_size] = len(queries)
    # then
    assert {part: counts[part, 5] for part in LISTS} == {part: counts[part, 50] for part in LISTS}
    assert max(counts.values()) <= 16, counts
