"""The tasks and timeline tabs of a case.

Reading: whoever may read the case. Adding a task or a note: whoever may change it (404
otherwise). Completing a task: whoever may change the case, and the task's assignee, who may
only read it (`services.task_complete` decides).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ncb_cases import selectors, services
from ncb_cases.forms.cases import case_readers_of
from ncb_cases.forms.work import CaseNoteForm, TaskForm
from ncb_cases.models import Case
from ncb_cases.views.cases import case_for_change, case_page_context, read_case

TIMELINE_PAGE_SIZE = 50


def _assignees(request: HttpRequest, case: Case):
    """Colleagues who may see the case: its owner NCB's and those of NCBs it is shared with."""
    active = selectors.share_list_for_case(user=request.user, case=case).filter(
        revoked_at__isnull=True, expired_at__isnull=True, expires_at__gt=timezone.now()
    )
    ncb_ids = [case.owner_ncb_id, *active.values_list("recipient_ncb_id", flat=True)]
    return case_readers_of(ncb_ids)


# --- Tasks ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_tasks(request, case_id):
    if request.method == "POST":
        case = case_for_change(request, case_id)
        form = TaskForm(request.POST, assignees=_assignees(request, case))
        if form.is_valid():
            try:
                task = services.task_create(actor=request.user, case=case, **form.cleaned_data)
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Task “%(title)s” added.") % {"title": task.title})
                return redirect("cases:tasks", case_id=case.public_id)
    else:
        case = read_case(request, case_id)
        form = None
    context = case_page_context(request, case, "tasks")
    if form is None and context["case_permissions"].can_change:
        form = TaskForm(assignees=_assignees(request, case))
    tasks = list(selectors.task_list_for_case(user=request.user, case=case))
    today = timezone.localdate()
    for task in tasks:
        task.is_overdue = not task.is_done and task.due_on is not None and task.due_on < today
        task.can_complete = not task.is_done and (
            context["case_permissions"].can_change or task.assignee_id == request.user.pk
        )
    context.update(
        {
            "open_tasks": [task for task in tasks if not task.is_done],
            "done_tasks": [task for task in tasks if task.is_done],
            "form": form,
        }
    )
    return render(request, "ncb_cases/case_tasks.html", context)


@require_POST
def task_complete(request, case_id, task_id):
    task = selectors.task_get_for_user(user=request.user, task_id=task_id)
    if str(task.case.public_id) != str(case_id):
        raise Http404
    try:
        services.task_complete(actor=request.user, task=task)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Task “%(title)s” is done.") % {"title": task.title})
    return redirect("cases:tasks", case_id=task.case.public_id)


# --- Timeline ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_timeline(request, case_id):
    if request.method == "POST":
        case = case_for_change(request, case_id)
        form = CaseNoteForm(request.POST)
        if form.is_valid():
            try:
                services.case_note_add(
                    actor=request.user, case=case, text=form.cleaned_data["text"]
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Your note is on the timeline."))
                return redirect("cases:timeline", case_id=case.public_id)
    else:
        case = read_case(request, case_id)
        form = None
    context = case_page_context(request, case, "timeline")
    if form is None and context["case_permissions"].can_change:
        form = CaseNoteForm()
    notes = selectors.note_list_for_case(user=request.user, case=case)
    context.update(
        {
            "page": Paginator(notes, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page")),
            "form": form,
        }
    )
    return render(request, "ncb_cases/case_timeline.html", context)
