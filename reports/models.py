"""Period reports (PDF) of a region's aggregated figures, one per bureau and quarter.

The app sits on top of the others (`contacts ← ncb_cases ← evidence, messages_hst ← reports`):
it reads their selectors' aggregates and owns nothing but the reports it generates.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contacts.models import SubRegionalBureau
from reports.choices import ReportStatus


class PeriodReport(models.Model):
    """A quarter's report for one sub-regional bureau's region (`bureau` None: global)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bureau = models.ForeignKey(
        SubRegionalBureau,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="period_reports",
    )
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("percent"))
    progress_label = models.CharField(max_length=100, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the quarterly schedule asked for it"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "bureau__name", "-created_at"]
        indexes = [models.Index(fields=["bureau", "year", "quarter"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                name="%(app_label)s_%(class)s_quarter_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="%(app_label)s_%(class)s_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        region = self.bureau.name if self.bureau_id else "All regions"
        return f"{region}, {self.year} Q{self.quarter}"
