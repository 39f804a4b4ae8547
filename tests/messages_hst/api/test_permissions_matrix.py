"""The permission matrix of every endpoint of the message API (issue 5 item 9, DESIGN.md §5).

France's messages (a draft, one awaiting approval, one sent whose German delivery is dead) and
a message France received; each scenario names a caller and calls every endpoint once, reads
first. The answer of each call is compared with the scenario's row: 401 anonymous, 403 for
roles that read no messages (SRB monitors, users of no NCB, instance admins as such), for
analysts' writes and for a role the action needs (approving, requeueing: a supervisor of the
sender NCB who did not write the message); 404 for another NCB's message; 2xx else.
"""

import pytest
from django.utils import timezone

from messages_hst.choices import InboundStatus, MessageStatus
from tests.messages_hst.factories import HSTMessageFactory, InboundMessageFactory

pytestmark = pytest.mark.django_db

READ, WRITE, SUPERVISE = "read", "write", "supervise"
OK = "2xx"

MATRIX = {
    "anonymous": {READ: 401, WRITE: 401, SUPERVISE: 401},
    "srb_monitor": {READ: 403, WRITE: 403, SUPERVISE: 403},
    "user_without_ncb": {READ: 403, WRITE: 403, SUPERVISE: 403},
    "admin": {READ: 403, WRITE: 403, SUPERVISE: 403},
    "other_ncb_officer": {READ: 404, WRITE: 404, SUPERVISE: 404},
    "other_ncb_supervisor": {READ: 404, WRITE: 404, SUPERVISE: 404},
    "owner_analyst": {READ: OK, WRITE: 403, SUPERVISE: 403},
    "owner_officer": {READ: OK, WRITE: OK, SUPERVISE: 403},
    "owner_supervisor": {READ: OK, WRITE: OK, SUPERVISE: OK},
}
USERS = {
    "srb_monitor": "srb_europe",
    "user_without_ncb": "user_without_ncb",
    "admin": "admin_user",
    "other_ncb_officer": "officer_de",
    "other_ncb_supervisor": "supervisor_de",
    "owner_analyst": "analyst_fr",
    "owner_officer": "officer_fr",
    "owner_supervisor": "supervisor_fr",
}


@pytest.fixture
def world(draft_fr, pending_fr_other, sent_fr, ncb_fr):
    inbound = InboundMessageFactory(
        recipient_ncb=ncb_fr,
        sender_code="DE",
        status=InboundStatus.TRIAGE,
        message_type="INFO",
        subject="Coach timetable Munich-Lyon (test)",
    )
    return {"draft": draft_fr, "pending": pending_fr_other, "sent": sent_fr, "inbound": inbound}


@pytest.fixture
def pending_fr_other(officer_fr, case_fr):
    """A second French message awaiting approval (draft_fr stays a draft)."""
    return HSTMessageFactory(
        sender_ncb=officer_fr.officer.ncb,
        created_by=officer_fr,
        case=case_fr,
        status=MessageStatus.PENDING_APPROVAL,
        submitted_by=officer_fr,
        submitted_at=timezone.now(),
    )


@pytest.fixture
def caller(request):
    def make(scenario):
        return None if scenario == "anonymous" else request.getfixturevalue(USERS[scenario])

    return make


def calls(world, message_url):
    """(name, kind, method, url, body) of every endpoint of one message, reads first (the
    lists: `test_the_lists_show_frances_messages_exactly_to_its_readers`)."""
    draft, pending, sent = world["draft"], world["pending"], world["sent"]
    inbound = f"/api/v1/messages/inbound/{world['inbound'].public_id}/"
    document = dict(draft.document, subject="Identify a coach driver (edited, test)")
    return [
        ("detail", READ, "get", message_url(draft), None),
        ("deliveries", READ, "get", message_url(sent, "deliveries"), None),
        ("rendering", READ, "get", message_url(sent, "rendering"), None),
        ("validation", READ, "get", message_url(draft, "validation"), None),
        ("inbound", READ, "get", inbound, None),
        ("edit", WRITE, "patch", message_url(draft), {"document": document}),
        ("submit", WRITE, "post", message_url(draft, "submit"), None),
        ("follow-up", WRITE, "post", message_url(sent, "follow-up"), {"message_type": "UPDATE"}),
        ("approve", SUPERVISE, "post", message_url(pending, "approve"), {}),
        (
            "requeue",
            SUPERVISE,
            "post",
            message_url(sent, "deliveries", "DE", "requeue"),
            None,
        ),
    ]


def _outcome(status_code: int):
    return OK if 200 <= status_code < 300 else status_code


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_every_endpoint_answers_as_the_matrix_says(
    scenario, caller, world, api_client_for, message_url
):
    # given
    client = api_client_for(caller(scenario))
    expected, answered = {}, {}
    # when
    for name, kind, method, url, body in calls(world, message_url):
        response = getattr(client, method)(url, body, format="json")
        answered[name] = _outcome(response.status_code)
        expected[name] = MATRIX[scenario][kind]
    # then
    assert answered == expected


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_the_lists_show_frances_messages_exactly_to_its_readers(
    scenario, caller, world, api_client_for
):
    # given
    client = api_client_for(caller(scenario))
    may_read = MATRIX[scenario][READ]
    # when
    outgoing = client.get("/api/v1/messages/")
    inbound = client.get("/api/v1/messages/inbound/")
    requests = client.get("/api/v1/messages/requests/")
    # then
    expected_status = OK if may_read in (OK, 404) else may_read
    answered = [_outcome(answer.status_code) for answer in (outgoing, inbound, requests)]
    assert answered == [expected_status] * 3
    if may_read in (OK, 404):
        listed = {row["message_id"] for row in outgoing.json()["results"]}
        received = {row["public_id"] for row in inbound.json()["results"]}
        assert (str(world["draft"].message_id) in listed) is (may_read == OK)
        assert (str(world["inbound"].public_id) in received) is (may_read == OK)


def test_another_ncbs_message_is_a_404_before_the_request_is_even_read(
    world, officer_de, api_client_for, message_url
):
    # when: a malformed body would be a 400 on a message of one's own
    client = api_client_for(officer_de)
    responses = [
        client.patch(message_url(world["draft"]), {"document": "not an object"}, format="json"),
        client.post(message_url(world["pending"], "return"), {}, format="json"),
        client.post(message_url(world["sent"], "follow-up"), {"message_type": "X"}, format="json"),
    ]
    # then
    assert [response.status_code for response in responses] == [404, 404, 404]


def test_a_message_id_that_is_not_a_uuid_is_not_even_routed(api_client_for, officer_fr):
    # when
    response = api_client_for(officer_fr).get("/api/v1/messages/42/")
    # then
    assert response.status_code == 404
