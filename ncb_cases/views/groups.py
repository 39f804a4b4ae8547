"""Organised crime groups of a case: detail, create / edit, members added and removed.

Reading a group is reading its case: the detail page loads the case with the audited
`case_detail_for_user`. Changing a group needs the case to be changeable
(`case_get_for_user(for_change=True)`): for everyone else — a read-only share, an analyst —
the write pages are the same 404 as a missing case. Services check again and raise
PermissionDenied, also answered with 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ncb_cases import selectors, services
from ncb_cases.audit import request_ip
from ncb_cases.choices import GroupMemberRole, OrganisationKind
from ncb_cases.forms.network import GroupForm, GroupMemberForm
from ncb_cases.pseudonyms import person_display_name
from ncb_cases.views.network_graph import PageUrls


def _group_of_case(*, user, case, group_id, for_change: bool = False):
    group = selectors.group_get_for_user(user=user, group_id=group_id, for_change=for_change)
    if group.case_id != case.pk:
        raise Http404
    return group


def _editable_case(request, case_id):
    return selectors.case_get_for_user(user=request.user, case_id=case_id, for_change=True)


def _tab_context(request, case, **extra):
    return {
        "active_tab": "network",
        "case": case,
        "case_permissions": selectors.case_permissions_for_user(user=request.user, case=case),
        **extra,
    }


def _person_choices(persons) -> list[tuple[str, str]]:
    # Labels through the pseudonyms module: a victim is "Victim V-3" in this list too.
    return [
        (
            str(person.public_id),
            f"{person_display_name(person, identity_visible=False)} — {person.get_role_display()}",
        )
        for person in persons
    ]


def group_detail(request, case_id, group_id):
    """A group with its members (pseudonymised); editors also get the member forms."""
    user = request.user
    case = selectors.case_detail_for_user(user=user, case_id=case_id, ip=request_ip(request))
    group = _group_of_case(user=user, case=case, group_id=group_id)
    context = _tab_context(request, case, group=group)
    urls = PageUrls()
    context["kind_label"] = OrganisationKind(group.kind).label
    context["members"] = [
        {
            "public_id": membership.person.public_id,
            "label": person_display_name(membership.person, identity_visible=False),
            "role": GroupMemberRole(membership.role).label,
            "url": urls.url(
                "cases:person_detail",
                case_id=case.public_id,
                person_id=membership.person.public_id,
            ),
        }
        for membership in group.memberships.all()
    ]
    if context["case_permissions"].can_change:
        context["member_form"] = GroupMemberForm(
            persons=_person_choices(selectors.person_list_for_case(user=user, case=case))
        )
    return render(request, "ncb_cases/group_detail.html", context)


@require_http_methods(["GET", "POST"])
def group_create(request, case_id):
    case = _editable_case(request, case_id)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(actor=request.user, case=case, data=form.service_data())
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The group “%(name)s” was recorded.") % {"name": group})
            return redirect("cases:group_detail", case_id=case.public_id, group_id=group.public_id)
    return render(request, "ncb_cases/group_form.html", _tab_context(request, case, form=form))


@require_http_methods(["GET", "POST"])
def group_edit(request, case_id, group_id):
    case = _editable_case(request, case_id)
    group = _group_of_case(user=request.user, case=case, group_id=group_id, for_change=True)
    form = GroupForm(request.POST or None, initial=GroupForm.initial_for(group))
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_update(
                actor=request.user, group=group, data=form.service_data()
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The group “%(name)s” was saved.") % {"name": group})
            return redirect("cases:group_detail", case_id=case.public_id, group_id=group.public_id)
    return render(
        request, "ncb_cases/group_form.html", _tab_context(request, case, form=form, group=group)
    )


@require_http_methods(["GET", "POST"])
def group_member_add(request, case_id, group_id):
    user = request.user
    case = _editable_case(request, case_id)
    group = _group_of_case(user=user, case=case, group_id=group_id, for_change=True)
    persons = list(selectors.person_list_for_case(user=user, case=case))
    form = GroupMemberForm(request.POST or None, persons=_person_choices(persons))
    if request.method == "POST" and form.is_valid():
        person = next(p for p in persons if str(p.public_id) == form.cleaned_data["person"])
        try:
            services.group_member_add(
                actor=user, group=group, person=person, role=form.cleaned_data["role"]
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("%(person)s is recorded as a member of “%(group)s”.")
                % {"person": person_display_name(person, identity_visible=False), "group": group},
            )
            return redirect("cases:group_detail", case_id=case.public_id, group_id=group.public_id)
    return render(
        request,
        "ncb_cases/group_member_form.html",
        _tab_context(request, case, form=form, group=group),
    )


@require_POST
def group_member_remove(request, case_id, group_id, person_id):
    user = request.user
    case = _editable_case(request, case_id)
    group = _group_of_case(user=user, case=case, group_id=group_id, for_change=True)
    person = selectors.person_get_for_user(user=user, person_id=person_id, for_change=True)
    if person.case_id != case.pk:
        raise Http404
    try:
        services.group_member_remove(actor=user, group=group, person=person)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(
        request,
        _("%(person)s is no longer recorded as a member of “%(group)s”.")
        % {"person": person_display_name(person, identity_visible=False), "group": group},
    )
    return redirect("cases:group_detail", case_id=case.public_id, group_id=group.public_id)
