"""Messages that follow an earlier one: UPDATE, CORRECTION, CANCEL, CLOSE, REMINDER after a
message we sent (or UPDATE / CLOSE after one we received), and the REPLY to a REQUEST we
received (HST.md §5). They start COMPOSING like any message and go through the same
approval; the compose task builds their body (`messages_hst.compose.follow_ups`)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from messages_hst import compose, permissions
from messages_hst.choices import SENT_STATUSES, InboundStatus, MessageStatus, MessageType
from messages_hst.models import HSTMessage, InboundMessage
from messages_hst.services.composing import _start

FOLLOW_UP_TYPES = (
    MessageType.UPDATE,
    MessageType.CORRECTION,
    MessageType.CANCEL,
    MessageType.CLOSE,
    MessageType.REMINDER,
)
# Only the sender of a message corrects or cancels it (HST.md §5); only the requester reminds.
SENDER_ONLY_TYPES = (MessageType.CORRECTION, MessageType.CANCEL, MessageType.REMINDER)
CANCEL_INSTRUCTIONS = ("RESTRICT", "DELETE", "DISREGARD")
# A received message that passed the checks; only those are followed up or answered.
ANSWERABLE_INBOUND = (InboundStatus.TRIAGE, InboundStatus.ACCEPTED, InboundStatus.PROCESSED)


def message_follow_up_start(
    *,
    actor: AbstractBaseUser,
    original: HSTMessage | InboundMessage,
    message_type: str,
    recipients: Sequence[str] | None = None,
    priority: str | None = None,
    language: str | None = None,
    include_victim_identity: bool = False,
    request_refs: Sequence[str] = (),
    instruction: str = "",
    reason: str = "",
    subject: str = "",
) -> HSTMessage:
    """Start a follow-up of `original` (obtained from a message selector) by the actor's NCB.

    - UPDATE, CLOSE: after an approved message of the actor's NCB or a message it received
      (to that message's sender); CORRECTION, CANCEL (`instruction` RESTRICT / DELETE /
      DISREGARD, `reason`): only after the NCB's own approved message, which it supersedes;
      REMINDER: only after the NCB's own REQUEST (`request_refs`: the items to remind,
      default all).
    - Recipients default to the original's recipients (the sender, for a received message);
      priority and language to the original's. The thread keeps the original's case id.
    Officers and supervisors of the NCB; COMPOSING as `message_compose_start`. Audited.
    """
    officer = permissions.message_author(actor)
    if officer is None:
        raise PermissionDenied(_("Only officers and supervisors of an NCB write messages."))
    if message_type not in FOLLOW_UP_TYPES:
        raise ValidationError(
            {
                "message_type": [
                    _("A follow-up is one of: %(types)s.") % {"types": ", ".join(FOLLOW_UP_TYPES)}
                ]
            }
        )
    if isinstance(original, InboundMessage):
        if original.recipient_ncb_id != officer.ncb_id:
            raise PermissionDenied
        if message_type in SENDER_ONLY_TYPES:
            raise ValidationError(
                {"message_type": [_("Only the NCB that sent a message may %(action)s it.") %
                                  {"action": MessageType(message_type).label.lower()}]}
            )  # fmt: skip
        _require_answerable(original)
        document, case = original.document or {}, original.case
        default_recipients = [original.sender_code]
    else:
        if original.sender_ncb_id != officer.ncb_id:
            raise PermissionDenied
        if original.status not in (*SENT_STATUSES, MessageStatus.CANCELLED):
            raise ValidationError({"original": [_("Only a message already approved.")]})
        if message_type == MessageType.CANCEL and original.status == MessageStatus.CANCELLED:
            raise ValidationError({"original": [_("This message is already cancelled.")]})
        if message_type == MessageType.REMINDER and original.message_type != MessageType.REQUEST:
            raise ValidationError({"message_type": [_("Only a REQUEST is reminded.")]})
        document, case = original.document, original.case
        default_recipients = [r.get("ncb_code") for r in document.get("recipients") or []]
    if message_type == MessageType.CANCEL and (instruction or "DISREGARD") not in (
        CANCEL_INSTRUCTIONS
    ):
        raise ValidationError({"instruction": [_("RESTRICT, DELETE or DISREGARD.")]})
    original_id = str(document.get("message_id") or original.message_id)
    unknown = sorted(set(request_refs) - set(compose.request_refs(document)))
    if unknown:
        raise ValidationError(
            {"request_refs": [_("Not in the request: %(refs)s.") % {"refs": ", ".join(unknown)}]}
        )
    thread = compose.thread_block(
        in_reply_to=original_id if message_type == MessageType.REMINDER else None,
        supersedes=original_id if message_type in (MessageType.CORRECTION, MessageType.CANCEL)
        else None,
        references=[original_id] if message_type in (MessageType.UPDATE, MessageType.CLOSE)
        else (),
        sequence_no=_next_sequence(document),
    )  # fmt: skip
    return _start(
        actor=actor,
        sender_ncb=officer.ncb,
        case=case if case is not None and case.owner_ncb_id == officer.ncb_id else None,
        message_type=message_type,
        recipients=list(recipients) if recipients else default_recipients,
        priority=priority or document.get("priority") or original.priority,
        language=language or document.get("language") or "en",
        subject=subject,
        thread=thread,
        hst_case=_thread_case(document, case),
        options={
            "original_id": original_id,
            "include_victim_identity": bool(include_victim_identity),
            "request_refs": list(request_refs),
            "instruction": instruction or "",
            "reason": (reason or "").strip(),
        },
    )


def reply_start(*, actor: AbstractBaseUser, inbound: InboundMessage) -> HSTMessage:
    """Start the REPLY to a REQUEST received by the actor's NCB (officers and supervisors):
    to the requester, in its thread and language, at its priority, with one outcome to fill
    in per request item. Only a REQUEST that passed the checks (triage onwards). Audited."""
    officer = permissions.message_author(actor)
    if officer is None or inbound.recipient_ncb_id != officer.ncb_id:
        raise PermissionDenied
    if inbound.message_type != MessageType.REQUEST:
        raise ValidationError({"inbound": [_("Only a REQUEST is answered by a REPLY.")]})
    _require_answerable(inbound)
    document = inbound.document or {}
    case = inbound.case if inbound.case and inbound.case.owner_ncb_id == officer.ncb_id else None
    return _start(
        actor=actor,
        sender_ncb=officer.ncb,
        case=case,
        message_type=MessageType.REPLY,
        recipients=[inbound.sender_code],
        priority=document.get("priority") or inbound.priority or "ROUTINE",
        language=document.get("language") or "en",
        subject=(_("Reply: %(subject)s") % {"subject": inbound.subject or ""})[:200],
        thread=compose.thread_block(
            in_reply_to=inbound.message_id, sequence_no=_next_sequence(document)
        ),
        hst_case=_thread_case(document, case),
        options={"original_id": str(inbound.message_id)},
    )


def _require_answerable(inbound: InboundMessage) -> None:
    if inbound.status not in ANSWERABLE_INBOUND or not inbound.is_original:
        raise ValidationError(
            {"inbound": [_("This message did not pass the checks; it cannot be answered.")]}
        )


def _next_sequence(document) -> int | None:
    number = (document.get("thread") or {}).get("sequence_no")
    return number + 1 if isinstance(number, int) and not isinstance(number, bool) else None


def _thread_case(document, case) -> dict | None:
    """The thread keeps its case id (HST.md §2: stable across the thread); our own case
    reference goes with it when the message concerns one of our cases."""
    hst_case_id = (document.get("case") or {}).get("hst_case_id")
    if not hst_case_id:
        return compose.case_block(case)
    return compose.case_block(case, hst_case_id=hst_case_id)
