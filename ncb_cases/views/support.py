"""Browser pages of victims' support: the case's "Victim support" tab and its referrals.

Thin adapters over `selectors.support` and `services.support`. Whoever sees the case sees
the tab, but only with the case's victim-identity permission does it list the referrals
(victims by pseudonym, organisations, consent, steps); everyone else sees the counts by
status. A referral's page, and every write, is a 404 without that permission, like a missing
referral. SRB monitors see no case at all: 404 everywhere.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.choices import SupportService
from contacts.support_selectors import support_organisations_for_referral
from ncb_cases import selectors
from ncb_cases.audit import request_ip
from ncb_cases.choices import VICTIM_ROLES, ReferralStatus, RepatriationStatus
from ncb_cases.forms.support import (
    ReferralForm,
    ReferralStatusForm,
    ReferralUpdateForm,
    RepatriationStepForm,
)
from ncb_cases.models import Case
from ncb_cases.models.support import SupportReferral
from ncb_cases.pseudonyms import person_display_name
from ncb_cases.selectors import support as support_selectors
from ncb_cases.services import support as support_services


def _support_url(case: Case) -> str:
    return reverse("cases:support", kwargs={"case_id": case.public_id})


def _referral_url(referral: SupportReferral) -> str:
    return reverse(
        "cases:referral_detail",
        kwargs={"case_id": referral.case.public_id, "referral_id": referral.public_id},
    )


def _victim_label(referral: SupportReferral) -> str:
    label = person_display_name(referral.victim, identity_visible=False)
    return f"{label} ({_('child')})" if referral.victim.is_child else label


@require_GET
def case_support(request, case_id: UUID):
    """The Victim support tab: the referrals, or only their counts without the permission."""
    case = selectors.case_detail_for_user(
        user=request.user, case_id=case_id, ip=request_ip(request)
    )
    permissions = selectors.case_permissions_for_user(user=request.user, case=case)
    counts = support_selectors.referral_counts_for_case(user=request.user, case=case)
    referrals = []
    if permissions.can_reveal_victim_identity:
        referrals = support_selectors.referral_list_for_case_audited(
            user=request.user, case=case, ip=request_ip(request)
        )
        for referral in referrals:
            referral.victim_label = _victim_label(referral)
    return render(
        request,
        "ncb_cases/case_support.html",
        {
            "case": case,
            "case_permissions": permissions,
            "active_tab": "support",
            "counts": counts,
            "referrals": referrals,
            "identity_permitted": permissions.can_reveal_victim_identity,
            "can_refer": permissions.can_reveal_victim_identity and permissions.can_change,
        },
    )


def _referrable_case(request, case_id: UUID) -> Case:
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, for_change=True)
    if not selectors.victim_identity_permitted(user=request.user, case=case):
        raise Http404
    return case


def _victim_choices(request, case: Case) -> list[tuple[str, str]]:
    choices = []
    for person in selectors.person_list_for_case(user=request.user, case=case):
        if person.role in VICTIM_ROLES:
            label = person_display_name(person, identity_visible=False)
            if person.is_child:
                label = f"{label} ({_('child')})"
            choices.append((str(person.public_id), label))
    return choices


def _organisation_choices() -> list[tuple[str, str]]:
    return [
        (
            str(organisation.pk),
            f"{organisation.name} · {organisation.get_kind_display()} "
            f"({organisation.country.iso2})",
        )
        for organisation in support_organisations_for_referral()
    ]


@require_http_methods(["GET", "POST"])
def referral_create(request, case_id: UUID):
    case = _referrable_case(request, case_id)
    form = ReferralForm(
        request.POST or None,
        victim_choices=_victim_choices(request, case),
        organisation_choices=_organisation_choices(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            support_services.referral_create(
                actor=request.user, case=case, data=form.referral_data()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Referral recorded."))
            return redirect(_support_url(case))
    return render(
        request,
        "ncb_cases/referral_form.html",
        {
            "case": case,
            "form": form,
            "cancel_url": _support_url(case),
            "is_supervisor": support_services.is_supervisor(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


def _referral_in_case(referral: SupportReferral, case_id: UUID) -> SupportReferral:
    if referral.case.public_id != case_id:
        raise Http404
    return referral


def _render_detail(request, referral: SupportReferral, *, status: int = 200, **forms):
    permissions = selectors.case_permissions_for_user(user=request.user, case=referral.case)
    allowed = support_services.allowed_next_statuses(referral.status)
    step = support_services.next_repatriation_step(referral.repatriation_status)
    referral.victim_label = _victim_label(referral)
    return render(
        request,
        "ncb_cases/referral_detail.html",
        {
            "case": referral.case,
            "referral": referral,
            "can_change": permissions.can_change,
            "status_form": forms.get("status_form") or ReferralStatusForm(allowed=allowed),
            "step_form": forms.get("step_form") or RepatriationStepForm(step=step),
            "update_form": forms.get("update_form")
            or ReferralUpdateForm(initial=ReferralUpdateForm.initial_from(referral)),
            "allowed_statuses": allowed,
            "next_step": RepatriationStatus(step) if step else None,
            "repatriation_steps": [
                (RepatriationStatus(code).label, day)
                for code, day in support_services.repatriation_dates(referral)
            ],
            "service_labels": _service_labels(referral.services_requested),
        },
        status=status,
    )


def _service_labels(codes: list[str]) -> list[str]:
    return [str(SupportService(code).label) for code in codes if code in SupportService.values]


@require_GET
def referral_detail(request, case_id: UUID, referral_id: UUID):
    referral = support_selectors.referral_detail_for_user(
        user=request.user, referral_id=referral_id, ip=request_ip(request)
    )
    return _render_detail(request, _referral_in_case(referral, case_id))


def _referral_for_change(request, case_id: UUID, referral_id: UUID) -> SupportReferral:
    referral = support_selectors.referral_get_for_user(
        user=request.user, referral_id=referral_id, for_change=True
    )
    return _referral_in_case(referral, case_id)


@require_POST
def referral_status(request, case_id: UUID, referral_id: UUID):
    """Move the referral to its next care status."""
    referral = _referral_for_change(request, case_id, referral_id)
    form = ReferralStatusForm(
        request.POST, allowed=support_services.allowed_next_statuses(referral.status)
    )
    if form.is_valid():
        try:
            referral = support_services.referral_change_status(
                actor=request.user, referral=referral, **form.cleaned_data
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("The referral is now %(status)s.")
                % {"status": ReferralStatus(referral.status).label},
            )
            return redirect(_referral_url(referral))
    return _render_detail(request, referral, status=400, status_form=form)


@require_POST
def referral_repatriation(request, case_id: UUID, referral_id: UUID):
    """Record the next repatriation step."""
    referral = _referral_for_change(request, case_id, referral_id)
    form = RepatriationStepForm(
        request.POST,
        step=support_services.next_repatriation_step(referral.repatriation_status),
    )
    if form.is_valid():
        try:
            referral = support_services.referral_repatriation_step(
                actor=request.user, referral=referral, **form.step_data()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Repatriation: %(step)s recorded.")
                % {"step": RepatriationStatus(referral.repatriation_status).label},
            )
            return redirect(_referral_url(referral))
    return _render_detail(request, referral, status=400, step_form=form)


@require_POST
def referral_update(request, case_id: UUID, referral_id: UUID):
    """Change the services requested, the role in court or the notes."""
    referral = _referral_for_change(request, case_id, referral_id)
    form = ReferralUpdateForm(request.POST)
    if form.is_valid():
        try:
            referral = support_services.referral_update(
                actor=request.user, referral=referral, data=form.update_data()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(_referral_url(referral))
    return _render_detail(request, referral, status=400, update_form=form)
