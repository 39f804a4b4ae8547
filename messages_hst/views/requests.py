"""Tracked requests: what the NCB asked partners and what it owes them, overdue first, with
a REMINDER for a partner that has not answered (issue 5 item 7)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from messages_hst import permissions, tracking
from messages_hst.choices import RequestDirection
from messages_hst.views.common import forbidden, no_message_access


@require_GET
def request_list(request):
    """Open requests of the reader's NCB, both directions, overdue first."""
    denied = no_message_access(request)
    if denied is not None:
        return denied
    today = timezone.localdate()
    rows = list(tracking.tracked_request_list_for_user(user=request.user))
    for row in rows:
        row.is_overdue = row.due_on is not None and row.due_on < today
    rows.sort(key=lambda row: not row.is_overdue)
    return render(
        request,
        "messages_hst/request_list.html",
        {
            "sent": [row for row in rows if row.direction == RequestDirection.SENT],
            "received": [row for row in rows if row.direction == RequestDirection.RECEIVED],
            "can_remind": permissions.can_compose(request.user),
        },
    )


@require_POST
def request_reminder(request, tracked_id):
    """Start a REMINDER of a request we sent; it opens in the editor."""
    tracked = tracking.tracked_request_get_for_user(user=request.user, tracked_id=tracked_id)
    try:
        reminder = tracking.request_reminder_start(actor=request.user, tracked=tracked)
    except PermissionDenied:
        return forbidden(request, _("Only officers and supervisors of your NCB send reminders."))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("messages_hst:requests")
    messages.success(request, _("Reminder started; the draft is being prepared."))
    return redirect("messages_hst:edit", message_id=reminder.message_id)
