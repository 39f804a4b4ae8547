"""Browser pages of a case: the list, opening and editing, workflow, the summary and audit tabs.

Thin adapters over `ncb_cases.selectors` and `ncb_cases.services`. Every page that shows a
case reads it with `case_detail_for_user` (one VIEW audit row per page view, 404 for missing
and forbidden alike); write views fetch it with `case_get_for_user(for_change=True)`, so a
user who may only read gets the same 404 as for a case that does not exist, and a service's
PermissionDenied becomes that 404 too. Every successful POST redirects with a message; a
failed one re-renders the page with the form's errors.

Analysts read cases (their NCB's and those shared with it) as everyone else does, through
read-only pages; the edit controls and write URLs are for officers and supervisors. SRB
monitors and users of no NCB see no case data: the list explains why (403), every case URL
is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ncb_cases import permissions, selectors, services
from ncb_cases.audit import request_ip
from ncb_cases.choices import (
    CountryRole,
    HandlingCode,
    PalermoAct,
    PalermoMeans,
    PalermoPurpose,
)
from ncb_cases.forms.cases import (
    CaseForm,
    CaseLinkForm,
    CaseOffenceTypeForm,
    CaseStatusForm,
    case_editors_of,
    case_filter_form_for_browser,
)
from ncb_cases.models import Case, CaseCountry
from ncb_cases.pagination import KnownCountPaginator
from ncb_cases.views.filtered_list import (
    SEARCH_MARKER,
    filter_data,
    redirect_to_filtered_list,
)

CASE_PAGE_SIZE = 25
CASE_MAX_PAGE_SIZE = 100
AUDIT_PAGE_SIZE = 50

# The search term never travels in a URL (it may be a victim's name, and URLs end up in
# server logs, browser history and Referer headers): the filter form is POSTed, the term kept
# in the session, and the list's URL only says `search=1`.
SEARCH_SESSION_KEY = "ncb_cases.case_list.q"


# --- Shared by every case page ----------------------------------------------------------------


def case_page_context(request: HttpRequest, case: Case, active_tab: str, **extra) -> dict:
    """What `ncb_cases/case_base.html` needs: the case, the user's permissions on it and the
    active tab. Other tabs' views may call this too."""
    return {
        "case": case,
        "case_permissions": selectors.case_permissions_for_user(user=request.user, case=case),
        "active_tab": active_tab,
        **extra,
    }


def read_case(request: HttpRequest, case_id) -> Case:
    """The case for a page a person reads: audited (one VIEW row), 404 if not visible."""
    return selectors.case_detail_for_user(
        user=request.user, case_id=case_id, ip=request_ip(request)
    )


def case_for_change(request: HttpRequest, case_id) -> Case:
    """The case if the user may change it, else 404. A GET shows the case, so it is audited
    as a read; a POST is audited by the service it calls."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, for_change=True)
    if request.method == "GET":
        case = read_case(request, case_id)
    return case


def _no_case_access(request: HttpRequest):
    return render(request, "ncb_cases/case_access_forbidden.html", status=403)


# --- The list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SortableColumn:
    label: str
    field: str
    url: str
    aria_sort: str  # "ascending", "descending" or "none"


SORTABLE_COLUMNS = (
    ("reference", gettext_lazy("Reference"), "reference"),
    ("title", gettext_lazy("Title"), "title"),
    ("status", gettext_lazy("Status"), "status"),
    ("opened_on", gettext_lazy("Opened"), "-opened_on"),
    ("updated_at", gettext_lazy("Updated"), "-updated_at"),
)
DEFAULT_ORDERING = "-created_at"


def _sortable_columns(params: QueryDict, ordering: str) -> dict[str, SortableColumn]:
    columns = {}
    for field, label, first in SORTABLE_COLUMNS:
        if ordering == field:
            aria_sort, next_ordering = "ascending", f"-{field}"
        elif ordering == f"-{field}":
            aria_sort, next_ordering = "descending", field
        else:
            aria_sort, next_ordering = "none", first
        query = params.copy()
        query["ordering"] = next_ordering
        query.pop("page", None)
        columns[field] = SortableColumn(str(label), field, f"?{query.urlencode()}", aria_sort)
    return columns


def _page_url(query: QueryDict, number: int) -> str:
    query = query.copy()
    query["page"] = number
    return f"?{query.urlencode()}"


def _page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("page_size", CASE_PAGE_SIZE))
    except ValueError:
        return CASE_PAGE_SIZE
    return min(max(size, 1), CASE_MAX_PAGE_SIZE)


def _lead_officer_choices(request: HttpRequest):
    officer = permissions.case_reader(request.user)
    if officer is None:
        return []
    return list(case_editors_of([officer.ncb_id]))


@require_http_methods(["GET", "POST"])
def case_list(request):
    if not permissions.can_read_cases(request.user):
        return _no_case_access(request)
    lead_officers = _lead_officer_choices(request)
    if request.method == "POST":
        form = case_filter_form_for_browser(request.POST, lead_officers=lead_officers)
        if form.is_valid():
            return redirect_to_filtered_list(
                request, form, url_name="cases:list", session_key=SEARCH_SESSION_KEY
            )
    else:
        data = filter_data(request, session_key=SEARCH_SESSION_KEY)
        filter_keys = set(data) - {"page", "page_size", SEARCH_MARKER}
        form = case_filter_form_for_browser(
            data if filter_keys else None, lead_officers=lead_officers
        )
    cases = Case.objects.none()
    filters = None
    if not form.is_bound:
        filters = {}
    elif form.is_valid():
        filters = form.selector_filters()
    if filters is not None:
        try:
            cases = selectors.case_list_for_user(user=request.user, filters=filters)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            filters = None
    cases = cases.prefetch_related(
        Prefetch("countries", queryset=CaseCountry.objects.select_related("country"))
    )
    paginator = (
        Paginator(cases, _page_size(request))
        if filters is None
        else KnownCountPaginator(
            cases,
            _page_size(request),
            count=selectors.case_count_for_user(user=request.user, filters=filters),
        )
    )
    page = paginator.get_page(request.GET.get("page"))
    officer = permissions.case_reader(request.user)
    is_filtered = filters is None or any(key != "ordering" for key in filters)
    ordering = (filters or {}).get("ordering") or DEFAULT_ORDERING
    query = request.GET.copy()
    query.pop("q", None)
    if request.method == "GET" and "q" in request.GET and form.is_bound:
        # A term that arrived in a URL (an old bookmark, a script) moves to the session.
        query[SEARCH_MARKER] = "1"
        request.session[SEARCH_SESSION_KEY] = request.GET["q"]
    return render(
        request,
        "ncb_cases/case_list.html",
        {
            "filter_form": form,
            "filters_valid": filters is not None,
            "is_filtered": is_filtered,
            "has_advanced_filters": any(
                (filters or {}).get(name)
                for name in (
                    "offence_type",
                    "exploitation_form",
                    "country",
                    "country_role",
                    "lead_officer",
                    "owner_ncb",
                    "opened_after",
                    "opened_before",
                )
            )
            or filters is None,
            "page": page,
            "rows": [_list_row(case, officer) for case in page],
            "columns": _sortable_columns(query, ordering),
            "ordering": ordering,
            "previous_url": _page_url(query, page.previous_page_number())
            if page.has_previous()
            else "",
            "next_url": _page_url(query, page.next_page_number()) if page.has_next() else "",
            "can_create": permissions.can_edit_cases(request.user),
        },
    )


@dataclass(frozen=True)
class CaseListRow:
    case: Case
    is_shared_with_us: bool
    countries_by_role: list[tuple[str, list[str]]]


def _countries_by_role(case: Case) -> list[tuple[str, list]]:
    grouped = []
    for role, label in CountryRole.choices:
        countries = [item.country for item in case.countries.all() if item.role == role]
        if countries:
            grouped.append((label, countries))
    return grouped


def _list_row(case: Case, officer) -> CaseListRow:
    return CaseListRow(
        case=case,
        is_shared_with_us=officer is not None and case.owner_ncb_id != officer.ncb_id,
        countries_by_role=_countries_by_role(case),
    )


# --- Opening and editing ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_create(request):
    if not permissions.can_edit_cases(request.user):
        raise Http404
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(
                actor=request.user,
                data=form.case_data(),
                owner_ncb=form.selected_owner_ncb,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Case %(reference)s is open. Add its persons, route and tasks next.")
                % {"reference": case.reference},
            )
            return redirect("cases:detail", case_id=case.public_id)
    return render(request, "ncb_cases/case_form.html", {"form": form, "case": None})


@require_http_methods(["GET", "POST"])
def case_edit(request, case_id):
    case = case_for_change(request, case_id)
    form = CaseForm(request.POST or None, user=request.user, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.changed_case_data()
        if not data:
            messages.info(request, _("Nothing was changed."))
            return redirect("cases:detail", case_id=case.public_id)
        try:
            case = services.case_update(actor=request.user, case=case, data=data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Case %(reference)s is saved.") % {"reference": case.reference}
            )
            return redirect("cases:detail", case_id=case.public_id)
    return render(request, "ncb_cases/case_form.html", {"form": form, "case": case})


# --- Workflow ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_status(request, case_id):
    case = case_for_change(request, case_id)
    can_reopen = permissions.can_reopen_case(request.user, case)
    form = CaseStatusForm(request.POST or None, case=case, can_reopen=can_reopen)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_change_status(
                actor=request.user,
                case=case,
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data.get("outcome", ""),
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Case %(reference)s is now “%(status)s”.")
                % {"reference": case.reference, "status": case.get_status_display()},
            )
            return redirect("cases:detail", case_id=case.public_id)
    return render(
        request,
        "ncb_cases/case_status_form.html",
        case_page_context(request, case, "summary", form=form, can_reopen=can_reopen),
    )


@require_http_methods(["GET", "POST"])
def case_offence_type(request, case_id):
    case = case_for_change(request, case_id)
    form = CaseOffenceTypeForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        before = case.offence_type
        try:
            case = services.case_change_offence_type(
                actor=request.user,
                case=case,
                offence_type=form.cleaned_data["offence_type"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if case.offence_type == before:
                messages.info(request, _("The offence type was already that; nothing changed."))
            else:
                messages.success(
                    request,
                    _("Case %(reference)s is now recorded as “%(offence)s”; see the timeline.")
                    % {"reference": case.reference, "offence": case.get_offence_type_display()},
                )
            return redirect("cases:detail", case_id=case.public_id)
    return render(
        request,
        "ncb_cases/case_offence_type_form.html",
        case_page_context(request, case, "summary", form=form),
    )


# --- The summary tab and related cases --------------------------------------------------------


def _labels(codes, choices) -> list[str]:
    labels = dict(choices.choices)
    return [str(labels.get(code, code)) for code in codes]


def _summary_context(request: HttpRequest, case: Case, *, link_form=None) -> dict:
    user = request.user
    context = case_page_context(request, case, "summary")
    countries = list(case.countries.select_related("country").order_by("role", "country__name"))
    links = list(selectors.case_link_list_for_case(user=user, case=case))
    for link in links:
        link.other_case = link.to_case if link.from_case_id == case.pk else link.from_case
        link.removable = context["case_permissions"].can_change and link.from_case_id == case.pk
    own_share = None
    if not context["case_permissions"].is_owner_ncb and not permissions.is_owner_supervisor(
        user, case
    ):
        own_share = (
            selectors.share_list_for_case(user=user, case=case)
            .filter(revoked_at__isnull=True, expired_at__isnull=True)
            .first()
        )
    if link_form is None and context["case_permissions"].can_change:
        link_form = CaseLinkForm()
    context.update(
        {
            "countries_by_role": [
                (label, [item.country for item in countries if item.role == role])
                for role, label in CountryRole.choices
            ],
            "exploitation_forms": [
                item.get_form_display() for item in case.exploitation_forms.all()
            ],
            "palermo_acts": _labels(case.palermo_acts, PalermoAct),
            "palermo_means": _labels(case.palermo_means, PalermoMeans),
            "palermo_purposes": _labels(case.palermo_purposes, PalermoPurpose),
            "handling_codes": [
                (code, label)
                for code, label in HandlingCode.choices
                if code in (case.handling_codes or [])
            ],
            "links": links,
            "link_form": link_form,
            "own_share": own_share,
        }
    )
    return context


@require_GET
def case_detail(request, case_id):
    case = read_case(request, case_id)
    return render(request, "ncb_cases/case_detail.html", _summary_context(request, case))


@require_POST
def case_link_create(request, case_id):
    case = case_for_change(request, case_id)
    form = CaseLinkForm(request.POST)
    if form.is_valid():
        other = (
            selectors.case_list_for_user(user=request.user)
            .filter(reference=form.cleaned_data["to_reference"])
            .first()
        )
        if other is None:
            form.add_error(
                "to_reference", _("No case you may see has this reference. Check it and retry.")
            )
        else:
            try:
                services.case_link_create(
                    actor=request.user,
                    from_case=case,
                    to_case=other,
                    link_type=form.cleaned_data["link_type"],
                    note=form.cleaned_data["note"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("Case %(reference)s is now linked to %(other)s.")
                    % {"reference": case.reference, "other": other.reference},
                )
                return redirect("cases:detail", case_id=case.public_id)
    return render(
        request, "ncb_cases/case_detail.html", _summary_context(request, case, link_form=form)
    )


@require_POST
def case_link_remove(request, case_id, link_id):
    link = selectors.case_link_get_for_user(user=request.user, link_id=link_id, for_change=True)
    if str(link.from_case.public_id) != str(case_id):
        raise Http404
    other = link.to_case.reference
    try:
        services.case_link_remove(actor=request.user, link=link)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("The link to %(other)s is removed.") % {"other": other})
    return redirect("cases:detail", case_id=link.from_case.public_id)


# --- The audit tab ----------------------------------------------------------------------------


@require_GET
def case_audit(request, case_id):
    # Only supervisors and admins read audit trails: everyone else gets the 404 of a tab that
    # does not exist for them, before the case is even read.
    if not permissions.can_view_own_ncb_audit_trail(request.user):
        raise Http404
    case = read_case(request, case_id)
    events = selectors.audit_event_list_for_case(user=request.user, case=case)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ncb_cases/case_audit.html",
        case_page_context(
            request,
            case,
            "audit",
            page=page,
            full_trail=permissions.can_view_full_audit_trail(request.user, case),
        ),
    )
