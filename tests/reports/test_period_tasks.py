"""Generating a period report: the task claims it, writes its progress, stores the PDF with its
SHA-256 (or fails with a short error), and prints exactly the region's figures."""

import datetime as dt
import hashlib
import io
import re

import pytest
from pypdf import PdfReader

from reports import services, tasks
from reports.choices import ReportStatus
from reports.figures import regional_figures
from reports.models import PeriodReport
from reports.tables import Cell
from tests.reports.period_factories import PeriodReportFactory, done_report

pytestmark = pytest.mark.django_db


def pdf_words(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def printed_rows(figures):
    """Each row of each table as the PDF prints it: labels and the cells' texts."""
    return [
        " ".join(value.text if isinstance(value, Cell) else str(value) for value in row)
        for table in figures.tables
        for row in table.rows
    ]


def test_the_task_generates_the_pdf_of_the_regions_figures_with_suppressed_cells(
    europe_figures,
    srb_europe,
    srb_europe_bureau,
    settings,
    django_capture_on_commit_callbacks,
):
    # given: the request enqueues the task, run eagerly when the transaction commits
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_period_report(
            user=srb_europe, bureau=srb_europe_bureau, year=2026, quarter=1
        )

    # then
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    assert report.progress == 100
    assert report.started_at <= report.finished_at
    pdf = bytes(report.pdf)
    assert report.sha256 == hashlib.sha256(pdf).hexdigest()
    words = pdf_words(pdf)
    figures = regional_figures(
        bureau=srb_europe_bureau, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)
    )
    for row in printed_rows(figures):
        assert row in words, row
    # 10 women are under the threshold: "<11", never "10", in the victims' table
    victims = [row for row in printed_rows(figures) if row.startswith("Female")]
    assert victims
    assert "<11" in victims[0]
    assert victims[0] in words


def test_progress_is_written_at_each_step(europe_figures, srb_europe_bureau, monkeypatch):
    # given
    report = PeriodReportFactory(bureau=srb_europe_bureau, year=2026, quarter=1)
    seen = []
    real_update = services._Progress.__call__

    def recording(progress, percent, label):
        real_update(progress, percent, label)
        seen.append(
            PeriodReport.objects.values_list("status", "progress", "progress_label").get(
                pk=report.pk
            )
        )

    monkeypatch.setattr(services._Progress, "__call__", recording)

    # when
    tasks.generate_period_report.apply(args=[report.pk]).get()

    # then
    statuses = {status for status, _percent, _label in seen}
    percents = [percent for _status, percent, _label in seen]
    labels = [label for _status, _percent, label in seen]
    assert statuses == {ReportStatus.RUNNING}
    assert percents == sorted(percents)
    assert "Figures computed" in labels
    assert any(label.startswith("Table 1 of ") for label in labels)
    assert labels[-1] == "Assembling the PDF"
    report.refresh_from_db()
    assert (report.status, report.progress, report.progress_label) == (
        ReportStatus.DONE,
        100,
        "Ready",
    )


def test_the_global_report_covers_every_region(europe_figures, admin_user):
    report = PeriodReportFactory(bureau=None, year=2026, quarter=1)

    assert tasks.generate_period_report.apply(args=[report.pk]).get() == ReportStatus.DONE

    report.refresh_from_db()
    assert "All regions" in pdf_words(bytes(report.pdf))


@pytest.mark.parametrize("status", [ReportStatus.RUNNING, ReportStatus.DONE, ReportStatus.FAILED])
def test_a_report_not_waiting_is_left_alone(srb_europe_bureau, status):
    # given: being generated elsewhere (recently), or already finished
    report = PeriodReportFactory(
        bureau=srb_europe_bureau, status=status, progress=40, started_at=dt.datetime.now(dt.UTC)
    )

    # when
    result = tasks.generate_period_report.apply(args=[report.pk]).get()

    # then
    assert result is None
    report.refresh_from_db()
    assert (report.status, report.progress) == (status, 40)


def test_a_running_report_whose_worker_was_lost_is_claimed_again(srb_europe_bureau):
    report = PeriodReportFactory(
        bureau=srb_europe_bureau,
        status=ReportStatus.RUNNING,
        started_at=dt.datetime.now(dt.UTC) - services.STALE_AFTER - dt.timedelta(minutes=1),
    )

    assert tasks.generate_period_report.apply(args=[report.pk]).get() == ReportStatus.DONE


def test_running_the_task_twice_generates_once(srb_europe_bureau):
    report = PeriodReportFactory(bureau=srb_europe_bureau)

    first = tasks.generate_period_report.apply(args=[report.pk]).get()
    sha256 = PeriodReport.objects.get(pk=report.pk).sha256
    second = tasks.generate_period_report.apply(args=[report.pk]).get()

    assert (first, second) == (ReportStatus.DONE, None)
    assert PeriodReport.objects.get(pk=report.pk).sha256 == sha256


def test_a_deleted_report_is_ignored(db):
    assert tasks.generate_period_report.apply(args=[987654]).get() is None


def test_a_failure_marks_the_report_failed_with_a_short_error(
    srb_europe_bureau, monkeypatch, caplog
):
    # given
    report = PeriodReportFactory(bureau=srb_europe_bureau)

    def broken(**kwargs):
        raise RuntimeError("figures exploded (test)")

    monkeypatch.setattr("reports.figures.regional_figures", broken)

    # when
    result = tasks.generate_period_report.apply(args=[report.pk]).get()

    # then
    report.refresh_from_db()
    assert result == ReportStatus.FAILED
    assert report.status == ReportStatus.FAILED
    assert report.error == "The report could not be generated; the operators were told."
    assert report.pdf is None
    assert report.finished_at is not None
    assert "figures exploded" in caplog.text


def test_the_quarterly_task_asks_for_every_region_and_generates_them(
    europe_figures, srb_europe_bureau, settings, django_capture_on_commit_callbacks
):
    # given
    settings.CELERY_TASK_ALWAYS_EAGER = True
    done_report(bureau=None, year=2026, quarter=1)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        asked = tasks.generate_quarterly_reports.apply().get()

    # then: the previous quarter of today, the global one of 2026 Q1 being already done
    year, quarter = services.previous_quarter(dt.date.today())
    assert asked == 2 if (year, quarter) != (2026, 1) else 1
    regional = PeriodReport.objects.get(bureau=srb_europe_bureau, year=year, quarter=quarter)
    assert regional.status == ReportStatus.DONE
    assert regional.requested_by is None
