"""Case API routes under /api/v1/ (DESIGN.md §6): cases, what hangs off them, and search.

Cases and everything under them are addressed by public UUIDs; anything else is not routed.
"""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from ncb_cases.api.schema import UUID_PATTERN
from ncb_cases.api.views import cases, network, persons, retention, search, sharing, work

CASE = rf"cases/(?P<case_id>{UUID_PATTERN})"

router = SimpleRouter()
router.register("cases", cases.CaseViewSet, basename="case")
router.register(rf"{CASE}/persons", persons.PersonViewSet, basename="case-person")
router.register(rf"{CASE}/groups", network.GroupViewSet, basename="case-group")
router.register(rf"{CASE}/route", network.RouteLegViewSet, basename="case-route-leg")
router.register(rf"{CASE}/vehicles", network.VehicleViewSet, basename="case-vehicle")
router.register(rf"{CASE}/links", network.CaseLinkViewSet, basename="case-link")
router.register(rf"{CASE}/tasks", work.TaskViewSet, basename="case-task")
router.register(rf"{CASE}/notes", work.CaseNoteViewSet, basename="case-note")
router.register(rf"{CASE}/shares", sharing.CaseShareViewSet, basename="case-share")
router.register("retention", retention.RetentionReviewViewSet, basename="retention-review")
router.register(rf"{CASE}/retention", retention.CaseRetentionViewSet, basename="case-retention")

urlpatterns = [
    path("search/", search.SearchView.as_view(), name="case-search"),
    *router.urls,
    path("", include("ncb_cases.api.asset_urls")),
    path("", include("ncb_cases.api.support_urls")),
    path("", include("ncb_cases.api.meeting_urls")),
]
