"""The permission matrix of every case API endpoint (DESIGN.md §5, issue 3 "Done when").

One French case with everything that hangs off it; each scenario names a caller and how the
case reached them, and calls every endpoint once, in an order where no write disturbs a
later call (reads first, removals last). The answer of each call is compared with what the
scenario's row of the matrix allows: 401 anonymous, 403 for analysts' writes, 404 for a case,
or an action on it, that is not the caller's — and for anything under a case asked for by a
role without case data (SRB monitors, users of no NCB: they get 403 on the case list) —, 2xx
else.
"""

import datetime

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from contacts.choices import OfficerRole
from ncb_cases import services
from tests.factories import NcbFactory, officer_user, share_case

pytestmark = pytest.mark.django_db

READ, WRITE, SHARE, IDENTITY = "read", "write", "share", "identity"
OK = "2xx"

# scenario: what each kind of call answers
MATRIX = {
    "anonymous": {READ: 401, WRITE: 401, SHARE: 401, IDENTITY: 401},
    "srb_monitor": {READ: 404, WRITE: 404, SHARE: 404, IDENTITY: 404},
    "user_without_ncb": {READ: 404, WRITE: 404, SHARE: 404, IDENTITY: 404},
    "other_ncb": {READ: 404, WRITE: 404, SHARE: 404, IDENTITY: 404},
    "expired_share": {READ: 404, WRITE: 404, SHARE: 404, IDENTITY: 404},
    "revoked_share": {READ: 404, WRITE: 404, SHARE: 404, IDENTITY: 404},
    "shared_read": {READ: OK, WRITE: 404, SHARE: 404, IDENTITY: 404},
    "shared_read_identity_holder": {READ: OK, WRITE: 404, SHARE: 404, IDENTITY: OK},
    "shared_read_write": {READ: OK, WRITE: OK, SHARE: 404, IDENTITY: 404},
    "shared_read_write_analyst": {READ: OK, WRITE: 403, SHARE: 403, IDENTITY: 404},
    "owner_analyst": {READ: OK, WRITE: 403, SHARE: 403, IDENTITY: 404},
    "owner_officer_identity_holder": {READ: OK, WRITE: OK, SHARE: 404, IDENTITY: OK},
    "owner_supervisor": {READ: OK, WRITE: OK, SHARE: OK, IDENTITY: 404},
    "admin": {READ: OK, WRITE: OK, SHARE: OK, IDENTITY: 404},
}


# Roles that read no case data at all: the case list and the opening of a case say so (403).
NO_CASE_DATA = {"srb_monitor", "user_without_ncb"}


@pytest.fixture
def world(case_fr, victim_fr, suspect_fr, officer_fr, supervisor_fr, countries):
    """case_fr with one of everything, two more French cases (one linked), a share to Italy."""
    related = services.case_create(actor=officer_fr, data={"title": "Fictitious related case"})
    linked = services.case_create(actor=officer_fr, data={"title": "Fictitious linked case"})
    group = services.group_create(actor=officer_fr, case=case_fr, data={"name": "Lyon ring"})
    services.group_member_add(actor=officer_fr, group=group, person=suspect_fr)
    leg = services.route_leg_add(
        actor=officer_fr,
        case=case_fr,
        data={"stage": "TRANSIT", "mode": "SEA", "from_country": "LY", "to_country": "IT"},
    )
    vehicle = services.vehicle_add(actor=officer_fr, case=case_fr, data={"plate": "TS-1-XX"})
    task = services.task_create(actor=officer_fr, case=case_fr, title="Call", assignee=officer_fr)
    link = services.case_link_create(actor=officer_fr, from_case=case_fr, to_case=linked)
    italy = share_case(case_fr, NcbFactory(country=countries["IT"]), granted_by=supervisor_fr)
    return {
        "case": case_fr,
        "cases": [case_fr, related, linked],
        "related": related,
        "victim": victim_fr,
        "suspect": suspect_fr,
        "group": group,
        "leg": leg,
        "vehicle": vehicle,
        "task": task,
        "link": link,
        "share": italy,
    }


@pytest.fixture
def caller(request, world, ncb_de):
    """`caller(scenario)`: the user of a MATRIX scenario (None: anonymous), shares made."""

    def make(scenario):
        past = timezone.now() - datetime.timedelta(seconds=1)
        simple = {
            "srb_monitor": "srb_europe",
            "user_without_ncb": "user_without_ncb",
            "owner_analyst": "analyst_fr",
            "owner_officer_identity_holder": "officer_fr",
            "owner_supervisor": "supervisor_fr",
            "admin": "admin_user",
            "other_ncb": "officer_de",
        }
        if scenario == "anonymous":
            return None
        if scenario in simple:
            return request.getfixturevalue(simple[scenario])
        officer_de = request.getfixturevalue("officer_de")
        access = "READ_WRITE" if "read_write" in scenario else "READ"
        for case in world["cases"]:
            share_case(
                case,
                ncb_de,
                access="READ_WRITE" if scenario == "expired_share" else access,
                expires_at=past if scenario == "expired_share" else None,
                revoked=scenario == "revoked_share",
            )
        if scenario == "shared_read_identity_holder":
            assign_perm("view_victim_identity", officer_de, world["case"])
        if scenario == "shared_read_write_analyst":
            return officer_user("analyst_de", ncb_de, OfficerRole.ANALYST)
        return officer_de

    return make


def calls(world, case_url):
    """(name, kind, method, url, body, headers) of every endpoint under a case, in a safe order."""
    case, url = world["case"], case_url
    in_a_month = (timezone.now() + datetime.timedelta(days=30)).isoformat()
    leg = {"stage": "TRANSIT", "mode": "ROAD", "from_country": "NG", "to_country": "LY"}
    share = {"recipient_ncb": "IT", "access": "READ", "purpose": "JIT", "expires_at": in_a_month}
    return [
        ("case", READ, "get", url(case), None),
        ("persons", READ, "get", url(case, "persons"), None),
        ("person", READ, "get", url(case, "persons", world["suspect"]), None),
        ("victim", READ, "get", url(case, "persons", world["victim"]), None),
        ("groups", READ, "get", url(case, "groups"), None),
        ("group", READ, "get", url(case, "groups", world["group"]), None),
        ("route", READ, "get", url(case, "route"), None),
        ("leg", READ, "get", url(case, "route", world["leg"]), None),
        ("vehicles", READ, "get", url(case, "vehicles"), None),
        ("vehicle", READ, "get", url(case, "vehicles", world["vehicle"]), None),
        ("links", READ, "get", url(case, "links"), None),
        ("tasks", READ, "get", url(case, "tasks"), None),
        ("task", READ, "get", url(case, "tasks", world["task"]), None),
        ("notes", READ, "get", url(case, "notes"), None),
        ("shares", READ, "get", url(case, "shares"), None),
        ("identity", IDENTITY, "get", url(case, "persons", world["victim"], "identity"), None),
        ("edit case", WRITE, "patch", url(case), {"summary": "Edited (fictitious)"}),
        ("status", WRITE, "post", url(case, "status"), {"status": "UNDER_INVESTIGATION"}),
        ("requalify", WRITE, "post", url(case, "offence-type"), {"offence_type": "SMUGGLING"}),
        ("add person", WRITE, "post", url(case, "persons"), {"role": "WITNESS"}),
        ("edit person", WRITE, "patch", url(case, "persons", world["suspect"]), {"sex": "M"}),
        ("add group", WRITE, "post", url(case, "groups"), {"name": "Second ring"}),
        ("edit group", WRITE, "patch", url(case, "groups", world["group"]), {"description": "x"}),
        (
            "add member",
            WRITE,
            "post",
            url(case, "groups", world["group"], "members"),
            {"person_id": str(world["suspect"].public_id), "role": "LEADER"},
        ),
        ("add leg", WRITE, "post", url(case, "route"), leg),
        ("edit leg", WRITE, "patch", url(case, "route", world["leg"]), {"notes": "By night"}),
        ("add vehicle", WRITE, "post", url(case, "vehicles"), {"plate": "TS-2-XX"}),
        (
            "edit vehicle",
            WRITE,
            "patch",
            url(case, "vehicles", world["vehicle"]),
            {"colour": "White"},
        ),
        (
            "add link",
            WRITE,
            "post",
            url(case, "links"),
            {"to_case_id": str(world["related"].public_id)},
        ),
        ("add task", WRITE, "post", url(case, "tasks"), {"title": "Write to the embassy"}),
        ("complete task", WRITE, "post", url(case, "tasks", world["task"], "complete"), {}),
        ("add note", WRITE, "post", url(case, "notes"), {"text": "Met the Italian desk"}),
        ("revoke share", SHARE, "post", url(case, "shares", world["share"], "revoke"), {}),
        ("share", SHARE, "post", url(case, "shares"), share),
        (
            "remove member",
            WRITE,
            "delete",
            url(case, "groups", world["group"], "members", world["suspect"]),
            None,
        ),
        ("remove leg", WRITE, "delete", url(case, "route", world["leg"]), None),
        ("remove vehicle", WRITE, "delete", url(case, "vehicles", world["vehicle"]), None),
        ("remove link", WRITE, "delete", url(case, "links", world["link"]), None),
    ]


def _outcome(status_code: int):
    return OK if 200 <= status_code < 300 else status_code


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_every_endpoint_under_a_case_answers_as_the_matrix_says(
    scenario, caller, world, api_client_for, case_url
):
    # given
    client = api_client_for(caller(scenario))
    expected, answered = {}, {}
    # when
    for name, kind, method, url, body in calls(world, case_url):
        headers = {"HTTP_X_PURPOSE": "Preparing the hearing"} if kind == IDENTITY else {}
        response = getattr(client, method)(url, body, format="json", **headers)
        answered[name] = _outcome(response.status_code)
        expected[name] = MATRIX[scenario][kind]
    # then
    assert answered == expected


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_the_case_list_and_search_show_the_case_exactly_when_it_may_be_read(
    scenario, caller, world, api_client_for
):
    # given
    client = api_client_for(caller(scenario))
    may_read = 403 if scenario in NO_CASE_DATA else MATRIX[scenario][READ]
    # when
    listed = client.get("/api/v1/cases/")
    found = client.get("/api/v1/search/", {"q": "Nail bars"})
    # then
    assert _outcome(listed.status_code) == (OK if may_read in (OK, 404) else may_read)
    assert _outcome(found.status_code) == (OK if may_read in (OK, 404) else may_read)
    if may_read in (OK, 404):
        references = [row["reference"] for row in listed.json()["results"]]
        found_references = [row["reference"] for row in found.json()["cases"]]
        assert (world["case"].reference in references) is (may_read == OK)
        assert (world["case"].reference in found_references) is (may_read == OK)


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_opening_a_case_is_for_officers_supervisors_and_admins_only(
    scenario, caller, api_client_for, countries
):
    # given
    client = api_client_for(caller(scenario))
    may_write = 403 if scenario in NO_CASE_DATA else MATRIX[scenario][WRITE]
    # when
    response = client.post(
        "/api/v1/cases/", {"title": "Fictitious new case", "owner_ncb": "FR"}, format="json"
    )
    # then: anyone who writes cases opens them for their own NCB (admins name it)
    if may_write in (401, 403):
        assert response.status_code == may_write
    elif scenario == "admin" or scenario.startswith("owner"):
        assert response.status_code == 201
    else:  # officers of another NCB: not for the French NCB
        assert (response.status_code, list(response.json())) == (400, ["owner_ncb"])


@pytest.mark.parametrize(
    "part", ["persons", "groups", "route", "vehicles", "links", "tasks", "notes", "shares"]
)
def test_a_case_that_is_not_yours_is_a_404_before_your_request_is_even_read(
    part, world, officer_de, api_client_for, case_url
):
    # when: an empty body would be a 400 on a case of one's own
    response = api_client_for(officer_de).post(case_url(world["case"], part), {}, format="json")
    # then
    assert response.status_code == 404
