"""The page of an outgoing message: envelope, handling, validation, the deliveries followed
live, the signed receipts, the text rendering, and the actions the reader may take.

The deliveries are one HTML fragment (`message_deliveries`) that
`static/js/message-status.js` fetches every few seconds while a delivery is not final (no
inline script); the page itself is one audited read (`message_detail_for_user`).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from messages_hst import permissions, selectors, services
from messages_hst.choices import (
    FINAL_DELIVERY_STATUSES,
    SENT_STATUSES,
    DeliveryStatus,
    MessageStatus,
)
from messages_hst.formatting import render_text
from messages_hst.forms import ApproveForm, FollowUpForm, ReturnForm
from messages_hst.models import HSTMessage
from messages_hst.validation import with_computed_flags
from messages_hst.views.common import identity_visible
from messages_hst.views.presenting import shown_problems, summarise
from ncb_cases.audit import request_ip
from ncb_cases.selectors import visible_cases

REQUEUABLE = (DeliveryStatus.DEAD, DeliveryStatus.REJECTED)
PREVIEWED_STATUSES = (MessageStatus.DRAFT, MessageStatus.PENDING_APPROVAL)
# A message the system is still working on: the page follows it. Once every delivery is final
# nothing changes by itself any more (a message whose deliveries are all BLOCKED included).
MOVING_MESSAGE_STATUSES = (
    MessageStatus.COMPOSING,
    MessageStatus.APPROVED,
    MessageStatus.QUEUED,
)


def approval_warnings(request: HttpRequest, message: HSTMessage) -> list[dict]:
    """The warnings an approver must override: the document validated now, as approval will
    validate it (the stored problems are those of the last save)."""
    if message.status != MessageStatus.PENDING_APPROVAL:
        return []
    warnings = [
        problem.as_dict()
        for problem in services.message_validate(message)
        if problem.severity == "warning"
    ]
    return shown_problems(
        warnings, message.document, identity_visible=identity_visible(request, message.case)
    )


def preview_rendering(message: HSTMessage) -> str:
    """The text a draft would be sent as (unsigned, flags computed), for its author and its
    approver; "" when the draft cannot be rendered yet (an incomplete body)."""
    if message.rendering or message.status not in PREVIEWED_STATUSES:
        return ""
    if not isinstance(message.document, dict) or not message.document.get("body"):
        return ""
    try:
        return render_text(with_computed_flags(message.document))
    except (KeyError, TypeError, ValueError):
        return ""


def deliveries_context(request: HttpRequest, message: HSTMessage) -> dict:
    """The deliveries fragment's context: each delivery with its attempts, and whether the
    page should keep polling."""
    deliveries = list(selectors.delivery_list_for_message(user=request.user, message=message))
    if deliveries:
        moving = any(delivery.status not in FINAL_DELIVERY_STATUSES for delivery in deliveries)
    else:
        moving = message.status in MOVING_MESSAGE_STATUSES
    return {
        "message": message,
        "deliveries": deliveries,
        "attempted": any(delivery.attempts for delivery in deliveries),
        "live": moving,
        "may_requeue": permissions.is_sender_supervisor(request.user, message),
        "requeuable": REQUEUABLE,
    }


def render_message_page(
    request: HttpRequest,
    message: HSTMessage,
    *,
    approve_form: ApproveForm | None = None,
    return_form: ReturnForm | None = None,
    follow_up_form: FollowUpForm | None = None,
    action_errors=None,
    status: int = 200,
) -> HttpResponse:
    """The message page; a refused action passes its bound form to show the errors."""
    user = request.user
    visible = identity_visible(request, message.case)
    pending = message.status == MessageStatus.PENDING_APPROVAL
    can_approve = pending and permissions.can_approve(user, message)
    if approve_form is not None:
        warnings = approve_form.warnings
    else:
        warnings = approval_warnings(request, message) if can_approve else []
    problems = shown_problems(message.problems, message.document, identity_visible=visible)
    is_draft = message.status == MessageStatus.DRAFT
    can_change = permissions.can_change_message(user, message)
    can_follow_up = (
        message.status in SENT_STATUSES
        and not message.system_generated
        and permissions.can_change_message(user, message)
    )
    summary = summarise(message.document, identity_visible=visible)
    context = {
        "message": message,
        "summary": summary,
        "preview": "" if summary.rendering_withheld else preview_rendering(message),
        "warnings": warnings,
        "problems": problems,
        "errors": [problem for problem in problems if problem.get("severity") != "warning"],
        "can_submit": is_draft and can_change and not message.compose_error,
        "can_edit": is_draft and can_change,
        "can_discard": message.status in (MessageStatus.DRAFT, MessageStatus.PENDING_APPROVAL)
        and can_change,
        "can_approve": can_approve,
        "approval_blocked_for_author": pending
        and permissions.is_sender_supervisor(user, message)
        and not can_approve,
        "approve_form": approve_form or ApproveForm(warnings=warnings),
        "return_form": return_form or ReturnForm(),
        "can_follow_up": can_follow_up,
        "follow_up_form": follow_up_form or FollowUpForm(original_type=message.message_type),
        "action_errors": action_errors or [],
        "case_readable": message.case is not None
        and visible_cases(request.user).filter(pk=message.case_id).exists(),
        **deliveries_context(request, message),
    }
    return render(request, "messages_hst/message_detail.html", context, status=status)


@require_GET
def message_detail(request, message_id):
    """An outgoing message of the reader's NCB (404 otherwise). One audited VIEW."""
    message = selectors.message_detail_for_user(
        user=request.user, message_id=message_id, ip=request_ip(request)
    )
    return render_message_page(request, message)


@never_cache
@require_GET
def message_deliveries(request, message_id):
    """The deliveries fragment the page polls (statuses, attempts, receipts: no content)."""
    message = selectors.message_get_for_user(user=request.user, message_id=message_id)
    response = render(
        request, "messages_hst/_deliveries.html", deliveries_context(request, message)
    )
    response["X-Robots-Tag"] = "noindex"
    return response
