"""Building HST documents: the envelope, and the draft body from a case (HST.md §2 to §4).

`draft_document` reads the case only through `ncb_cases.selectors` with the composing user's
rights, so a draft never holds more than its author may read. Victims, possible victims and
children are minimised by default (HST.md principle 5): only their ref, sex, year of birth,
nationalities, status and the coded victim context travel (and their documents' kind,
issuing state and whether the exploiter withholds them), never a name, a number or a phone;
their identity goes only with `include_victim_identity` *and* the user's victim-identity
permission on the case. The flags `victim_data_present` and
`minor_data_present` are always computed (`validation.with_computed_flags`), never typed.

- `envelope`: the envelope and its blocks; `case_body`: body and handling from a case;
  `follow_ups`: UPDATE, CORRECTION, CANCEL, CLOSE, REMINDER and REPLY bodies.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from messages_hst import permissions
from messages_hst.choices import MessageType, Priority
from messages_hst.compose.case_body import case_draft, case_handling
from messages_hst.compose.envelope import (
    case_block,
    default_subject,
    envelope,
    parse_date,
    parse_uuid,
    recipient_blocks,
    response_due,
    rfc3339,
    sender_block,
    thread_block,
)
from messages_hst.compose.follow_ups import follow_up_draft, handling_from, request_refs
from messages_hst.validation import with_computed_flags
from ncb_cases.models import Case

CASE_TYPES = (MessageType.INFO, MessageType.ALERT, MessageType.REQUEST)

__all__ = [
    "CASE_TYPES",
    "build_body",
    "case_block",
    "case_draft",
    "case_handling",
    "default_subject",
    "draft_document",
    "envelope",
    "follow_up_draft",
    "handling_from",
    "parse_date",
    "parse_uuid",
    "recipient_blocks",
    "request_refs",
    "response_due",
    "rfc3339",
    "sender_block",
    "thread_block",
]


def draft_document(
    *,
    user,
    case: Case,
    message_type: str,
    recipients: Sequence[str | Mapping[str, str]],
    priority: str = Priority.ROUTINE,
    language: str = "en",
    include_victim_identity: bool = False,
    thread: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A complete HST document (without signature) from `case`, as `user` may write it.

    Sender: the user's NCB (PermissionDenied for users who do not write messages). A new
    message id and `created_at` = now (both replaced by the services: the message's own id,
    the approval time). `recipients`: NCB codes or `{"ncb_code", "role"}` dicts
    (ValidationError on `recipients`). Http404 if the user may not read the case;
    PermissionDenied for victim identities without the permission. The flags are computed.
    """
    officer = permissions.message_author(user)
    if officer is None:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    blocks = recipient_blocks(recipients, sender_ncb=officer.ncb, errors=errors)
    if errors:
        raise ValidationError(errors)
    document = envelope(
        message_id=uuid.uuid4(),
        message_type=message_type,
        sender_ncb=officer.ncb,
        recipients=blocks,
        priority=priority,
        language=language,
        subject=default_subject(message_type, case),
        hst_case=case_block(case),
        thread=thread,
    )
    body, handling, due = case_draft(
        user=user,
        case=case,
        message_type=message_type,
        priority=priority,
        include_victim_identity=include_victim_identity,
    )
    return with_computed_flags(_assemble(document, body, handling, due))


def build_body(
    *, message, envelope: Mapping[str, Any], options: Mapping[str, Any], original=None
) -> dict[str, Any]:
    """The document of a COMPOSING message: its stored `envelope` plus the body and
    handling for its type, written with its author's rights. `original` is the earlier
    document a follow-up or reply refers to (None for INFO, ALERT, REQUEST). Flags not yet
    computed (the caller does)."""
    user, case = message.created_by, message.case
    if message.message_type in CASE_TYPES:
        if case is None:
            raise ValidationError({"case": ["A message of this type is written from a case."]})
        body, handling, due = case_draft(
            user=user,
            case=case,
            message_type=message.message_type,
            priority=message.priority,
            include_victim_identity=bool(options.get("include_victim_identity")),
        )
    else:
        body, handling = follow_up_draft(
            user=user,
            message_type=message.message_type,
            case=case,
            original=original,
            priority=message.priority,
            options=options,
        )
        due = None
    return _assemble(dict(envelope), body, handling, due)


def _assemble(document: dict, body: dict, handling: dict, due: str | None) -> dict[str, Any]:
    document["handling"] = handling
    document["body"] = body
    if due:
        document["response_due"] = due
    return document
