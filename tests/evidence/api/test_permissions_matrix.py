"""The permission matrix of every evidence API endpoint (DESIGN.md §5, issue 4 item 9).

A French case with one item (and a file); each scenario names a caller and how the case
reached them, and calls every endpoint once, reads first. The answer of each call is compared
with the scenario's row: 401 anonymous, 403 for analysts' writes, 404 for an item that is
not the caller's to read (or to change) — roles without case data included, since missing
and forbidden look the same (DESIGN.md §5) — and 2xx else.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contacts.choices import OfficerRole
from evidence import checkpointing
from evidence.models import EvidenceItem
from tests.evidence.factories import add_file
from tests.factories import officer_user, share_case

pytestmark = pytest.mark.django_db

READ, WRITE = "read", "write"
OK = "2xx"

MATRIX = {
    "anonymous": {READ: 401, WRITE: 401},
    "srb_monitor": {READ: 404, WRITE: 404},
    "user_without_ncb": {READ: 404, WRITE: 404},
    "other_ncb": {READ: 404, WRITE: 404},
    "expired_share": {READ: 404, WRITE: 404},
    "revoked_share": {READ: 404, WRITE: 404},
    "shared_read": {READ: OK, WRITE: 404},
    "shared_read_write": {READ: OK, WRITE: OK},
    "shared_read_write_analyst": {READ: OK, WRITE: 403},
    "owner_analyst": {READ: OK, WRITE: 403},
    "owner_officer": {READ: OK, WRITE: OK},
    "owner_supervisor": {READ: OK, WRITE: OK},
    "admin": {READ: OK, WRITE: OK},
}
# Roles without case data: the collection endpoints (list, register, checkpoints) refuse them
# with a 403 at the role level; anything under one item is the 404 of an item not theirs.
NO_CASE_DATA = {"srb_monitor", "user_without_ncb"}


@pytest.fixture
def world(officer_fr, item_fr):
    """item_fr with a file, under a signed checkpoint."""
    add_file(actor=officer_fr, item=item_fr)
    checkpointing.custody_checkpoint_build()
    return {"item": item_fr, "case": item_fr.case}


@pytest.fixture
def caller(request, world, ncb_de):
    """`caller(scenario)`: the user of a MATRIX scenario (None: anonymous), shares made."""

    def make(scenario):
        simple = {
            "srb_monitor": "srb_europe",
            "user_without_ncb": "user_without_ncb",
            "owner_analyst": "analyst_fr",
            "owner_officer": "officer_fr",
            "owner_supervisor": "supervisor_fr",
            "admin": "admin_user",
            "other_ncb": "officer_de",
        }
        if scenario == "anonymous":
            return None
        if scenario in simple:
            return request.getfixturevalue(simple[scenario])
        officer_de = request.getfixturevalue("officer_de")
        share_case(
            world["case"],
            ncb_de,
            access="READ_WRITE" if "read_write" in scenario or "expired" in scenario else "READ",
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
            if scenario == "expired_share"
            else None,
            revoked=scenario == "revoked_share",
        )
        if scenario == "shared_read_write_analyst":
            return officer_user("analyst_de", ncb_de, OfficerRole.ANALYST)
        return officer_de

    return make


def calls(item, evidence_url):
    """(name, kind, method, url, body, format) of every endpoint of an item, reads first."""
    upload = SimpleUploadedFile("photo.jpg", b"fictitious photograph\n", "image/jpeg")
    return [
        ("item", READ, "get", evidence_url(item), None, None),
        ("custody", READ, "get", evidence_url(item, "custody"), None, None),
        ("files", READ, "get", evidence_url(item, "files"), None, None),
        ("verify", READ, "get", evidence_url(item, "verify"), None, None),
        ("correct", WRITE, "patch", evidence_url(item), {"storage_location": "Room C"}, "json"),
        (
            "record",
            WRITE,
            "post",
            evidence_url(item, "custody"),
            {"action": "EXAMINED", "purpose": "Photographs"},
            "json",
        ),
        ("upload", WRITE, "post", evidence_url(item, "files"), {"file": upload}, "multipart"),
        (
            "dossier",
            WRITE,
            "post",
            evidence_url(item, "dossier"),
            {"purpose": "Hearing at the Tribunal judiciaire de Lyon (fictitious)"},
            "json",
        ),
    ]


def _outcome(status_code: int):
    return OK if 200 <= status_code < 300 else status_code


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_every_endpoint_of_an_item_answers_as_the_matrix_says(
    scenario, caller, world, api_client_for, evidence_url
):
    # given
    client = api_client_for(caller(scenario))
    expected, answered = {}, {}
    # when
    for name, kind, method, url, body, body_format in calls(world["item"], evidence_url):
        response = getattr(client, method)(url, body, format=body_format)
        answered[name] = _outcome(response.status_code)
        expected[name] = MATRIX[scenario][kind]
    # then
    assert answered == expected


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_the_list_shows_the_item_exactly_when_it_may_be_read(
    scenario, caller, world, api_client_for
):
    # given
    client = api_client_for(caller(scenario))
    may_read = MATRIX[scenario][READ]
    # when
    response = client.get("/api/v1/evidence/")
    # then
    if scenario in NO_CASE_DATA:
        assert response.status_code == 403
        return
    assert _outcome(response.status_code) == (OK if may_read in (OK, 404) else may_read)
    if may_read in (OK, 404):
        listed = [row["public_id"] for row in response.json()["results"]]
        assert (str(world["item"].public_id) in listed) is (may_read == OK)


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_registering_an_item_needs_the_right_to_change_the_case(
    scenario, caller, world, api_client_for
):
    # given
    client = api_client_for(caller(scenario))
    may_write = MATRIX[scenario][WRITE]
    body = {
        "case": str(world["case"].public_id),
        "kind": "DOCUMENT",
        "description": "Handwritten list of phone numbers (fictitious)",
        "collected_at": timezone.now().isoformat(),
    }
    # when
    response = client.post("/api/v1/evidence/", body, format="json")
    # then: missing and forbidden cases alike are a 400 naming `case`
    if scenario in NO_CASE_DATA:
        assert response.status_code == 403
    elif may_write in (401, 403):
        assert response.status_code == may_write
    elif may_write == OK:
        assert response.status_code == 201
    else:
        assert (response.status_code, list(response.json())) == (400, ["case"])
        assert EvidenceItem.objects.count() == 1


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_every_reader_of_case_data_may_watch_the_checkpoints(
    scenario, caller, world, api_client_for
):
    # given
    client = api_client_for(caller(scenario))
    may_read = MATRIX[scenario][READ]
    # when
    response = client.get("/api/v1/custody/checkpoints/", {"from": 1})
    # then: a checkpoint holds no case data: NCBs that see none of the events watch the log too
    expected = 403 if scenario in NO_CASE_DATA else (OK if may_read in (OK, 404) else may_read)
    assert _outcome(response.status_code) == expected


def test_an_item_that_is_not_yours_is_a_404_before_your_request_is_even_read(
    world, officer_de, api_client_for, evidence_url
):
    # when: an empty body would be a 400 on an item of one's own
    responses = [
        api_client_for(officer_de).post(evidence_url(world["item"], part), {}, format="json")
        for part in ("custody", "dossier")
    ]
    # then
    assert [response.status_code for response in responses] == [404, 404]
