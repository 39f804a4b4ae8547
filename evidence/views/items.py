"""Browser pages of evidence items: the list, a case's evidence tab, registering, the item page.

Thin adapters over `evidence.selectors` (every read: an item is visible exactly to those who
may read its case; missing and forbidden are the same 404) and `evidence.services` (every
write: only those who may change the case; a service's PermissionDenied becomes that 404).
The item page is one audited read (`evidence_detail_for_user`). Every successful POST
redirects with a message; a failed one re-renders the page with the errors on their fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evidence import downloads, selectors, services
from evidence.choices import RELEASE_ACTIONS, CustodyAction, EvidenceState
from evidence.forms import (
    CustodyActionForm,
    DossierExportForm,
    EvidenceFileForm,
    EvidenceFilterForm,
    EvidenceItemForm,
)
from evidence.models import CustodyEvent, EvidenceItem
from ncb_cases import permissions
from ncb_cases import selectors as case_selectors
from ncb_cases.audit import request_ip
from ncb_cases.models import Case
from ncb_cases.views.filtered_list import (
    SEARCH_MARKER,
    filter_data,
    redirect_to_filtered_list,
)

ITEM_PAGE_SIZE = 25
# The search term never travels in a URL (a description may name a person): the filter form
# is POSTed, the term kept in the session, and the list's URL only says `search=1`.
SEARCH_SESSION_KEY = "evidence.item_list.q"
CUSTODIAN_CHANGES = (CustodyAction.COLLECTED, CustodyAction.ACCEPTED, CustodyAction.RETURNED)


def case_page_context(request: HttpRequest, case: Case, **extra) -> dict[str, Any]:
    """What `ncb_cases/case_base.html` needs, with the evidence tab active."""
    return {
        "case": case,
        "case_permissions": case_selectors.case_permissions_for_user(user=request.user, case=case),
        "active_tab": "evidence",
        **extra,
    }


def item_for_change(request: HttpRequest, item_id) -> EvidenceItem:
    """The item if the user may change its case, else 404 (not audited: the service is)."""
    return selectors.evidence_get_for_user(user=request.user, item_id=item_id, for_change=True)


# --- The list of every visible item -----------------------------------------------------------


def _page_url(query: QueryDict, number: int) -> str:
    query = query.copy()
    query["page"] = number
    return f"?{query.urlencode()}"


@require_http_methods(["GET", "POST"])
def item_list(request):
    """Evidence items of every case the user may read: filtered, newest first, paginated."""
    if not permissions.can_read_cases(request.user):
        return render(request, "ncb_cases/case_access_forbidden.html", status=403)
    if request.method == "POST":
        form = EvidenceFilterForm(request.POST)
        if form.is_valid():
            return redirect_to_filtered_list(
                request, form, url_name="evidence:list", session_key=SEARCH_SESSION_KEY
            )
    else:
        data = filter_data(request, session_key=SEARCH_SESSION_KEY)
        keys = set(data) - {"page", SEARCH_MARKER}
        form = EvidenceFilterForm(data if keys else None)
    items = EvidenceItem.objects.none()
    filters: dict[str, str] | None = None
    if not form.is_bound:
        filters = {}
    elif form.is_valid():
        filters = form.selector_filters()
    if filters is not None:
        try:
            items = selectors.evidence_list_for_user(user=request.user, filters=filters)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            filters = None
    page = Paginator(items, ITEM_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("q", None)
    query.pop("page", None)
    return render(
        request,
        "evidence/item_list.html",
        {
            "filter_form": form,
            "filters_valid": filters is not None,
            "is_filtered": bool(filters) or filters is None,
            "page": page,
            "previous_url": _page_url(query, page.previous_page_number())
            if page.has_previous()
            else "",
            "next_url": _page_url(query, page.next_page_number()) if page.has_next() else "",
        },
    )


# --- A case's evidence tab and registering an item ----------------------------------------------


@require_http_methods(["GET"])
def case_items(request, case_id):
    """The evidence tab of a case: its items with state, custodian, seal and integrity."""
    case = case_selectors.case_detail_for_user(
        user=request.user, case_id=case_id, ip=request_ip(request)
    )
    return render_case_items(request, case)


def render_case_items(
    request: HttpRequest, case: Case, *, dossier_form: DossierExportForm | None = None
) -> HttpResponse:
    """The evidence tab; a refused case dossier passes its bound form to show the errors."""
    items = selectors.evidence_list_for_case(user=request.user, case=case).annotate(
        file_count=Count("files")
    )
    context = case_page_context(request, case)
    context.update(
        {
            "items": list(items),
            "awaiting_acceptance": set(
                selectors.evidence_awaiting_acceptance_for_user(user=request.user)
                .filter(case=case)
                .values_list("pk", flat=True)
            ),
            "dossier_form": dossier_form or DossierExportForm(),
        }
    )
    status = 400 if dossier_form is not None and dossier_form.errors else 200
    return render(request, "evidence/case_items.html", context, status=status)


@require_http_methods(["GET", "POST"])
def item_create(request, case_id):
    """Register an item of the case; its chain of custody opens with COLLECTED."""
    case = case_selectors.case_get_for_user(user=request.user, case_id=case_id, for_change=True)
    if request.method == "POST":
        form = EvidenceItemForm(request.POST)
        if form.is_valid():
            try:
                item = services.evidence_item_create(
                    actor=request.user, case=case, data=form.service_data(), ip=request_ip(request)
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("Evidence item %(number)s registered; its chain of custody is open.")
                    % {"number": item.item_number},
                )
                return redirect("evidence:item_detail", item_id=item.public_id)
    else:
        case = case_selectors.case_detail_for_user(
            user=request.user, case_id=case_id, ip=request_ip(request)
        )
        form = EvidenceItemForm()
    return render(
        request,
        "evidence/item_form.html",
        case_page_context(request, case, form=form),
        status=400 if form.errors else 200,
    )


# --- The item page and its custody timeline ----------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """A custody event as the timeline shows it."""

    event: CustodyEvent
    label: str
    custodian_changed: bool
    integrity_failure: bool
    failed_checks: list[dict[str, Any]]
    passed_checks: list[dict[str, Any]]
    copy: dict[str, str] | None

    @property
    def modifier(self) -> str:
        if self.integrity_failure:
            return "failure"
        if self.custodian_changed:
            return "handover"
        if self.event.action in RELEASE_ACTIONS:
            return "transit"
        return "plain"


def _timeline(events: list[CustodyEvent]) -> list[TimelineEntry]:
    entries = []
    for event in events:
        checks = event.file_hashes_rechecked or []
        failed = [check for check in checks if not check.get("matches")]
        entries.append(
            TimelineEntry(
                event=event,
                label=str(CustodyAction(event.action).label),
                custodian_changed=event.action in CUSTODIAN_CHANGES,
                integrity_failure=event.action == CustodyAction.INTEGRITY_FAILURE or bool(failed),
                failed_checks=failed,
                passed_checks=[check for check in checks if check.get("matches")],
                # A file copy names both hashes and the method in its hashed content.
                copy=event.content.get("copy") if event.action == CustodyAction.COPIED else None,
            )
        )
    return entries


def _pending_release(item: EvidenceItem, events: list[CustodyEvent]) -> CustodyEvent | None:
    if item.state != EvidenceState.IN_TRANSIT:
        return None
    releases = [event for event in events if event.action in RELEASE_ACTIONS]
    return releases[-1] if releases else None


def _seal_broken(events: list[CustodyEvent]) -> bool:
    """Whether the item's present seal was last found broken (a new seal starts afresh)."""
    broken = False
    for event in events:
        if event.action == CustodyAction.SEALED:
            broken = False
        if event.seal_intact is not None:
            broken = not event.seal_intact
    return broken


def _action_forms(
    item: EvidenceItem, *, can_change: bool, may_accept: bool, bound: CustodyActionForm | None
) -> list[CustodyActionForm]:
    """One form per action allowed in the item's state; acceptance only for the receiver."""
    if not can_change:
        return []
    forms = []
    for action in services.allowed_actions(item):
        if action == CustodyAction.ACCEPTED and not may_accept:
            continue
        if bound is not None and bound.action == action:
            forms.append(bound)
        else:
            forms.append(CustodyActionForm(action=action))
    return forms


def render_item_page(
    request: HttpRequest,
    item: EvidenceItem,
    *,
    custody_form: CustodyActionForm | None = None,
    file_form: EvidenceFileForm | None = None,
    dossier_form: DossierExportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The item page; a failed POST passes its bound form to show the errors in place."""
    case = item.case
    context = case_page_context(request, case)
    can_change = context["case_permissions"].can_change
    events = list(selectors.custody_event_list_for_item(user=request.user, item=item))
    files = list(selectors.evidence_file_list_for_item(user=request.user, item=item))
    may_accept = (
        can_change
        and item.state == EvidenceState.IN_TRANSIT
        and selectors.evidence_awaiting_acceptance_for_user(user=request.user)
        .filter(pk=item.pk)
        .exists()
    )
    if file_form is None and can_change:
        file_form = EvidenceFileForm(
            files_of_item=selectors.evidence_file_list_for_item(user=request.user, item=item)
        )
    action_forms = _action_forms(
        item, can_change=can_change, may_accept=may_accept, bound=custody_form
    )
    context.update(
        {
            "item": item,
            "timeline": _timeline(events),
            "files": files,
            "pending_release": _pending_release(item, events),
            "may_accept": may_accept,
            "action_forms": action_forms,
            # A refused action no form is offered for (the state changed meanwhile, or the
            # user is not the receiving party): its errors are shown above the page.
            "refused_action": custody_form
            if custody_form is not None and custody_form not in action_forms
            else None,
            "open_action": custody_form.action if custody_form is not None else "",
            "file_form": file_form if can_change else None,
            "dossier_form": dossier_form or DossierExportForm(),
            "seal_broken": _seal_broken(events),
        }
    )
    return render(request, "evidence/item_detail.html", context, status=status)


@require_http_methods(["GET"])
def item_detail(request, item_id):
    """The item, its files and its custody timeline. One audited read per view."""
    item = selectors.evidence_detail_for_user(
        user=request.user, item_id=item_id, ip=request_ip(request)
    )
    return render_item_page(request, item)


@require_POST
def file_upload(request, item_id):
    """Attach a file: Django's upload handlers stream it to a temporary file (memory only for
    small ones), and the service hashes and stores it chunk by chunk."""
    item = item_for_change(request, item_id)
    form = EvidenceFileForm(
        request.POST,
        request.FILES,
        files_of_item=selectors.evidence_file_list_for_item(user=request.user, item=item),
    )
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            added = services.evidence_file_add(
                actor=request.user,
                item=item,
                content=upload,
                original_name=upload.name,
                media_type=upload.content_type or "",
                expected_sha256=form.cleaned_data["expected_sha256"],
                parent=form.cleaned_data["parent"],
                derivation_method=form.cleaned_data["derivation_method"],
                ip=request_ip(request),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("File added (SHA-256 %(hash)s…).") % {"hash": added.sha256[:16]},
            )
            return redirect("evidence:item_detail", item_id=item.public_id)
    return render_item_page(request, item, file_form=form, status=400)


@never_cache
@require_GET
def file_download(request, item_id, file_id):
    """A file's content, only as an attachment of its sniffed type; each download is audited
    as an export. Missing, forbidden or of another item: the same 404."""
    return downloads.evidence_file_response(
        user=request.user, item_id=item_id, file_id=file_id, ip=request_ip(request)
    )
