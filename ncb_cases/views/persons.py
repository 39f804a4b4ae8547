"""Browser pages of a case's persons, their identity documents and phones, and its vehicles.

Thin adapters over `ncb_cases.selectors` (every read, audited where DESIGN.md §5 says so) and
`ncb_cases.services` (every write). Persons are always shown through `ncb_cases.pseudonyms`:
a protected person (victim, possible victim, child) appears as "Victim V-3" everywhere except
in the response to an audited reveal with a stated purpose, which is never cached and never
carries the purpose or the identity in its URL. Missing and forbidden are the same 404;
pages that change something 404 for users who may only read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ncb_cases import matching, selectors, services
from ncb_cases.audit import request_ip
from ncb_cases.choices import (
    VICTIM_ROLES,
    DocumentAuthenticity,
    DocumentType,
    MeansOfControl,
    PersonRole,
    PhoneKind,
    RecruitmentMethod,
    RelationshipToTrafficker,
    RoleInProcess,
    Sex,
)
from ncb_cases.forms.persons import IdentityRevealForm, PersonEditor, VehicleForm
from ncb_cases.matching import CaseMatch
from ncb_cases.models import Case, Person, Vehicle
from ncb_cases.pseudonyms import (
    DocumentView,
    PersonView,
    PhoneView,
    person_display_name,
    person_view,
)

# The order of the role groups on the persons tab: who did it, who suffered it, who saw it.
ROLE_ORDER = (
    PersonRole.SUSPECT,
    PersonRole.OFFENDER,
    PersonRole.FACILITATOR,
    PersonRole.VICTIM,
    PersonRole.POSSIBLE_VICTIM,
    PersonRole.SMUGGLED_MIGRANT,
    PersonRole.WITNESS,
)


@dataclass(frozen=True)
class PersonRow:
    """A person as a page shows it: the (masked) view, labels of its codes, its matches."""

    view: PersonView
    role_label: str
    sex_label: str
    matches: list[CaseMatch]


@dataclass(frozen=True)
class IdentityDisplay:
    """A person's identity with the labels of its codes; only for a view that may show it."""

    view: PersonView
    phones: list[tuple[PhoneView, str]]
    documents: list[tuple[DocumentView, str, str]]

    @classmethod
    def of(cls, view: PersonView) -> IdentityDisplay:
        return cls(
            view=view,
            phones=[(phone, _label(PhoneKind, phone.kind)) for phone in view.phones],
            documents=[
                (
                    document,
                    _label(DocumentType, document.doc_type),
                    _label(DocumentAuthenticity, document.authenticity),
                )
                for document in view.documents
            ],
        )


@dataclass(frozen=True)
class RoleGroup:
    role: str
    label: str
    rows: list[PersonRow]


@dataclass(frozen=True)
class VehicleRow:
    vehicle: Vehicle
    holder_label: str
    holder_public_id: UUID | None
    matches: list[CaseMatch]


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _labels(choices, values) -> list[str]:
    return [_label(choices, value) for value in values]


def _matches_by_source(matches: list[CaseMatch]) -> dict[UUID, list[CaseMatch]]:
    by_source: dict[UUID, list[CaseMatch]] = defaultdict(list)
    for match in matches:
        by_source[match.source_public_id].append(match)
    return by_source


def _person_row(view: PersonView, matches: list[CaseMatch]) -> PersonRow:
    return PersonRow(
        view=view,
        role_label=_label(PersonRole, view.role),
        sex_label=_label(Sex, view.sex),
        matches=matches,
    )


def _vehicle_rows(vehicles, by_source: dict[UUID, list[CaseMatch]]) -> list[VehicleRow]:
    return [
        VehicleRow(
            vehicle=vehicle,
            holder_label=(
                person_display_name(vehicle.holder, identity_visible=False)
                if vehicle.holder_id
                else ""
            ),
            holder_public_id=vehicle.holder.public_id if vehicle.holder_id else None,
            matches=by_source.get(vehicle.public_id, []),
        )
        for vehicle in vehicles
    ]


def _case_context(request, case: Case, active_tab: str = "persons") -> dict:
    return {
        "case": case,
        "case_permissions": selectors.case_permissions_for_user(user=request.user, case=case),
        "active_tab": active_tab,
    }


def _person_in_case(request, case_id: UUID, person_id: UUID, *, for_change=False) -> Person:
    """The person if the user may read (or change) it and it belongs to the case in the URL."""
    person = selectors.person_get_for_user(
        user=request.user, person_id=person_id, for_change=for_change
    )
    if person.case.public_id != case_id:
        raise Http404
    return person


def _holder_choices(request, case: Case) -> list[tuple[str, str]]:
    views = selectors.person_views_for_case(user=request.user, case=case)
    return [(str(view.public_id), view.display_name) for view in views]


# --- Persons tab and person detail -------------------------------------------------------------


@require_http_methods(["GET"])
def persons(request, case_id: UUID):
    """The persons tab: every person of the case by role, masked, with cross-case matches."""
    case = selectors.case_detail_for_user(
        user=request.user, case_id=case_id, ip=request_ip(request)
    )
    views = selectors.person_views_for_case(user=request.user, case=case)
    by_source = _matches_by_source(matching.case_matches_for_user(user=request.user, case=case))
    by_role: dict[str, list[PersonRow]] = defaultdict(list)
    for view in views:
        by_role[view.role].append(_person_row(view, by_source.get(view.public_id, [])))
    groups = [
        RoleGroup(role=role, label=_label(PersonRole, role), rows=by_role[role])
        for role in ROLE_ORDER
        if by_role.get(role)
    ]
    vehicles = selectors.vehicle_list_for_case(user=request.user, case=case)
    return render(
        request,
        "ncb_cases/case_persons.html",
        {
            **_case_context(request, case),
            "groups": groups,
            "person_count": len(views),
            "child_count": sum(1 for view in views if view.is_child),
            "protected_count": sum(1 for view in views if view.identity_protected),
            "vehicles": _vehicle_rows(vehicles, by_source),
        },
    )


@require_http_methods(["GET"])
def person_detail(request, case_id: UUID, person_id: UUID):
    """One person as the reader may see it; every call is one audited read."""
    view = selectors.person_detail_for_user(
        user=request.user, person_id=person_id, ip=request_ip(request)
    )
    if view.case_public_id != case_id:
        raise Http404
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    matches = matching.person_matches_for_user(user=request.user, person=person)
    vehicles = selectors.vehicle_list_for_case(user=request.user, case=case).filter(holder=person)
    return render(
        request,
        "ncb_cases/person_detail.html",
        {
            **_case_context(request, case),
            "person": _person_row(view, matches),
            "identity": None if view.identity_masked else IdentityDisplay.of(view),
            "codes": _code_labels(view),
            "vehicles": _vehicle_rows(vehicles, _matches_by_source(matches)),
        },
    )


def _code_labels(view: PersonView) -> dict[str, list[str] | str]:
    return {
        "roles_in_process": _labels(RoleInProcess, view.roles_in_process),
        "recruitment_methods": _labels(RecruitmentMethod, view.recruitment_methods),
        "means_of_control": _labels(MeansOfControl, view.means_of_control),
        "relationship_to_trafficker": (
            _label(RelationshipToTrafficker, view.relationship_to_trafficker)
            if view.relationship_to_trafficker
            else ""
        ),
    }


# --- Victim identity reveal -------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def person_identity(request, case_id: UUID, person_id: UUID):
    """The audited reveal of a protected person's identity, for holders of the permission.

    GET shows the purpose form. POST hands the purpose to `selectors.victim_identity_reveal`,
    which records every attempt (a refused one too) and decides; the identity is shown in
    this one response only (`Cache-Control: no-store`, nothing in the URL). A reader without
    the permission gets 404, as for a missing person.
    """
    form = IdentityRevealForm(request.POST or None)
    revealed: PersonView | None = None
    if request.method == "POST":
        form.is_valid()
        try:
            # Called before anything else, so that an attempt on a person the user may not
            # see at all is recorded by the selector too.
            revealed = selectors.victim_identity_reveal(
                user=request.user,
                person_id=person_id,
                purpose=request.POST.get("purpose", ""),
                ip=request_ip(request),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_error("purpose", exc.message_dict.get("purpose", exc.messages))
    person = _person_in_case(request, case_id, person_id)
    if not person.identity_protected:
        return redirect("cases:person_detail", case_id=case_id, person_id=person_id)
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    context = _case_context(request, case)
    if not context["case_permissions"].can_reveal_victim_identity:
        raise Http404
    masked = person_view(person, identity_visible=False)
    editor = None
    if revealed is not None and context["case_permissions"].can_change:
        editor = PersonEditor.build(view=revealed, with_context=False)
    response = render(
        request,
        "ncb_cases/person_identity.html",
        {
            **context,
            "form": form,
            "person": _person_row(masked, []),
            "identity": IdentityDisplay.of(revealed) if revealed is not None else None,
            "editor": editor,
        },
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response


# --- Person create / edit ---------------------------------------------------------------------


def _render_person_form(request, *, case, editor, person=None, identity=False):
    response = render(
        request,
        "ncb_cases/person_form.html",
        {
            "case": case,
            "editor": editor,
            "form": editor.form,
            "person": person,
            "identity_section": identity,
        },
    )
    if identity or (person is not None and person.identity_protected):
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response


def _added_or_saved_message(person: Person, text: str) -> str:
    # A flash message travels in a cookie: it names the role (and pseudonym), never a name.
    label = (
        person_display_name(person, identity_visible=False)
        if person.identity_protected
        else _label(PersonRole, person.role)
    )
    return text % {"person": label}


@require_http_methods(["GET", "POST"])
def person_create(request, case_id: UUID):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, for_change=True)
    editor = PersonEditor.build(request.POST or None)
    if request.method == "POST" and editor.is_valid():
        try:
            person = services.person_create(
                actor=request.user, case=case, data=editor.service_data()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            editor.add_service_errors(exc)
        else:
            messages.success(
                request, _added_or_saved_message(person, _("%(person)s added to the case."))
            )
            return redirect(
                "cases:person_detail", case_id=case.public_id, person_id=person.public_id
            )
    return _render_person_form(request, case=case, editor=editor)


def _roles_allowed(request, person: Person) -> tuple[str, ...] | None:
    """The roles a victim may be given by this editor (None: any).

    Giving a victim a non-victim role lifts the protection of their identity for every
    reader of the case, so only a holder of victim-identity access may do it.
    """
    if person.role not in VICTIM_ROLES:
        return None
    if selectors.victim_identity_permitted(user=request.user, case=person.case):
        return None
    return tuple(VICTIM_ROLES)


@require_http_methods(["GET", "POST"])
def person_edit(request, case_id: UUID, person_id: UUID):
    """Edit a person. A protected person's identity is edited only from within the reveal
    (`section=identity`, for holders of the permission); the plain edit page leaves it out."""
    person = _person_in_case(request, case_id, person_id, for_change=True)
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, for_change=True)
    identity = request.method == "POST" and request.POST.get("section") == "identity"
    if identity and not selectors.victim_identity_permitted(user=request.user, case=case):
        raise Http404
    if identity:
        editor = PersonEditor.build(request.POST, with_context=False)
    else:
        with_identity = not person.identity_protected
        view = person_view(person, identity_visible=with_identity)
        editor = PersonEditor.build(
            request.POST or None,
            view=view,
            with_identity=with_identity,
            roles=_roles_allowed(request, person),
        )
    if request.method == "POST" and editor.is_valid():
        try:
            person = services.person_update(
                actor=request.user, person=person, data=editor.service_data()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            editor.add_service_errors(exc)
        else:
            messages.success(request, _added_or_saved_message(person, _("%(person)s saved.")))
            return redirect("cases:person_detail", case_id=case.public_id, person_id=person_id)
    return _render_person_form(request, case=case, editor=editor, person=person, identity=identity)


# --- Vehicles ---------------------------------------------------------------------------------


def _vehicles_url(case: Case) -> str:
    return reverse("cases:persons", kwargs={"case_id": case.public_id}) + "#vehicles"


def _render_vehicle_form(request, *, case, form, vehicle=None):
    return render(
        request,
        "ncb_cases/vehicle_form.html",
        {"case": case, "form": form, "vehicle": vehicle, "cancel_url": _vehicles_url(case)},
    )


@require_http_methods(["GET", "POST"])
def vehicle_create(request, case_id: UUID):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, for_change=True)
    form = VehicleForm(request.POST or None, holder_choices=_holder_choices(request, case))
    if request.GET.get("holder") and request.method == "GET":
        form.initial["holder"] = request.GET["holder"]
    if request.method == "POST" and form.is_valid():
        try:
            vehicle = services.vehicle_add(actor=request.user, case=case, data=form.vehicle_data())
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Vehicle %(plate)s added to the case.") % {"plate": vehicle.plate}
            )
            return redirect(_vehicles_url(case))
    return _render_vehicle_form(request, case=case, form=form)


def _vehicle_in_case(request, case_id: UUID, vehicle_id: UUID) -> Vehicle:
    vehicle = selectors.vehicle_get_for_user(
        user=request.user, vehicle_id=vehicle_id, for_change=True
    )
    if vehicle.case.public_id != case_id:
        raise Http404
    return vehicle


@require_http_methods(["GET", "POST"])
def vehicle_edit(request, case_id: UUID, vehicle_id: UUID):
    vehicle = _vehicle_in_case(request, case_id, vehicle_id)
    case = vehicle.case
    form = VehicleForm(
        request.POST or None,
        initial=VehicleForm.initial_from(vehicle),
        holder_choices=_holder_choices(request, case),
    )
    if request.method == "POST" and form.is_valid():
        try:
            vehicle = services.vehicle_update(
                actor=request.user, vehicle=vehicle, data=form.vehicle_data()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Vehicle %(plate)s saved.") % {"plate": vehicle.plate})
            return redirect(_vehicles_url(case))
    return _render_vehicle_form(request, case=case, form=form, vehicle=vehicle)


@require_POST
def vehicle_remove(request, case_id: UUID, vehicle_id: UUID):
    vehicle = _vehicle_in_case(request, case_id, vehicle_id)
    case, plate = vehicle.case, vehicle.plate
    try:
        services.vehicle_remove(actor=request.user, vehicle=vehicle)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Vehicle %(plate)s removed from the case.") % {"plate": plate})
    return redirect(_vehicles_url(case))
