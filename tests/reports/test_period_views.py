"""Period report pages: the list shows only the user's regions, asking for a report (form
errors, no one else's region), the progress page and its JSON, the audited download."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from reports.choices import ReportStatus
from reports.models import PeriodReport
from tests.factories import SubRegionalBureauFactory
from tests.reports.period_factories import PeriodReportFactory, done_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def west_africa(db):
    return SubRegionalBureauFactory(code="RB-ABJ", name="West Africa (test)", city="Abidjan")


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr("reports.tasks.generate_period_report.delay", calls.append)
    return calls


def test_anonymous_visitors_are_sent_to_the_login_page(client_for):
    response = client_for(None).get(reverse("reports:periods"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_list_shows_the_reports_of_the_users_regions_only(
    client_for, srb_europe, srb_europe_bureau, west_africa
):
    # given
    ours = done_report(bureau=srb_europe_bureau, year=2026, quarter=2)
    theirs = done_report(bureau=west_africa, year=2026, quarter=2)
    global_report = done_report(bureau=None, year=2026, quarter=2)

    # when
    response = client_for(srb_europe).get(reverse("reports:periods"))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("reports:period_download", args=[ours.public_id]) in page
    assert str(theirs.public_id) not in page
    assert str(global_report.public_id) not in page
    assert "2026 Q2 (2026-04-01 to 2026-06-30)" in page


def test_admins_see_every_region_and_the_global_report(client_for, admin_user, west_africa):
    reports = [done_report(bureau=west_africa), done_report(bureau=None)]

    page = client_for(admin_user).get(reverse("reports:periods")).content.decode()

    for report in reports:
        assert str(report.public_id) in page
    assert "All regions" in page


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_costs_a_fixed_number_of_queries(
    client_for, srb_europe, srb_europe_bureau, rows, django_assert_max_num_queries
):
    for quarter in range(rows):
        PeriodReportFactory(bureau=srb_europe_bureau, year=2025 - quarter // 4, quarter=1)
    client = client_for(srb_europe)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:periods"))

    assert response.status_code == 200


def test_users_with_no_region_get_404_for_the_list(client_for, user_without_ncb):
    assert client_for(user_without_ncb).get(reverse("reports:periods")).status_code == 404


def test_officers_read_their_regions_reports_but_are_not_offered_the_request(
    client_for, officer_fr, srb_europe_bureau
):
    report = done_report(bureau=srb_europe_bureau)
    client = client_for(officer_fr)

    page = client.get(reverse("reports:periods")).content.decode()

    assert str(report.public_id) in page
    assert reverse("reports:period_request") not in page
    assert client.get(reverse("reports:period_request")).status_code == 404


def test_srb_monitor_asks_for_a_report_and_is_sent_to_its_progress_page(
    client_for, srb_europe, srb_europe_bureau, enqueued, django_capture_on_commit_callbacks
):
    client = client_for(srb_europe)
    assert client.get(reverse("reports:period_request")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:period_request"),
            {"region": "RB-EUR", "year": "2026", "quarter": "1"},
        )

    report = PeriodReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:period_detail", args=[report.public_id])
    assert (report.bureau, report.year, report.quarter) == (srb_europe_bureau, 2026, 1)
    assert enqueued == [report.pk]


def test_a_quarter_not_over_is_shown_as_a_field_error_and_nothing_is_saved(
    client_for, srb_europe, srb_europe_bureau, enqueued
):
    today = timezone.localdate()

    response = client_for(srb_europe).post(
        reverse("reports:period_request"),
        {"region": "RB-EUR", "year": today.year, "quarter": (today.month - 1) // 3 + 1},
    )

    assert response.status_code == 400
    assert "a report period in the future" in response.content.decode()
    assert response.context["form"].errors["quarter"]
    assert not PeriodReport.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"region": "RB-ABJ", "year": "2026", "quarter": "1"}, "region"),
        ({"region": "global", "year": "2026", "quarter": "1"}, "region"),
        ({"region": "RB-EUR", "year": "abc", "quarter": "1"}, "year"),
        ({"region": "RB-EUR", "year": "2026", "quarter": "5"}, "quarter"),
    ],
)
def test_another_region_or_bad_values_are_form_errors(
    client_for, srb_europe, west_africa, data, field, enqueued
):
    response = client_for(srb_europe).post(reverse("reports:period_request"), data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not PeriodReport.objects.exists()


def test_the_progress_page_and_its_status_follow_the_report(
    client_for, srb_europe, srb_europe_bureau
):
    # given
    report = PeriodReportFactory(
        bureau=srb_europe_bureau,
        status=ReportStatus.RUNNING,
        progress=42,
        progress_label="Table 3 of 9",
    )
    client = client_for(srb_europe)

    # when
    page = client.get(reverse("reports:period_detail", args=[report.public_id]))
    status = client.get(reverse("reports:period_status", args=[report.public_id]))

    # then
    assert page.status_code == 200
    html = page.content.decode()
    assert "js/job-progress.js" in html
    assert reverse("reports:period_status", args=[report.public_id]) in html
    assert "<script>" not in html
    assert status.json() == {
        "status": "RUNNING",
        "status_label": "Being generated",
        "label": "Table 3 of 9",
        "progress": 42,
        "done": False,
        "failed": False,
        "error": "",
        "download_url": "",
    }
    assert "no-cache" in status["Cache-Control"]


def test_the_status_of_a_done_report_names_its_download(client_for, srb_europe, srb_europe_bureau):
    report = done_report(bureau=srb_europe_bureau)

    status = client_for(srb_europe).get(reverse("reports:period_status", args=[report.public_id]))

    assert status.json()["done"] is True
    assert status.json()["download_url"] == reverse(
        "reports:period_download", args=[report.public_id]
    )


@pytest.mark.parametrize("name", ["period_detail", "period_status", "period_download"])
def test_another_regions_report_is_404_on_every_page(
    client_for, srb_europe, officer_fr, west_africa, name
):
    report = done_report(bureau=west_africa)

    for user in (srb_europe, officer_fr):
        response = client_for(user).get(reverse(f"reports:{name}", args=[report.public_id]))
        assert response.status_code == 404
    denied = AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_public_id=report.public_id
    )
    assert {event.actor for event in denied} == {srb_europe, officer_fr}


def test_a_missing_report_is_the_same_404_and_audits_nothing(client_for, srb_europe):
    missing = "00000000-0000-4000-8000-000000000000"

    response = client_for(srb_europe).get(reverse("reports:period_detail", args=[missing]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.DENIED).exists()


def test_the_global_report_is_404_for_an_srb_monitor(client_for, srb_europe):
    report = done_report(bureau=None)

    url = reverse("reports:period_detail", args=[report.public_id])
    assert client_for(srb_europe).get(url).status_code == 404


def test_the_download_is_an_audited_pdf_attachment(client_for, srb_europe, srb_europe_bureau):
    # given
    report = done_report(bureau=srb_europe_bureau, year=2026, quarter=1)

    # when
    response = client_for(srb_europe).get(
        reverse("reports:period_download", args=[report.public_id])
    )

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="period-report-RB-EUR-2026-Q1.pdf"'
    )
    assert response.content == bytes(report.pdf)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == srb_europe
    assert event.object_public_id == report.public_id
    assert event.details["period"] == "2026-Q1"


@pytest.mark.parametrize(
    "status", [ReportStatus.QUEUED, ReportStatus.RUNNING, ReportStatus.FAILED]
)
def test_a_report_not_done_has_nothing_to_download(
    client_for, srb_europe, srb_europe_bureau, status
):
    report = PeriodReportFactory(bureau=srb_europe_bureau, status=status)

    response = client_for(srb_europe).get(
        reverse("reports:period_download", args=[report.public_id])
    )

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
