"""A real Celery worker generates period reports: one asked for by an SRB monitor, then the
quarterly schedule's (which skips the region already done and generates the global one). The
PDFs print exactly the figures of the region page (`reports.figures.regional_figures`),
suppressed cells as "<11" included."""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ncb_cases.choices import PersonRole, Sex
from reports import services
from reports.choices import ReportStatus
from reports.figures import regional_figures
from reports.models import PeriodReport
from reports.tables import Cell
from reports.tasks import generate_quarterly_reports
from tests.factories import CaseFactory, VictimFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def pdf_words(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def printed_rows(figures) -> list[str]:
    return [
        " ".join(value.text if isinstance(value, Cell) else str(value) for value in row)
        for table in figures.tables
        for row in table.rows
    ]


def finished(report_id):
    def check() -> bool:
        status = PeriodReport.objects.values_list("status", flat=True).get(pk=report_id)
        return status in (ReportStatus.DONE, ReportStatus.FAILED)

    return check


def test_the_worker_generates_requested_and_quarterly_reports_that_print_the_page_figures(
    celery_worker, client_for, srb_europe, srb_europe_bureau, ncb_fr, ncb_de, officer_fr
):
    # given: cases of the quarter just ended, with 12 male victims and 4 female ones (<11)
    year, quarter = services.previous_quarter(timezone.localdate())
    start, end = services.quarter_bounds(year, quarter)
    paris = CaseFactory(
        owner_ncb=ncb_fr, opened_on=start + timedelta(days=3), created_by=officer_fr
    )
    berlin = CaseFactory(
        owner_ncb=ncb_de, opened_on=end - timedelta(days=3), created_by=officer_fr
    )
    VictimFactory.create_batch(12, case=paris, sex=Sex.M, date_of_birth="1990-05-01")
    VictimFactory.create_batch(
        4, case=berlin, sex=Sex.F, date_of_birth="1995-05-01", role=PersonRole.POSSIBLE_VICTIM
    )

    # when: the monitor asks for their region's report (enqueued when the request commits)
    requested = services.request_period_report(
        user=srb_europe, bureau=srb_europe_bureau, year=year, quarter=quarter
    )
    celery_worker.wait_for(finished(requested.pk), seconds=30)

    # then
    requested.refresh_from_db()
    assert requested.status == ReportStatus.DONE, requested.error or celery_worker.log()
    figures = regional_figures(bureau=srb_europe_bureau, start=start, end=end)
    words = pdf_words(bytes(requested.pdf))
    rows = printed_rows(figures)
    for row in rows:
        assert row in words, row
    assert any(row.startswith("Female") and "<11" in row for row in rows)
    page = client_for(srb_europe).get(
        reverse("reports:region", args=["RB-EUR"]), {"start": start, "end": end}
    )
    assert page.status_code == 200
    assert "&lt;11" in page.content.decode()

    # when: the quarterly schedule runs on the worker
    generate_quarterly_reports.delay()
    celery_worker.wait_for(
        lambda: PeriodReport.objects.filter(bureau=None, status=ReportStatus.DONE).exists(),
        seconds=30,
    )

    # then: the region already done is not generated twice; the global report matches too
    assert PeriodReport.objects.filter(bureau=srb_europe_bureau).count() == 1
    global_report = PeriodReport.objects.get(bureau=None, year=year, quarter=quarter)
    assert global_report.requested_by is None
    global_words = pdf_words(bytes(global_report.pdf))
    for row in printed_rows(regional_figures(bureau=None, start=start, end=end)):
        assert row in global_words, row
