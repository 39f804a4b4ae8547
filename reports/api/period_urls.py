"""Period report API routes, under /api/v1/reports/periods/. Reports are addressed by their
public UUIDs only."""

from rest_framework.routers import SimpleRouter

from reports.api.period_views import PeriodReportViewSet

router = SimpleRouter()
router.register("", PeriodReportViewSet, basename="period-report")

urlpatterns = router.urls
