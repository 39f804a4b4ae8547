"""`/api/v1/reports/periods/`: list of one's regions' reports, asking for one (202), its
status, the audited download, and the errors of each."""

import pytest
from django.utils import timezone

from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from reports.choices import ReportStatus
from reports.models import PeriodReport
from tests.factories import SubRegionalBureauFactory
from tests.reports.period_factories import PeriodReportFactory, done_report

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/periods/"


@pytest.fixture
def west_africa(db):
    return SubRegionalBureauFactory(code="RB-ABJ", name="West Africa (test)", city="Abidjan")


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr("reports.tasks.generate_period_report.delay", calls.append)
    return calls


def test_anonymous_callers_get_401(api_client_for):
    assert api_client_for(None).get(URL).status_code == 401
    assert api_client_for(None).post(URL, {}).status_code == 401


def test_the_list_holds_the_reports_of_the_callers_regions_only(
    api_client_for, srb_europe, srb_europe_bureau, west_africa
):
    # given
    ours = done_report(bureau=srb_europe_bureau, year=2026, quarter=2)
    done_report(bureau=west_africa)
    done_report(bureau=None)

    # when
    response = api_client_for(srb_europe).get(URL)

    # then
    assert response.status_code == 200
    assert response.json()["count"] == 1
    row = response.json()["results"][0]
    assert row["public_id"] == str(ours.public_id)
    assert row["region"] == "RB-EUR"
    assert (row["year"], row["quarter"], row["start"], row["end"]) == (
        2026,
        2,
        "2026-04-01",
        "2026-06-30",
    )
    assert row["status"] == "DONE"
    assert row["download_url"].endswith(f"{URL}{ours.public_id}/download/")
    assert "pdf" not in row


def test_the_list_is_filtered_by_region_year_quarter_and_status(api_client_for, admin_user):
    wanted = done_report(bureau=None, year=2025, quarter=3)
    done_report(bureau=None, year=2025, quarter=2)
    PeriodReportFactory(bureau=None, year=2025, quarter=3, status=ReportStatus.FAILED)

    response = api_client_for(admin_user).get(
        URL, {"region": "global", "year": "2025", "quarter": "3", "status": "DONE"}
    )

    assert [row["public_id"] for row in response.json()["results"]] == [str(wanted.public_id)]


def test_bad_filters_are_400_naming_each(api_client_for, admin_user):
    response = api_client_for(admin_user).get(
        URL, {"year": "last", "quarter": "5", "status": "LOST"}
    )

    assert response.status_code == 400
    assert set(response.json()) == {"year", "quarter", "status"}


@pytest.mark.parametrize("rows", [1, 40])
def test_the_list_costs_a_fixed_number_of_queries(
    api_client_for, srb_europe, srb_europe_bureau, rows, django_assert_max_num_queries
):
    for n in range(rows):
        PeriodReportFactory(bureau=srb_europe_bureau, year=2020 + n % 6, quarter=1 + n % 4)
    client = api_client_for(srb_europe)

    with django_assert_max_num_queries(6):
        response = client.get(URL)

    assert response.json()["count"] == rows


def test_srb_monitor_asks_for_a_report_and_gets_202_with_its_status_url(
    api_client_for, srb_europe, srb_europe_bureau, enqueued, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(srb_europe).post(
            URL, {"region": "RB-EUR", "year": 2026, "quarter": 1}, format="json"
        )

    # then
    assert response.status_code == 202
    report = PeriodReport.objects.get()
    body = response.json()
    assert body["status"] == "QUEUED"
    assert body["download_url"] is None
    assert body["status_url"].endswith(f"{URL}{report.public_id}/")
    assert response["Location"] == body["status_url"]
    assert enqueued == [report.pk]


def test_admin_asks_for_the_global_report(api_client_for, admin_user, enqueued):
    response = api_client_for(admin_user).post(
        URL, {"region": "global", "year": 2025, "quarter": 4}, format="json"
    )

    assert response.status_code == 202
    assert response.json()["region"] == "global"
    assert PeriodReport.objects.get().bureau is None


@pytest.mark.parametrize("region", ["RB-ABJ", "global", "RB-NOPE"])
def test_a_region_the_monitor_may_not_ask_for_is_a_400_on_region(
    api_client_for, srb_europe, west_africa, region, enqueued
):
    response = api_client_for(srb_europe).post(
        URL, {"region": region, "year": 2026, "quarter": 1}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["region"]
    assert not PeriodReport.objects.exists()


@pytest.mark.parametrize("who", ["officer_fr", "analyst_fr", "user_without_ncb"])
def test_roles_that_do_not_ask_for_reports_get_403(request, api_client_for, who, enqueued):
    response = api_client_for(request.getfixturevalue(who)).post(
        URL, {"region": "RB-EUR", "year": 2026, "quarter": 1}, format="json"
    )

    assert response.status_code == 403
    assert not PeriodReport.objects.exists()


def test_a_quarter_not_over_is_a_400_on_quarter(api_client_for, srb_europe, srb_europe_bureau):
    today = timezone.localdate()

    response = api_client_for(srb_europe).post(
        URL,
        {"region": "RB-EUR", "year": today.year, "quarter": (today.month - 1) // 3 + 1},
        format="json",
    )

    assert response.status_code == 400
    assert "a report period in the future" in response.json()["quarter"][0]
    assert not PeriodReport.objects.exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"region", "year", "quarter"}),
        ({"region": "RB-EUR", "year": "abc", "quarter": -1}, {"year", "quarter"}),
        ({"region": "RB-EUR", "year": 2026, "quarter": 5}, {"quarter"}),
        ({"region": "RB-EUR", "year": 1990, "quarter": 1}, {"year"}),
    ],
)
def test_bad_values_are_400_naming_each_field(
    api_client_for, srb_europe, srb_europe_bureau, body, fields
):
    response = api_client_for(srb_europe).post(URL, body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == fields
    assert not PeriodReport.objects.exists()


def test_the_status_of_a_running_report(api_client_for, srb_europe, srb_europe_bureau):
    report = PeriodReportFactory(
        bureau=srb_europe_bureau,
        status=ReportStatus.RUNNING,
        progress=55,
        progress_label="Table 5 of 9",
    )

    body = api_client_for(srb_europe).get(f"{URL}{report.public_id}/").json()

    assert (body["status"], body["progress"], body["progress_label"]) == (
        "RUNNING",
        55,
        "Table 5 of 9",
    )
    assert body["download_url"] is None


@pytest.mark.parametrize("suffix", ["", "download/"])
def test_another_regions_report_is_404(
    api_client_for, srb_europe, officer_fr, west_africa, suffix
):
    report = done_report(bureau=west_africa)

    for user in (srb_europe, officer_fr):
        response = api_client_for(user).get(f"{URL}{report.public_id}/{suffix}")
        assert response.status_code == 404


def test_the_download_is_an_audited_pdf_attachment(api_client_for, srb_europe, srb_europe_bureau):
    report = done_report(bureau=srb_europe_bureau, year=2026, quarter=1)

    response = api_client_for(srb_europe).get(f"{URL}{report.public_id}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="period-report-RB-EUR-2026-Q1.pdf"'
    )
    assert response.content == bytes(report.pdf)
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, actor=srb_europe, object_public_id=report.public_id
    ).exists()


def test_a_report_not_generated_yet_is_409_for_download(
    api_client_for, srb_europe, srb_europe_bureau
):
    report = PeriodReportFactory(bureau=srb_europe_bureau, status=ReportStatus.RUNNING)

    response = api_client_for(srb_europe).get(f"{URL}{report.public_id}/download/")

    assert response.status_code == 409
    assert "detail" in response.json()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
