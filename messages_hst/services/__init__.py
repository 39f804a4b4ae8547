"""Every write of outgoing HST messages (DESIGN.md §2, HST.md §6).

Each service takes the acting user, checks the role rules of `messages_hst.permissions`
(PermissionDenied otherwise), validates the whole message (`HSTValidationError`, a
ValidationError keyed by field whose `.problems` are the HST problem dicts), writes in one
transaction with its audit row, and returns the message. Approval hands the message to
`messages_hst.pipeline.schedule_delivery` in the same transaction.

Triage of received messages lives in `messages_hst.services.triage`.
"""

from ._common import HSTValidationError, problem_dict
from .authoring import (
    message_approve,
    message_compose_build,
    message_compose_start,
    message_discard,
    message_return,
    message_submit,
    message_update_draft,
    message_validate,
)
from .follow_ups import FOLLOW_UP_TYPES, message_follow_up_start, reply_start
from .system import system_message_send

__all__ = [
    "FOLLOW_UP_TYPES",
    "HSTValidationError",
    "message_approve",
    "message_compose_build",
    "message_compose_start",
    "message_discard",
    "message_follow_up_start",
    "message_return",
    "message_submit",
    "message_update_draft",
    "message_validate",
    "problem_dict",
    "reply_start",
    "system_message_send",
]
