"""`/api/v1/reports/periods/`: the quarterly PDF reports of the regions a user may read, asking
for one (202, then follow its status), and downloading it.

Thin adapters over `reports.period_selectors` (a report of a region the caller may not read
is a 404, like a missing one) and `reports.services` (who may ask, which periods, audit). Each
download is audited as an EXPORT.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from contacts.api.serializers import ErrorSerializer
from ncb_cases.api.schema import (
    DETAIL_ERRORS,
    NOT_AUTHENTICATED,
    PAGE_SIZE,
    UUID_PATTERN,
    VALIDATION_ERROR,
    path_id,
)
from ncb_cases.api.views._common import flatten_errors, validated
from ncb_cases.audit import request_ip
from reports import services
from reports.api.period_serializers import PeriodReportRequestSerializer, PeriodReportSerializer
from reports.choices import ReportStatus
from reports.models import PeriodReport
from reports.period_selectors import period_report_get_for_user, period_reports_for_user
from reports.permissions import GLOBAL_SCOPE

NOT_READY = _("The report is not generated yet: follow its status until it is DONE.")
REGION_REFUSED = _("No region you may ask a report for has this code.")
MAY_NOT_REQUEST = _("Your role does not ask for period reports (SRB monitors and admins do).")
REPORT_ID = path_id("public_id", _("period report"))
LIST_FILTERS = [
    OpenApiParameter("region", OpenApiTypes.STR, description=_("Bureau code, or `global`")),
    OpenApiParameter("year", OpenApiTypes.INT),
    OpenApiParameter("quarter", OpenApiTypes.INT, enum=[1, 2, 3, 4]),
    OpenApiParameter("status", OpenApiTypes.STR, enum=ReportStatus.values),
    PAGE_SIZE,
]
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=MAY_NOT_REQUEST)


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for `application/pdf`; the PDF itself is returned as it is."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return renderers.JSONRenderer().render(data)


@extend_schema_view(
    list=extend_schema(
        summary=_("Period reports of your regions"),
        description=_(
            "The quarterly PDF reports of the regions you may read (administrators: every "
            "region and `global`; SRB monitors: their bureau's region; NCB members: their "
            "own region), newest quarter first."
        ),
        parameters=LIST_FILTERS,
        responses={
            200: PeriodReportSerializer(many=True),
            400: VALIDATION_ERROR,
            401: NOT_AUTHENTICATED,
        },
    ),
)
@extend_schema(parameters=[REPORT_ID])
class PeriodReportViewSet(viewsets.GenericViewSet):
    serializer_class = PeriodReportSerializer
    queryset = PeriodReport.objects.none()
    filter_backends: list = []
    lookup_field = "public_id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PeriodReport.objects.none()
        return period_reports_for_user(user=self.request.user)

    def list(self, request):
        reports = self._filtered(self.get_queryset(), request.query_params)
        page = self.paginate_queryset(reports)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary=_("Ask for a period report"),
        description=_(
            "Generates the PDF of a region (`global`: all regions, administrators only) for a "
            "finished quarter, in the background: 202 with the report and its `status_url`. "
            "An identical report still QUEUED or RUNNING is returned instead of a new one. "
            "A quarter not over yet is a 400 on `quarter`. SRB monitors ask for their own "
            "bureau's region, administrators for any; others get 403."
        ),
        request=PeriodReportRequestSerializer,
        responses={
            202: PeriodReportSerializer,
            400: VALIDATION_ERROR,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
        },
    )
    def create(self, request):
        if not services.can_request_reports(request.user):
            raise PermissionDenied(MAY_NOT_REQUEST)
        data = validated(PeriodReportRequestSerializer(data=request.data))
        bureau = self._requestable_bureau(data["region"])
        try:
            report = services.request_period_report(
                user=request.user,
                bureau=bureau,
                year=data["year"],
                quarter=data["quarter"],
                ip=request_ip(request),
            )
        except DjangoPermissionDenied:
            raise ValidationError({"region": [str(REGION_REFUSED)]}) from None
        except DjangoValidationError as exc:
            raise ValidationError(flatten_errors(exc.message_dict)) from None
        body = self.get_serializer(report).data
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]}
        )

    @extend_schema(
        summary=_("The status of a period report"),
        description=_(
            "QUEUED, RUNNING (with `progress` in percent and `progress_label`), DONE (with the "
            "PDF's SHA-256 and `download_url`) or FAILED (with `error`)."
        ),
        responses={200: PeriodReportSerializer, **DETAIL_ERRORS},
    )
    def retrieve(self, request, public_id):
        report = period_report_get_for_user(user=request.user, report_id=public_id)
        return Response(self.get_serializer(report).data)

    @extend_schema(
        summary=_("Download a period report"),
        description=_(
            "The PDF, as an attachment. Each download is recorded in the audit trail as an "
            "export. Not generated yet (or failed): 409."
        ),
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            **DETAIL_ERRORS,
            409: OpenApiResponse(ErrorSerializer, description=NOT_READY),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    def download(self, request, public_id):
        report = period_report_get_for_user(user=request.user, report_id=public_id, with_pdf=True)
        try:
            pdf = services.period_report_download(
                user=request.user, report=report, ip=request_ip(request)
            )
        except services.PeriodReportNotReady:
            return Response({"detail": str(NOT_READY)}, status=status.HTTP_409_CONFLICT)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{services.period_report_filename(report)}"'
        )
        return response

    def _requestable_bureau(self, code: str):
        if code == GLOBAL_SCOPE:
            return None
        bureau = services.requestable_bureaus(self.request.user).filter(code=code).first()
        if bureau is None:
            raise ValidationError({"region": [str(REGION_REFUSED)]})
        return bureau

    @staticmethod
    def _filtered(reports, params):
        """`reports` narrowed by the query's region, year, quarter and status; 400 naming
        each parameter that is not a valid value."""
        errors: dict[str, list[str]] = {}
        region = params.get("region")
        if region == GLOBAL_SCOPE:
            reports = reports.filter(bureau__isnull=True)
        elif region:
            reports = reports.filter(bureau__code=region)
        year, quarter, state = (params.get(name) for name in ("year", "quarter", "status"))
        if year:
            if year.isdigit():
                reports = reports.filter(year=int(year))
            else:
                errors["year"] = [str(_("Give a year, such as 2026."))]
        if quarter:
            if quarter in {"1", "2", "3", "4"}:
                reports = reports.filter(quarter=int(quarter))
            else:
                errors["quarter"] = [str(_("Choose a quarter from 1 to 4."))]
        if state:
            if state in ReportStatus.values:
                reports = reports.filter(status=state)
            else:
                errors["status"] = [
                    str(_("Choose one of %(codes)s.") % {"codes": ", ".join(ReportStatus.values)})
                ]
        if errors:
            raise ValidationError(errors)
        return reports
