"""Messages the system writes and sends on its own (RESPONSE after triage, and the like)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from contacts.models import NationalCentralBureau
from messages_hst import compose
from messages_hst.choices import MessageStatus, MessageType, Priority
from messages_hst.models import HSTMessage
from messages_hst.services._common import HSTValidationError
from messages_hst.services.checks import message_validate
from messages_hst.validation import has_errors, with_computed_flags
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction
from ncb_cases.models import Case

# What a technical message needs: restricted to its recipients, no action, no personal data.
SYSTEM_HANDLING = {
    "confidentiality_level": "INTERPOL_FOR_OFFICIAL_USE_ONLY",
    "dissemination": "RECIPIENTS_ONLY",
    "handling_codes": ["H0"],
    "permitted_actions": "NO_DIRECT_ACTION",
    "purpose": ["criminal_investigation"],
    "victim_data_present": False,
    "minor_data_present": False,
}


def system_message_send(
    *,
    sender_ncb: NationalCentralBureau,
    message_type: str,
    recipients: Sequence[str | Mapping[str, str]],
    body: Mapping[str, Any],
    thread: Mapping[str, Any] | None,
    case: Case | None = None,
    subject: str = "",
    hst_case_id=None,
    priority: str = Priority.ROUTINE,
    language: str = "en",
) -> HSTMessage:
    """Write, validate, approve and hand over a message the system sends for `sender_ncb`
    (a RESPONSE after triage, typically), all in one transaction with
    `pipeline.schedule_delivery`.

    `thread`: `{"in_reply_to", "references", "supersedes", "sequence_no"}` (any). The `case`
    block is `hst_case_id` (the thread's id, e.g. the received message's) with `case`'s
    reference, or `case`'s own id; RECEIPT and RESPONSE may go without. The message is
    `system_generated`, approved by nobody, and audited (SEND, as the system). Errors in the
    built document are a programming error: HSTValidationError, nothing written.
    """
    from messages_hst import pipeline

    errors: dict[str, list[str]] = {}
    blocks = compose.recipient_blocks(recipients, sender_ncb=sender_ncb, errors=errors)
    if errors:
        raise HSTValidationError([], extra=errors)
    now = timezone.now().replace(microsecond=0)
    message = HSTMessage(
        message_type=message_type,
        priority=priority,
        language=language,
        sender_ncb=sender_ncb,
        case=case,
        system_generated=True,
        status=MessageStatus.APPROVED,
        approved_at=now,
    )
    message.subject = (subject or compose.default_subject(message_type, None))[:200]
    hst_case = compose.case_block(case, hst_case_id=hst_case_id) if (case or hst_case_id) else None
    thread = compose.thread_block(**dict(thread or {}))
    document = compose.envelope(
        message_id=message.message_id,
        message_type=message_type,
        sender_ncb=sender_ncb,
        recipients=blocks,
        priority=priority,
        language=language,
        subject=message.subject,
        hst_case=hst_case,
        thread=thread,
        now=now,
    )
    document["handling"] = dict(SYSTEM_HANDLING)
    document["body"] = dict(body)
    message.document = with_computed_flags(document)
    message.in_reply_to = compose.parse_uuid(thread.get("in_reply_to"))
    message.supersedes = compose.parse_uuid(thread.get("supersedes"))
    if message_type == MessageType.RESPONSE and not message.in_reply_to:
        message.in_reply_to = compose.parse_uuid(
            (body.get("response") or {}).get("ref_message_id")
        )
    ncbs = pipeline.recipient_ncbs(message.document)
    problems = message_validate(message, now=now, ncbs=ncbs)
    if has_errors(problems):
        raise HSTValidationError([p for p in problems if p.severity == "error"])
    message.problems = [problem.as_dict() for problem in problems]
    with transaction.atomic():
        message.save()
        audit_record(
            actor=None,
            action=AuditAction.SEND,
            obj=message,
            details={"message_type": message_type, "recipients": len(blocks), "system": True},
        )
        pipeline.schedule_delivery(message, ncbs=ncbs)
    return message
