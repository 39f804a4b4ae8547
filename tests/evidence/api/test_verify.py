"""`/api/v1/evidence/{id}/verify/`: the item's chain and the latest checkpoint, recomputed."""

import pytest

from evidence import checkpointing, services
from evidence.models import CustodyEvent
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.evidence.tampering import disable_custody_triggers, sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def examined_item(officer_fr, item_fr):
    """item_fr with three events (collected, examined, sealed) under a signed checkpoint."""
    services.custody_examine(actor=officer_fr, item=item_fr, purpose="Photographs")
    services.custody_seal(actor=officer_fr, item=item_fr, seal_number="SEAL-FR-0002")
    checkpointing.custody_checkpoint_build()
    return item_fr


def test_an_intact_chain_and_checkpoint_verify_ok(
    api_client_for, officer_fr, examined_item, evidence_url
):
    # when
    response = api_client_for(officer_fr).get(evidence_url(examined_item, "verify"))
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert (body["item_number"], body["events_checked"]) == (examined_item.item_number, 3)
    assert body["broken_link"] is None
    assert body["checkpoints"]["ok"] is True
    assert body["checkpoints"]["latest_tree_size"] == 3
    assert body["summary"].startswith("OK")


def test_an_event_altered_in_the_database_is_located_with_both_hashes(
    api_client_for, officer_fr, examined_item, evidence_url
):
    # given the second event's bytes rewritten behind the application's back
    event = CustodyEvent.objects.get(item=examined_item, sequence=2)
    altered = bytes(event.canonical).replace(b"Photographs", b"Photocopies")
    disable_custody_triggers()
    sql("UPDATE evidence_custodyevent SET canonical = %s WHERE id = %s", [altered, event.pk])
    # when
    response = api_client_for(officer_fr).get(evidence_url(examined_item, "verify"))
    # then
    body = response.json()
    assert body["ok"] is False
    link = body["broken_link"]
    assert (link["item_number"], link["sequence"], link["kind"]) == (
        examined_item.item_number,
        2,
        "content altered",
    )
    assert link["expected"] == event.hash
    assert link["actual"] != event.hash
    assert body["checkpoints"]["ok"] is True  # the hash column still says what was signed


def test_an_event_removed_breaks_the_chain_and_the_checkpoint(
    api_client_for, officer_fr, examined_item, evidence_url
):
    # given
    disable_custody_triggers()
    sql(
        "DELETE FROM evidence_custodyevent WHERE item_id = %s AND sequence = 3",
        [examined_item.pk],
    )
    # when
    response = api_client_for(officer_fr).get(evidence_url(examined_item, "verify"))
    # then
    body = response.json()
    assert body["ok"] is False
    assert body["broken_link"]["sequence"] == 3
    assert body["checkpoints"]["ok"] is False
    assert body["checkpoints"]["problems"][0]["tree_size"] == 3


def test_verifying_is_an_audited_read(api_client_for, analyst_fr, examined_item, evidence_url):
    # when
    api_client_for(analyst_fr).get(evidence_url(examined_item, "verify"))
    # then
    views = AuditEvent.objects.filter(
        actor=analyst_fr, action=AuditAction.VIEW, object_public_id=examined_item.public_id
    )
    assert views.count() == 1
