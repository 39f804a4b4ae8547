"""The structured editor of a draft message (issue 5 item 2) and its live validation.

Officers and supervisors of the sender NCB edit its DRAFTs; other readers of the message
(analysts) get 403, everyone else 404; a message that is not a draft is shown as not editable
(409). While the draft is still being built (COMPOSING) the page shows the progress instead.
Opening the editor is an audited read (VIEW); every save and submit goes through the services
(`message_update_draft`, `message_submit`), which validate and audit. The validate endpoint
reads nothing that the page did not already show, so it is not audited (it runs on every
pause in typing).

A protected person (victim, possible victim, child) is shown without identity to an editor
who lacks the victim-identity permission on the case; the identity is kept as it was, and the
text preview, which would print it, is withheld.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from messages_hst import codelists, permissions, selectors
from messages_hst.choices import MessageStatus
from messages_hst.formatting import render_text
from messages_hst.forms.editor import MessageEditor
from messages_hst.models import HSTMessage
from messages_hst.services import (
    HSTValidationError,
    message_submit,
    message_update_draft,
    message_validate,
)
from messages_hst.validation import with_computed_flags
from messages_hst.views.editor_compose import compose_state, ncb_codes
from messages_hst.views.presenting import names_protected_person, protected_refs
from ncb_cases.audit import audit_record, request_ip
from ncb_cases.choices import AuditAction
from ncb_cases.selectors import victim_identity_permitted


def _message_for_editor(request, message_id: UUID) -> HSTMessage:
    """The message if the user may change it: 404 if they may not read it, 403 if they only
    read it (analysts)."""
    message = selectors.message_get_for_user(user=request.user, message_id=message_id)
    if not permissions.can_change_message(request.user, message):
        raise PermissionDenied
    return message


def _hidden_person_refs(user, message: HSTMessage) -> frozenset[str]:
    """Refs of the protected persons whose identity this editor may not see."""
    refs = protected_refs(message.document)
    if not refs or not names_protected_person(message.document):
        return frozenset()  # nothing identifying to hide (victims are minimised by default)
    if message.case is not None and victim_identity_permitted(user=user, case=message.case):
        return frozenset()
    return frozenset(refs)


def _version(message: HSTMessage) -> str:
    return message.updated_at.isoformat()


def detail_url(message: HSTMessage) -> str | None:
    try:
        return reverse("messages_hst:detail", kwargs={"message_id": message.message_id})
    except NoReverseMatch:  # the detail page is another module's; the editor works without it
        return None


def _render_editor(request, message, editor, *, problems, status=200, notice=""):
    return render(
        request,
        "messages_hst/editor.html",
        {
            "message": message,
            "editor": editor,
            "problems": editor.linked(problems),
            "version": _version(message),
            "ncbs": ncb_codes(),
            "languages": codelists.LANGUAGES,
            "detail_url": detail_url(message),
            "notice": notice,
            "identity_hidden": bool(editor.hidden_person_refs),
        },
        status=status,
    )


def _not_editable(request, message, status=409):
    template = (
        "messages_hst/compose_progress.html"
        if message.status == MessageStatus.COMPOSING
        else "messages_hst/editor_locked.html"
    )
    return render(
        request,
        template,
        {"message": message, "state": compose_state(message), "detail_url": detail_url(message)},
        status=200 if message.status == MessageStatus.COMPOSING else status,
    )


@require_http_methods(["GET", "POST"])
def edit(request, message_id: UUID):
    """GET: the editor (or the progress while COMPOSING). POST: save (`action=save`) or save
    and submit for approval (`action=submit`)."""
    message = _message_for_editor(request, message_id)
    if message.status != MessageStatus.DRAFT:
        return _not_editable(request, message)
    hidden = _hidden_person_refs(request.user, message)
    if request.method == "GET":
        audit_record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=message,
            case=message.case,
            ip=request_ip(request),
            details={"view": "editor"},
        )
        editor = MessageEditor(message.document, hidden_person_refs=hidden)
        return _render_editor(request, message, editor, problems=message.problems)

    editor = MessageEditor(message.document, request.POST, hidden_person_refs=hidden)
    if request.POST.get("version") != _version(message):
        notice = _(
            "Someone saved this draft after you opened it. Nothing was saved: reload the page "
            "to see their version."
        )
        editor.is_valid()
        return _render_editor(
            request, message, editor, problems=message.problems, status=409, notice=notice
        )
    if not editor.is_valid():
        notice = _("Nothing was saved. Please correct the fields marked below.")
        return _render_editor(
            request, message, editor, problems=editor.error_problems(), status=400, notice=notice
        )
    document = editor.document()
    message = message_update_draft(actor=request.user, message=message, document=document)
    if request.POST.get("action") != "submit":
        flash.success(request, _("Draft saved."))
        return redirect("messages_hst:edit", message_id=message.message_id)
    try:
        message = message_submit(actor=request.user, message=message)
    except HSTValidationError as exc:
        notice = _("The draft was saved but cannot be submitted: correct the errors below.")
        return _render_editor(
            request, message, editor, problems=exc.problems, status=400, notice=notice
        )
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
        return redirect("messages_hst:edit", message_id=message.message_id)
    flash.success(request, _("Submitted for approval by a supervisor."))
    return redirect(detail_url(message) or reverse("messages_hst:edit", args=[message_id]))


@require_POST
def validate(request, message_id: UUID):
    """JSON: the problems of what the editor holds now (form errors first, else the HST
    validation of the document it stands for), each with the id of its input, and the text
    rendering for the preview."""
    message = _message_for_editor(request, message_id)
    if message.status != MessageStatus.DRAFT:
        return JsonResponse(
            {"editable": False, "status": message.status, "problems": [], "preview": None},
            status=409,
        )
    hidden = _hidden_person_refs(request.user, message)
    editor = MessageEditor(message.document, request.POST, hidden_person_refs=hidden)
    if not editor.is_valid():
        problems = editor.error_problems()
        return JsonResponse(_answer(problems, preview=None, withheld=False))
    document = with_computed_flags(editor.document())
    for key in ("message_id", "message_type", "sender", "created_at", "hst_version", "case"):
        if key in message.document:  # as message_update_draft will keep them
            document[key] = message.document[key]
    draft = HSTMessage(
        message_id=message.message_id, sender_ncb=message.sender_ncb, document=document
    )
    problems = editor.linked(p.as_dict() for p in message_validate(draft, now=timezone.now()))
    withheld = bool(hidden)  # the preview would print the identity the page hides
    try:
        preview = None if withheld else render_text(document)
    except ValueError:
        preview = None
    return JsonResponse(_answer(problems, preview=preview, withheld=withheld))


def _answer(problems: list[dict], *, preview: str | None, withheld: bool) -> dict:
    errors = sum(1 for p in problems if p.get("severity") == "error")
    return {
        "editable": True,
        "problems": problems,
        "errors": errors,
        "warnings": len(problems) - errors,
        "preview": preview,
        "preview_withheld": withheld,
        "checked_at": dt.datetime.now(dt.UTC).strftime("%H:%M:%S UTC"),
    }
