"""Case sub-pages of assets, included by `ncb_cases.case_urls` (namespace `cases`).

Cases and assets appear in these URLs by their public UUIDs only.
"""

from django.urls import path

from ncb_cases.views import assets

urlpatterns = [
    path("<uuid:case_id>/assets/", assets.case_assets, name="assets"),
    path("<uuid:case_id>/assets/new/", assets.asset_create, name="asset_create"),
    path(
        "<uuid:case_id>/assets/<uuid:asset_id>/edit/",
        assets.asset_edit,
        name="asset_edit",
    ),
    path(
        "<uuid:case_id>/assets/<uuid:asset_id>/status/",
        assets.asset_status,
        name="asset_status",
    ),
]
