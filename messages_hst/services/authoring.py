"""Writing an outgoing message: compose, edit, submit, approve (four eyes), return, discard.

The lifecycle of HST.md §6: COMPOSING (the draft is being built from the case by a task) →
DRAFT → PENDING_APPROVAL → APPROVED by a supervisor of the sender NCB who neither wrote nor
submitted it, when the pipeline takes over (QUEUED, DISPATCHED); returned for correction →
DRAFT; DISCARDED. From approval on the document never changes (HST.md principle 2): a change
is a new message (`messages_hst.services.follow_ups`).

Every service validates the whole document (`message_validate`: the four levels of HST.md §8,
earlier messages from `known_messages_for`), writes in one transaction with its audit row
(never content in the details), and raises `HSTValidationError` / `PermissionDenied`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import NationalCentralBureau
from messages_hst import compose, permissions
from messages_hst.choices import MessageStatus, MessageType, Priority
from messages_hst.models import HSTMessage
from messages_hst.selectors import known_messages_for
from messages_hst.services._common import HSTValidationError, problem_dict
from messages_hst.validation import Problem, has_errors, validate_message, with_computed_flags
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction
from ncb_cases.models import Case
from ncb_cases.selectors import victim_identity_permitted, visible_cases

logger = logging.getLogger(__name__)

CASE_TYPES = compose.CASE_TYPES
# Envelope fields the system owns: an edit of the draft never changes them.
SYSTEM_OWNED_FIELDS = ("hst_version", "message_id", "message_type", "sender", "created_at", "case")
# Compose parameters kept on the COMPOSING row until the task has built the draft.
COMPOSE_KEY = "x_compose"


def message_validate(message: HSTMessage, *, now: dt.datetime | None = None) -> list[Problem]:
    """Every problem of the message's document (HST.md §8), with earlier messages of the
    sender NCB known for the thread checks, plus what only this instance knows: every
    recipient is an NCB known here, and not the sender itself. Pure read."""
    problems = validate_message(
        message.document,
        known_messages=known_messages_for(message.sender_ncb),
        now=now or timezone.now(),
    )
    return problems + _recipient_problems(message)


def _recipient_problems(message: HSTMessage) -> list[Problem]:
    recipients = message.document.get("recipients")
    if not isinstance(recipients, list):
        return []  # the schema says so already
    codes = {
        index: recipient.get("ncb_code")
        for index, recipient in enumerate(recipients)
        if isinstance(recipient, Mapping) and isinstance(recipient.get("ncb_code"), str)
    }
    known = set(
        NationalCentralBureau.objects.filter(code__in=set(codes.values())).values_list(
            "code", flat=True
        )
    )
    problems = []
    for index, code in codes.items():
        path = f"/recipients/{index}/ncb_code"
        if code == message.sender_ncb.code:
            problems.append(
                Problem(path, "recipient_is_sender", "error", _("an NCB does not write to itself"))
            )
        elif code not in known:
            problems.append(
                Problem(path, "unknown_recipient", "error", _("no NCB %(code)s is known here")
                        % {"code": code})
            )  # fmt: skip
    return problems


# --- Composing -------------------------------------------------------------------------------


def message_compose_start(
    *,
    actor: AbstractBaseUser,
    case: Case,
    message_type: str,
    recipients: Sequence[str | Mapping[str, str]],
    priority: str = Priority.ROUTINE,
    language: str = "en",
    include_victim_identity: bool = False,
    in_reply_to=None,
    supersedes=None,
    subject: str = "",
) -> HSTMessage:
    """Start a message of the actor's NCB about `case` (INFO, ALERT, REQUEST; follow-ups and
    replies start from `message_follow_up_start` / `reply_start`).

    The message is created COMPOSING and `messages_hst.tasks.compose_message` builds its draft
    from the case once this transaction commits. Needs an officer or supervisor of the NCB
    that owns the case (a case shared by another NCB is theirs to send). `recipients`: NCB
    codes (the first TO, the others CC) or `{"ncb_code", "role"}` dicts. Audited (CREATE).
    """
    officer = permissions.message_author(actor)
    if officer is None:
        raise PermissionDenied(_("Only officers and supervisors of an NCB write messages."))
    if message_type not in CASE_TYPES:
        raise ValidationError(
            {"message_type": [_("Compose one of: %(types)s.") % {"types": ", ".join(CASE_TYPES)}]}
        )
    _check_case(actor, officer.ncb_id, case)
    if message_type == MessageType.ALERT and priority not in (Priority.URGENT, Priority.FLASH):
        raise ValidationError({"priority": [_("An alert is URGENT or FLASH.")]})
    if include_victim_identity and not victim_identity_permitted(user=actor, case=case):
        raise ValidationError(
            {
                "include_victim_identity": [
                    _("You do not hold the victim-identity permission of this case.")
                ]
            }
        )
    return _start(
        actor=actor,
        sender_ncb=officer.ncb,
        case=case,
        message_type=message_type,
        recipients=recipients,
        priority=priority,
        language=language,
        subject=subject,
        thread=compose.thread_block(in_reply_to=in_reply_to, supersedes=supersedes),
        hst_case=compose.case_block(case),
        options={"include_victim_identity": bool(include_victim_identity)},
    )


def _check_case(actor: AbstractBaseUser, ncb_id: int, case: Case) -> None:
    if case is None or not visible_cases(actor).filter(pk=case.pk).exists():
        raise ValidationError({"case": [_("Choose a case of your NCB.")]})
    if case.owner_ncb_id != ncb_id:
        raise ValidationError(
            {"case": [_("This case belongs to another NCB: ask them to send the message.")]}
        )


def _start(
    *,
    actor: AbstractBaseUser,
    sender_ncb: NationalCentralBureau,
    case: Case | None,
    message_type: str,
    recipients,
    priority: str,
    language: str,
    subject: str,
    thread: dict,
    hst_case: dict | None,
    options: dict,
) -> HSTMessage:
    """Create the COMPOSING row (envelope only) and enqueue the task that builds the body."""
    errors: dict[str, list[str]] = {}
    recipient_blocks = compose.recipient_blocks(recipients, sender_ncb=sender_ncb, errors=errors)
    if priority not in Priority.values:
        errors["priority"] = [_("“%(value)s” is not one of the choices.") % {"value": priority}]
    language = str(language or "").strip().lower()
    if len(language) != 2 or not language.isalpha():
        errors["language"] = [_("Give a two-letter ISO 639-1 language code (en, fr, es, ar).")]
    subject = str(subject or "").strip()
    if len(subject) > 200:
        errors["subject"] = [_("At most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        message = HSTMessage(
            message_type=message_type,
            priority=priority,
            language=language,
            subject=subject or compose.default_subject(message_type, case),
            sender_ncb=sender_ncb,
            case=case,
            status=MessageStatus.COMPOSING,
            created_by=actor,
            in_reply_to=thread.get("in_reply_to"),
            supersedes=thread.get("supersedes"),
        )
        message.document = compose.envelope(
            message_id=message.message_id,
            message_type=message_type,
            sender_ncb=sender_ncb,
            recipients=recipient_blocks,
            priority=priority,
            language=language,
            subject=message.subject,
            hst_case=hst_case,
            thread=thread,
            now=now,
        )
        message.document[COMPOSE_KEY] = options
        message.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=message,
            details={"message_type": message_type, "recipients": len(recipient_blocks)},
        )
        pk = message.pk
        transaction.on_commit(lambda: _enqueue_compose(pk))
    return message


def _enqueue_compose(message_pk: int) -> None:
    from messages_hst.tasks import compose_message

    compose_message.delay(message_pk)


def message_compose_build(message_pk: int) -> HSTMessage | None:
    """Build the draft of a COMPOSING message (the body of `tasks.compose_message`).

    Idempotent: a message no longer COMPOSING (or deleted) is returned unchanged (None when
    deleted). The draft is built with the author's rights (`compose.draft_document`); its
    problems are stored. If building fails (the author lost access to the case, a bug), the
    message becomes a DRAFT with an empty body and the reason in `compose_error` (no personal
    data), so the author sees it and may discard or retry. Audited (UPDATE) as the system.
    """
    with transaction.atomic():
        message = (
            HSTMessage.objects.select_for_update(of=("self",))
            .select_related("sender_ncb", "case", "created_by")
            .filter(pk=message_pk)
            .first()
        )
        if message is None or message.status != MessageStatus.COMPOSING:
            return message
        envelope = dict(message.document)
        options = envelope.pop(COMPOSE_KEY, None) or {}
        try:
            original = None
            if options.get("original_id"):
                original = known_messages_for(message.sender_ncb)(options["original_id"])
            document = compose.build_body(
                message=message, envelope=envelope, options=options, original=original
            )
        except (Http404, PermissionDenied, ValidationError) as exc:
            document = {**envelope, "body": {}}
            message.compose_error = _compose_error(exc)
        except Exception as exc:  # a bug must not leave the message COMPOSING for ever
            logger.exception("HST compose failed for message %s", message.message_id)
            document = {**envelope, "body": {}}
            message.compose_error = _compose_error(exc)
        message.document = with_computed_flags(document)
        message.problems = [problem.as_dict() for problem in message_validate(message)]
        message.status = MessageStatus.DRAFT
        message.save(
            update_fields=["document", "problems", "compose_error", "status", "updated_at"]
        )
        audit_record(
            actor=None,
            action=AuditAction.UPDATE,
            obj=message,
            details={"transition": "composed", "failed": bool(message.compose_error)},
        )
    return message


def _compose_error(exc: Exception) -> str:
    if isinstance(exc, Http404 | PermissionDenied):
        return _("The author may no longer read the case; the draft could not be built.")
    if isinstance(exc, ValidationError):
        return _("The case data could not be turned into a message: %(fields)s.") % {
            "fields": ", ".join(sorted(getattr(exc, "error_dict", {}) or ["data"]))
        }
    return _("The draft could not be built (%(error)s).") % {"error": type(exc).__name__}


# --- Editing and the approval ----------------------------------------------------------------


def _lock(message: HSTMessage) -> HSTMessage:
    return (
        HSTMessage.objects.select_for_update(of=("self",))
        .select_related("sender_ncb", "case")
        .get(pk=message.pk)
    )


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
    dispatch enqueued on commit), `tracking.track_sent_request` for a REQUEST, a CANCEL
    marks the message it cancels CANCELLED, and the APPROVE audit row (the comment as its
    purpose).
    """
    from messages_hst import pipeline, tracking

    now = (now or timezone.now()).replace(microsecond=0)
    with transaction.atomic():
        message = _lock(message)
        if not permissions.is_sender_supervisor(actor, message):
            raise PermissionDenied(_("Only a supervisor of the sending NCB approves messages."))
        if not permissions.can_approve(actor, message):
            raise PermissionDenied(
                _("Four eyes: the approver neither wrote nor submitted the message.")
            )
        _require_status(message, MessageStatus.PENDING_APPROVAL)
        message.document = {**message.document, "created_at": compose.rfc3339(now)}
        problems = message_validate(message, now=now)
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
        message.status = MessageStatus.APPROVED
        message.approved_by = actor
        message.approved_at = now
        message.warnings_overridden = bool(problems)
        message.save(
            update_fields=[
                "document",
                "problems",
                "status",
                "approved_by",
                "approved_at",
                "warnings_overridden",
                "updated_at",
            ]
        )
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
        pipeline.schedule_delivery(message)
        if message.message_type == MessageType.REQUEST:
            tracking.track_sent_request(message)
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


# The follow-ups and system messages are services of the same lifecycle; importable from
# here as well as from `messages_hst.services`.
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
