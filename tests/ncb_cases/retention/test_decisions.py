"""Supervisors' decisions: retain, anonymise, delete; custody still verifies after them."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evidence import checkpointing
from evidence.verification import custody_verify_all
from ncb_cases.choices import AuditAction, RetentionDecision, RetentionState
from ncb_cases.models import (
    AuditEvent,
    CaseNote,
    CaseTombstone,
    IdentityDocument,
    Person,
    PersonPhone,
)
from ncb_cases.services.retention import case_retention_decide
from tests.evidence.factories import evidence_item

pytestmark = pytest.mark.django_db


def _decide(actor, case, decision, reason="Reviewed under RPD art. 49 (test).", **kwargs):
    return case_retention_decide(
        actor=actor, case=case, decision=decision, reason=reason, **kwargs
    )


def test_retain_extends_the_review_date_with_a_reason(listed_case, supervisor_fr):
    # when
    review = _decide(
        supervisor_fr, listed_case, RetentionDecision.RETAIN, retain_until=dt.date(2035, 7, 31)
    )

    # then
    listed_case.refresh_from_db()
    assert listed_case.retention_review_on == dt.date(2035, 7, 31)
    assert (review.decision, review.decided_by, review.is_open) == ("RETAIN", supervisor_fr, False)
    event = AuditEvent.objects.filter(case=listed_case, object_type="case").latest("id")
    assert event.action == AuditAction.UPDATE
    assert event.details["decision"] == "RETAIN"
    assert event.purpose.startswith("Reviewed under RPD")


@pytest.mark.parametrize(
    ("retain_until", "field"),
    [
        (None, "retain_until"),
        (dt.date(2035, 8, 2), "retain_until"),
        (dt.date(2030, 7, 1), "retain_until"),
    ],
)
def test_retain_beyond_five_years_or_in_the_past_is_refused(
    listed_case, supervisor_fr, retain_until, field
):
    with pytest.raises(ValidationError) as refused:
        _decide(supervisor_fr, listed_case, RetentionDecision.RETAIN, retain_until=retain_until)
    assert field in refused.value.message_dict


def test_a_decision_without_a_reason_is_refused(listed_case, supervisor_fr):
    with pytest.raises(ValidationError) as refused:
        _decide(supervisor_fr, listed_case, RetentionDecision.ANONYMISE, reason="  ")
    assert "reason" in refused.value.message_dict


def test_a_case_not_on_the_list_cannot_be_decided(old_case, supervisor_fr):
    with pytest.raises(ValidationError) as refused:
        _decide(supervisor_fr, old_case, RetentionDecision.DELETE)
    assert "case" in refused.value.message_dict


@pytest.mark.parametrize("who", ["officer_fr", "analyst_fr", "supervisor_de"])
def test_only_a_supervisor_of_the_owner_ncb_decides(request, listed_case, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        _decide(actor, listed_case, RetentionDecision.DELETE)


def test_anonymise_replaces_persons_by_pseudonyms_and_scrubs_free_text(listed_case, supervisor_fr):
    # when
    _decide(supervisor_fr, listed_case, RetentionDecision.ANONYMISE)

    # then
    listed_case.refresh_from_db()
    person = Person.objects.get(case=listed_case)
    assert listed_case.retention_state == RetentionState.ANONYMISED
    assert "Okafor" not in listed_case.title
    assert listed_case.summary == ""
    assert (person.family_name, person.forenames, person.aliases) == ("V-1", "", [])
    assert (person.date_of_birth, person.addresses, person.search_names) == ("", "", "")
    assert person.role == "VICTIM"
    assert person.victim_number == 1
    assert not PersonPhone.objects.filter(person=person).exists()
    assert not IdentityDocument.objects.filter(person=person).exists()
    notes = CaseNote.objects.filter(case=listed_case).exclude(kind="RETENTION")
    assert all("Okafor" not in note.text for note in notes)


def test_delete_leaves_a_tombstone_and_no_personal_data(listed_case, supervisor_fr):
    # when
    _decide(supervisor_fr, listed_case, RetentionDecision.DELETE, reason="No longer needed.")

    # then
    listed_case.refresh_from_db()
    tombstone = CaseTombstone.objects.get(case=listed_case)
    assert listed_case.retention_state == RetentionState.DELETED
    assert "Okafor" not in listed_case.title
    assert not Person.objects.filter(case=listed_case).exists()
    assert not PersonPhone.objects.filter(number__contains="8030000001").exists()
    assert (tombstone.reference, tombstone.deleted_by) == (listed_case.reference, supervisor_fr)
    assert tombstone.reason == "No longer needed."
    assert tombstone.removed["persons"] == 1
    assert AuditEvent.objects.filter(
        case=listed_case, action=AuditAction.DELETE, object_type="case"
    ).exists()


@pytest.mark.parametrize("decision", [RetentionDecision.ANONYMISE, RetentionDecision.DELETE])
def test_custody_chains_and_checkpoints_still_verify_after_the_decision(
    old_case, clock, officer_fr, supervisor_fr, decision
):
    # given: evidence collected, checkpointed (a dossier could have been exported), then listed
    from ncb_cases.services.retention import retention_review_list_refresh
    from tests.ncb_cases.retention.conftest import LISTING_DAY

    item = evidence_item(actor=officer_fr, case=old_case)
    checkpointing.custody_checkpoint_build()
    head = (item.last_sequence, item.head_hash)
    clock.move_to(LISTING_DAY)
    retention_review_list_refresh()

    # when
    _decide(supervisor_fr, old_case, decision)

    # then
    item.refresh_from_db()
    report = custody_verify_all(case=old_case)
    assert report.ok, str(report)
    assert (item.last_sequence, item.head_hash) == head
    if decision == RetentionDecision.DELETE:
        kept = CaseTombstone.objects.get(case=old_case).kept["evidence_items"]
        assert kept == [
            {"item_number": item.item_number, "last_sequence": head[0], "head_hash": head[1]}
        ]
