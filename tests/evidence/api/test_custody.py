"""`/api/v1/evidence/{id}/custody/`: the custody log, read and appended (never changed)."""

import datetime

import pytest
from django.utils import timezone

from evidence import services
from evidence.models import CustodyEvent
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.evidence.factories import FRENCH_LAB, GERMAN_LAB
from tests.factories import share_case

pytestmark = pytest.mark.django_db

MLA = "MLA request FR-DE 2026/017 (fictitious)"


def _events(item):
    return list(CustodyEvent.objects.filter(item=item).values_list("action", flat=True))


def test_the_log_lists_each_event_with_its_hashes_times_and_canonical_bytes(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # given
    services.custody_examine(actor=officer_fr, item=item_fr, purpose="Photographs")
    # when
    response = api_client_for(officer_fr).get(evidence_url(item_fr, "custody"))
    # then
    assert response.status_code == 200
    first, second = response.json()["results"]
    assert [first["sequence"], second["sequence"]] == [1, 2]
    assert [first["action"], second["action"]] == ["COLLECTED", "EXAMINED"]
    assert first["prev_hash"] == "0" * 64
    assert second["prev_hash"] == first["hash"]
    stored = CustodyEvent.objects.get(item=item_fr, sequence=2)
    assert second["hash"] == stored.hash
    assert second["canonical"] == stored.canonical_text
    assert first["claimed_at"] is not None  # collected_at, as the client said it
    assert first["occurred_at"] is not None
    assert first["clock_skew_flagged"] is True  # collected two hours before it was recorded
    assert second["clock_skew_flagged"] is False


def test_reading_the_log_is_audited(api_client_for, officer_fr, item_fr, evidence_url):
    # when
    api_client_for(officer_fr).get(evidence_url(item_fr, "custody"))
    # then
    views = AuditEvent.objects.filter(
        actor=officer_fr, action=AuditAction.VIEW, object_public_id=item_fr.public_id
    )
    assert views.count() == 1


@pytest.mark.parametrize("page_size", [5, 50])
def test_the_log_costs_the_same_queries_whatever_the_page_size(
    api_client_for, officer_fr, item_fr, evidence_url, page_size, django_assert_max_num_queries
):
    # given 60 events
    for number in range(59):
        services.custody_examine(actor=officer_fr, item=item_fr, purpose=f"Look {number}")
    client = api_client_for(officer_fr)
    # when: item, audit row (in a savepoint: 3), count, page
    with django_assert_max_num_queries(6):
        response = client.get(evidence_url(item_fr, "custody"), {"page_size": page_size})
    # then
    assert len(response.json()["results"]) == page_size


def test_an_officer_records_an_event_with_a_claimed_time_flagged_when_far_off(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # given
    claimed = timezone.now() - datetime.timedelta(hours=3)
    # when
    response = api_client_for(officer_fr).post(
        evidence_url(item_fr, "custody"),
        {
            "action": "EXAMINED",
            "purpose": "Photographs of the screen",
            "seal_intact": True,
            "claimed_time": claimed.isoformat(),
        },
        format="json",
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["sequence"], body["action"]) == (2, "EXAMINED")
    assert body["clock_skew_flagged"] is True
    assert body["integrity_failure"] is None
    assert body["prev_hash"] == CustodyEvent.objects.get(item=item_fr, sequence=1).hash


def test_a_broken_seal_appends_an_integrity_failure_and_flags_the_item(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # when
    response = api_client_for(officer_fr).post(
        evidence_url(item_fr, "custody"), {"action": "EXAMINED", "seal_intact": False}
    )
    # then
    assert response.status_code == 201
    assert response.json()["integrity_failure"]["action"] == "INTEGRITY_FAILURE"
    item_fr.refresh_from_db()
    assert item_fr.integrity_failed is True
    assert _events(item_fr) == ["COLLECTED", "EXAMINED", "INTEGRITY_FAILURE"]


def test_a_transfer_abroad_is_released_then_accepted_by_the_receiving_ncb(
    api_client_for, officer_fr, officer_de, ncb_de, item_fr, evidence_url
):
    # given the case shared read-write with Germany
    share_case(item_fr.case, ncb_de, access="READ_WRITE")
    # when
    released = api_client_for(officer_fr).post(
        evidence_url(item_fr, "custody"),
        {"action": "SENT_ABROAD", "to_custodian": GERMAN_LAB, "legal_authority": MLA},
        format="json",
    )
    accepted = api_client_for(officer_de).post(
        evidence_url(item_fr, "custody"), {"action": "ACCEPTED", "seal_intact": True}
    )
    # then
    assert (released.status_code, accepted.status_code) == (201, 201)
    assert accepted.json()["to_custodian"]["country"] == "DE"
    item_fr.refresh_from_db()
    assert (item_fr.state, item_fr.custodian_country) == ("IN_CUSTODY", "DE")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "SENT_ABROAD", "to_custodian": GERMAN_LAB}, "legal_authority"),
        ({"action": "RELEASED", "to_custodian": GERMAN_LAB}, "legal_authority"),
        ({"action": "ACCEPTED"}, "action"),
        ({"action": "TELEPORTED"}, "action"),
        ({"action": "INTEGRITY_FAILURE"}, "action"),
        ({"action": "COLLECTED"}, "action"),
        ({"action": "SEALED"}, "seal_number"),
        ({"action": "EXAMINED", "file_hashes": ["abc123"]}, "file_hashes.0"),
        ({"action": "EXAMINED", "file_hashes": ["g" * 64]}, "file_hashes.0"),
        ({"action": "EXAMINED", "claimed_time": "tomorrow"}, "claimed_time"),
        ({"action": "RELEASED", "to_custodian": {"country": "QQ"}}, "to_custodian"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_written(
    api_client_for, officer_fr, item_fr, evidence_url, body, field
):
    # given
    before = AuditEvent.objects.count()
    # when
    response = api_client_for(officer_fr).post(
        evidence_url(item_fr, "custody"), body, format="json"
    )
    # then
    assert response.status_code == 400
    assert field in response.json()
    assert _events(item_fr) == ["COLLECTED"]
    assert AuditEvent.objects.count() == before


def test_a_destroyed_item_takes_no_further_action(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # given
    services.custody_destroy(actor=officer_fr, item=item_fr, legal_authority="Order 2026/3")
    # when
    response = api_client_for(officer_fr).post(
        evidence_url(item_fr, "custody"),
        {"action": "RELEASED", "to_custodian": FRENCH_LAB},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["action"]
    assert _events(item_fr) == ["COLLECTED", "DESTROYED"]


def test_the_releaser_may_not_accept_their_own_transfer(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # given
    services.custody_transfer_release(actor=officer_fr, item=item_fr, to_custodian=FRENCH_LAB)
    # when
    response = api_client_for(officer_fr).post(
        evidence_url(item_fr, "custody"), {"action": "ACCEPTED"}
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert _events(item_fr) == ["COLLECTED", "RELEASED"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_log_is_never_changed_through_the_api(
    api_client_for, officer_fr, item_fr, evidence_url, method
):
    # when
    response = getattr(api_client_for(officer_fr), method)(
        evidence_url(item_fr, "custody"), {"action": "EXAMINED"}, format="json"
    )
    # then
    assert response.status_code == 405
    assert _events(item_fr) == ["COLLECTED"]
