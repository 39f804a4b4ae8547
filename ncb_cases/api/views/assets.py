"""`/cases/{case_id}/assets/`: a case's assets, their lifecycle and their total.

Reads go through `selectors.assets` (the case must be visible: otherwise 404 for everything
under it); writes through `services.assets` (the case must be changeable: otherwise 404).
Reading the list or one asset is recorded in the audit trail, refused attempts included.
"""

from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from contacts.api.serializers import ErrorSerializer
from ncb_cases import permissions as case_permissions
from ncb_cases.api.schema import (
    CASE_ID,
    NOT_AUTHENTICATED,
    NOT_FOUND,
    PAGE_SIZE,
    VALIDATION_ERROR,
    path_id,
)
from ncb_cases.api.serializers.assets import (
    AssetSerializer,
    AssetStatusInputSerializer,
    AssetTotalSerializer,
    AssetWriteSerializer,
)
from ncb_cases.api.views._common import CaseChildViewSet, CaseDataAccess, validated
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction
from ncb_cases.models.assets import Asset
from ncb_cases.selectors import assets as asset_selectors
from ncb_cases.services import assets as asset_services

ASSET_ID = path_id("asset_id", _("asset"))
# No 403 on reads: a role that reads no case data (an SRB monitor) finds nothing, a 404.
DETAIL_ERRORS = {401: NOT_AUTHENTICATED, 404: NOT_FOUND}
WRITE_ERRORS = {
    400: VALIDATION_ERROR,
    **DETAIL_ERRORS,
    403: OpenApiResponse(
        response=ErrorSerializer, description=_("Your role reads assets but does not change them.")
    ),
}
ON_DATE = OpenApiParameter(
    "on",
    OpenApiTypes.DATE,
    description=_("Convert with the rates valid on this day (YYYY-MM-DD; default today)."),
)


class AssetDataAccess(CaseDataAccess):
    """The case API's role gate, except that a signed-in user whose role reads no case data
    (an SRB monitor, a user of no NCB) is let through to the selectors, which find no case
    for them: they get the same 404 as for a missing asset (issue 6: an SRB monitor gets 404
    for any asset, in the browser and the API). Analysts still get 403 for writes."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user.is_authenticated and not case_permissions.can_read_cases(user):
            return True
        return super().has_permission(request, view)


def _write(request, response, code=200, **more):
    return extend_schema(request=request, responses={code: response, **WRITE_ERRORS}, **more)


@extend_schema(parameters=[CASE_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("List a case's assets"),
        description=_(
            "Every asset with its status history and the statuses it may move to next. "
            "Holders appear by public id and display name (a victim's pseudonym)."
        ),
        parameters=[PAGE_SIZE],
        responses={200: AssetSerializer, **DETAIL_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("An asset of a case"),
        description=_("Every read is recorded in the audit trail."),
        parameters=[ASSET_ID],
        responses={200: AssetSerializer, **DETAIL_ERRORS},
    ),
    create=_write(
        AssetWriteSerializer,
        AssetSerializer,
        201,
        summary=_("Record an asset"),
        description=_(
            "It starts as TRACED. Refused with every error at once: negative or non-numeric "
            "value, a value without a currency, an unknown ISO 4217 currency or country, a "
            "holder who is not a person of this case."
        ),
    ),
    update=_write(
        AssetWriteSerializer,
        AssetSerializer,
        summary=_("Replace an asset's facts"),
        parameters=[ASSET_ID],
    ),
    partial_update=_write(
        AssetWriteSerializer(partial=True),
        AssetSerializer,
        summary=_("Edit an asset"),
        description=_("Changes the fields sent. The status changes only through `status/`."),
        parameters=[ASSET_ID],
    ),
)
class AssetViewSet(CaseChildViewSet):
    """Assets derived from the offence: traced → frozen → seized → confiscated → returned or
    allocated to victim compensation."""

    serializer_class = AssetSerializer
    permission_classes = [AssetDataAccess]
    lookup_url_kwarg = "asset_id"

    def get_queryset(self):
        if self.fake_schema_view():
            return Asset.objects.none()
        return asset_selectors.asset_list_for_case(user=self.request.user, case=self.get_case())

    def list(self, request, case_id):
        case = self.get_case()
        page = self.paginate_queryset(self.get_queryset())
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=AuditAction.VIEW,
                obj=case,
                ip=self.ip,
                details={"read": "assets"},
            )
        return self.get_paginated_response(AssetSerializer(page, many=True).data)

    def retrieve(self, request, case_id, asset_id):
        # The audited selector first: it records every attempt, refused ones included.
        asset = asset_selectors.asset_detail_for_user(
            user=request.user, asset_id=asset_id, ip=self.ip
        )
        self.check_in_case(asset.case_id)
        return Response(AssetSerializer(asset).data)

    def create(self, request, case_id):
        case = self.get_case()
        data = validated(AssetWriteSerializer(data=request.data))
        asset = asset_services.asset_create(actor=request.user, case=case, data=data)
        return Response(self._reread(asset), status=status.HTTP_201_CREATED)

    def update(self, request, case_id, asset_id):
        return self._update(request, asset_id, partial=False)

    def partial_update(self, request, case_id, asset_id):
        return self._update(request, asset_id, partial=True)

    @_write(
        AssetStatusInputSerializer,
        AssetSerializer,
        summary=_("Change an asset's status"),
        description=_(
            "Only to one of the asset's `allowed_next_statuses`, on a date neither in the "
            "future nor before its previous change, with the legal basis and the deciding "
            "authority. Recorded in the asset's history, the case timeline and the audit trail."
        ),
        parameters=[ASSET_ID],
    )
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def change_status(self, request, case_id, asset_id):
        asset = self._asset(asset_id, for_change=True)
        data = validated(AssetStatusInputSerializer(data=request.data))
        asset_services.asset_change_status(actor=request.user, asset=asset, **data)
        return Response(self._reread(asset))

    @extend_schema(
        summary=_("The case's assets totalled in the reporting currency"),
        description=_(
            "Each value converted with the latest rate valid on the day; assets in a currency "
            "without a rate are listed in `not_converted` and left out of `total`."
        ),
        parameters=[ON_DATE],
        responses={200: AssetTotalSerializer, 400: VALIDATION_ERROR, **DETAIL_ERRORS},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def total(self, request, case_id):
        on = None
        if request.query_params.get("on"):
            on = parse_date(request.query_params["on"])
            if on is None:
                raise ValidationError({"on": [_("Enter a date as YYYY-MM-DD.")]})
        total = asset_selectors.asset_total(self.get_queryset(), on=on)
        return Response(AssetTotalSerializer(total).data)

    def _update(self, request, asset_id, *, partial: bool):
        asset = self._asset(asset_id, for_change=True)
        data = validated(AssetWriteSerializer(data=request.data, partial=partial))
        asset = asset_services.asset_update(actor=request.user, asset=asset, data=data)
        return Response(self._reread(asset))

    def _asset(self, asset_id, *, for_change: bool = False) -> Asset:
        asset = asset_selectors.asset_get_for_user(
            user=self.request.user, asset_id=asset_id, for_change=for_change, ip=self.ip
        )
        self.check_in_case(asset.case_id)
        return asset

    def _reread(self, asset: Asset) -> dict:
        # Re-read through the selector: the answer shows what the caller may still see.
        return AssetSerializer(self._asset(asset.public_id)).data
