"""Writing meetings: who may, and bad input refused field by field with nothing saved."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent, Meeting, MeetingParticipant
from ncb_cases.services import meetings as services
from tests.ncb_cases.meetings.factories import action_item

pytestmark = pytest.mark.django_db

GOOD = {
    "kind": "OPERATIONAL",
    "title": "Mama Joy network: joint action days (fictitious)",
    "timezone": "Europe/Rome",
    "starts_at": "2030-03-04T09:00",
    "ends_at": "2030-03-04T17:30",
    "place": "Rome, fictitious conference room 3",
    "participants": ["IT", "NG"],
    "agenda": "1. Routes; 2. Money flows",
}


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


def test_supervisor_creates_a_meeting_of_their_ncb_read_in_its_time_zone(
    supervisor_fr, ncb_fr, ncb_it, ncb_ng
):
    # when
    meeting = services.meeting_create(actor=supervisor_fr, data=GOOD)
    # then
    assert meeting.organising_ncb == ncb_fr
    assert meeting.starts_at == dt.datetime(2030, 3, 4, 8, 0, tzinfo=dt.UTC)
    assert sorted(p.ncb.code for p in meeting.participations.all()) == ["IT", "NG"]
    event = AuditEvent.objects.get(object_public_id=meeting.public_id)
    assert event.action == AuditAction.CREATE


def test_officer_may_not_create_a_meeting(officer_fr, ncb_it, ncb_ng):
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=officer_fr, data=GOOD)


def test_srb_monitor_may_not_create_a_meeting(srb_europe, ncb_it, ncb_ng):
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=srb_europe, data=GOOD)


def test_every_bad_field_is_reported_at_once_and_nothing_is_saved(supervisor_fr, ncb_it):
    # given
    bad = {
        **GOOD,
        "timezone": "Mars/Olympus_Mons",
        "starts_at": "2030-03-04T09:00",
        "ends_at": "2030-03-04T08:00",
        "place": "",
        "online": False,
        "participants": ["IT", "ZZ"],
    }
    # when
    with pytest.raises(ValidationError) as exc_info:
        services.meeting_create(actor=supervisor_fr, data=bad)
    # then
    errors = errors_of(exc_info)
    assert set(errors) >= {"timezone", "ends_at", "place", "participants"}
    assert "ZZ" in errors["participants"][0]
    assert Meeting.objects.count() == 0
    assert MeetingParticipant.objects.count() == 0


def test_meeting_ending_when_it_starts_is_refused(supervisor_fr, ncb_it):
    data = {**GOOD, "participants": ["IT"], "ends_at": GOOD["starts_at"]}
    with pytest.raises(ValidationError) as exc_info:
        services.meeting_create(actor=supervisor_fr, data=data)
    assert errors_of(exc_info) == {"ends_at": ["The meeting must end after it starts."]}


def test_meeting_needs_participants_and_times(supervisor_fr):
    data = {k: v for k, v in GOOD.items() if k not in ("participants", "starts_at", "ends_at")}
    with pytest.raises(ValidationError) as exc_info:
        services.meeting_create(actor=supervisor_fr, data=data)
    assert set(errors_of(exc_info)) == {"participants", "starts_at", "ends_at"}


def test_online_meeting_needs_no_place(supervisor_fr, ncb_it):
    data = {**GOOD, "participants": ["IT"], "place": "", "online": True}
    assert services.meeting_create(actor=supervisor_fr, data=data).online


def test_unparseable_time_is_a_field_error(supervisor_fr, ncb_it):
    data = {**GOOD, "participants": ["IT"], "starts_at": "next tuesday"}
    with pytest.raises(ValidationError) as exc_info:
        services.meeting_create(actor=supervisor_fr, data=data)
    assert list(errors_of(exc_info)) == ["starts_at"]


def test_organiser_may_link_only_cases_they_can_see(supervisor_fr, ncb_it, case_fr, case_de):
    data = {
        **GOOD,
        "participants": ["IT"],
        "cases": [str(case_fr.public_id), str(case_de.public_id)],
    }
    with pytest.raises(ValidationError) as exc_info:
        services.meeting_create(actor=supervisor_fr, data=data)
    assert list(errors_of(exc_info)) == ["cases"]
    meeting = services.meeting_create(
        actor=supervisor_fr, data={**data, "cases": [str(case_fr.public_id)]}
    )
    assert list(meeting.cases.all()) == [case_fr]


def test_edit_keeps_links_the_editor_cannot_see(supervisor_fr, meeting_fr, case_fr, case_de):
    # given: a link made earlier (by an admin) to a German case the French supervisor cannot see
    meeting_fr.cases.set([case_de])
    # when
    services.meeting_update(
        actor=supervisor_fr, meeting=meeting_fr, data={"cases": [str(case_fr.public_id)]}
    )
    # then
    assert set(meeting_fr.cases.all()) == {case_fr, case_de}


def test_supervisor_of_a_participant_may_not_edit(supervisor_de, meeting_fr, ncb_de):
    with pytest.raises(PermissionDenied):
        services.meeting_update(actor=supervisor_de, meeting=meeting_fr, data={"title": "x"})


def test_update_replacing_participants_keeps_what_was_sent(supervisor_fr, meeting_fr, ncb_it):
    # given
    sent = MeetingParticipant.objects.get(meeting=meeting_fr, ncb=ncb_it)
    sent.invitation_sent_at = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    sent.save()
    # when
    services.meeting_update(actor=supervisor_fr, meeting=meeting_fr, data={"participants": ["IT"]})
    # then
    kept = MeetingParticipant.objects.get(meeting=meeting_fr)
    assert kept.pk == sent.pk
    assert kept.invitation_sent_at is not None


def test_admin_names_the_organising_ncb(admin_user, ncb_de, ncb_it):
    with pytest.raises(ValidationError) as exc_info:
        services.meeting_create(actor=admin_user, data={**GOOD, "participants": ["IT"]})
    assert "organising_ncb" in errors_of(exc_info)
    meeting = services.meeting_create(
        actor=admin_user, data={**GOOD, "participants": ["IT"], "organising_ncb": "DE"}
    )
    assert meeting.organising_ncb == ncb_de


def test_action_item_owner_must_take_part(supervisor_fr, meeting_fr, ncb_de):
    with pytest.raises(ValidationError) as exc_info:
        services.meeting_action_item_add(
            actor=supervisor_fr,
            meeting=meeting_fr,
            data={"description": "Check phones", "owner_ncb": "DE", "due_on": "soon"},
        )
    assert set(errors_of(exc_info)) == {"owner_ncb", "due_on"}
    assert not meeting_fr.action_items.exists()


def test_action_item_is_added_and_marked_done(supervisor_fr, meeting_fr, ncb_it):
    item = services.meeting_action_item_add(
        actor=supervisor_fr,
        meeting=meeting_fr,
        data={"description": "Check phones", "owner_ncb": "IT", "due_on": "2030-04-01"},
    )
    services.meeting_action_item_update(
        actor=supervisor_fr, item=item, data={"done_on": dt.date(2026, 1, 5)}
    )
    item.refresh_from_db()
    assert item.done_on == dt.date(2026, 1, 5)
    assert item.due_on == dt.date(2030, 4, 1)


def test_action_item_cannot_be_done_in_the_future(supervisor_fr, meeting_fr, ncb_it):
    item = action_item(meeting_fr, ncb_it)
    with pytest.raises(ValidationError) as exc_info:
        services.meeting_action_item_update(
            actor=supervisor_fr, item=item, data={"done_on": "2999-01-01"}
        )
    assert list(errors_of(exc_info)) == ["done_on"]


def test_organising_ncb_cannot_change(supervisor_fr, meeting_fr):
    with pytest.raises(ValidationError) as exc_info:
        services.meeting_update(
            actor=supervisor_fr, meeting=meeting_fr, data={"organising_ncb": "IT"}
        )
    assert list(errors_of(exc_info)) == ["organising_ncb"]
    same = services.meeting_update(
        actor=supervisor_fr, meeting=meeting_fr, data={"organising_ncb": "FR", "title": "Renamed"}
    )
    assert same.title == "Renamed"
