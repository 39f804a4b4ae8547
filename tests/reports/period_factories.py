"""Period reports in a given state, for the period report tests."""

import factory

from reports.choices import ReportStatus
from reports.models import PeriodReport


class PeriodReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeriodReport

    bureau = None
    year = 2026
    quarter = 1
    status = ReportStatus.QUEUED


def done_report(**fields) -> PeriodReport:
    """A generated report whose PDF is a few fictitious bytes."""
    pdf = b"%PDF-1.4 fictitious test report\n%%EOF\n"
    return PeriodReportFactory(
        status=ReportStatus.DONE,
        progress=100,
        pdf=pdf,
        sha256="0" * 64,
        **fields,
    )
