"""API routes included under /api/v1/: the legislation tracker."""

from rest_framework.routers import SimpleRouter

from contacts.api.legislation_views import LegislationViewSet

router = SimpleRouter()
router.register("legislation", LegislationViewSet, basename="legislation")

urlpatterns = router.urls
