"""API routes of a case's assets under /api/v1/ (issue 6): `/cases/{case_id}/assets/`."""

from rest_framework.routers import SimpleRouter

from ncb_cases.api.schema import UUID_PATTERN
from ncb_cases.api.views.assets import AssetViewSet

router = SimpleRouter()
router.register(rf"cases/(?P<case_id>{UUID_PATTERN})/assets", AssetViewSet, basename="case-asset")

urlpatterns = router.urls
