"""Browser pages under /reports/ (namespace `reports`)."""

from django.urls import include, path, re_path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("regions/<str:code>/", views.region, name="region"),
    re_path(
        r"^regions/(?P<code>[A-Za-z0-9-]+)/export\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="export",
    ),
    re_path(
        r"^regions/(?P<code>[A-Za-z0-9-]+)/export/(?P<key>[a-z0-9_]+)\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="table_export",
    ),
    path("periods/", include("reports.period_urls")),
]
