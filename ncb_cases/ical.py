"""iCalendar (RFC 5545) export of one meeting: a pure function of the meeting's fields.

What goes in: the title, kind, times (UTC), place or "Online", agenda, and the names of the
organising and participating NCBs. What never goes in: linked cases, minutes, documents,
people's names. Lines end in CRLF, are folded at 75 octets (never inside a UTF-8 character)
and text values escape backslash, semicolon, comma and newlines (RFC 5545 §3.1, §3.3.11).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

PRODID = "-//NCB-THB//Meetings 1.0//EN"
UID_DOMAIN = "ncb-thb.meetings"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value: `\\` `;` `,` escaped, every newline as `\\n` (RFC 5545 §3.3.11)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded into physical lines of at most 75 octets joined by CRLF and a
    space (RFC 5545 §3.1); a multi-octet UTF-8 character is never split."""
    pieces: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            pieces.append(current)
            # Continuation lines start with a space, which counts towards their 75 octets.
            current, size, limit = "", 0, MAX_OCTETS - 1
        current += char
        size += octets
    pieces.append(current)
    return "\r\n ".join(pieces)


def utc_stamp(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC form: `20260314T093000Z`."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _description(
    *, kind_label: str, organiser: str, participants: Sequence[str], agenda: str, online: bool
) -> str:
    lines = [kind_label, f"Organised by: {organiser}"]
    if participants:
        lines.append("Participating NCBs: " + ", ".join(participants))
    if online:
        lines.append("Online meeting")
    if agenda.strip():
        lines.extend(["", "Agenda:", agenda.strip()])
    return "\n".join(lines)


def meeting_calendar(
    *,
    uid: str,
    title: str,
    kind_label: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    online: bool,
    agenda: str,
    organiser: str,
    participants: Iterable[str],
    stamp: dt.datetime,
    last_modified: dt.datetime | None = None,
) -> bytes:
    """The VCALENDAR with one VEVENT for a meeting, as UTF-8 bytes ending in CRLF."""
    participants = list(participants)
    location = place.strip() or ("Online" if online else "")
    properties = [
        ("BEGIN", "VCALENDAR"),
        ("VERSION", "2.0"),
        ("PRODID", PRODID),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("BEGIN", "VEVENT"),
        ("UID", f"{uid}@{UID_DOMAIN}"),
        ("DTSTAMP", utc_stamp(stamp)),
        ("DTSTART", utc_stamp(starts_at)),
        ("DTEND", utc_stamp(ends_at)),
        ("SUMMARY", escape_text(title)),
    ]
    if last_modified is not None:
        properties.append(("LAST-MODIFIED", utc_stamp(last_modified)))
    if location:
        properties.append(("LOCATION", escape_text(location)))
    description = _description(
        kind_label=kind_label,
        organiser=organiser,
        participants=participants,
        agenda=agenda,
        online=online,
    )
    properties += [
        ("DESCRIPTION", escape_text(description)),
        ("CLASS", "CONFIDENTIAL"),
        ("STATUS", "CONFIRMED"),
        ("TRANSP", "OPAQUE"),
        ("END", "VEVENT"),
        ("END", "VCALENDAR"),
    ]
    return "".join(fold(f"{name}:{value}") + "\r\n" for name, value in properties).encode("utf-8")


def meeting_ics(meeting, *, stamp: dt.datetime) -> bytes:
    """`meeting_calendar` for a `Meeting` read through a selector (participations loaded)."""
    return meeting_calendar(
        uid=str(meeting.public_id),
        title=meeting.title,
        kind_label=str(meeting.get_kind_display()),
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        online=meeting.online,
        agenda=meeting.agenda,
        organiser=meeting.organising_ncb.name,
        participants=[p.ncb.name for p in meeting.participations.all()],
        stamp=stamp,
        last_modified=meeting.updated_at,
    )
