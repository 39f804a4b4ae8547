"""Browser pages of the directory of victim-support organisations (issue 6, item 2), mounted
under /contacts/support/.

Every member of an NCB (and every instance admin) reads the directory and exports it; a
country's organisations are recorded by its NCB's supervisors and by instance admins, and
anyone else gets the same 404 as for an unknown organisation. A shelter's street address is
shown only on its detail page, only to those `can_see_shelter_address` allows, and that read
is audited; the list and the CSV never carry it.
"""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from contacts import support_selectors as selectors
from contacts import support_services as services
from contacts.choices import SupportOrganisationKind, SupportService
from contacts.exports import csv_safe_cell
from contacts.models import SupportOrganisation
from contacts.support_forms import SupportDirectoryFilterForm, SupportOrganisationForm
from contacts.validators import format_phone_for_display
from contacts.views import directory_reader_required
from ncb_cases.audit import audit_record, request_ip
from ncb_cases.choices import AuditAction

PAGE_SIZE = 50


def _filtered(request):
    """The filter form and the organisations it selects (all active ones if it is invalid)."""
    form = SupportDirectoryFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
    try:
        organisations = selectors.support_organisation_list(filters=filters)
    except ValidationError as exc:
        for field, field_messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
        organisations = selectors.support_organisation_list()
    return form, organisations, bool(filters)


def _service_labels(codes: list[str]) -> list[str]:
    return [str(SupportService(code).label) for code in codes if code in SupportService.values]


@directory_reader_required
@require_GET
def support_directory(request):
    """The searchable list: country, kind, service, language, name or city."""
    form, organisations, is_filtered = _filtered(request)
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    for organisation in page:
        organisation.service_labels = _service_labels(organisation.services)
        organisation.phone_display = format_phone_for_display(organisation.phone)
    return render(
        request,
        "contacts/support_directory.html",
        {
            "filter_form": form,
            "is_filtered": is_filtered,
            "page": page,
            "can_add": services.manageable_countries(request.user).exists(),
        },
    )


@directory_reader_required
@require_GET
def support_export_csv(request):
    """The filtered list as CSV, without any street address (shelters' are protected)."""
    _form, organisations, _is_filtered = _filtered(request)
    filename = f"support-organisations-{timezone.localdate().isoformat()}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
    # A byte-order mark, so that spreadsheet programs read accented names as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Country"),
            _("Name"),
            _("Kind"),
            _("Services"),
            _("Languages"),
            _("City"),
            _("Phone"),
            _("Reachable 24/7"),
            _("E-mail"),
            _("Website"),
            _("Contact person"),
            _("Takes referrals"),
        ]
    )
    for organisation in organisations:
        writer.writerow(
            [
                csv_safe_cell(value)
                for value in (
                    organisation.country.iso2,
                    organisation.name,
                    organisation.get_kind_display(),
                    "; ".join(_service_labels(organisation.services)),
                    " ".join(organisation.languages),
                    organisation.city,
                    organisation.phone,
                    _("yes") if organisation.phone_24_7 else _("no"),
                    organisation.email,
                    organisation.website,
                    organisation.contact_person,
                    _("yes") if organisation.is_active else _("no"),
                )
            ]
        )
    return response


@directory_reader_required
@require_GET
def support_detail(request, organisation_id: int):
    """One organisation. Showing a shelter's address is recorded in the audit trail."""
    organisation = selectors.support_organisation_get(organisation_id=organisation_id)
    address_visible = services.can_see_shelter_address(request.user, organisation)
    is_shelter = organisation.kind == SupportOrganisationKind.SHELTER
    if is_shelter and address_visible and organisation.address:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=AuditAction.VIEW,
                obj=organisation,
                ip=request_ip(request),
                details={"support_organisation": organisation.pk, "read": "shelter_address"},
            )
    organisation.service_labels = _service_labels(organisation.services)
    organisation.phone_display = format_phone_for_display(organisation.phone)
    return render(
        request,
        "contacts/support_detail.html",
        {
            "organisation": organisation,
            "address_visible": address_visible,
            "is_shelter": is_shelter,
            "can_edit": services.can_manage_support_organisations(
                request.user, organisation.country
            ),
        },
    )


def _render_form(request, form, organisation: SupportOrganisation | None = None):
    return render(
        request, "contacts/support_form.html", {"form": form, "organisation": organisation}
    )


@directory_reader_required
@require_http_methods(["GET", "POST"])
def support_create(request):
    countries = services.manageable_countries(request.user)
    if not countries.exists():
        raise Http404
    initial = {"is_active": True}
    if request.GET.get("country"):
        initial["country"] = request.GET["country"].upper()
    form = SupportOrganisationForm(request.POST or None, countries=countries, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.support_organisation_create(
                actor=request.user, data=form.organisation_data()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("%(name)s is in the directory.") % {"name": organisation.name}
            )
            return redirect("contacts:support_detail", organisation_id=organisation.pk)
    return _render_form(request, form)


@directory_reader_required
@require_http_methods(["GET", "POST"])
def support_edit(request, organisation_id: int):
    organisation = selectors.support_organisation_get(organisation_id=organisation_id)
    if not services.can_manage_support_organisations(request.user, organisation.country):
        raise Http404
    form = SupportOrganisationForm(
        request.POST or None,
        countries=services.manageable_countries(request.user),
        initial=SupportOrganisationForm.initial_from(organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.support_organisation_update(
                actor=request.user, organisation=organisation, data=form.organisation_data()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("contacts:support_detail", organisation_id=organisation.pk)
    return _render_form(request, form, organisation)
