"""Report API routes under /api/v1/reports/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from reports.api.views import RegionViewSet

router = SimpleRouter()
router.register("regions", RegionViewSet, basename="report-region")

urlpatterns = [
    path("periods/", include("reports.api.period_urls")),
    *router.urls,
]
