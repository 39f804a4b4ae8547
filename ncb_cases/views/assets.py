"""Browser pages of a case's assets: the Assets tab, add / edit, and the status change.

Thin adapters over `selectors.assets` and `services.assets`. The tab shows each asset with
its status history and the case total in the reporting currency, with the rates and their
dates; assets whose currency has no rate are listed as not converted. Holders are shown
through `ncb_cases.pseudonyms` (a victim is "Victim V-3"). Missing and forbidden are the
same 404; the write pages 404 for users who may only read.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ncb_cases import selectors
from ncb_cases.audit import request_ip
from ncb_cases.choices import AssetStatus
from ncb_cases.forms.assets import AssetForm, AssetStatusForm
from ncb_cases.models import Case
from ncb_cases.models.assets import Asset
from ncb_cases.pseudonyms import person_display_name
from ncb_cases.selectors import assets as asset_selectors
from ncb_cases.services import assets as asset_services


def _assets_url(case: Case) -> str:
    return reverse("cases:assets", kwargs={"case_id": case.public_id})


def _holder_choices(request, case: Case) -> list[tuple[str, str]]:
    views = selectors.person_views_for_case(user=request.user, case=case)
    return [(str(view.public_id), view.display_name) for view in views]


@require_http_methods(["GET"])
def case_assets(request, case_id: UUID):
    """The Assets tab: each asset with its value, status and history, and the case total."""
    case = selectors.case_detail_for_user(
        user=request.user, case_id=case_id, ip=request_ip(request)
    )
    assets = list(asset_selectors.asset_list_for_case(user=request.user, case=case))
    total = asset_selectors.asset_total(assets)
    permissions = selectors.case_permissions_for_user(user=request.user, case=case)
    rows = [
        {
            "asset": row.asset,
            "conversion": row,
            "holder": (
                person_display_name(row.asset.holder, identity_visible=False)
                if row.asset.holder_id
                else ""
            ),
            "can_change_status": permissions.can_change
            and bool(asset_services.allowed_next_statuses(row.asset.status)),
        }
        for row in total.rows
    ]
    by_status = [
        (AssetStatus(status).label, amount)
        for status in AssetStatus.values
        if (amount := total.by_status.get(status)) is not None
    ]
    return render(
        request,
        "ncb_cases/case_assets.html",
        {
            "case": case,
            "case_permissions": permissions,
            "active_tab": "assets",
            "rows": rows,
            "total": total,
            "by_status": by_status,
            "silver_candidates": sum(row.asset.silver_notice_candidate for row in total.rows),
        },
    )


def _asset_in_case(request, case_id: UUID, asset_id: UUID) -> Asset:
    asset = asset_selectors.asset_get_for_user(
        user=request.user, asset_id=asset_id, for_change=True, ip=request_ip(request)
    )
    if asset.case.public_id != case_id:
        raise Http404
    return asset


def _render_asset_form(request, *, case, form, asset=None):
    return render(
        request,
        "ncb_cases/asset_form.html",
        {"case": case, "form": form, "asset": asset, "cancel_url": _assets_url(case)},
    )


@require_http_methods(["GET", "POST"])
def asset_create(request, case_id: UUID):
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, for_change=True)
    form = AssetForm(request.POST or None, holder_choices=_holder_choices(request, case))
    if request.method == "POST" and form.is_valid():
        try:
            asset_services.asset_create(actor=request.user, case=case, data=form.asset_data())
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Asset recorded as traced."))
            return redirect(_assets_url(case))
    return _render_asset_form(request, case=case, form=form)


@require_http_methods(["GET", "POST"])
def asset_edit(request, case_id: UUID, asset_id: UUID):
    asset = _asset_in_case(request, case_id, asset_id)
    case = asset.case
    form = AssetForm(
        request.POST or None,
        initial=AssetForm.initial_from(asset),
        holder_choices=_holder_choices(request, case),
    )
    if request.method == "POST" and form.is_valid():
        try:
            asset_services.asset_update(
                actor=request.user, asset=asset, data=form.changed_asset_data()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Asset saved."))
            return redirect(_assets_url(case))
    return _render_asset_form(request, case=case, form=form, asset=asset)


@require_http_methods(["GET", "POST"])
def asset_status(request, case_id: UUID, asset_id: UUID):
    """Move an asset to one of the statuses allowed from its current one."""
    asset = _asset_in_case(request, case_id, asset_id)
    case = asset.case
    allowed = asset_services.allowed_next_statuses(asset.status)
    form = AssetStatusForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and allowed and form.is_valid():
        try:
            change = asset_services.asset_change_status(
                actor=request.user, asset=asset, **form.status_data()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("The asset is now %(status)s.")
                % {"status": AssetStatus(change.to_status).label},
            )
            return redirect(_assets_url(case))
    return render(
        request,
        "ncb_cases/asset_status_form.html",
        {
            "case": case,
            "asset": asset,
            "form": form,
            "allowed": allowed,
            "history": list(asset.status_changes.all()),
            "cancel_url": _assets_url(case),
        },
        status=400 if request.method == "POST" and not allowed else 200,
    )
