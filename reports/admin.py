"""Admin of period reports: read-only (reports are generated, never typed in), with an action
that asks for the selected reports again and a link to download a finished one."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ncb_cases.audit import request_ip
from reports import services
from reports.choices import ReportStatus
from reports.models import PeriodReport


@admin.register(PeriodReport)
class PeriodReportAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "progress",
        "requested_by",
        "created_at",
        "finished_at",
        "download",
    ]
    list_filter = ["status", "year", "quarter", "bureau"]
    list_select_related = ["bureau", "requested_by"]
    search_fields = ["public_id", "bureau__code", "bureau__name"]
    date_hierarchy = "created_at"
    actions = ["regenerate"]
    fields = readonly_fields = [
        "public_id",
        "bureau",
        "year",
        "quarter",
        "status",
        "progress",
        "progress_label",
        "error",
        "sha256",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "download",
    ]

    def get_queryset(self, request):
        # The PDF bytes are read only to download (through the audited page).
        return super().get_queryset(request).defer("pdf")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("PDF"))
    def download(self, report: PeriodReport) -> str:
        if report.status != ReportStatus.DONE:
            return "—"
        url = reverse("reports:period_download", args=[report.public_id])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    @admin.action(description=_("Generate the selected reports again"), permissions=["view"])
    def regenerate(self, request, queryset) -> None:
        """Asks for each selected region and quarter again as the acting admin (audited, a
        waiting identical report reused): the old reports stay as they were."""
        asked = 0
        for report in queryset.select_related("bureau"):
            try:
                services.request_period_report(
                    user=request.user,
                    bureau=report.bureau,
                    year=report.year,
                    quarter=report.quarter,
                    ip=request_ip(request),
                )
            except PermissionDenied:
                self.message_user(
                    request,
                    _("Only instance administrators may generate reports again."),
                    messages.ERROR,
                )
                return
            except ValidationError as error:
                self.message_user(request, f"{report}: {' '.join(error.messages)}", messages.ERROR)
                continue
            asked += 1
        if asked:
            self.message_user(
                request,
                ngettext(
                    "%(count)d report is being generated again.",
                    "%(count)d reports are being generated again.",
                    asked,
                )
                % {"count": asked},
                messages.SUCCESS,
            )
