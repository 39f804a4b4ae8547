"""`/api/v1/reports/regions/`: the regions a user may read and each one's aggregated figures,
the same tables as the browser page (`reports.figures`), audited like the page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ncb_cases.api.schema import DETAIL_ERRORS, READ_ERRORS, VALIDATION_ERROR
from ncb_cases.audit import audit_record, request_ip
from ncb_cases.choices import AuditAction
from reports import permissions
from reports.api.serializers import RegionalFiguresSerializer, ReportRegionSerializer
from reports.figures import region_label, regional_figures
from reports.forms import ReportPeriodForm, default_period

REGION_CODE = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=r"^[A-Za-z0-9-]+$",
    description=_("The bureau's code (e.g. RB-EUR), or `global` (administrators)"),
)
PERIOD_PARAMETERS = [
    OpenApiParameter(
        "start",
        OpenApiTypes.DATE,
        description=_("First day of the period; with `end`. Default: the last twelve months."),
    ),
    OpenApiParameter(
        "end",
        OpenApiTypes.DATE,
        description=_("Last day of the period, inclusive; today at the latest."),
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary=_("The regions you may read"),
        description=_(
            "Administrators: every region and `global`; SRB monitors: their bureau's region; "
            "officers, supervisors and analysts: their own NCB's region."
        ),
        responses={200: ReportRegionSerializer(many=True), **READ_ERRORS},
    ),
)
class RegionViewSet(viewsets.ViewSet):
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9-]+"

    def list(self, request):
        bureaus = list(permissions.permitted_bureaus(request.user))
        regions = [{"code": bureau.code, "name": region_label(bureau)} for bureau in bureaus]
        if permissions.can_view_global(request.user):
            regions.append({"code": permissions.GLOBAL_SCOPE, "name": region_label(None)})
        for region in regions:
            region["figures_url"] = reverse(
                "report-region-figures", kwargs={"code": region["code"]}
            )
        return Response(ReportRegionSerializer(regions, many=True).data)

    @extend_schema(
        summary=_("A region's aggregated figures"),
        description=_(
            "Every table of the region's page for the period: counts of 1 to 10 persons are "
            '`{"text": "<11", "suppressed": true, "value": null}`, and so is a second cell of '
            "a sum where the first could be worked out. The read is audited."
        ),
        parameters=[REGION_CODE, *PERIOD_PARAMETERS],
        responses={200: RegionalFiguresSerializer, 400: VALIDATION_ERROR, **DETAIL_ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="figures", url_name="figures")
    def figures(self, request, code):
        bureau = permissions.region_get_for_user(user=request.user, code=code)
        if "start" in request.query_params or "end" in request.query_params:
            form = ReportPeriodForm(request.query_params)
        else:
            start, end = default_period()
            form = ReportPeriodForm({"start": start, "end": end})
        if not form.is_valid():
            raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
        figures = regional_figures(
            bureau=bureau, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
        audit_record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=bureau,
            ip=request_ip(request),
            details={
                "report": "regional_figures",
                "scope": code,
                "start": figures.start.isoformat(),
                "end": figures.end.isoformat(),
                "via": "api",
            },
        )
        return Response(RegionalFiguresSerializer(figures, context={"code": code}).data)
