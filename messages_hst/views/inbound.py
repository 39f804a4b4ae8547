"""The page of a received message and its triage: the signature verdict, the problems, the
raw bytes' SHA-256, the content (protected persons masked), then accept — optionally
importing persons, phones and documents into a new or existing case, whose cross-case matches
show afterwards — or reject with reason codes; a REQUEST is answered with a REPLY.

Reads through `messages_hst.selectors` (the recipient NCB's people only, 404 otherwise),
writes through `messages_hst.services.triage` and `messages_hst.services.reply_start`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from contacts.permissions import officer_of
from messages_hst import permissions, selectors, services
from messages_hst.choices import InboundStatus, MessageType
from messages_hst.formatting import render_text
from messages_hst.forms import FollowUpForm, InboundAcceptForm, InboundRejectForm
from messages_hst.models import InboundMessage
from messages_hst.services import triage
from messages_hst.views.common import forbidden, identity_visible
from messages_hst.views.presenting import importable_items, shown_problems, summarise
from ncb_cases.audit import request_ip
from ncb_cases.matching import case_matches_for_user
from ncb_cases.selectors import editable_cases, visible_cases

REPLYABLE = (InboundStatus.TRIAGE, InboundStatus.ACCEPTED)
# A received message that passed the checks is answered or followed up (not a quarantined one).
FOLLOWABLE = (InboundStatus.TRIAGE, InboundStatus.ACCEPTED, InboundStatus.PROCESSED)


def _target_cases(request: HttpRequest):
    """The cases a triage may import into: those the user may change, of their own NCB."""
    officer = officer_of(request.user)
    cases = editable_cases(request.user).order_by("-updated_at")
    if officer is not None:
        cases = cases.filter(owner_ncb_id=officer.ncb_id)
    return cases.only("id", "public_id", "reference", "title")


def _accept_form(request: HttpRequest, inbound: InboundMessage, data=None) -> InboundAcceptForm:
    return InboundAcceptForm(
        data,
        cases=_target_cases(request),
        importable=importable_items(inbound.document, identity_visible=False),
    )


def _rendering(inbound: InboundMessage) -> str:
    if not isinstance(inbound.document, dict):
        return ""
    try:
        return render_text(inbound.document)
    except (KeyError, TypeError, ValueError):
        # A quarantined message may not have the shape the renderer needs; the raw bytes
        # and the problems are shown instead.
        return ""


def render_inbound_page(
    request: HttpRequest,
    inbound: InboundMessage,
    *,
    accept_form: InboundAcceptForm | None = None,
    reject_form: InboundRejectForm | None = None,
    follow_up_form: FollowUpForm | None = None,
    status: int = 200,
) -> HttpResponse:
    visible = identity_visible(request, inbound.case)
    summary = summarise(inbound.document, identity_visible=visible)
    may_triage = permissions.can_triage(request.user, inbound)
    can_triage = may_triage and inbound.status == InboundStatus.TRIAGE
    # A quarantined message is never accepted, but its sender may be told why (REJECTED).
    can_reject = may_triage and inbound.status in triage.REJECTABLE_STATUSES
    case_readable = (
        inbound.case is not None
        and visible_cases(request.user).filter(pk=inbound.case_id).exists()
    )
    context = {
        "inbound": inbound,
        "summary": summary,
        "problems": shown_problems(inbound.problems, inbound.document, identity_visible=visible),
        "rendering": "" if summary.rendering_withheld else _rendering(inbound),
        "can_triage": can_triage,
        "can_reject": can_reject,
        "accept_form": accept_form or (_accept_form(request, inbound) if can_triage else None),
        "reject_form": reject_form or InboundRejectForm(),
        "can_reply": inbound.message_type == MessageType.REQUEST
        and inbound.status in REPLYABLE
        and permissions.can_triage(request.user, inbound),
        "can_follow_up": may_triage
        and inbound.is_original
        and inbound.status in FOLLOWABLE
        and inbound.message_type not in (MessageType.RECEIPT, MessageType.RESPONSE),
        "follow_up_form": follow_up_form or FollowUpForm(received=True),
        "case_readable": case_readable,
        "matches": case_matches_for_user(user=request.user, case=inbound.case)
        if case_readable and inbound.status == InboundStatus.ACCEPTED
        else [],
        "open_form": "accept" if accept_form else "reject" if reject_form else "",
    }
    return render(request, "messages_hst/inbound_detail.html", context, status=status)


@require_GET
def inbound_detail(request, public_id):
    """A message received by the reader's NCB (404 otherwise). One audited VIEW."""
    inbound = selectors.inbound_detail_for_user(
        user=request.user, public_id=public_id, ip=request_ip(request)
    )
    return render_inbound_page(request, inbound)


def _back(inbound: InboundMessage):
    return redirect("messages_hst:inbound", public_id=inbound.public_id)


@require_POST
def inbound_accept(request, public_id):
    """Accept the message; import what was ticked into the chosen case. The sender receives
    the RESPONSE."""
    inbound = selectors.inbound_get_for_user(user=request.user, public_id=public_id)
    form = _accept_form(request, inbound, request.POST)
    if not form.is_valid():
        return render_inbound_page(request, inbound, accept_form=form, status=400)
    try:
        result = triage.inbound_accept(
            actor=request.user, inbound=inbound, **form.service_kwargs()
        )
    except PermissionDenied:
        return forbidden(request, _("Only officers and supervisors of the recipient NCB triage."))
    except ValidationError as exc:
        form.add_service_errors(exc)
        return render_inbound_page(request, inbound, accept_form=form, status=400)
    matches = getattr(result, "matches", None) or []
    text = _("Accepted; the sender is told.")
    if matches:
        text += " " + ngettext(
            "%(count)d match with another case.",
            "%(count)d matches with other cases.",
            len(matches),
        ) % {"count": len(matches)}
    messages.success(request, text)
    return _back(inbound)


@require_POST
def inbound_reject(request, public_id):
    """Reject the message with reason codes; the sender receives the RESPONSE."""
    inbound = selectors.inbound_get_for_user(user=request.user, public_id=public_id)
    form = InboundRejectForm(request.POST)
    if not form.is_valid():
        return render_inbound_page(request, inbound, reject_form=form, status=400)
    try:
        triage.inbound_reject(
            actor=request.user,
            inbound=inbound,
            reasons=form.cleaned_data["reasons"],
            comment=form.cleaned_data["comment"],
        )
    except PermissionDenied:
        return forbidden(request, _("Only officers and supervisors of the recipient NCB triage."))
    except ValidationError as exc:
        form.add_service_errors(exc)
        return render_inbound_page(request, inbound, reject_form=form, status=400)
    messages.success(request, _("Rejected; the sender is told the reasons."))
    return _back(inbound)


@require_POST
def inbound_reply(request, public_id):
    """Start the REPLY to a received REQUEST (one outcome per request, to fill in); it opens
    in the editor."""
    inbound = selectors.inbound_get_for_user(user=request.user, public_id=public_id)
    try:
        reply = services.reply_start(actor=request.user, inbound=inbound)
    except PermissionDenied:
        return forbidden(request, _("Only officers and supervisors of the recipient NCB reply."))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return _back(inbound)
    messages.success(request, _("Reply started; the draft is being prepared."))
    return redirect("messages_hst:edit", message_id=reply.message_id)


@require_POST
def inbound_follow_up(request, public_id):
    """Start an UPDATE or a CLOSE after a received message, to its sender; it opens in the
    editor."""
    inbound = selectors.inbound_get_for_user(user=request.user, public_id=public_id)
    form = FollowUpForm(request.POST, received=True)
    if not form.is_valid():
        return render_inbound_page(request, inbound, follow_up_form=form, status=400)
    try:
        follow_up = services.message_follow_up_start(
            actor=request.user, original=inbound, **form.service_kwargs()
        )
    except PermissionDenied:
        return forbidden(request, _("Only officers and supervisors of the recipient NCB answer."))
    except ValidationError as exc:
        form.add_service_errors(exc)
        return render_inbound_page(request, inbound, follow_up_form=form, status=400)
    messages.success(
        request,
        _("%(type)s started; the draft is being prepared.")
        % {"type": MessageType(follow_up.message_type).label},
    )
    return redirect("messages_hst:edit", message_id=follow_up.message_id)
