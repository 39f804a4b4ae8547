"""Starting a message and building its draft: COMPOSING → DRAFT (HST.md §6).

`message_compose_start` (and the follow-up and reply services, through `_start`) writes the
envelope and enqueues `tasks.compose_message` on commit; `message_compose_build`, the task's
body, builds the body and handling with the author's rights (`messages_hst.compose`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence

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
from messages_hst.services.checks import message_validate
from messages_hst.validation import with_computed_flags
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction
from ncb_cases.models import Case
from ncb_cases.selectors import victim_identity_permitted, visible_cases

logger = logging.getLogger(__name__)

CASE_TYPES = compose.CASE_TYPES
# Compose parameters kept on the COMPOSING row until the task has built the draft.
COMPOSE_KEY = "x_compose"
# A message still COMPOSING after this long lost its build task: the relay enqueues it again.
RELAY_AFTER = dt.timedelta(minutes=2)


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
        details = {"message_type": message_type, "recipients": len(recipient_blocks)}
        if options.get("include_victim_identity"):
            details["include_victim_identity"] = True
        audit_record(actor=actor, action=AuditAction.CREATE, obj=message, details=details)
        pk = message.pk
        transaction.on_commit(lambda: _enqueue_compose(pk))
    return message


def _enqueue_compose(message_pk: int) -> bool:
    """Enqueue the build; a broker that is down costs a log line, not the author's request:
    `message_compose_relay` finds the message still COMPOSING and enqueues it again."""
    from messages_hst.pipeline.queueing import enqueue

    return enqueue("compose_message", message_pk)


def message_compose_relay(
    *, older_than: dt.timedelta = RELAY_AFTER, now: dt.datetime | None = None
) -> int:
    """Enqueue the build of every message COMPOSING for longer than `older_than` (the
    enqueue after the start was lost, or its worker died); the build is idempotent, so a
    message enqueued twice is built once. Returns how many were enqueued. One query plus one
    enqueue each."""
    cutoff = (now or timezone.now()) - older_than
    stuck = HSTMessage.objects.filter(
        status=MessageStatus.COMPOSING, updated_at__lt=cutoff
    ).values_list("pk", flat=True)
    return sum(_enqueue_compose(pk) for pk in stuck)


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
