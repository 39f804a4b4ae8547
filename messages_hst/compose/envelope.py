"""The envelope of an HST message (HST.md §2) and the small conversions every builder needs."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date as django_parse_date
from django.utils.translation import gettext as _

from contacts.models import NationalCentralBureau
from messages_hst import codelists
from messages_hst.choices import MessageType, Priority
from ncb_cases.choices import CaseStatus, PersonRole
from ncb_cases.models import Case

HST_VERSION = "1.0"
# What the case's people are called in HST (`persons[].status`). An offender or facilitator is
# a suspect until a court says otherwise; the role in the chain says what they did.
PERSON_STATUS = {
    PersonRole.SUSPECT: "SUSPECT",
    PersonRole.OFFENDER: "SUSPECT",
    PersonRole.FACILITATOR: "SUSPECT",
    PersonRole.VICTIM: "VICTIM",
    PersonRole.POSSIBLE_VICTIM: "POSSIBLE_VICTIM",
    PersonRole.WITNESS: "WITNESS",
    PersonRole.SMUGGLED_MIGRANT: "SMUGGLED_MIGRANT",
}
SUSPECT_ROLES = (PersonRole.SUSPECT, PersonRole.OFFENDER, PersonRole.FACILITATOR)
INVESTIGATION_STATUS = {
    CaseStatus.OPEN: "PRELIMINARY",
    CaseStatus.UNDER_INVESTIGATION: "ACTIVE",
    CaseStatus.REOPENED: "ACTIVE",
    CaseStatus.REFERRED_TO_PROSECUTION: "JUDICIAL",
    CaseStatus.IN_COURT: "JUDICIAL",
    CaseStatus.CLOSED: "CLOSED",
}
# How long a partner has to answer a REQUEST, by priority (the default `response_due`).
RESPONSE_DAYS = {
    Priority.FLASH: 1,
    Priority.URGENT: 7,
    Priority.PRIORITY: 14,
    Priority.ROUTINE: 30,
}
PURPOSES = {
    MessageType.INFO: ["criminal_investigation"],
    MessageType.ALERT: ["alert", "criminal_investigation"],
    MessageType.REQUEST: ["criminal_investigation", "identify_person"],
}


# --- Small conversions -----------------------------------------------------------------------


def rfc3339(moment: dt.datetime) -> str:
    """`2026-03-14T09:30:00Z`: UTC, whole seconds, as every HST timestamp."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return django_parse_date(value)
    except ValueError:
        return None


def parse_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except (TypeError, ValueError, AttributeError):
        return None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _clean(block: Mapping[str, Any]) -> dict[str, Any]:
    """`block` without empty values: HST leaves unknown facts out rather than blank."""
    return {key: value for key, value in block.items() if value not in (None, "", [], {})}


# --- The envelope ----------------------------------------------------------------------------


def sender_block(ncb: NationalCentralBureau) -> dict[str, str]:
    return {"ncb_code": ncb.code, "ncb_name": ncb.name[:150], "country": ncb.country.iso2}


def recipient_blocks(
    recipients: Sequence[str | Mapping[str, str]],
    *,
    sender_ncb: NationalCentralBureau,
    errors: dict[str, list[str]],
) -> list[dict[str, str]]:
    """`[{"ncb_code", "role"}]` from NCB codes (the first TO, the others CC) or dicts.

    Every code must name an NCB known here, other than the sender, once; problems are added
    to `errors["recipients"]`. One query.
    """
    blocks: list[dict[str, str]] = []
    if isinstance(recipients, str | bytes) or not isinstance(recipients, Sequence):
        recipients = [recipients] if isinstance(recipients, str) and recipients else []
    for index, recipient in enumerate(recipients):
        if isinstance(recipient, Mapping):
            code = str(recipient.get("ncb_code") or "").strip().upper()
            role = str(recipient.get("role") or ("TO" if index == 0 else "CC")).upper()
        else:
            code, role = str(recipient or "").strip().upper(), "TO" if index == 0 else "CC"
        blocks.append({"ncb_code": code, "role": role})
    messages: list[str] = []
    codes = [block["ncb_code"] for block in blocks]
    if not blocks:
        messages.append(_("Address the message to at least one NCB."))
    known = set(
        NationalCentralBureau.objects.filter(code__in=codes).values_list("code", flat=True)
    )
    unknown = sorted({code for code in codes if code not in known})
    if unknown:
        messages.append(_("Unknown NCB: %(codes)s.") % {"codes": ", ".join(unknown) or "?"})
    if sender_ncb.code in codes:
        messages.append(_("An NCB does not send messages to itself."))
    if len(set(codes)) != len(codes):
        messages.append(_("Each NCB only once."))
    if any(block["role"] not in ("TO", "CC") for block in blocks):
        messages.append(_("A recipient is TO or CC."))
    elif blocks and not any(block["role"] == "TO" for block in blocks):
        messages.append(_("At least one recipient is TO."))
    if messages:
        errors["recipients"] = messages
    return blocks


def thread_block(
    *, in_reply_to=None, supersedes=None, references=(), sequence_no: int | None = None
) -> dict[str, Any]:
    return _clean(
        {
            "in_reply_to": str(in_reply_to) if in_reply_to else None,
            "supersedes": str(supersedes) if supersedes else None,
            "references": list(dict.fromkeys(str(ref) for ref in references if ref)),
            "sequence_no": sequence_no,
        }
    )


def case_block(case: Case | None, *, hst_case_id=None) -> dict[str, str] | None:
    """The `case` block: the thread's stable id (the case's own public id when the thread
    starts here) and the sender's case reference."""
    if case is None and hst_case_id is None:
        return None
    return _clean(
        {
            "hst_case_id": str(hst_case_id or case.public_id),
            "sender_case_ref": case.reference if case is not None else None,
        }
    )


def default_subject(message_type: str, case: Case | None) -> str:
    label = MessageType(message_type).label
    if case is None:
        return str(label)
    return _("%(type)s about case %(reference)s") % {"type": label, "reference": case.reference}


def envelope(
    *,
    message_id,
    message_type: str,
    sender_ncb: NationalCentralBureau,
    recipients: list[dict[str, str]],
    priority: str,
    language: str,
    subject: str,
    hst_case: Mapping[str, str] | None,
    thread: Mapping[str, Any] | None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The envelope of HST.md §2; `created_at` is a placeholder until approval."""
    return _clean(
        {
            "hst_version": HST_VERSION,
            "codelists_version": codelists.CODELISTS_VERSION,
            "message_id": str(message_id),
            "message_type": message_type,
            "created_at": rfc3339(now or timezone.now()),
            "priority": priority,
            "sender": sender_block(sender_ncb),
            "recipients": recipients,
            "subject": subject,
            "language": language,
            "case": dict(hst_case) if hst_case else None,
            "thread": dict(thread) if thread else None,
        }
    )


def response_due(priority: str, today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(days=RESPONSE_DAYS.get(priority, 30))
