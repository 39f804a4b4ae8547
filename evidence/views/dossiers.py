"""Court dossiers: asking for one, watching it being built, downloading it.

A dossier is built by a Celery task (`DossierExport` moves pending → running → done or
failed, with a progress percentage). Asking for one is a write (case editors only, with a
stated purpose, audited by the service); the status page polls a small JSON view
(`static/js/job-progress.js`, no inline script) and then offers the download, which is
itself audited as an export and streamed from the store, never read whole into memory.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from evidence import dossiers, selectors
from evidence.choices import DossierStatus
from evidence.forms import DossierExportForm
from evidence.models import DossierExport
from evidence.views.items import (
    case_page_context,
    item_for_change,
    render_case_items,
    render_item_page,
)
from ncb_cases import selectors as case_selectors
from ncb_cases.audit import request_ip


def _request_export(request, *, case, item=None):
    form = DossierExportForm(request.POST)
    if form.is_valid():
        try:
            export = dossiers.dossier_export_request(
                actor=request.user,
                case=case,
                item=item,
                purpose=form.cleaned_data["purpose"],
                include_files=form.cleaned_data["include_files"],
                ip=request_ip(request),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The dossier is being built; this page follows it."))
            return redirect("evidence:dossier_detail", dossier_id=export.public_id), form
    return None, form


@require_POST
def dossier_create(request, item_id):
    """Ask for the court dossier of one item (purpose required); errors show on the item page."""
    item = item_for_change(request, item_id)
    response, form = _request_export(request, case=item.case, item=item)
    return response or render_item_page(request, item, dossier_form=form, status=400)


@require_POST
def case_dossier_create(request, case_id):
    """Ask for the court dossier of every item of a case."""
    case = case_selectors.case_get_for_user(user=request.user, case_id=case_id, for_change=True)
    response, form = _request_export(request, case=case)
    return response or render_case_items(request, case, dossier_form=form)


def _status(export: DossierExport) -> dict:
    done = export.status == DossierStatus.DONE
    return {
        "status": export.status,
        "label": str(DossierStatus(export.status).label),
        "progress": 100 if done else export.progress,
        "done": done,
        "failed": export.status == DossierStatus.FAILED,
        "error": export.error if export.status == DossierStatus.FAILED else "",
        "download_url": reverse("evidence:dossier_download", args=[export.public_id])
        if done
        else "",
    }


@require_GET
def dossier_detail(request, dossier_id):
    """The dossier's status page: a progress bar that follows the task, then the download."""
    export = selectors.dossier_get_for_user(user=request.user, dossier_id=dossier_id)
    context = case_page_context(request, export.case, export=export, status=_status(export))
    return render(request, "evidence/dossier_detail.html", context)


@never_cache
@require_GET
def dossier_status(request, dossier_id):
    """The dossier's status as JSON, for the page's polling (no personal data in it)."""
    export = selectors.dossier_get_for_user(user=request.user, dossier_id=dossier_id)
    return JsonResponse(_status(export))


@never_cache
@require_GET
def dossier_download(request, dossier_id):
    """The finished ZIP, streamed; each download is audited as an export with its purpose."""
    export = selectors.dossier_get_for_user(user=request.user, dossier_id=dossier_id)
    try:
        handle = dossiers.dossier_download(
            actor=request.user, export=export, ip=request_ip(request)
        )
    except (dossiers.DossierNotReady, FileNotFoundError):
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=dossiers.dossier_filename(export),
        content_type="application/zip",
    )
