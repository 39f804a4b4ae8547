"""Report API routes under /api/v1/reports/."""

from django.urls import include, path

urlpatterns = [
    path("periods/", include("reports.api.period_urls")),
]
