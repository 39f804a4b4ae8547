"""Tracked requests: what the NCB asked partners and what it owes them, overdue first, with
a REMINDER for a partner that has not answered (issue 5 item 7)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from messages_hst import permissions, tracking
from messages_hst.choices import RequestDirection, RequestOutcome
from messages_hst.models import TrackedRequest
from messages_hst.views.common import forbidden, no_message_access


def _tracked_list(user) -> QuerySet[TrackedRequest]:
    """Open items of the user's NCB by due date (none: last). One query."""
    if hasattr(tracking, "tracked_request_list_for_user"):
        return tracking.tracked_request_list_for_user(user=user)
    officer = permissions.message_reader(user)
    if officer is None:
        return TrackedRequest.objects.none()
    return (
        TrackedRequest.objects.filter(ncb_id=officer.ncb_id, outcome=RequestOutcome.OPEN)
        .select_related("case")
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )


def _tracked_get(user, tracked_id) -> TrackedRequest:
    if hasattr(tracking, "tracked_request_get_for_user"):
        return tracking.tracked_request_get_for_user(user=user, tracked_id=tracked_id)
    officer = permissions.message_reader(user)
    if officer is None:
        raise Http404
    try:
        return TrackedRequest.objects.get(pk=tracked_id, ncb_id=officer.ncb_id)
    except TrackedRequest.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def request_list(request):
    """Open requests of the reader's NCB, both directions, overdue first."""
    denied = no_message_access(request)
    if denied is not None:
        return denied
    today = timezone.localdate()
    rows = list(_tracked_list(request.user))
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
    """Start a REMINDER of a request we sent; the draft opens when it is ready."""
    tracked = _tracked_get(request.user, tracked_id)
    try:
        reminder = tracking.request_reminder_start(actor=request.user, tracked=tracked)
    except PermissionDenied:
        return forbidden(request, _("Only officers and supervisors of your NCB send reminders."))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("messages_hst:requests")
    messages.success(request, _("Reminder started; the draft is being prepared."))
    return redirect("messages_hst:detail", message_id=reminder.message_id)
