"""The sharing tab of a case: its shares with other NCBs and its victim-identity grants.

Everyone who may read the case sees the tab: the owner NCB sees every share (history
included), a recipient NCB only its own (`selectors.share_list_for_case`). Sharing, revoking
and granting victim identity are for supervisors of the owner NCB and admins
(`case_permissions.can_share` / `can_grant_victim_identity`); anyone else posting gets a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ncb_cases import permissions, selectors, services
from ncb_cases.choices import ShareAccess
from ncb_cases.forms.cases import case_readers_of
from ncb_cases.forms.sharing import (
    CaseShareForm,
    VictimIdentityGrantForm,
    VictimIdentityRevokeForm,
)
from ncb_cases.models import Case
from ncb_cases.views.cases import case_page_context, read_case


def _sharing_context(
    request: HttpRequest, case: Case, *, share_form=None, grant_form=None
) -> dict:
    user = request.user
    context = case_page_context(request, case, "sharing")
    case_permissions = context["case_permissions"]
    now = timezone.now()
    shares = list(selectors.share_list_for_case(user=user, case=case))
    for share in shares:
        share.active = share.is_active(now=now)
    active_shares = [share for share in shares if share.active]
    holders = []
    if case_permissions.can_grant_victim_identity:
        holders = list(
            selectors.victim_identity_holders_for_case(user=user, case=case).select_related(
                "officer__ncb"
            )
        )
        if grant_form is None:
            grant_form = VictimIdentityGrantForm(
                candidates=_grant_candidates(user, case, active_shares)
            )
    if case_permissions.can_share and share_form is None:
        share_form = CaseShareForm(case=case)
    context.update(
        {
            "active_shares": active_shares,
            "ended_shares": [share for share in shares if not share.active],
            "share_form": share_form if case_permissions.can_share else None,
            "grant_form": grant_form if case_permissions.can_grant_victim_identity else None,
            "identity_holders": holders,
            "open_share_dialog": share_form is not None and share_form.is_bound,
        }
    )
    return context


def _grant_candidates(user, case: Case, active_shares):
    """Colleagues who may see the case and do not hold the grant yet."""
    ncb_ids = [case.owner_ncb_id, *(share.recipient_ncb_id for share in active_shares)]
    holders = selectors.victim_identity_holders_for_case(user=user, case=case)
    return case_readers_of(ncb_ids).exclude(pk__in=holders.values("pk"))


def _case_for_sharing(request: HttpRequest, case_id) -> Case:
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    if not permissions.can_share_case(request.user, case):
        raise Http404
    return case


@require_GET
def case_sharing(request, case_id):
    case = read_case(request, case_id)
    return render(request, "ncb_cases/case_sharing.html", _sharing_context(request, case))


@require_POST
def share_create(request, case_id):
    case = _case_for_sharing(request, case_id)
    form = CaseShareForm(request.POST, case=case)
    if form.is_valid():
        try:
            share = services.case_share(
                actor=request.user,
                case=case,
                recipient_ncb=form.cleaned_data["recipient_ncb"],
                access=form.cleaned_data["access"],
                purpose=form.cleaned_data["purpose"],
                expires_at=form.cleaned_data["expires_on"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if share.access == ShareAccess.READ_WRITE:
                text = _("%(ncb)s can now read and change case %(reference)s until %(until)s.")
            else:
                text = _("%(ncb)s can now read case %(reference)s until %(until)s.")
            until = timezone.localtime(share.expires_at).date().isoformat()
            messages.success(
                request,
                text
                % {"ncb": share.recipient_ncb.name, "reference": case.reference, "until": until},
            )
            return redirect("cases:sharing", case_id=case.public_id)
    return render(
        request, "ncb_cases/case_sharing.html", _sharing_context(request, case, share_form=form)
    )


@require_POST
def share_revoke(request, case_id, share_id):
    share = selectors.share_get_for_user(user=request.user, share_id=share_id)
    if str(share.case.public_id) != str(case_id):
        raise Http404
    try:
        services.case_unshare(actor=request.user, share=share)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The share with %(ncb)s is revoked; its officers no longer see the case.")
            % {"ncb": share.recipient_ncb.name},
        )
    return redirect("cases:sharing", case_id=share.case.public_id)


def _case_for_identity_grants(request: HttpRequest, case_id) -> Case:
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    if not permissions.can_grant_victim_identity(request.user, case):
        raise Http404
    return case


@require_POST
def identity_grant(request, case_id):
    case = _case_for_identity_grants(request, case_id)
    active_shares = [
        share
        for share in selectors.share_list_for_case(user=request.user, case=case)
        if share.is_active()
    ]
    form = VictimIdentityGrantForm(
        request.POST, candidates=_grant_candidates(request.user, case, active_shares)
    )
    if form.is_valid():
        colleague = form.cleaned_data["user"]
        try:
            services.victim_identity_grant(actor=request.user, case=case, user=colleague)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("%(user)s may now reveal the identity of this case's victims.")
                % {"user": colleague.get_full_name() or colleague.get_username()},
            )
            return redirect("cases:sharing", case_id=case.public_id)
    return render(
        request, "ncb_cases/case_sharing.html", _sharing_context(request, case, grant_form=form)
    )


@require_POST
def identity_revoke(request, case_id):
    case = _case_for_identity_grants(request, case_id)
    form = VictimIdentityRevokeForm(
        request.POST,
        holders=selectors.victim_identity_holders_for_case(user=request.user, case=case),
    )
    if not form.is_valid():
        messages.error(request, _("This colleague does not hold victim-identity access."))
        return redirect("cases:sharing", case_id=case.public_id)
    colleague = form.cleaned_data["user"]
    try:
        services.victim_identity_revoke(actor=request.user, case=case, user=colleague)
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request,
        _("%(user)s may no longer reveal the identity of this case's victims.")
        % {"user": colleague.get_full_name() or colleague.get_username()},
    )
    return redirect("cases:sharing", case_id=case.public_id)
