"""Shapes of the period report API: asking for a report, and a report with its progress."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ncb_cases.api.schema import CodeField
from reports.choices import ReportStatus
from reports.permissions import GLOBAL_SCOPE
from reports.services import FIRST_YEAR, quarter_bounds


class PeriodReportRequestSerializer(serializers.Serializer):
    """A region's report to generate for a finished quarter."""

    region = serializers.CharField(
        max_length=12,
        help_text=_("The bureau's code (e.g. RB-EUR), or `global` for all regions (admins)"),
    )
    year = serializers.IntegerField(min_value=FIRST_YEAR)
    quarter = serializers.IntegerField(
        min_value=1, max_value=4, help_text=_("1 to 4; the quarter must be over")
    )


class PeriodReportSerializer(serializers.Serializer):
    """A period report and its progress; `download_url` once it is DONE."""

    public_id = serializers.UUIDField()
    region = serializers.SerializerMethodField(help_text=_("Bureau code, or `global`"))
    region_name = serializers.SerializerMethodField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    start = serializers.SerializerMethodField(help_text=_("First day of the quarter"))
    end = serializers.SerializerMethodField(help_text=_("Last day of the quarter, inclusive"))
    status = CodeField(ReportStatus)
    progress = serializers.IntegerField(help_text=_("Percent done"))
    progress_label = serializers.CharField(help_text=_("What the generation is doing"))
    error = serializers.CharField(help_text=_("What went wrong, for a FAILED report"))
    sha256 = serializers.CharField(help_text=_("SHA-256 of the PDF, once DONE"))
    scheduled = serializers.SerializerMethodField(
        help_text=_("Asked for by the quarterly schedule rather than by a person")
    )
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    status_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(
        help_text=_("The PDF, once the report is DONE; null before")
    )

    def get_region(self, report) -> str:
        return report.bureau.code if report.bureau_id else GLOBAL_SCOPE

    def get_region_name(self, report) -> str:
        return report.bureau.name if report.bureau_id else str(_("All regions"))

    @extend_schema_field(OpenApiTypes.DATE)
    def get_start(self, report) -> str:
        return quarter_bounds(report.year, report.quarter)[0].isoformat()

    @extend_schema_field(OpenApiTypes.DATE)
    def get_end(self, report) -> str:
        return quarter_bounds(report.year, report.quarter)[1].isoformat()

    def get_scheduled(self, report) -> bool:
        return report.requested_by_id is None

    @extend_schema_field(OpenApiTypes.URI)
    def get_status_url(self, report) -> str:
        return self._url("period-report-detail", report)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download_url(self, report) -> str | None:
        if report.status != ReportStatus.DONE:
            return None
        return self._url("period-report-download", report)

    def _url(self, name: str, report) -> str:
        path = reverse(name, kwargs={"public_id": report.public_id})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
