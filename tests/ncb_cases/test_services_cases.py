"""Opening, editing and moving cases along their workflow; links, tasks and notes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ncb_cases import selectors, services
from ncb_cases.choices import (
    AuditAction,
    CaseOutcome,
    CaseStatus,
    ConfidentialityLevel,
    NoteKind,
    OffenceType,
)
from ncb_cases.models import AuditEvent, Case, CaseNote, CaseReferenceCounter

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def test_cases_are_numbered_per_ncb_and_year(officer_fr, officer_de, countries):
    # when
    first = services.case_create(actor=officer_fr, data={"title": "First"})
    second = services.case_create(actor=officer_fr, data={"title": "Second"})
    german = services.case_create(actor=officer_de, data={"title": "Erster"})
    # then
    assert first.reference == f"FR-{YEAR}-000001"
    assert second.reference == f"FR-{YEAR}-000002"
    assert german.reference == f"DE-{YEAR}-000001"


def test_opening_a_case_records_it_on_the_timeline_and_in_the_audit_trail(case_fr, officer_fr):
    # then
    assert case_fr.owner_ncb == officer_fr.officer.ncb
    assert CaseNote.objects.filter(case=case_fr, kind=NoteKind.CREATED).count() == 1
    event = AuditEvent.objects.get(case=case_fr, action=AuditAction.CREATE)
    assert event.actor == officer_fr
    assert event.actor_ncb == officer_fr.officer.ncb
    assert event.object_public_id == case_fr.public_id


def test_the_creator_of_a_case_may_reveal_its_victims(case_fr, officer_fr, supervisor_fr):
    assert selectors.victim_identity_permitted(user=officer_fr, case=case_fr)
    assert not selectors.victim_identity_permitted(user=supervisor_fr, case=case_fr)


def test_countries_and_exploitation_forms_are_stored_as_rows(case_fr):
    assert sorted(case_fr.exploitation_forms.values_list("form", flat=True)) == [
        "FORCED_LABOUR",
        "SEXUAL",
    ]
    assert sorted(case_fr.countries.values_list("country__iso2", "role")) == [
        ("FR", "DESTINATION"),
        ("LY", "TRANSIT"),
        ("NG", "ORIGIN"),
    ]


@pytest.mark.parametrize("role_user", ["analyst_fr", "srb_europe", "user_without_ncb"])
def test_only_officers_supervisors_and_admins_open_cases(role_user, request, countries):
    user = request.getfixturevalue(role_user)
    with pytest.raises(PermissionDenied):
        services.case_create(actor=user, data={"title": "Not allowed"})


def test_an_officer_cannot_open_a_case_for_another_ncb(officer_fr, ncb_de, countries):
    with pytest.raises(ValidationError) as raised:
        services.case_create(actor=officer_fr, data={"title": "X"}, owner_ncb=ncb_de)
    assert "owner_ncb" in raised.value.message_dict


def test_an_admin_names_the_owner_ncb(admin_user, ncb_de, countries):
    # when
    case = services.case_create(actor=admin_user, data={"title": "X"}, owner_ncb=ncb_de)
    # then
    assert case.reference.startswith("DE-")


def test_bad_case_input_is_refused_field_by_field_and_nothing_is_written(officer_fr, countries):
    # when
    with pytest.raises(ValidationError) as raised:
        services.case_create(
            actor=officer_fr,
            data={
                "title": "",
                "offence_type": "PIRACY",
                "exploitation_forms": ["SEXUAL", "CYBER"],
                "countries": [{"country": "ZZ", "role": "ORIGIN"}],
                "handling_codes": ["H3"],
                "retention_review_on": timezone.localdate() + datetime.timedelta(days=6 * 366),
                "colour": "red",
            },
        )
    # then
    errors = raised.value.message_dict
    assert set(errors) >= {
        "title",
        "offence_type",
        "exploitation_forms",
        "countries",
        "h3_text",
        "retention_review_on",
        "colour",
    }
    assert "CYBER" in errors["exploitation_forms"][0]
    assert not Case.objects.exists()
    assert not AuditEvent.objects.exists()
    assert not CaseReferenceCounter.objects.filter(last_number__gt=0).exists()


def test_update_changes_only_the_given_fields_and_audits_their_names(case_fr, officer_fr):
    # when
    case = services.case_update(
        actor=officer_fr, case=case_fr, data={"summary": "Updated", "handling_codes": ["H1"]}
    )
    # then
    case.refresh_from_db()
    assert case.summary == "Updated"
    assert case.title == "Nail bars in Lyon staffed by recruited workers"
    assert case.handling_codes == ["H1"]
    event = AuditEvent.objects.get(case=case, action=AuditAction.UPDATE)
    assert event.details == {"fields": ["handling_codes", "summary"]}


def test_status_cannot_be_set_by_an_update(case_fr, officer_fr):
    with pytest.raises(ValidationError) as raised:
        services.case_update(actor=officer_fr, case=case_fr, data={"status": "CLOSED"})
    assert "status" in raised.value.message_dict


def test_an_analyst_cannot_update_a_case_of_their_ncb(case_fr, analyst_fr):
    with pytest.raises(PermissionDenied):
        services.case_update(actor=analyst_fr, case=case_fr, data={"summary": "x"})


# --- Workflow ---------------------------------------------------------------------------------


def test_a_case_moves_from_open_to_under_investigation_with_a_timeline_entry(case_fr, officer_fr):
    # when
    case = services.case_change_status(
        actor=officer_fr, case=case_fr, status=CaseStatus.UNDER_INVESTIGATION
    )
    # then
    assert case.status == CaseStatus.UNDER_INVESTIGATION
    entry = CaseNote.objects.get(case=case, kind=NoteKind.STATUS_CHANGE)
    assert entry.details["from"] == CaseStatus.OPEN
    assert "Under investigation" in entry.text


def test_an_illegal_transition_is_refused_naming_the_allowed_ones(case_fr, officer_fr):
    with pytest.raises(ValidationError) as raised:
        services.case_change_status(actor=officer_fr, case=case_fr, status=CaseStatus.IN_COURT)
    message = raised.value.message_dict["status"][0]
    assert "Under investigation" in message
    assert "Closed" in message


def test_closing_needs_an_outcome(case_fr, officer_fr):
    with pytest.raises(ValidationError) as raised:
        services.case_change_status(actor=officer_fr, case=case_fr, status=CaseStatus.CLOSED)
    assert "outcome" in raised.value.message_dict


def test_the_full_workflow_ends_closed_with_its_outcome(case_fr, officer_fr):
    # when
    for status in (
        CaseStatus.UNDER_INVESTIGATION,
        CaseStatus.REFERRED_TO_PROSECUTION,
        CaseStatus.IN_COURT,
    ):
        case = services.case_change_status(actor=officer_fr, case=case_fr, status=status)
    case = services.case_change_status(
        actor=officer_fr, case=case, status=CaseStatus.CLOSED, outcome=CaseOutcome.CONVICTION
    )
    # then
    assert case.status == CaseStatus.CLOSED
    assert case.outcome == CaseOutcome.CONVICTION
    assert case.closed_on == timezone.localdate()
    assert CaseNote.objects.filter(case=case, kind=NoteKind.STATUS_CHANGE).count() == 4


@pytest.fixture
def closed_case_fr(case_fr, officer_fr):
    return services.case_change_status(
        actor=officer_fr,
        case=case_fr,
        status=CaseStatus.CLOSED,
        outcome=CaseOutcome.NO_FURTHER_ACTION,
    )


def test_an_officer_cannot_reopen_a_case(closed_case_fr, officer_fr):
    with pytest.raises(PermissionDenied):
        services.case_change_status(
            actor=officer_fr, case=closed_case_fr, status=CaseStatus.REOPENED, reason="New lead"
        )


def test_a_supervisor_reopens_a_case_only_with_a_reason(closed_case_fr, supervisor_fr):
    with pytest.raises(ValidationError) as raised:
        services.case_change_status(
            actor=supervisor_fr, case=closed_case_fr, status=CaseStatus.REOPENED, reason=" "
        )
    assert "reason" in raised.value.message_dict


def test_reopening_clears_the_outcome_and_records_the_reason(closed_case_fr, supervisor_fr):
    # when
    case = services.case_change_status(
        actor=supervisor_fr,
        case=closed_case_fr,
        status=CaseStatus.REOPENED,
        reason="A victim came forward in Turin.",
    )
    # then
    assert (case.status, case.outcome, case.closed_on) == (CaseStatus.REOPENED, "", None)
    latest = CaseNote.objects.filter(case=case, kind=NoteKind.STATUS_CHANGE).first()
    assert "A victim came forward in Turin." in latest.text


def test_a_supervisor_of_another_ncb_cannot_reopen_even_with_a_read_write_share(
    closed_case_fr, supervisor_fr, supervisor_de, ncb_de, tomorrow
):
    # given
    services.case_share(
        actor=supervisor_fr,
        case=closed_case_fr,
        recipient_ncb=ncb_de,
        access="READ_WRITE",
        purpose="Joint investigation team",
        expires_at=tomorrow,
    )
    # when / then
    with pytest.raises(PermissionDenied):
        services.case_change_status(
            actor=supervisor_de, case=closed_case_fr, status=CaseStatus.REOPENED, reason="x"
        )


def test_requalifying_smuggling_as_trafficking_is_on_the_timeline(case_de, officer_de):
    # when
    case = services.case_change_offence_type(
        actor=officer_de,
        case=case_de,
        offence_type=OffenceType.THB,
        reason="Migrants forced to work off their debt on arrival.",
    )
    # then
    assert case.offence_type == OffenceType.THB
    entry = CaseNote.objects.get(case=case, kind=NoteKind.OFFENCE_TYPE_CHANGE)
    assert entry.details == {"from": OffenceType.SMUGGLING, "to": OffenceType.THB}
    assert "work off their debt" in entry.text


def test_offence_type_changed_through_an_update_is_on_the_timeline_too(case_de, officer_de):
    # when
    services.case_update(actor=officer_de, case=case_de, data={"offence_type": "THB"})
    # then
    assert CaseNote.objects.filter(case=case_de, kind=NoteKind.OFFENCE_TYPE_CHANGE).exists()


def test_an_unknown_offence_type_is_refused(case_de, officer_de):
    with pytest.raises(ValidationError) as raised:
        services.case_change_offence_type(actor=officer_de, case=case_de, offence_type="THEFT")
    assert "offence_type" in raised.value.message_dict


def test_confidentiality_cannot_be_lowered_below_confidential_when_a_child_is_in_the_case(
    case_fr, officer_fr
):
    # given a child victim
    services.person_create(
        actor=officer_fr,
        case=case_fr,
        data={"role": "VICTIM", "family_name": "Child-Test", "date_of_birth": "2012"},
    )
    # when / then
    with pytest.raises(ValidationError) as raised:
        services.case_update(
            actor=officer_fr,
            case=case_fr,
            data={"confidentiality_level": ConfidentialityLevel.INTERPOL_RESTRICTED},
        )
    assert "confidentiality_level" in raised.value.message_dict


# --- Links, tasks, notes ----------------------------------------------------------------------


def test_linking_needs_sight_of_the_other_case(case_fr, case_de, officer_fr):
    with pytest.raises(PermissionDenied):
        services.case_link_create(actor=officer_fr, from_case=case_fr, to_case=case_de)


def test_a_link_is_listed_only_for_users_who_see_both_cases(
    case_fr, officer_fr, supervisor_fr, officer_de, ncb_de, tomorrow, countries
):
    # given a second French case linked to the first, and only the first shared with DE
    other = services.case_create(actor=officer_fr, data={"title": "Second Lyon salon"})
    services.case_link_create(
        actor=officer_fr, from_case=case_fr, to_case=other, link_type="SAME_NETWORK"
    )
    services.case_share(
        actor=supervisor_fr,
        case=case_fr,
        recipient_ncb=ncb_de,
        access="READ",
        purpose="Shared suspect",
        expires_at=tomorrow,
    )
    # then
    assert selectors.case_link_list_for_case(user=officer_fr, case=case_fr).count() == 1
    assert selectors.case_link_list_for_case(user=officer_de, case=case_fr).count() == 0


def test_a_case_cannot_be_linked_twice_or_to_itself(case_fr, officer_fr, countries):
    other = services.case_create(actor=officer_fr, data={"title": "Other"})
    services.case_link_create(actor=officer_fr, from_case=case_fr, to_case=other)
    with pytest.raises(ValidationError):
        services.case_link_create(actor=officer_fr, from_case=other, to_case=case_fr)
    with pytest.raises(ValidationError):
        services.case_link_create(actor=officer_fr, from_case=case_fr, to_case=case_fr)


def test_a_task_is_assigned_only_to_someone_who_sees_the_case(case_fr, officer_fr, officer_de):
    with pytest.raises(ValidationError) as raised:
        services.task_create(actor=officer_fr, case=case_fr, title="Call", assignee=officer_de)
    assert "assignee" in raised.value.message_dict


def test_the_assignee_completes_their_task_even_as_an_analyst(case_fr, officer_fr, analyst_fr):
    # given
    task = services.task_create(
        actor=officer_fr,
        case=case_fr,
        title="Check the money transfers",
        assignee=analyst_fr,
        due_on="2030-01-31",
    )
    # when
    done = services.task_complete(actor=analyst_fr, task=task)
    # then
    assert done.done_by == analyst_fr
    assert list(selectors.task_list_for_assignee(user=analyst_fr)) == []


def test_notes_are_appended_to_the_timeline_and_never_edited(case_fr, officer_fr):
    # when
    note = services.case_note_add(actor=officer_fr, case=case_fr, text="Interviewed the landlord.")
    # then
    assert selectors.note_list_for_case(user=officer_fr, case=case_fr).first() == note
    note.text = "Rewritten"
    with pytest.raises(ValueError, match="append-only"):
        note.save()


def test_an_empty_note_is_refused(case_fr, officer_fr):
    with pytest.raises(ValidationError) as raised:
        services.case_note_add(actor=officer_fr, case=case_fr, text="  ")
    assert "text" in raised.value.message_dict


def test_a_link_is_removed_by_someone_who_may_change_its_origin(case_fr, officer_fr, countries):
    # given
    other = services.case_create(actor=officer_fr, data={"title": "Other"})
    link = services.case_link_create(actor=officer_fr, from_case=case_fr, to_case=other)
    # when
    services.case_link_remove(actor=officer_fr, link=link)
    # then
    assert not selectors.case_link_list_for_case(user=officer_fr, case=case_fr).exists()
