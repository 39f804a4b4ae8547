"""The URL map of the whole instance (DESIGN.md §6)."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView

from contacts.language import language_switch
from ncb_cases import health
from ncb_cases.views.dashboard import dashboard

# One browsable root for every app's API (each app's router only knows its own routes).
api_root = APIRootView.as_view(
    api_root_dict={
        "countries": "country-list",
        "ncbs": "ncb-list",
        "contact-points": "contact-point-list",
        "cases": "case-list",
        "search": "case-search",
        "evidence": "evidence-list",
        "custody-checkpoints": "custody-checkpoints",
        "messages": "message-list",
        "meetings": "meeting-list",
        "support-organisations": "support-organisation-list",
        "legislation": "legislation-list",
        "report-regions": "report-region-list",
        "period-reports": "period-report-list",
        "schema": "api-schema",
        "docs": "api-docs",
    }
)

api_v1_patterns = [
    path("", api_root, name="api-root"),
    path("", include("contacts.api.urls")),
    path("", include("ncb_cases.api.urls")),
    path("", include("evidence.api.urls")),
    path("", include("messages_hst.api.urls")),
    path("reports/", include("reports.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("contacts.account_urls")),
    path("contacts/", include("contacts.urls")),
    path("cases/", include("ncb_cases.case_urls")),
    path("evidence/", include("evidence.urls")),
    path("messages/", include("messages_hst.urls")),
    path("meetings/", include("ncb_cases.meeting_urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
    # The language switcher must work on the login page too; signed-in officers' choice is
    # also remembered on their membership (contacts.language).
    path("i18n/setlang/", login_not_required(language_switch), name="set_language"),
    path("api/v1/", include(api_v1_patterns)),
]

handler404 = "ncb_cases.api.exceptions.not_found"

admin.site.site_header = "NCB-THB administration"
admin.site.site_title = "NCB-THB"
