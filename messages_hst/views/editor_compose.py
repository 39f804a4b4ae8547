"""Composing a message: the officer picks a case, a type and the recipients; a task builds
the draft (`messages_hst.services.message_compose_start`) while the page shows its progress,
then the structured editor opens (`messages_hst.views.editor`).

Officers and supervisors of an NCB compose about its own cases (403 for other roles); the
status endpoint answers for the messages the user may change (404 otherwise) and carries no
content, only the state of the draft.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from contacts.models import NationalCentralBureau
from messages_hst import permissions, selectors
from messages_hst.choices import MessageStatus
from messages_hst.forms.editor.compose import CASE_CHOICES_LIMIT, ComposeForm
from messages_hst.services import message_compose_start
from ncb_cases import selectors as case_selectors


def ncb_codes() -> list[tuple[str, str]]:
    """(code, name) of the NCBs, for the recipients' suggestions (public directory data)."""
    return list(NationalCentralBureau.objects.order_by("code").values_list("code", "name"))


def _case_choices(user, officer, chosen) -> list[tuple[str, str]]:
    cases = case_selectors.case_list_for_user(
        user=user, filters={"owner_ncb": officer.ncb.code, "ordering": "-opened_on"}
    )
    choices = [
        (str(case.public_id), f"{case.reference} — {case.title}")
        for case in cases[:CASE_CHOICES_LIMIT]
    ]
    if chosen is not None and str(chosen.public_id) not in {value for value, _ in choices}:
        choices.insert(0, (str(chosen.public_id), f"{chosen.reference} — {chosen.title}"))
    return choices


@require_http_methods(["GET", "POST"])
def compose(request):
    """GET: the compose form (`?case=<public id>` preselects a case). POST: start composing
    and go to the editor, which follows the draft being built."""
    officer = permissions.message_author(request.user)
    if officer is None:
        raise PermissionDenied
    chosen = None
    case_param = request.GET.get("case") or request.POST.get("case")
    if case_param:
        try:
            chosen = case_selectors.case_get_for_user(user=request.user, case_id=case_param)
        except (Http404, ValueError, ValidationError):
            chosen = None
        if chosen is not None and chosen.owner_ncb_id != officer.ncb_id:
            chosen = None
    cases = _case_choices(request.user, officer, chosen)
    initial = {"case": str(chosen.public_id)} if chosen is not None else {}
    form = ComposeForm(
        request.POST if request.method == "POST" else None, cases=cases, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        case = case_selectors.case_get_for_user(
            user=request.user, case_id=form.cleaned_data["case"]
        )
        try:
            message = message_compose_start(
                actor=request.user,
                case=case,
                message_type=form.cleaned_data["message_type"],
                recipients=form.recipients(),
                priority=form.cleaned_data["priority"],
                language=form.cleaned_data["language"],
                subject=form.cleaned_data["subject"],
                include_victim_identity=form.cleaned_data["include_victim_identity"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect("messages_hst:edit", message_id=message.message_id)
    return render(
        request,
        "messages_hst/compose_form.html",
        {"form": form, "case": chosen, "ncbs": ncb_codes()},
        status=400 if form.is_bound and form.errors else 200,
    )


def compose_state(message) -> dict:
    """The state of a draft as the progress page follows it (no content)."""
    return {
        "status": message.status,
        "composing": message.status == MessageStatus.COMPOSING,
        "compose_error": message.compose_error,
        "edit_url": reverse("messages_hst:edit", kwargs={"message_id": message.message_id}),
    }


@require_GET
def compose_status(request, message_id: UUID):
    """JSON: whether the draft is still being built (polled by the progress page)."""
    message = selectors.message_get_for_user(user=request.user, message_id=message_id)
    if not permissions.can_change_message(request.user, message):
        raise Http404
    return JsonResponse(compose_state(message))
