"""A meeting's invitation and minutes as HST INFO message drafts (issue 6 item 5).

`meeting_message_draft` writes a DRAFT INFO message of the organising NCB to every other
participating NCB, prefilled from the meeting (title, kind, dates in UTC and in the meeting's
time zone, place or online, and the agenda or the minutes as text). It never carries case
data: linked cases are left out, since they need not be visible to every recipient. The draft
then follows the normal lifecycle (edit, submit, four-eyes approval by another supervisor of
the NCB: `messages_hst.services.authoring`). The thread id (`case.hst_case_id`) is the
meeting's public id, so invitation and minutes read as one thread at the recipients. The
message id and the time are recorded on each recipient's `MeetingParticipant`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from messages_hst import compose, permissions
from messages_hst.choices import MessageStatus, MessageType, Priority
from messages_hst.models import HSTMessage
from messages_hst.services.checks import message_validate
from messages_hst.validation import with_computed_flags
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction
from ncb_cases.models import Meeting
from ncb_cases.models.case import add_years
from ncb_cases.selectors.meetings import can_change_meeting
from ncb_cases.services.meetings import meeting_messages_record

PURPOSES = ("invitation", "minutes")
SUMMARY_MAX = 2000
# Meeting logistics: no personal data, restricted to the recipients, for analysis and planning.
MEETING_HANDLING = {
    "confidentiality_level": "INTERPOL_FOR_OFFICIAL_USE_ONLY",
    "dissemination": "RECIPIENTS_ONLY",
    "handling_codes": ["H0"],
    "permitted_actions": "NO_DIRECT_ACTION",
    "purpose": ["crime_analysis"],
}
RETENTION_YEARS = 2


def meeting_message_draft(
    *, actor: AbstractBaseUser, meeting: Meeting, purpose: str, language: str = "en"
) -> HSTMessage:
    """Write the invitation (`purpose="invitation"`) or minutes (`"minutes"`) of `meeting`
    as an HST INFO DRAFT of the organising NCB to the other participating NCBs, and record its
    id on their participations.

    Needs an officer-author of the organising NCB who may change the meeting (a supervisor
    there): PermissionDenied otherwise. ValidationError when there is nobody to write to, or
    no minutes to send. Audited: CREATE on the message (no content in the trail).
    """
    if purpose not in PURPOSES:
        raise ValidationError({"purpose": [_("Send an invitation or the minutes.")]})
    officer = permissions.message_author(actor)
    if (
        officer is None
        or officer.ncb_id != meeting.organising_ncb_id
        or not can_change_meeting(actor, meeting)
    ):
        raise PermissionDenied(_("Only a supervisor of the organising NCB sends this."))
    recipients = [
        participation.ncb
        for participation in meeting.participations.select_related("ncb").order_by("ncb__code")
        if participation.ncb_id != meeting.organising_ncb_id
    ]
    if not recipients:
        raise ValidationError({"participants": [_("No other NCB takes part in this meeting.")]})
    if purpose == "minutes" and not meeting.minutes.strip():
        raise ValidationError({"minutes": [_("Write the minutes before sending them.")]})
    sender = officer.ncb
    now = timezone.now().replace(microsecond=0)
    message = HSTMessage(
        message_type=MessageType.INFO,
        priority=Priority.ROUTINE,
        language=language,
        sender_ncb=sender,
        status=MessageStatus.DRAFT,
        created_by=actor,
    )
    message.subject = _subject(meeting, purpose)
    document = compose.envelope(
        message_id=message.message_id,
        message_type=MessageType.INFO,
        sender_ncb=sender,
        recipients=[{"ncb_code": ncb.code, "role": "TO"} for ncb in recipients],
        priority=Priority.ROUTINE,
        language=language,
        subject=message.subject,
        hst_case=compose.case_block(None, hst_case_id=meeting.public_id),
        thread=None,
        now=now,
    )
    review_on = add_years(timezone.localdate(), RETENTION_YEARS)
    document["handling"] = {**MEETING_HANDLING, "retention": {"review_on": review_on.isoformat()}}
    document["body"] = meeting_body(meeting, purpose)
    message.document = with_computed_flags(document)
    message.problems = [problem.as_dict() for problem in message_validate(message, now=now)]
    with transaction.atomic():
        message.save()
        meeting_messages_record(
            meeting=meeting,
            purpose=purpose,
            message_id=message.message_id,
            ncb_ids=[ncb.pk for ncb in recipients],
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=message,
            details={
                "message_type": MessageType.INFO,
                "recipients": len(recipients),
                "meeting": str(meeting.public_id),
                "meeting_message": purpose,
            },
        )
    return message


def _subject(meeting: Meeting, purpose: str) -> str:
    template = (
        _("Invitation: %(title)s, %(day)s")
        if purpose == "invitation"
        else _("Minutes: %(title)s, %(day)s")
    )
    return (template % {"title": meeting.title, "day": _local(meeting).date().isoformat()})[:200]


def _local(meeting: Meeting, moment: dt.datetime | None = None) -> dt.datetime:
    try:
        zone = zoneinfo.ZoneInfo(meeting.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return (moment or meeting.starts_at).astimezone(zone)


def meeting_text(meeting: Meeting, purpose: str) -> str:
    """The plain text of the invitation or minutes: logistics, then agenda or minutes."""
    starts, ends = _local(meeting, meeting.starts_at), _local(meeting, meeting.ends_at)
    lines = [
        f"{meeting.get_kind_display()}: {meeting.title}",
        f"Organised by {meeting.organising_ncb.name}"
        + (f" with {meeting.organising_bureau.name}" if meeting.organising_bureau else ""),
        f"From {compose.rfc3339(meeting.starts_at)} to {compose.rfc3339(meeting.ends_at)}"
        f" ({starts:%Y-%m-%d %H:%M} to {ends:%Y-%m-%d %H:%M} {meeting.timezone})",
        "Place: " + (meeting.place or "-") + (" (online)" if meeting.online else ""),
    ]
    text = meeting.agenda if purpose == "invitation" else meeting.minutes
    heading = "Agenda" if purpose == "invitation" else "Minutes"
    if text.strip():
        lines += ["", f"{heading}:", text.strip()]
    return "\n".join(lines)


def meeting_body(meeting: Meeting, purpose: str) -> dict:
    """The INFO body: `case_summary` (offence undetermined: this is about a meeting, not a
    case; the text cut to 2,000 characters; no `period`, which HST keeps for facts before
    the message while an invitation is about the future) and the `x_meeting` extension with
    the whole text and the structured facts, which receivers keep (HST.md principle 7)."""
    text = meeting_text(meeting, purpose)
    summary = text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"
    return {
        "case_summary": {
            "offence_type": "UNDETERMINED",
            "summary": summary,
        },
        "x_meeting": {
            "meeting_id": str(meeting.public_id),
            "purpose": purpose,
            "kind": meeting.kind,
            "title": meeting.title,
            "starts_at": compose.rfc3339(meeting.starts_at),
            "ends_at": compose.rfc3339(meeting.ends_at),
            "timezone": meeting.timezone,
            "place": meeting.place,
            "online": meeting.online,
            "text": text,
        },
    }
