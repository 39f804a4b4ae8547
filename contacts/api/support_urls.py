"""API routes included under /api/v1/: the directory of victim-support organisations."""

from rest_framework.routers import SimpleRouter

from contacts.api.support_views import SupportOrganisationViewSet

router = SimpleRouter()
router.register(
    "support-organisations", SupportOrganisationViewSet, basename="support-organisation"
)

urlpatterns = router.urls
