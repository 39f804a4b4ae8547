"""Retention review in the API: `GET /retention/` (the review list of the caller's NCB) and
`POST /cases/{case_id}/retention/` (a decision).

Supervisors of the owner NCB and admins only: other roles get 403 on the list; for a
decision, analysts get 403 (they never write) and everyone else who may not decide gets
404, like for a case that does not exist.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from ncb_cases.api.schema import CASE_ID, PAGE_SIZE, READ_ERRORS, WRITE_ERRORS
from ncb_cases.api.serializers.retention import (
    RetentionDecisionSerializer,
    RetentionReviewSerializer,
)
from ncb_cases.api.views._common import CaseApiViewSet, CaseChildViewSet, validated
from ncb_cases.models import RetentionReview
from ncb_cases.selectors.retention import (
    can_review_retention,
    retention_case_for_user,
    retention_review_list_for_user,
)
from ncb_cases.services.retention import case_retention_decide


class RetentionReviewViewSet(CaseApiViewSet):
    serializer_class = RetentionReviewSerializer

    def get_queryset(self):
        if self.fake_schema_view():
            return RetentionReview.objects.none()
        return retention_review_list_for_user(user=self.request.user)

    @extend_schema(
        summary=_("The retention review list"),
        description=_(
            "The cases of your NCB whose review date is within six months (every NCB's for an "
            "admin), soonest due first. Supervisors and admins only."
        ),
        parameters=[PAGE_SIZE],
        responses={200: RetentionReviewSerializer(many=True), **READ_ERRORS},
    )
    def list(self, request):
        if not can_review_retention(request.user):
            raise PermissionDenied(_("Only supervisors review retention."))
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RetentionReviewSerializer(page, many=True).data)


class CaseRetentionViewSet(CaseChildViewSet):
    serializer_class = RetentionDecisionSerializer

    @extend_schema(
        summary=_("Decide a case's retention review"),
        description=_(
            "Retain (a reason and a new review date at most five years ahead), anonymise or "
            "delete a case on the review list. One transaction, audited. Anonymise and delete "
            "keep the evidence items and their custody chains and start CORRECTION / CANCEL "
            "drafts of the messages that reached other NCBs (four-eyes approval). A case not "
            "on the list: 400 naming `case`."
        ),
        parameters=[CASE_ID],
        request=RetentionDecisionSerializer,
        responses={201: RetentionReviewSerializer, **WRITE_ERRORS},
    )
    def create(self, request, case_id):
        case, _review = retention_case_for_user(user=request.user, case_id=case_id)
        data = validated(RetentionDecisionSerializer(data=request.data))
        review = case_retention_decide(
            actor=request.user,
            case=case,
            decision=data["decision"],
            reason=data["reason"],
            retain_until=data.get("retain_until"),
        )
        review.case.refresh_from_db()
        return Response(RetentionReviewSerializer(review).data, status=status.HTTP_201_CREATED)
