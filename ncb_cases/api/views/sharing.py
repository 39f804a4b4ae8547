"""`/cases/{case_id}/shares/`: who else may see a case, why and until when.

Only supervisors of the owner NCB (and admins) share and revoke; anyone else gets 404, like
for a missing share. A revoked share stays in the list as history.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from ncb_cases import selectors, services
from ncb_cases.api.schema import CASE_ID, DETAIL_ERRORS, PAGE_SIZE, VALIDATION_ERROR, WRITE_ERRORS
from ncb_cases.api.serializers.sharing import CaseShareSerializer
from ncb_cases.api.views._common import CaseChildViewSet, validated
from ncb_cases.models import CaseShare


@extend_schema(parameters=[CASE_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("The shares of a case"),
        description=_(
            "Active and ended, newest first. The owner NCB sees every share; an NCB the case "
            "is shared with sees its own."
        ),
        parameters=[PAGE_SIZE],
        responses={200: CaseShareSerializer, **DETAIL_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("A share"),
        responses={200: CaseShareSerializer, 400: VALIDATION_ERROR, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary=_("Share the case with another NCB"),
        description=_(
            "Supervisors of the owner NCB only. Sharing again with the same NCB replaces its "
            "open share."
        ),
        request=CaseShareSerializer,
        responses={201: CaseShareSerializer, **WRITE_ERRORS},
    ),
)
class CaseShareViewSet(CaseChildViewSet):
    serializer_class = CaseShareSerializer

    def get_queryset(self):
        if self.fake_schema_view():
            return CaseShare.objects.none()
        return selectors.share_list_for_case(user=self.request.user, case=self.get_case())

    def list(self, request, case_id):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CaseShareSerializer(page, many=True).data)

    def retrieve(self, request, case_id, public_id):
        return Response(CaseShareSerializer(self._visible_share(public_id)).data)

    def create(self, request, case_id):
        case = self.get_case()
        data = validated(CaseShareSerializer(data=request.data))
        share = services.case_share(
            actor=request.user,
            case=case,
            recipient_ncb=data["recipient_ncb"]["code"],
            access=data["access"],
            purpose=data["purpose"],
            expires_at=data["expires_at"],
        )
        return Response(
            CaseShareSerializer(self._visible_share(share.public_id)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary=_("Revoke a share now"),
        description=_(
            "From the next request on, the recipient NCB no longer sees the case and its "
            "users lose their victim-identity grants on it."
        ),
        request=None,
        responses={200: CaseShareSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, case_id, public_id):
        share = selectors.share_get_for_user(user=request.user, share_id=public_id)
        self.check_in_case(share.case_id)
        services.case_unshare(actor=request.user, share=share)
        return Response(CaseShareSerializer(self._visible_share(share.public_id)).data)

    def _visible_share(self, public_id) -> CaseShare:
        # Among the shares the caller may list, so a recipient NCB reads only its own.
        return get_object_or_404(self.get_queryset(), public_id=public_id)
