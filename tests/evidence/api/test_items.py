"""`/api/v1/evidence/`: listing, reading, registering and correcting evidence items."""

import datetime

import pytest
from django.utils import timezone

from evidence.models import CustodyEvent, EvidenceItem
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.evidence.factories import evidence_item, open_case
from tests.factories import share_case

pytestmark = pytest.mark.django_db

EVIDENCE = "/api/v1/evidence/"


def _new_item(case, **overrides):
    body = {
        "case": str(case.public_id),
        "kind": "PHYSICAL",
        "description": "Ledger of debts owed by workers (fictitious)",
        "collected_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "seal_number": "SEAL-FR-0101",
    }
    body.update(overrides)
    return body


def test_an_officer_lists_the_items_of_the_cases_they_may_see(
    api_client_for, officer_fr, officer_de, item_fr
):
    # given an item of a German case
    evidence_item(actor=officer_de, case=open_case(officer_de, title="Fictitious DE case"))
    # when
    response = api_client_for(officer_fr).get(EVIDENCE)
    # then
    assert response.status_code == 200
    assert [row["item_number"] for row in response.json()["results"]] == [item_fr.item_number]


def test_the_list_filters_by_case_kind_and_state(api_client_for, officer_fr, case_fr, item_fr):
    # given a second case with a document
    other = open_case(officer_fr, title="Fictitious second case")
    document = evidence_item(actor=officer_fr, case=other, kind="DOCUMENT")
    client = api_client_for(officer_fr)
    # when
    by_case = client.get(EVIDENCE, {"case": str(other.public_id)})
    by_reference = client.get(EVIDENCE, {"case": case_fr.reference})
    by_kind = client.get(EVIDENCE, {"kind": "DIGITAL"})
    by_state = client.get(EVIDENCE, {"state": "IN_TRANSIT"})
    # then
    assert [row["public_id"] for row in by_case.json()["results"]] == [str(document.public_id)]
    assert [row["public_id"] for row in by_reference.json()["results"]] == [str(item_fr.public_id)]
    assert [row["public_id"] for row in by_kind.json()["results"]] == [str(item_fr.public_id)]
    assert by_state.json()["results"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "VEHICLE"}, "kind"),
        ({"state": "LOST"}, "state"),
        ({"ordering": "pk"}, "ordering"),
        ({"integrity_failed": "maybe"}, "integrity_failed"),
    ],
)
def test_an_invalid_filter_is_a_400_naming_the_parameter(
    api_client_for, officer_fr, item_fr, params, field
):
    # when
    response = api_client_for(officer_fr).get(EVIDENCE, params)
    # then
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("page_size", [5, 50])
def test_the_list_costs_the_same_queries_whatever_the_page_size(
    api_client_for, officer_fr, case_fr, page_size, django_assert_max_num_queries
):
    # given 60 items
    for number in range(60):
        evidence_item(actor=officer_fr, case=case_fr, seal_number=f"SEAL-FR-{number:04}")
    client = api_client_for(officer_fr)
    # when: count, page (the caller's NCB membership is already known)
    with django_assert_max_num_queries(2):
        response = client.get(EVIDENCE, {"page_size": page_size})
    # then
    assert len(response.json()["results"]) == page_size


def test_reading_an_item_shows_its_files_and_what_may_be_recorded_and_is_audited(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # when
    response = api_client_for(officer_fr).get(evidence_url(item_fr))
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["item_number"] == item_fr.item_number
    assert body["state"] == "IN_CUSTODY"
    assert body["custodian"]["country"] == "FR"
    assert body["files"] == []
    assert "SENT_ABROAD" in body["allowed_actions"]
    assert "ACCEPTED" not in body["allowed_actions"]
    views = AuditEvent.objects.filter(
        actor=officer_fr, action=AuditAction.VIEW, object_public_id=item_fr.public_id
    )
    assert views.count() == 1


def test_a_reader_who_may_not_change_the_case_is_offered_no_action(
    api_client_for, analyst_fr, item_fr, evidence_url
):
    # when
    response = api_client_for(analyst_fr).get(evidence_url(item_fr))
    # then
    assert response.status_code == 200
    assert response.json()["allowed_actions"] == []


def test_a_refused_read_is_a_404_recorded_as_denied(
    api_client_for, officer_de, item_fr, evidence_url
):
    # when
    response = api_client_for(officer_de).get(evidence_url(item_fr))
    # then
    assert response.status_code == 404
    denied = AuditEvent.objects.filter(actor=officer_de, action=AuditAction.DENIED)
    assert denied.count() == 1


def test_an_officer_registers_an_item_and_its_chain_opens(api_client_for, officer_fr, case_fr):
    # when
    response = api_client_for(officer_fr).post(EVIDENCE, _new_item(case_fr), format="json")
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["item_number"] == f"{case_fr.reference}/E-1"
    assert body["last_sequence"] == 1
    item = EvidenceItem.objects.get(public_id=body["public_id"])
    assert list(item.custody_events.values_list("action", flat=True)) == ["COLLECTED"]
    assert body["head_hash"] == item.custody_events.get().hash


def test_registering_in_a_case_shared_read_only_is_a_400_naming_the_case(
    api_client_for, officer_de, ncb_de, case_fr
):
    # given
    share_case(case_fr, ncb_de)
    # when
    response = api_client_for(officer_de).post(EVIDENCE, _new_item(case_fr), format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["case"]
    assert not EvidenceItem.objects.exists()


def test_registering_with_errors_names_every_field_and_writes_nothing(
    api_client_for, officer_fr, case_fr
):
    # when
    response = api_client_for(officer_fr).post(
        EVIDENCE,
        _new_item(case_fr, kind="VEHICLE", collected_at="yesterday", description=""),
        format="json",
    )
    # then
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "collected_at", "description"}
    assert not EvidenceItem.objects.exists()
    assert not CustodyEvent.objects.exists()


def test_registering_with_an_unknown_custodian_country_names_the_nested_field(
    api_client_for, officer_fr, case_fr
):
    # when
    response = api_client_for(officer_fr).post(
        EVIDENCE,
        _new_item(case_fr, custodian={"person": "Brigadier Test", "country": "QQ"}),
        format="json",
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["custodian.country"]


def test_only_the_description_and_storage_location_are_corrected(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # given
    client = api_client_for(officer_fr)
    # when
    corrected = client.patch(
        evidence_url(item_fr), {"storage_location": "Evidence room C"}, format="json"
    )
    refused = client.patch(evidence_url(item_fr), {"seal_number": "SEAL-X"}, format="json")
    # then
    assert corrected.status_code == 200
    assert corrected.json()["storage_location"] == "Evidence room C"
    assert refused.status_code == 400
    assert list(refused.json()) == ["seal_number"]


@pytest.mark.parametrize("method", ["put", "delete"])
def test_an_item_is_never_replaced_or_deleted(
    api_client_for, officer_fr, item_fr, evidence_url, method
):
    # when
    response = getattr(api_client_for(officer_fr), method)(evidence_url(item_fr), {})
    # then
    assert response.status_code == 405
    assert EvidenceItem.objects.filter(pk=item_fr.pk).exists()


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_body_that_is_not_an_object_is_a_400(
    api_client_for, officer_fr, item_fr, evidence_url, method
):
    # when
    url = EVIDENCE if method == "post" else evidence_url(item_fr)
    response = getattr(api_client_for(officer_fr), method)(url, ["kind"], format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
