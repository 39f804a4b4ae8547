"""Browser pages under /reports/ (namespace `reports`)."""

from django.urls import include, path

app_name = "reports"

urlpatterns = [
    path("periods/", include("reports.period_urls")),
]
