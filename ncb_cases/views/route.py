"""Browser pages of a case's route: ordered legs from recruitment to exploitation.

Thin adapters over `selectors.route_leg_*` and `services.route_leg_add/update/remove`; the
services keep the legs numbered 1, 2, 3 … Persons on a leg are shown through
`ncb_cases.pseudonyms` (a victim is "Victim V-3"). Missing and forbidden are the same 404;
the write pages 404 for users who may only read.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ncb_cases import selectors, services
from ncb_cases.audit import request_ip
from ncb_cases.forms.route import RouteLegForm
from ncb_cases.models import Case, RouteLeg
from ncb_cases.pseudonyms import person_display_name


@dataclass(frozen=True)
class LegRow:
    leg: RouteLeg
    persons: list[tuple[UUID, str]]  # (public id, label as the reader may see it)


def _person_choices(request, case: Case) -> list[tuple[str, str]]:
    views = selectors.person_views_for_case(user=request.user, case=case)
    return [(str(view.public_id), view.display_name) for view in views]


def _route_url(case: Case) -> str:
    return reverse("cases:route", kwargs={"case_id": case.public_id})


@require_http_methods(["GET"])
def route(request, case_id: UUID):
    """The route tab: the legs in order, with their persons shown masked."""
    case = selectors.case_detail_for_user(
        user=request.user, case_id=case_id, ip=request_ip(request)
    )
    legs = selectors.route_leg_list_for_case(user=request.user, case=case)
    rows = [
        LegRow(
            leg=leg,
            persons=[
                (person.public_id, person_display_name(person, identity_visible=False))
                for person in leg.persons.all()
            ],
        )
        for leg in legs
    ]
    return render(
        request,
        "ncb_cases/case_route.html",
        {
            "case": case,
            "case_permissions": selectors.case_permissions_for_user(user=request.user, case=case),
            "active_tab": "route",
            "legs": rows,
        },
    )


def _render_leg_form(request, *, case, form, leg=None):
    return render(
        request,
        "ncb_cases/route_leg_form.html",
        {"case": case, "form": form, "leg": leg, "cancel_url": _route_url(case)},
    )


@require_http_methods(["GET", "POST"])
def route_leg_create(request, case_id: UUID):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, for_change=True)
    form = RouteLegForm(request.POST or None, person_choices=_person_choices(request, case))
    if request.method == "POST" and form.is_valid():
        try:
            leg = services.route_leg_add(
                actor=request.user, case=case, data=form.leg_data(), position=form.leg_position
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Leg %(seq)s added to the route.") % {"seq": leg.seq})
            return redirect(_route_url(case))
    return _render_leg_form(request, case=case, form=form)


def _leg_in_case(request, case_id: UUID, leg_id: UUID) -> RouteLeg:
    leg = selectors.route_leg_get_for_user(user=request.user, leg_id=leg_id, for_change=True)
    if leg.case.public_id != case_id:
        raise Http404
    return leg


@require_http_methods(["GET", "POST"])
def route_leg_edit(request, case_id: UUID, leg_id: UUID):
    leg = _leg_in_case(request, case_id, leg_id)
    case = leg.case
    form = RouteLegForm(
        request.POST or None,
        initial=RouteLegForm.initial_from(leg),
        person_choices=_person_choices(request, case),
    )
    if request.method == "POST" and form.is_valid():
        position = form.leg_position if form.leg_position != leg.seq else None
        try:
            leg = services.route_leg_update(
                actor=request.user, leg=leg, data=form.leg_data(), position=position
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Leg %(seq)s saved.") % {"seq": leg.seq})
            return redirect(_route_url(case))
    return _render_leg_form(request, case=case, form=form, leg=leg)


@require_POST
def route_leg_remove(request, case_id: UUID, leg_id: UUID):
    leg = _leg_in_case(request, case_id, leg_id)
    case, seq = leg.case, leg.seq
    try:
        services.route_leg_remove(actor=request.user, leg=leg)
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request, _("Leg %(seq)s removed; the following legs moved up.") % {"seq": seq}
    )
    return redirect(_route_url(case))
