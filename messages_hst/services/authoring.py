"""Writing an outgoing message: edit, submit, approve (four eyes), return, discard.

The lifecycle of HST.md §6: COMPOSING (the draft is being built from the case by a task) →
DRAFT → PENDING_APPROVAL → APPROVED by a supervisor of the sender NCB who neither wrote nor
submitted it, when the pipeline takes over (QUEUED, DISPATCHED); returned for correction →
DRAFT; DISCARDED. From approval on the document never changes (HST.md principle 2): a change
is a new message (`messages_hst.services.follow_ups`). Starting a message and building its
draft: `messages_hst.services.composing`. All are importable from here.

Every service validates the whole document (`message_validate`: the four levels of HST.md §8,
earlier messages from `known_messages_for`), writes in one transaction with its audit row
(never content in the details), and raises `HSTValidationError` / `PermissionDenied`.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from messages_hst import compose, permissions
from messages_hst.choices import MessageStatus, MessageType, Priority, RequestDirection
from messages_hst.models import HSTMessage
from messages_hst.services._common import HSTValidationError, problem_dict
from messages_hst.services.checks import message_validate
from messages_hst.services.composing import COMPOSE_KEY
from messages_hst.validation import Problem, has_errors, with_computed_flags
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction
from ncb_cases.row_updates import update_each

# Envelope fields the system owns: an edit of the draft never changes them.
SYSTEM_OWNED_FIELDS = ("hst_version", "message_id", "message_type", "sender", "created_at", "case")


# What an approval writes to the message's row.
APPROVAL_FIELDS = (
    "document",
    "problems",
    "status",
    "approved_by",
    "approved_at",
    "warnings_overridden",
    "updated_at",
)


def _lock(message: HSTMessage) -> HSTMessage:
    """The message's row, locked and read again (its status and document may have moved since
    the caller read it). Its sender NCB and case are taken from the caller's copy when it
    holds the rows the locked one points to (else read if used): joining them into the
    locking read costs as much as the read itself. (An approval does without it when it can:
    `message_approve`.)"""
    locked = HSTMessage.objects.select_for_update().get(pk=message.pk)
    for relation in (HSTMessage.sender_ncb.field, HSTMessage.case.field):
        loaded = relation.get_cached_value(message, default=None)
        if loaded is not None and loaded.pk == relation.value_from_object(locked):
            relation.set_cached_value(locked, loaded)
    return locked


def _require_status(message: HSTMessage, *statuses: str) -> None:
    if message.status not in statuses:
        raise ValidationError(
            {
                "status": [
                    _("Not possible for a message %(status)s.")
                    % {"status": message.get_status_display().lower()}
                ]
            }
        )


def message_update_draft(
    *, actor: AbstractBaseUser, message: HSTMessage, document: Mapping[str, Any]
) -> HSTMessage:
    """Replace the document of a DRAFT of the actor's NCB (officers and supervisors).

    The envelope fields the system owns (message id, type, sender, creation time, HST version,
    case block) are kept whatever `document` says; the computed flags are recomputed. Priority,
    language, subject, response date and thread are copied to the row for lookups. Problems
    are stored, not raised: a draft may be incomplete (submitting checks). Audited (UPDATE).
    """
    if not isinstance(document, Mapping):
        raise ValidationError({"document": [_("The message must be a JSON object.")]})
    with transaction.atomic():
        message = _lock(message)
        if not permissions.can_change_message(actor, message):
            raise PermissionDenied
        _require_status(message, MessageStatus.DRAFT)
        updated = dict(document)
        updated.pop("signature", None)
        updated.pop(COMPOSE_KEY, None)
        for key in SYSTEM_OWNED_FIELDS:
            if key in message.document:
                updated[key] = message.document[key]
            else:
                updated.pop(key, None)
        message.document = with_computed_flags(updated)
        _copy_envelope_to_row(message)
        message.problems = [problem.as_dict() for problem in message_validate(message)]
        message.save(
            update_fields=[
                "document",
                "priority",
                "language",
                "subject",
                "response_due",
                "in_reply_to",
                "supersedes",
                "problems",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=message,
            details={"transition": "edit", "errors": has_errors(_problems(message))},
        )
    return message


def _copy_envelope_to_row(message: HSTMessage) -> None:
    document, thread = message.document, message.document.get("thread") or {}
    if document.get("priority") in Priority.values:
        message.priority = document["priority"]
    if isinstance(document.get("language"), str) and len(document["language"]) <= 8:
        message.language = document["language"]
    if isinstance(document.get("subject"), str):
        message.subject = document["subject"][:200]
    message.response_due = compose.parse_date(document.get("response_due"))
    message.in_reply_to = compose.parse_uuid(thread.get("in_reply_to"))
    message.supersedes = compose.parse_uuid(thread.get("supersedes"))


def _problems(message: HSTMessage) -> list[Problem]:
    return [Problem(**problem) for problem in message.problems]


def message_submit(*, actor: AbstractBaseUser, message: HSTMessage) -> HSTMessage:
    """Ask for approval: DRAFT → PENDING_APPROVAL (officers and supervisors of the sender NCB).

    A document with errors is refused (`HSTValidationError` listing every problem); warnings
    pass, the approving supervisor will have to override them. Audited (UPDATE).
    """
    with transaction.atomic():
        message = _lock(message)
        if not permissions.can_change_message(actor, message):
            raise PermissionDenied
        _require_status(message, MessageStatus.DRAFT)
        problems = message_validate(message)
        if not message.document.get("body") or has_errors(problems):
            raise HSTValidationError(
                [problem for problem in problems if problem.severity == "error"]
                or [Problem("/body", "empty", "error", _("The message has no content."))]
            )
        message.problems = [problem.as_dict() for problem in problems]
        message.status = MessageStatus.PENDING_APPROVAL
        message.submitted_by = actor
        message.submitted_at = timezone.now()
        message.save(
            update_fields=["problems", "status", "submitted_by", "submitted_at", "updated_at"]
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=message,
            details={"transition": "submit", "warnings": len(problems)},
        )
    return message


class _SubmissionMovedOn(Exception):
    """The message's row no longer holds the submission the approver's copy was read from."""


def message_approve(
    *,
    actor: AbstractBaseUser,
    message: HSTMessage,
    override_warnings: bool = False,
    comment: str = "",
    now: dt.datetime | None = None,
) -> HSTMessage:
    """Approve a message awaiting approval and hand it to the delivery pipeline.

    Four eyes: a supervisor of the sender NCB who neither wrote nor submitted it
    (PermissionDenied otherwise). The document is validated again with `created_at` set to
    now: errors refuse it; warnings refuse it unless `override_warnings` (recorded). In one
    transaction: APPROVED and frozen, `pipeline.schedule_delivery` (deliveries + outbox, the
    dispatch enqueued on commit), `tracking.track_sent_request` for a REQUEST,
    `tracking.apply_reply` (the items we owed) for a REPLY, a CANCEL
    marks the message it cancels CANCELLED, and the APPROVE audit row (the comment as its
    purpose).

    `message` is the caller's copy as read from the database (unmodified), and the approval
    is of what it holds: when that copy is approvable, its row is written only if it still
    holds the same submission (PENDING_APPROVAL, the same `submitted_at`: a document cannot
    change while it awaits approval, and a resubmission is a new `submitted_at`), with no
    locking read before. A row that moved on meanwhile (returned, discarded, approved by
    another, resubmitted) undoes that attempt, and the approval is decided again on the row
    read under lock, as is a copy that is not approvable (the refusal then says what is true
    now). The caller's object is never changed: the approved message is returned.
    """
    now = (now or timezone.now()).replace(microsecond=0)
    approve = {"actor": actor, "override_warnings": override_warnings, "comment": comment}
    if message.submitted_at is not None and _may_approve(actor, message):
        try:
            with transaction.atomic():
                return _approve(
                    copy.copy(message), **approve, now=now, submitted_at=message.submitted_at
                )
        except _SubmissionMovedOn:
            pass
    with transaction.atomic():
        message = _lock(message)
        _check_approval(actor, message)
        return _approve(message, **approve, now=now)


def _check_approval(actor: AbstractBaseUser, message: HSTMessage) -> None:
    """The four eyes and the status: PermissionDenied / ValidationError saying which fails."""
    if not permissions.is_sender_supervisor(actor, message):
        raise PermissionDenied(_("Only a supervisor of the sending NCB approves messages."))
    if not permissions.can_approve(actor, message):
        raise PermissionDenied(
            _("Four eyes: the approver neither wrote nor submitted the message.")
        )
    _require_status(message, MessageStatus.PENDING_APPROVAL)


def _may_approve(actor: AbstractBaseUser, message: HSTMessage) -> bool:
    """Whether `_check_approval` passes on the caller's copy (a refusal is then decided
    again on the locked row, and said from there)."""
    try:
        _check_approval(actor, message)
    except (PermissionDenied, ValidationError):
        return False
    return True


def _approve(
    message: HSTMessage,
    *,
    actor: AbstractBaseUser,
    override_warnings: bool,
    comment: str,
    now: dt.datetime,
    submitted_at: dt.datetime | None = None,
) -> HSTMessage:
    """`message_approve`'s writes, in the caller's transaction, on a message found approvable:
    the row read under lock, or (`submitted_at`) a copy whose row is written only if it still
    holds that submission (`_SubmissionMovedOn` otherwise: the transaction must be undone)."""
    from messages_hst import pipeline, tracking

    message.document = {**message.document, "created_at": compose.rfc3339(now)}
    # Read once for the validation's "known here" and the deliveries' transports.
    ncbs = pipeline.recipient_ncbs(message.document)
    problems = message_validate(message, now=now, ncbs=ncbs)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        raise HSTValidationError(errors)
    if problems and not override_warnings:
        raise HSTValidationError(
            problems,
            extra={
                "override_warnings": [
                    _("The message has warnings: confirm that it may be sent anyway.")
                ]
            },
        )
    message.problems = [problem.as_dict() for problem in problems]
    # Approved and, in the same transaction, queued: its deliveries are promised below.
    message.status = MessageStatus.QUEUED
    message.approved_by = actor
    message.approved_at = now
    message.warnings_overridden = bool(problems)
    message.updated_at = timezone.now()
    # The row first, in one UPDATE without save()'s per-call compilation (the exchange's
    # hottest write): a copy's conditional write is what a second approval of the same
    # submission waits on, and then finds moved on, before it writes anything else.
    if submitted_at is None:
        update_each([message], APPROVAL_FIELDS)
    else:
        still_pending = {"status": MessageStatus.PENDING_APPROVAL, "submitted_at": submitted_at}
        if not update_each([message], APPROVAL_FIELDS, only_if=still_pending):
            raise _SubmissionMovedOn
    pipeline.schedule_delivery(message, save_status=False, ncbs=ncbs)
    audit_record(
        actor=actor,
        action=AuditAction.APPROVE,
        obj=message,
        purpose=comment,
        details={
            "message_type": message.message_type,
            "recipients": len(message.document.get("recipients") or []),
            "warnings_overridden": message.warnings_overridden,
        },
    )
    if message.message_type == MessageType.CANCEL and message.supersedes:
        _mark_cancelled(message, actor=actor)
    if message.message_type == MessageType.REQUEST:
        tracking.track_sent_request(message)
    elif message.message_type == MessageType.REPLY:
        # The items we owed close when our answer is approved (it is sent from now on).
        tracking.apply_reply(
            ncb=message.sender_ncb,
            reply_document=message.document,
            direction=RequestDirection.RECEIVED,
            now=now,
        )
    return message


def _mark_cancelled(cancel: HSTMessage, *, actor: AbstractBaseUser) -> None:
    """The message a CANCEL supersedes is CANCELLED (kept: its deliveries run their course)."""
    original = (
        HSTMessage.objects.select_for_update()
        .filter(
            message_id=cancel.supersedes,
            sender_ncb_id=cancel.sender_ncb_id,
            status__in=(MessageStatus.APPROVED, MessageStatus.QUEUED, MessageStatus.DISPATCHED),
        )
        .first()
    )
    if original is None:
        return
    original.status = MessageStatus.CANCELLED
    original.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=original,
        details={"transition": "cancelled", "by_message": str(cancel.message_id)},
    )


def message_return(*, actor: AbstractBaseUser, message: HSTMessage, comment: str) -> HSTMessage:
    """Return a message awaiting approval to its author for correction (→ DRAFT), with a
    comment saying what to change (required). Same rule as approving. Audited (UPDATE)."""
    comment = str(comment or "").strip()
    with transaction.atomic():
        message = _lock(message)
        if not permissions.can_return(actor, message):
            raise PermissionDenied(
                _("A message is returned by a supervisor of the sending NCB, not its author.")
            )
        _require_status(message, MessageStatus.PENDING_APPROVAL)
        if not comment:
            raise ValidationError({"comment": [_("Say what needs correcting.")]})
        message.status = MessageStatus.DRAFT
        message.returned_by = actor
        message.returned_at = timezone.now()
        message.return_comment = comment
        message.save(
            update_fields=["status", "returned_by", "returned_at", "return_comment", "updated_at"]
        )
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=message, details={"transition": "return"}
        )
    return message


def message_discard(*, actor: AbstractBaseUser, message: HSTMessage) -> HSTMessage:
    """Discard a message not yet approved (COMPOSING, DRAFT or PENDING_APPROVAL → DISCARDED);
    officers and supervisors of the sender NCB. The row stays for the audit trail. Audited
    (DELETE)."""
    with transaction.atomic():
        message = _lock(message)
        if not permissions.can_change_message(actor, message):
            raise PermissionDenied
        _require_status(
            message,
            MessageStatus.COMPOSING,
            MessageStatus.DRAFT,
            MessageStatus.PENDING_APPROVAL,
        )
        previous = message.status
        message.status = MessageStatus.DISCARDED
        message.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=message,
            details={"transition": "discard", "from": previous},
        )
    return message


def stored_problems(message: HSTMessage) -> list[dict[str, str]]:
    """The problems stored at the last save, as dicts (for adapters)."""
    return [problem_dict(problem) for problem in message.problems]


# Composing, follow-ups and system messages are services of the same lifecycle; importable
# from here as well as from `messages_hst.services`.
from messages_hst.services.composing import (  # noqa: E402
    message_compose_build,
    message_compose_start,
)
from messages_hst.services.follow_ups import (  # noqa: E402
    FOLLOW_UP_TYPES,
    message_follow_up_start,
    reply_start,
)
from messages_hst.services.system import system_message_send  # noqa: E402

__all__ = [
    "FOLLOW_UP_TYPES",
    "message_approve",
    "message_compose_build",
    "message_compose_start",
    "message_discard",
    "message_follow_up_start",
    "message_return",
    "message_submit",
    "message_update_draft",
    "message_validate",
    "reply_start",
    "system_message_send",
]
