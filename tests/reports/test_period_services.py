"""Asking for a period report: who may, which periods, reuse of a waiting report, audit,
enqueueing on commit, and the quarterly schedule's requests."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from reports import services
from reports.choices import ReportStatus
from reports.models import PeriodReport
from tests.factories import SubRegionalBureauFactory
from tests.reports.period_factories import PeriodReportFactory, done_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr("reports.tasks.generate_period_report.delay", calls.append)
    return calls


@pytest.fixture
def west_africa(db):
    return SubRegionalBureauFactory(code="RB-ABJ", name="West Africa (test)", city="Abidjan")


def test_quarter_bounds_and_previous_quarter():
    assert services.quarter_bounds(2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert services.quarter_bounds(2024, 4) == (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    assert services.previous_quarter(dt.date(2026, 1, 1)) == (2025, 4)
    assert services.previous_quarter(dt.date(2026, 7, 1)) == (2026, 2)
    assert services.previous_quarter(dt.date(2026, 12, 31)) == (2026, 3)


def test_srb_monitor_asks_for_their_regions_report_which_is_queued_and_enqueued_on_commit(
    srb_europe, srb_europe_bureau, enqueued, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_period_report(
            user=srb_europe, bureau=srb_europe_bureau, year=2026, quarter=1
        )
        # then: nothing is enqueued before the commit
        assert enqueued == []

    assert enqueued == [report.pk]
    report.refresh_from_db()
    assert (report.bureau, report.year, report.quarter) == (srb_europe_bureau, 2026, 1)
    assert report.status == ReportStatus.QUEUED
    assert report.requested_by == srb_europe
    event = AuditEvent.objects.get(object_public_id=report.public_id)
    assert event.action == AuditAction.CREATE
    assert event.actor == srb_europe
    assert event.details["region"] == "RB-EUR"
    assert event.details["period"] == "2026-Q1"
    assert event.details["reused"] is False


def test_instance_admin_asks_for_any_region_and_for_the_global_report(
    admin_user, west_africa, enqueued
):
    regional = services.request_period_report(
        user=admin_user, bureau=west_africa, year=2025, quarter=4
    )
    global_report = services.request_period_report(
        user=admin_user, bureau=None, year=2025, quarter=4
    )

    assert regional.bureau == west_africa
    assert global_report.bureau is None
    assert PeriodReport.objects.count() == 2


@pytest.mark.parametrize("region", ["other", "global"])
def test_srb_monitor_may_not_ask_for_another_region_nor_the_global_report(
    srb_europe, west_africa, region, enqueued
):
    bureau = west_africa if region == "other" else None

    with pytest.raises(PermissionDenied):
        services.request_period_report(user=srb_europe, bureau=bureau, year=2026, quarter=1)

    assert not PeriodReport.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("who", ["officer_fr", "supervisor_fr", "analyst_fr"])
def test_ncb_members_may_not_ask_for_reports(request, who, srb_europe_bureau, enqueued):
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.request_period_report(user=user, bureau=srb_europe_bureau, year=2026, quarter=1)

    assert not services.can_request_reports(user)


def test_a_quarter_not_over_yet_is_a_report_period_in_the_future(
    srb_europe, srb_europe_bureau, enqueued
):
    # given
    today = timezone.localdate()
    current = (today.month - 1) // 3 + 1

    # when
    with pytest.raises(ValidationError) as error:
        services.request_period_report(
            user=srb_europe, bureau=srb_europe_bureau, year=today.year, quarter=current
        )

    # then
    messages = error.value.message_dict["quarter"]
    assert "a report period in the future" in messages[0]
    assert not PeriodReport.objects.exists()
    assert enqueued == []


def test_a_later_year_is_in_the_future_too(srb_europe, srb_europe_bureau, enqueued):
    with pytest.raises(ValidationError) as error:
        services.request_period_report(
            user=srb_europe,
            bureau=srb_europe_bureau,
            year=timezone.localdate().year + 1,
            quarter=1,
        )

    assert "a report period in the future" in error.value.message_dict["quarter"][0]


@pytest.mark.parametrize(
    ("year", "quarter", "fields"),
    [
        (2026, 0, {"quarter"}),
        (2026, 5, {"quarter"}),
        (1999, 2, {"year"}),
        ("2026", "x", {"year", "quarter"}),
        (None, None, {"year", "quarter"}),
    ],
)
def test_bad_periods_are_field_errors_and_nothing_is_saved(
    srb_europe, srb_europe_bureau, year, quarter, fields, enqueued
):
    with pytest.raises(ValidationError) as error:
        services.request_period_report(
            user=srb_europe, bureau=srb_europe_bureau, year=year, quarter=quarter
        )

    assert set(error.value.message_dict) == fields
    assert not PeriodReport.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("status", [ReportStatus.QUEUED, ReportStatus.RUNNING])
def test_an_identical_report_still_waiting_is_reused(
    srb_europe, srb_europe_bureau, status, enqueued, django_capture_on_commit_callbacks
):
    # given
    waiting = PeriodReportFactory(bureau=srb_europe_bureau, year=2026, quarter=1, status=status)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_period_report(
            user=srb_europe, bureau=srb_europe_bureau, year=2026, quarter=1
        )

    # then
    assert report.pk == waiting.pk
    assert PeriodReport.objects.count() == 1
    assert enqueued == []
    assert AuditEvent.objects.get().details["reused"] is True


@pytest.mark.parametrize("status", [ReportStatus.DONE, ReportStatus.FAILED])
def test_a_finished_report_is_generated_again_when_asked(
    srb_europe, srb_europe_bureau, status, enqueued, django_capture_on_commit_callbacks
):
    # given
    PeriodReportFactory(bureau=srb_europe_bureau, year=2026, quarter=1, status=status)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_period_report(
            user=srb_europe, bureau=srb_europe_bureau, year=2026, quarter=1
        )

    # then
    assert report.status == ReportStatus.QUEUED
    assert PeriodReport.objects.count() == 2
    assert enqueued == [report.pk]


def test_other_regions_and_quarters_are_not_reused(
    admin_user, srb_europe_bureau, west_africa, enqueued
):
    PeriodReportFactory(bureau=west_africa, year=2026, quarter=1)
    PeriodReportFactory(bureau=srb_europe_bureau, year=2026, quarter=2)
    PeriodReportFactory(bureau=None, year=2026, quarter=1)

    report = services.request_period_report(
        user=admin_user, bureau=srb_europe_bureau, year=2026, quarter=1
    )

    assert PeriodReport.objects.count() == 4
    assert report.status == ReportStatus.QUEUED


def test_the_schedule_asks_for_the_previous_quarter_of_every_region_and_the_global_one(
    srb_europe_bureau, west_africa, enqueued, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        created = services.quarterly_reports_request(today=dt.date(2026, 10, 1))

    # then
    assert {(r.bureau_id, r.year, r.quarter) for r in created} == {
        (srb_europe_bureau.pk, 2026, 3),
        (west_africa.pk, 2026, 3),
        (None, 2026, 3),
    }
    assert all(r.requested_by is None for r in created)
    assert sorted(enqueued) == sorted(r.pk for r in created)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, actor=None).count() == 3


def test_the_schedule_skips_regions_already_done_or_waiting_and_adds_nothing_twice(
    srb_europe_bureau, west_africa, enqueued
):
    # given
    done_report(bureau=srb_europe_bureau, year=2025, quarter=4)
    PeriodReportFactory(bureau=None, year=2025, quarter=4, status=ReportStatus.RUNNING)
    PeriodReportFactory(bureau=west_africa, year=2025, quarter=4, status=ReportStatus.FAILED)

    # when
    first = services.quarterly_reports_request(today=dt.date(2026, 1, 1))
    second = services.quarterly_reports_request(today=dt.date(2026, 1, 1))

    # then: only the failed region is asked for again, once
    assert [(r.bureau, r.year, r.quarter) for r in first] == [(west_africa, 2025, 4)]
    assert second == []
