"""The decisions on an outgoing message, each a POST that redirects back to the message:
submit, approve (four eyes, warnings overridden explicitly), return with a comment, discard,
start a follow-up, requeue a dead or rejected delivery.

Who may do what is the services' decision (`messages_hst.permissions` checked again there):
a PermissionDenied shows the 403 page, a ValidationError the message page with the errors.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from messages_hst import selectors, services
from messages_hst.choices import MessageType
from messages_hst.forms import (
    ApproveForm,
    DiscardForm,
    FollowUpForm,
    RequeueForm,
    ReturnForm,
    SubmitForm,
)
from messages_hst.pipeline import delivery_requeue
from messages_hst.views.common import forbidden, identity_visible
from messages_hst.views.detail import approval_warnings, render_message_page
from messages_hst.views.presenting import shown_problems


def _message_for_change(request, message_id):
    """The message if the user reads it (404 otherwise); whether they may act on it is the
    service's decision (403 otherwise), so an analyst learns why the button is not theirs."""
    return selectors.message_get_for_user(user=request.user, message_id=message_id)


def _back(message):
    return redirect("messages_hst:detail", message_id=message.message_id)


def _refused(request, message, form, error: ValidationError):
    """The message page again, with the reasons a field-less decision was refused (HST
    problems as the reader may see them)."""
    problems = getattr(error, "problems", None)
    if problems:
        shown = shown_problems(
            problems, message.document, identity_visible=identity_visible(request, message.case)
        )
        errors = [f"{problem['path'] or '/'}: {problem['message']}" for problem in shown]
    else:
        form.add_service_errors(error)
        errors = [str(text) for field_errors in form.errors.values() for text in field_errors]
    return render_message_page(request, message, action_errors=errors, status=400)


@require_POST
def message_submit(request, message_id):
    """Submit a draft for approval; its errors block, listed on the page."""
    message = _message_for_change(request, message_id)
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        services.message_submit(actor=request.user, message=message)
    except PermissionDenied:
        return forbidden(request, _("Only an officer or supervisor of the sender NCB submits."))
    except ValidationError as exc:
        return _refused(request, message, form, exc)
    messages.success(request, _("Submitted for approval by a supervisor of your NCB."))
    return _back(message)


@require_POST
def message_approve(request, message_id):
    """Approve (a supervisor who neither wrote nor submitted it): the message is frozen,
    signed and queued for every recipient."""
    message = _message_for_change(request, message_id)
    form = ApproveForm(request.POST, warnings=approval_warnings(request, message))
    if not form.is_valid():
        return render_message_page(request, message, approve_form=form, status=400)
    try:
        services.message_approve(
            actor=request.user,
            message=message,
            override_warnings=form.cleaned_data.get("override_warnings", False),
            comment=form.cleaned_data["comment"],
        )
    except PermissionDenied:
        return forbidden(
            request, _("A different supervisor of the sender NCB must approve this message.")
        )
    except ValidationError as exc:
        problems = shown_problems(
            getattr(exc, "problems", []),
            message.document,
            identity_visible=identity_visible(request, message.case),
        )
        warnings = [problem for problem in problems if problem.get("severity") == "warning"]
        if warnings and not form.warnings:
            # New warnings since the page was shown: ask for the override again.
            form = ApproveForm(request.POST, warnings=warnings)
            form.is_valid()
        else:
            form.add_service_errors(exc)
        return render_message_page(request, message, approve_form=form, status=400)
    messages.success(request, _("Approved. The message is being signed and delivered."))
    return _back(message)


@require_POST
def message_return(request, message_id):
    """Return the message to its author with what to correct."""
    message = _message_for_change(request, message_id)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return render_message_page(request, message, return_form=form, status=400)
    try:
        services.message_return(
            actor=request.user, message=message, comment=form.cleaned_data["comment"]
        )
    except PermissionDenied:
        return forbidden(
            request, _("A different supervisor of the sender NCB decides on this message.")
        )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return render_message_page(request, message, return_form=form, status=400)
    messages.success(request, _("Returned to its author for correction."))
    return _back(message)


@require_POST
def message_discard(request, message_id):
    """Discard a draft (kept, marked DISCARDED, never sent)."""
    message = _message_for_change(request, message_id)
    form = DiscardForm(request.POST)
    form.is_valid()
    try:
        services.message_discard(actor=request.user, message=message)
    except PermissionDenied:
        return forbidden(request, _("Only an officer or supervisor of the sender NCB discards."))
    except ValidationError as exc:
        return _refused(request, message, form, exc)
    messages.success(request, _("The draft was discarded."))
    return _back(message)


@require_POST
def message_follow_up(request, message_id):
    """Start an UPDATE, CORRECTION, CANCEL, CLOSE or REMINDER of an approved message; the new
    draft is built in the background and opens in the editor, which waits for it."""
    message = _message_for_change(request, message_id)
    form = FollowUpForm(request.POST, original_type=message.message_type)
    if not form.is_valid():
        return render_message_page(request, message, follow_up_form=form, status=400)
    try:
        follow_up = services.message_follow_up_start(
            actor=request.user, original=message, **form.service_kwargs()
        )
    except PermissionDenied:
        return forbidden(request, _("Only an officer or supervisor of the sender NCB follows up."))
    except ValidationError as exc:
        form.add_service_errors(exc)
        return render_message_page(request, message, follow_up_form=form, status=400)
    messages.success(
        request,
        _("%(type)s started; the draft is being prepared.")
        % {"type": MessageType(follow_up.message_type).label},
    )
    return redirect("messages_hst:edit", message_id=follow_up.message_id)


@require_POST
def delivery_requeue_view(request, delivery_id):
    """Put a DEAD or REJECTED delivery back in the queue with a new deadline (supervisors of
    the sender NCB)."""
    delivery = selectors.delivery_get_for_user(user=request.user, delivery_id=delivery_id)
    form = RequeueForm(request.POST)
    form.is_valid()
    try:
        delivery_requeue(actor=request.user, delivery=delivery)
    except PermissionDenied:
        return forbidden(request, _("Only a supervisor of the sender NCB requeues a delivery."))
    except ValidationError as exc:
        return _refused(request, delivery.message, form, exc)
    messages.success(
        request,
        _("The delivery to %(ncb)s is queued again.") % {"ncb": delivery.recipient_ncb.code},
    )
    return _back(delivery.message)
