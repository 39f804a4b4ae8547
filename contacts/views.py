"""Browser pages of the THB contact-point directory (issue 2, item 7).

Every member of an NCB reads the whole directory; only officers and supervisors of an NCB
(and instance admins) change its contacts. The `*_for_management` selectors answer 404 for
another NCB's records, and a service's PermissionDenied becomes the same 404.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contacts import exports, selectors, services
from contacts.choices import ContactRole
from contacts.filtersets import NcbDirectoryFilterSet
from contacts.forms import ContactPointEndForm, ContactPointForm, directory_filter_form_for_browser
from contacts.models import ContactPoint, NationalCentralBureau
from contacts.permissions import can_manage_contact_points, has_directory_access
from contacts.validators import format_phone_for_display

DIRECTORY_PAGE_SIZE = 50
DIRECTORY_MAX_PAGE_SIZE = 200


def directory_reader_required(view):
    """Let members of an NCB and instance admins in; others get a page saying whom to ask."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_directory_access(request.user):
            return render(request, "contacts/directory_forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return guarded


@dataclass(frozen=True)
class DirectoryRow:
    """One line of the directory: an NCB and its current primary and deputy (or None)."""

    ncb: NationalCentralBureau
    primary: ContactPoint | None
    deputy: ContactPoint | None


def _with_display_fields(contact: ContactPoint | None) -> ContactPoint | None:
    # Phones are stored in E.164; people read them grouped (+33 1 72 00 00 02).
    if contact is not None:
        contact.phone_display = format_phone_for_display(contact.phone)
        contact.phone_24_7_display = format_phone_for_display(contact.phone_24_7)
    return contact


def _current_by_role(contacts: list[ContactPoint]) -> dict[str, ContactPoint]:
    return {contact.role: _with_display_fields(contact) for contact in contacts}


def _directory_filterset(request) -> NcbDirectoryFilterSet:
    filterset = NcbDirectoryFilterSet(request.GET or None, queryset=selectors.ncb_directory())
    directory_filter_form_for_browser(filterset.form)
    return filterset


def _is_filtered(filterset: NcbDirectoryFilterSet) -> bool:
    if not filterset.is_bound:
        return False
    filterset.form.is_valid()
    return any(value not in (None, "") for value in filterset.form.cleaned_data.values())


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("page_size", DIRECTORY_PAGE_SIZE))
    except ValueError:
        return DIRECTORY_PAGE_SIZE
    return min(max(size, 1), DIRECTORY_MAX_PAGE_SIZE)


@directory_reader_required
def directory(request):
    filterset = _directory_filterset(request)
    page = Paginator(filterset.qs, _page_size(request)).get_page(request.GET.get("page"))
    rows = []
    for ncb in page:
        by_role = _current_by_role(ncb.current_contacts)
        rows.append(
            DirectoryRow(
                ncb=ncb,
                primary=by_role.get(ContactRole.PRIMARY),
                deputy=by_role.get(ContactRole.DEPUTY),
            )
        )
    return render(
        request,
        "contacts/ncb_directory.html",
        {
            "filter_form": filterset.form,
            "is_filtered": _is_filtered(filterset),
            "page": page,
            "rows": rows,
        },
    )


@directory_reader_required
def export_csv(request):
    filterset = _directory_filterset(request)
    contacts = (
        contact
        for ncb in filterset.qs
        for contact in sorted(ncb.current_contacts, key=lambda cp: cp.role != ContactRole.PRIMARY)
    )
    filename = f"thb-contact-points-{timezone.localdate().isoformat()}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
    # A byte-order mark, so that spreadsheet programs read accented and Arabic names as UTF-8.
    response.write("\ufeff")
    exports.write_contact_points_csv(response, contacts)
    return response


@directory_reader_required
def country(request, iso2: str):
    country, ncb, history = selectors.country_directory_entry(iso2=iso2)
    current = _current_by_role([contact for contact in history if contact.is_current])
    past = sorted(
        (contact for contact in history if not contact.is_current),
        key=lambda contact: (contact.designated_to, contact.designated_from),
        reverse=True,
    )
    if ncb is not None:
        ncb.phone_24_7_display = format_phone_for_display(ncb.phone_24_7)
    roles = [(value, label, current.get(value)) for value, label in ContactRole.choices]
    return render(
        request,
        "contacts/country_detail.html",
        {
            "country": country,
            "ncb": ncb,
            "roles": roles,
            "past": past,
            "can_manage": ncb is not None and can_manage_contact_points(request.user, ncb),
        },
    )


@directory_reader_required
@require_http_methods(["GET", "POST"])
def designate(request, iso2: str):
    ncb = selectors.ncb_get_for_contact_management(user=request.user, iso2=iso2)
    role = request.GET.get("role", "")
    if role not in ContactRole.values:
        raise Http404
    holder = selectors.contact_point_list().current().filter(ncb=ncb, role=role).first()
    form = ContactPointForm(request.POST or None, phone_region=ncb.country.iso2)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_point_designate(
                actor=request.user,
                ncb=ncb,
                role=role,
                details=form.contact_details(),
                designated_from=form.cleaned_data["designated_from"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("%(name)s is now the %(role)s THB contact point of %(ncb)s.")
                % {"name": contact.full_name, "role": contact.get_role_display(), "ncb": ncb.name},
            )
            if holder is not None:
                messages.info(
                    request,
                    _("The designation of %(name)s ended on %(date)s; it stays in the history.")
                    % {"name": holder.full_name, "date": contact.designated_from.isoformat()},
                )
            return redirect("contacts:country", iso2=ncb.country.iso2)
    return render(
        request,
        "contacts/contactpoint_form.html",
        {
            "form": form,
            "ncb": ncb,
            "role_label": ContactRole(role).label,
            "holder": holder,
            "contact": None,
        },
    )


@directory_reader_required
@require_http_methods(["GET", "POST"])
def edit(request, public_id):
    contact = selectors.contact_point_get_for_management(user=request.user, public_id=public_id)
    form = ContactPointForm.for_contact_point(contact, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_point_update(
                actor=request.user,
                contact_point=contact,
                details=form.contact_details(user=contact.user),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("The details of %(name)s are saved and count as verified today.")
                % {"name": contact.full_name},
            )
            return redirect("contacts:country", iso2=contact.ncb.country.iso2)
    return render(
        request,
        "contacts/contactpoint_form.html",
        {
            "form": form,
            "ncb": contact.ncb,
            "role_label": contact.get_role_display(),
            "holder": None,
            "contact": contact,
        },
    )


@directory_reader_required
@require_POST
def verify(request, public_id):
    contact = selectors.contact_point_get_for_management(user=request.user, public_id=public_id)
    try:
        services.contact_point_verify(actor=request.user, contact_point=contact)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("You confirmed the details of %(name)s today.") % {"name": contact.full_name},
        )
    return redirect("contacts:country", iso2=contact.ncb.country.iso2)


@directory_reader_required
@require_http_methods(["GET", "POST"])
def end(request, public_id):
    contact = selectors.contact_point_get_for_management(user=request.user, public_id=public_id)
    form = ContactPointEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_point_end(
                actor=request.user,
                contact_point=contact,
                designated_to=form.cleaned_data["designated_to"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _(
                    "The designation of %(name)s as %(role)s contact ended on %(date)s. "
                    "Designate a successor so that the role is not left vacant."
                )
                % {
                    "name": contact.full_name,
                    "role": contact.get_role_display(),
                    "date": contact.designated_to.isoformat(),
                },
            )
            return redirect("contacts:country", iso2=contact.ncb.country.iso2)
    return render(request, "contacts/contactpoint_end.html", {"form": form, "contact": contact})


@directory_reader_required
def vcard(request, public_id):
    contact = selectors.contact_point_get(public_id=public_id)
    filename = exports.contact_point_vcard_filename(contact)
    return HttpResponse(
        exports.contact_point_vcard(contact),
        content_type="text/vcard; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
