"""Meeting API routes included under /api/v1/: `/meetings/`, and under each meeting its
`action-items/` and `documents/` (metadata)."""

from rest_framework.routers import SimpleRouter

from ncb_cases.api.schema import UUID_PATTERN
from ncb_cases.api.views import meetings

MEETING = rf"meetings/(?P<meeting_id>{UUID_PATTERN})"

router = SimpleRouter()
router.register("meetings", meetings.MeetingViewSet, basename="meeting")
router.register(
    rf"{MEETING}/action-items", meetings.MeetingActionItemViewSet, basename="meeting-action-item"
)
router.register(
    rf"{MEETING}/documents", meetings.MeetingDocumentViewSet, basename="meeting-document"
)

urlpatterns = router.urls
