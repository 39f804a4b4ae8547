"""Case sub-pages included by `ncb_cases.case_urls` (namespace `cases`): victim support."""

from django.urls import path

from ncb_cases.views import support

urlpatterns = [
    path("<uuid:case_id>/support/", support.case_support, name="support"),
    path("<uuid:case_id>/support/new/", support.referral_create, name="referral_create"),
    path(
        "<uuid:case_id>/support/<uuid:referral_id>/",
        support.referral_detail,
        name="referral_detail",
    ),
    path(
        "<uuid:case_id>/support/<uuid:referral_id>/status/",
        support.referral_status,
        name="referral_status",
    ),
    path(
        "<uuid:case_id>/support/<uuid:referral_id>/repatriation/",
        support.referral_repatriation,
        name="referral_repatriation",
    ),
    path(
        "<uuid:case_id>/support/<uuid:referral_id>/edit/",
        support.referral_update,
        name="referral_update",
    ),
]
