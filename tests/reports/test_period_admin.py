"""The period report admin: read-only, with a regenerate action and a download link."""

import pytest
from django.urls import reverse

from reports.choices import ReportStatus
from reports.models import PeriodReport
from tests.reports.period_factories import PeriodReportFactory, done_report

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:reports_periodreport_changelist"


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr("reports.tasks.generate_period_report.delay", calls.append)
    return calls


def test_the_list_shows_reports_with_a_download_link_for_finished_ones(
    client_for, admin_user, srb_europe_bureau
):
    report = done_report(bureau=srb_europe_bureau, year=2026, quarter=1)

    response = client_for(admin_user).get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert reverse("reports:period_download", args=[report.public_id]) in response.content.decode()


def test_reports_cannot_be_added_changed_or_deleted(client_for, admin_user, srb_europe_bureau):
    report = done_report(bureau=srb_europe_bureau)
    client = client_for(admin_user)

    assert client.get(reverse("admin:reports_periodreport_add")).status_code == 403
    change = client.get(reverse("admin:reports_periodreport_change", args=[report.pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert (
        client.get(reverse("admin:reports_periodreport_delete", args=[report.pk])).status_code
        == 403
    )


def test_regenerate_asks_for_the_same_region_and_quarter_again(
    client_for, admin_user, srb_europe_bureau, enqueued, django_capture_on_commit_callbacks
):
    # given
    failed = PeriodReportFactory(bureau=srb_europe_bureau, year=2026, quarter=1, status="FAILED")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(
            reverse(CHANGELIST),
            {"action": "regenerate", "_selected_action": [failed.pk]},
            follow=True,
        )

    # then
    assert response.status_code == 200
    new = PeriodReport.objects.exclude(pk=failed.pk).get()
    assert (new.bureau, new.year, new.quarter, new.status) == (
        srb_europe_bureau,
        2026,
        1,
        ReportStatus.QUEUED,
    )
    assert new.requested_by == admin_user
    assert enqueued == [new.pk]
    failed.refresh_from_db()
    assert failed.status == ReportStatus.FAILED
