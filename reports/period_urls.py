"""Period report pages, included by `reports.urls` under /reports/periods/ (namespace
`reports`). Reports appear in URLs by their public UUIDs only."""

from django.urls import path

from reports import period_views

urlpatterns = [
    path("", period_views.period_list, name="periods"),
    path("request/", period_views.period_request, name="period_request"),
    path("<uuid:report_id>/", period_views.period_detail, name="period_detail"),
    path("<uuid:report_id>/status/", period_views.period_status, name="period_status"),
    path("<uuid:report_id>/download/", period_views.period_download, name="period_download"),
]
