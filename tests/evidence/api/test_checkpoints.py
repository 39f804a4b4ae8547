"""`/api/v1/custody/checkpoints/`: signed tree heads and consistency proofs for watchers."""

import pytest

from evidence import checkpointing, services
from evidence.checkpoints import checkpoint_verify, checkpoints_consistent
from tests.evidence.factories import evidence_item

pytestmark = pytest.mark.django_db

CHECKPOINTS = "/api/v1/custody/checkpoints/"


@pytest.fixture
def two_checkpoints(officer_fr, item_fr):
    """A checkpoint over 1 event, then 4 more events and a checkpoint over 5."""
    older = checkpointing.custody_checkpoint_build()
    for number in range(3):
        services.custody_examine(actor=officer_fr, item=item_fr, purpose=f"Look {number}")
    evidence_item(actor=officer_fr, case=item_fr.case)
    newer = checkpointing.custody_checkpoint_build()
    return older, newer


def test_without_a_checkpoint_the_answer_is_404(api_client_for, officer_fr, item_fr):
    # when
    response = api_client_for(officer_fr).get(CHECKPOINTS)
    # then
    assert response.status_code == 404


def test_the_latest_checkpoint_comes_with_the_key_that_verifies_it(
    api_client_for, officer_de, two_checkpoints
):
    # when: an officer of another NCB, who sees none of the events, watches the log
    response = api_client_for(officer_de).get(CHECKPOINTS)
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["checkpoint"]["tree_size"] == 5
    assert body["consistency"] is None
    checkpoint_verify(body["checkpoint"]["signed"], body["public_key"])


def test_an_older_checkpoint_is_answered_by_its_size(api_client_for, officer_fr, two_checkpoints):
    # when
    response = api_client_for(officer_fr).get(CHECKPOINTS, {"tree_size": 1})
    # then
    assert response.status_code == 200
    assert response.json()["checkpoint"]["root_hash"] == two_checkpoints[0].root_hash


def test_a_size_never_signed_is_a_404(api_client_for, officer_fr, two_checkpoints):
    # when
    response = api_client_for(officer_fr).get(CHECKPOINTS, {"tree_size": 3})
    # then
    assert response.status_code == 404


def test_the_consistency_proof_shows_the_older_log_is_a_prefix_of_the_latest(
    api_client_for, officer_de, two_checkpoints
):
    # given the watcher verified the older checkpoint before
    older = two_checkpoints[0].checkpoint
    # when
    response = api_client_for(officer_de).get(CHECKPOINTS, {"from": 1})
    # then
    body = response.json()
    proof = [bytes.fromhex(node) for node in body["consistency"]["proof"]]
    assert body["consistency"]["from_root"] == older["root_hash"]
    assert checkpoints_consistent(older=older, newer=body["checkpoint"]["signed"], proof=proof)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": 6}, "from"),
        ({"from": "one"}, "from"),
        ({"from": "²"}, "from"),
        ({"tree_size": "-1"}, "tree_size"),
    ],
)
def test_a_size_that_is_not_a_whole_number_up_to_the_checkpoint_is_a_400_naming_it(
    api_client_for, officer_fr, two_checkpoints, params, field
):
    # when
    response = api_client_for(officer_fr).get(CHECKPOINTS, params)
    # then
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_checkpoints_are_only_read_through_the_api(
    api_client_for, officer_fr, two_checkpoints, method
):
    # when
    response = getattr(api_client_for(officer_fr), method)(CHECKPOINTS, {})
    # then
    assert response.status_code == 405


@pytest.mark.parametrize(
    ("user", "status"), [(None, 401), ("srb_europe", 403), ("user_without_ncb", 403)]
)
def test_callers_who_read_no_case_data_get_no_checkpoint(
    request, api_client_for, two_checkpoints, user, status
):
    # given
    caller = request.getfixturevalue(user) if user else None
    # when
    response = api_client_for(caller).get(CHECKPOINTS)
    # then
    assert response.status_code == status
