"""The iCalendar export: RFC 5545 format (CRLF, folding at 75 octets, escaping, UTC times,
UID) and what it leaves out (cases, minutes, people)."""

import datetime as dt

import pytest
from django.urls import reverse

from ncb_cases import ical
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent

STAMP = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def unfold(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


def calendar(**overrides) -> bytes:
    values = {
        "uid": "3f1c2b9e-0000-4000-8000-000000000001",
        "title": "Mama Joy; routes, money \\ phones",
        "kind_label": "Operational meeting",
        "starts_at": dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        "ends_at": dt.datetime(2030, 3, 4, 17, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        "place": "Lyon",
        "online": False,
        "agenda": "1. Routes\n2. Money",
        "organiser": "INTERPOL Paris",
        "participants": ["INTERPOL Rome", "INTERPOL Abuja"],
        "stamp": STAMP,
    }
    return ical.meeting_calendar(**{**values, **overrides})


def test_every_line_ends_in_crlf_and_none_is_longer_than_75_octets():
    data = calendar(agenda="Très long ordre du jour — " * 40)
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in data.replace(b"\r\n", b"")
    # folding never cuts a UTF-8 character
    for line in lines:
        line.decode("utf-8")


def test_folded_lines_unfold_to_the_original():
    title = "Ä" * 100
    lines = unfold(calendar(title=title))
    assert f"SUMMARY:{title}" in lines


def test_text_values_escape_backslash_semicolon_comma_and_newline():
    lines = unfold(calendar())
    assert "SUMMARY:Mama Joy\\; routes\\, money \\\\ phones" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "Agenda:\\n1. Routes\\n2. Money" in description
    assert "INTERPOL Rome\\, INTERPOL Abuja" in description


def test_times_are_in_utc_and_uid_comes_from_the_public_id():
    lines = unfold(calendar())
    assert "DTSTART:20300304T080000Z" in lines
    assert "DTEND:20300304T163000Z" in lines
    assert "DTSTAMP:20300102T030405Z" in lines
    assert "UID:3f1c2b9e-0000-4000-8000-000000000001@ncb-thb.meetings" in lines
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert lines[-2:] == ["END:VCALENDAR", ""]


def test_online_meeting_without_place_says_online():
    assert "LOCATION:Online" in unfold(calendar(place="", online=True))


def test_fold_keeps_short_lines_whole():
    assert ical.fold("UID:x") == "UID:x"
    folded = ical.fold("X" * 160)
    assert [len(part) for part in folded.split("\r\n")] == [75, 75, 12]


@pytest.mark.django_db
def test_ics_download_has_no_case_data_minutes_or_names(
    client_for, meeting_fr, case_fr, officer_it, victim_fr
):
    # given
    meeting_fr.cases.set([case_fr])
    meeting_fr.minutes = "Confidential minutes (fictitious)"
    meeting_fr.save()
    # when
    response = client_for(officer_it).get(reverse("meetings:ics", args=[meeting_fr.public_id]))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = "".join(unfold(response.content))
    assert f"UID:{meeting_fr.public_id}@" in text
    assert case_fr.reference not in text
    assert case_fr.title not in text
    assert "Confidential minutes" not in text
    assert "Okafor" not in text
    assert "INTERPOL Rome" in text
    assert AuditEvent.objects.filter(
        object_public_id=meeting_fr.public_id, action=AuditAction.EXPORT
    ).exists()


@pytest.mark.django_db
def test_ics_of_a_meeting_one_may_not_see_is_404(client_for, meeting_fr, officer_de):
    response = client_for(officer_de).get(reverse("meetings:ics", args=[meeting_fr.public_id]))
    assert response.status_code == 404
