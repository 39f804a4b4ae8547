"""API routes of victims' support referrals under /api/v1/ (issue 6):
`/cases/{case_id}/referrals/`."""

from rest_framework.routers import SimpleRouter

from ncb_cases.api.schema import UUID_PATTERN
from ncb_cases.api.views.support import ReferralViewSet

router = SimpleRouter()
router.register(
    rf"cases/(?P<case_id>{UUID_PATTERN})/referrals", ReferralViewSet, basename="case-referral"
)

urlpatterns = router.urls
