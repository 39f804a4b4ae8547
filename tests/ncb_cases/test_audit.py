"""The audit trail: complete for sensitive reads, refusals recorded, rows immutable."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.http import Http404

from ncb_cases import selectors, services
from ncb_cases.audit import audit_record, request_ip
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.factories import share_case

pytestmark = pytest.mark.django_db

PURPOSE = "Preparing the victim's hearing with the prosecutor"


def test_n_reads_of_a_case_write_exactly_n_audit_rows(case_fr, analyst_fr):
    # when
    for _ in range(3):
        selectors.case_detail_for_user(user=analyst_fr, case_id=case_fr.public_id, ip="10.0.0.7")
    # then
    events = AuditEvent.objects.filter(case=case_fr, action=AuditAction.VIEW)
    assert events.count() == 3
    assert {(e.actor, e.actor_ncb, e.ip, e.object_type) for e in events} == {
        (analyst_fr, analyst_fr.officer.ncb, "10.0.0.7", "case")
    }


def test_n_reads_of_a_person_write_n_rows_and_show_the_victim_masked(victim_fr, supervisor_fr):
    # when
    views = [
        selectors.person_detail_for_user(user=supervisor_fr, person_id=victim_fr.public_id)
        for _ in range(4)
    ]
    # then
    assert (
        AuditEvent.objects.filter(
            object_public_id=victim_fr.public_id, action=AuditAction.VIEW
        ).count()
        == 4
    )
    assert views[0].display_name == "Victim V-1"
    assert views[0].family_name == ""


def test_a_holder_reveals_a_victim_with_a_purpose_and_it_is_recorded(victim_fr, officer_fr):
    # when
    view = selectors.victim_identity_reveal(
        user=officer_fr, person_id=victim_fr.public_id, purpose=PURPOSE, ip="2001:db8::1"
    )
    # then
    assert view.family_name == "Okafor-Test"
    event = AuditEvent.objects.get(action=AuditAction.VIEW_VICTIM_IDENTITY)
    assert (event.actor, event.purpose, event.ip) == (officer_fr, PURPOSE, "2001:db8::1")
    assert event.case == victim_fr.case


def test_a_reveal_without_purpose_is_refused_and_the_attempt_recorded(victim_fr, officer_fr):
    # when
    with pytest.raises(ValidationError) as raised:
        selectors.victim_identity_reveal(
            user=officer_fr, person_id=victim_fr.public_id, purpose=""
        )
    # then
    assert "purpose" in raised.value.message_dict
    denied = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert denied.details == {"attempted": "VIEW_VICTIM_IDENTITY", "reason": "no_purpose"}
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_VICTIM_IDENTITY).exists()


def test_a_reveal_without_the_permission_is_refused_and_recorded(victim_fr, supervisor_fr):
    with pytest.raises(PermissionDenied):
        selectors.victim_identity_reveal(
            user=supervisor_fr, person_id=victim_fr.public_id, purpose=PURPOSE
        )
    assert AuditEvent.objects.get(action=AuditAction.DENIED).details["reason"] == "no_permission"


def test_an_admin_needs_the_explicit_grant_to_reveal_a_victim(
    victim_fr, admin_user, supervisor_fr
):
    # given
    with pytest.raises(PermissionDenied):
        selectors.victim_identity_reveal(
            user=admin_user, person_id=victim_fr.public_id, purpose=PURPOSE
        )
    # when
    services.victim_identity_grant(actor=supervisor_fr, case=victim_fr.case, user=admin_user)
    # then
    view = selectors.victim_identity_reveal(
        user=admin_user, person_id=victim_fr.public_id, purpose=PURPOSE
    )
    assert not view.identity_masked


def test_a_reveal_of_a_person_in_an_invisible_case_is_404_and_recorded(victim_fr, officer_de):
    with pytest.raises(Http404):
        selectors.victim_identity_reveal(
            user=officer_de, person_id=victim_fr.public_id, purpose=PURPOSE
        )
    assert AuditEvent.objects.get(action=AuditAction.DENIED).details["reason"] == "not_visible"


def test_a_refused_case_read_is_404_and_recorded(case_fr, officer_de):
    with pytest.raises(Http404):
        selectors.case_detail_for_user(user=officer_de, case_id=case_fr.public_id)
    denied = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert (denied.actor, denied.case) == (officer_de, case_fr)


def test_a_read_of_a_missing_case_is_404_without_a_row(officer_de):
    before = AuditEvent.objects.count()
    with pytest.raises(Http404):
        selectors.case_detail_for_user(
            user=officer_de, case_id="00000000-0000-4000-8000-000000000000"
        )
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_the_refusal_record_survives_the_failed_request(victim_fr, officer_fr):
    # given no transaction around the call, as in a request (ATOMIC_REQUESTS is off)
    assert not connection.in_atomic_block
    # when
    with pytest.raises(ValidationError):
        selectors.victim_identity_reveal(
            user=officer_fr, person_id=victim_fr.public_id, purpose=""
        )
    # then the row is committed, seen from outside any transaction
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == 1
    # (and the flush after this test empties the append-only table: sqlite_audit_flush.py)


# --- Immutability -----------------------------------------------------------------------------


def test_the_database_refuses_to_update_an_audit_row(case_fr):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(case=case_fr).update(purpose="rewritten")


def test_the_database_refuses_to_delete_an_audit_row(case_fr):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(case=case_fr).delete()
    assert AuditEvent.objects.filter(case=case_fr).exists()


def test_the_database_refuses_raw_sql_too(case_fr):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ncb_cases_auditevent")


def test_an_audit_row_cannot_be_saved_twice(case_fr, officer_fr):
    event = audit_record(actor=officer_fr, action=AuditAction.EXPORT, obj=case_fr)
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_a_user_with_audit_rows_cannot_be_deleted(case_fr, officer_fr):
    with pytest.raises(ProtectedError):
        officer_fr.delete()


def test_the_append_only_triggers_are_installed():
    # A later migration altering AuditEvent on SQLite rebuilds the table and drops them.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                ["ncb_cases_auditevent"],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                ["ncb_cases_auditevent"],
            )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"ncb_cases_auditevent_no_update", "ncb_cases_auditevent_no_delete"}


# --- Who reads the trail ----------------------------------------------------------------------


def test_owner_supervisors_see_the_whole_trail_and_recipients_their_own_part(
    case_fr, supervisor_fr, officer_fr, officer_de, supervisor_de, ncb_de
):
    # given reads by both NCBs
    share_case(case_fr, ncb_de)
    selectors.case_detail_for_user(user=officer_de, case_id=case_fr.public_id)
    selectors.case_detail_for_user(user=officer_fr, case_id=case_fr.public_id)
    # then
    whole = selectors.audit_event_list_for_case(user=supervisor_fr, case=case_fr)
    german = selectors.audit_event_list_for_case(user=supervisor_de, case=case_fr)
    assert {event.actor for event in whole} == {officer_fr, officer_de}
    assert {event.actor for event in german} == {officer_de}
    assert not selectors.audit_event_list_for_case(user=officer_fr, case=case_fr).exists()
    assert not selectors.audit_event_list_for_user(user=officer_fr).exists()


def test_only_ip_addresses_are_kept(rf, case_fr, officer_fr):
    # given
    request = rf.get("/", REMOTE_ADDR="192.0.2.10")
    # when
    good = audit_record(actor=officer_fr, action="VIEW", obj=case_fr, ip=request_ip(request))
    bad = audit_record(actor=officer_fr, action="VIEW", obj=case_fr, ip="<script>")
    # then
    assert (good.ip, bad.ip) == ("192.0.2.10", None)
