"""Evidence reads: visible exactly to those who may see the case; missing and forbidden alike."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from evidence import dossiers, selectors, services
from evidence.choices import EvidenceKind, EvidenceState
from ncb_cases.choices import AuditAction, ShareAccess
from ncb_cases.models import AuditEvent, CaseShare
from tests.evidence.factories import GERMAN_LAB, evidence_item, open_case
from tests.factories import share_case


def test_an_officer_lists_the_evidence_of_their_ncbs_cases_only(officer_fr, officer_de):
    # given
    french = evidence_item(actor=officer_fr)
    german = evidence_item(actor=officer_de)

    # when
    listed = list(selectors.evidence_list_for_user(user=officer_fr))

    # then
    assert listed == [french]
    assert german not in listed


def test_evidence_of_a_shared_case_is_visible_to_the_recipient_ncb(officer_fr, officer_de, ncb_de):
    # given
    item = evidence_item(actor=officer_fr)
    share_case(item.case, ncb_de)

    # when / then
    assert list(selectors.evidence_list_for_user(user=officer_de)) == [item]
    assert selectors.evidence_get_for_user(user=officer_de, item_id=item.public_id) == item


def test_a_user_without_an_ncb_sees_no_evidence(officer_fr, user_without_ncb):
    # given
    evidence_item(actor=officer_fr)

    # when / then
    assert not selectors.evidence_list_for_user(user=user_without_ncb).exists()


def test_an_item_of_another_ncb_is_404_like_a_missing_one(officer_fr, officer_de):
    # given
    item = evidence_item(actor=officer_fr)

    # when / then
    with pytest.raises(Http404):
        selectors.evidence_get_for_user(user=officer_de, item_id=item.public_id)
    with pytest.raises(Http404):
        selectors.evidence_get_for_user(user=officer_fr, item_id=uuid.uuid4())
    with pytest.raises(Http404):
        selectors.evidence_get_for_user(user=officer_fr, item_id="not-a-uuid")


def test_a_read_only_share_gives_no_item_for_change(officer_fr, officer_de, ncb_de):
    # given
    item = evidence_item(actor=officer_fr)
    share_case(item.case, ncb_de, access=ShareAccess.READ)

    # when / then
    with pytest.raises(Http404):
        selectors.evidence_get_for_user(user=officer_de, item_id=item.public_id, for_change=True)


def test_reading_an_item_writes_one_view_audit_row(officer_fr):
    # given
    item = evidence_item(actor=officer_fr)

    # when
    selectors.evidence_detail_for_user(user=officer_fr, item_id=item.public_id, ip="192.0.2.7")

    # then
    row = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (row.object_public_id, row.case_id, row.ip) == (
        item.public_id,
        item.case_id,
        "192.0.2.7",
    )


def test_a_refused_read_of_an_existing_item_is_404_and_recorded(officer_fr, officer_de):
    # given
    item = evidence_item(actor=officer_fr)

    # when
    with pytest.raises(Http404):
        selectors.evidence_detail_for_user(user=officer_de, item_id=item.public_id)

    # then
    row = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert (row.actor_id, row.object_public_id) == (officer_de.pk, item.public_id)


def test_the_list_filters_by_case_kind_state_and_text(officer_fr):
    # given
    phone = evidence_item(actor=officer_fr)
    ledger = evidence_item(
        actor=officer_fr,
        case=open_case(officer_fr, title="Another case"),
        kind=EvidenceKind.DOCUMENT,
        description="Handwritten ledger of debts (fictitious)",
    )

    # when
    def listed(**filters):
        return list(selectors.evidence_list_for_user(user=officer_fr, filters=filters))

    # then
    assert listed(case=phone.case.reference) == [phone]
    assert listed(case=str(ledger.case.public_id)) == [ledger]
    assert listed(kind=EvidenceKind.DOCUMENT) == [ledger]
    assert listed(state=EvidenceState.IN_CUSTODY, ordering="item_number") == sorted(
        [phone, ledger], key=lambda item: item.item_number
    )
    assert listed(q="LEDGER") == [ledger]
    assert listed(integrity_failed="false", kind=EvidenceKind.DIGITAL) == [phone]


def test_unknown_filters_and_values_are_refused_by_name(officer_fr):
    # when
    with pytest.raises(ValidationError) as error:
        selectors.evidence_list_for_user(
            user=officer_fr,
            filters={
                "colour": "red",
                "kind": "ROCK",
                "integrity_failed": "maybe",
                "ordering": "x",
            },
        )

    # then
    assert set(error.value.message_dict) == {"colour", "kind", "integrity_failed", "ordering"}


def test_the_list_costs_one_query_whatever_the_number_of_items(
    officer_fr, django_assert_max_num_queries
):
    # given
    case = open_case(officer_fr)
    for _ in range(5):
        evidence_item(actor=officer_fr, case=case)

    # when / then
    with django_assert_max_num_queries(1):
        rows = [
            (item.item_number, item.case.reference)
            for item in selectors.evidence_list_for_user(user=officer_fr)
        ]
    assert len(rows) == 5


def test_custody_events_are_listed_in_order_for_readers_of_the_case_only(
    officer_fr, officer_de, django_assert_max_num_queries
):
    # given
    item = evidence_item(actor=officer_fr)
    services.custody_examine(actor=officer_fr, item=item)
    services.custody_seal(actor=officer_fr, item=item, seal_number="SEAL-FR-0009")

    # when
    with django_assert_max_num_queries(1):
        events = [
            (event.sequence, event.recorded_by.username)
            for event in selectors.custody_event_list_for_item(user=officer_fr, item=item)
        ]

    # then
    assert events == [(1, "officer_fr"), (2, "officer_fr"), (3, "officer_fr")]
    assert not selectors.custody_event_list_for_item(user=officer_de, item=item).exists()


def test_items_awaiting_acceptance_are_those_released_to_the_users_country(
    officer_fr, officer_de, ncb_de
):
    # given
    item = evidence_item(actor=officer_fr)
    share_case(item.case, ncb_de, access=ShareAccess.READ_WRITE)
    services.custody_send_abroad(
        actor=officer_fr, item=item, to_custodian=GERMAN_LAB, legal_authority="MLA 2026/12"
    )

    # when
    for_germany = list(selectors.evidence_awaiting_acceptance_for_user(user=officer_de))
    for_releaser = list(selectors.evidence_awaiting_acceptance_for_user(user=officer_fr))

    # then
    assert for_germany == [item]
    assert for_germany[0].release_sequence == 2
    assert for_releaser == []


# --- Court dossiers ----------------------------------------------------------------------------

DOSSIER_PURPOSE = "Hearing at the tribunal judiciaire de Lyon, 2026-06-02 (fictitious)"


def _export(actor, item):
    return dossiers.dossier_export_request(
        actor=actor, case=item.case, item=item, purpose=DOSSIER_PURPOSE
    )


def test_the_requester_gets_their_dossier_export_in_one_query(
    officer_fr, django_assert_num_queries
):
    # given
    export = _export(officer_fr, evidence_item(actor=officer_fr))

    # when
    with django_assert_num_queries(1):
        found = selectors.dossier_get_for_user(user=officer_fr, dossier_id=export.public_id)
        found.case.owner_ncb, found.item  # noqa: B018 -- joined, no further query

    # then
    assert found == export


@pytest.mark.parametrize("who", ["supervisor_fr", "analyst_fr", "officer_de", "admin_user"])
def test_nobody_but_the_requester_gets_a_dossier_export_not_even_an_admin(
    officer_fr, request, who
):
    # given: a colleague and an analyst of the same NCB see the case, but did not ask
    export = _export(officer_fr, evidence_item(actor=officer_fr))

    # when / then
    with pytest.raises(Http404):
        selectors.dossier_get_for_user(
            user=request.getfixturevalue(who), dossier_id=export.public_id
        )


def test_the_requester_loses_the_export_with_the_sight_of_its_case(officer_fr, officer_de, ncb_de):
    # given: a German officer exports from a case shared with them, then the share expires
    item = evidence_item(actor=officer_fr)
    share = share_case(item.case, ncb_de, access=ShareAccess.READ_WRITE)
    export = _export(officer_de, item)
    CaseShare.objects.filter(pk=share.pk).update(expires_at=timezone.now() - timedelta(days=1))

    # when / then
    with pytest.raises(Http404):
        selectors.dossier_get_for_user(user=officer_de, dossier_id=export.public_id)


@pytest.mark.parametrize("dossier_id", [uuid.uuid4(), "not-a-uuid"])
def test_a_missing_dossier_export_is_a_404(officer_fr, dossier_id):
    # when / then
    with pytest.raises(Http404):
        selectors.dossier_get_for_user(user=officer_fr, dossier_id=dossier_id)


def test_an_anonymous_visitor_gets_no_dossier_export(officer_fr):
    # given
    export = _export(officer_fr, evidence_item(actor=officer_fr))

    # when / then
    with pytest.raises(Http404):
        selectors.dossier_get_for_user(user=AnonymousUser(), dossier_id=export.public_id)
