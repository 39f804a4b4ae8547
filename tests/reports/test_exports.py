"""CSV and XLSX exports of a region's figures: suppressed cells stay "<11", audited."""

import csv
import io

import openpyxl
from django.urls import reverse

from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.reports.conftest import PERIOD

QUERY = {"start": PERIOD["start"].isoformat(), "end": PERIOD["end"].isoformat()}


def table_url(key, fmt, code="RB-EUR"):
    return reverse("reports:table_export", kwargs={"code": code, "key": key, "fmt": fmt})


def page_url(fmt, code="RB-EUR"):
    return reverse("reports:export", kwargs={"code": code, "fmt": fmt})


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def xlsx_book(response):
    return openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)


def test_csv_of_victims_shows_under_eleven_eleven_and_zero(client_for, srb_europe, europe_figures):
    response = client_for(srb_europe).get(table_url("victims", "csv"), QUERY)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="RB-EUR_2026-01-01_2026-06-30_victims.csv"'
    )
    rows = csv_rows(response)
    assert ["Male", "0", "11", "0", "11"] in rows
    assert ["Female", "0", "<11", "0", "<11"] in rows
    assert ["Total", "0", "24", "0", "24"] in rows
    assert not any(cell == "10" for row in rows for cell in row)


def test_xlsx_of_victims_writes_numbers_and_under_eleven_as_text(
    client_for, srb_europe, europe_figures
):
    response = client_for(srb_europe).get(table_url("victims", "xlsx"), QUERY)

    book = xlsx_book(response)
    assert book.sheetnames == ["victims"]
    rows = [list(row) for row in book["victims"].iter_rows(values_only=True)]
    assert ["Male", 0, 11, 0, 11] in rows
    assert ["Female", 0, "<11", 0, "<11"] in rows
    assert not any(value == 10 for row in rows for value in row)


def test_whole_page_exports_hold_every_table(client_for, srb_europe, europe_figures):
    client = client_for(srb_europe)

    as_csv = csv_rows(client.get(page_url("csv"), QUERY))
    book = xlsx_book(client.get(page_url("xlsx"), QUERY))

    keys = [
        "cases_by_month",
        "cases_by_offence",
        "cases_by_exploitation",
        "routes",
        "victims",
        "assets",
        "contact_points",
        "overdue_requests",
        "legislation",
    ]
    assert book.sheetnames == keys
    assert ["Female", "0", "<11", "0", "<11"] in as_csv
    assert ["Germany", "France", "2"] in as_csv
    assets = [list(row) for row in book["assets"].iter_rows(values_only=True)]
    assert ["Total", 3, 1000900, 1] in assets


def test_exports_are_audited_with_format_and_table(client_for, srb_europe, europe_figures):
    client = client_for(srb_europe)

    client.get(table_url("routes", "csv"), QUERY)
    client.get(page_url("xlsx"), QUERY)

    details = [
        event.details
        for event in AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("id")
    ]
    assert [(d["table"], d["format"], d["scope"]) for d in details] == [
        ("routes", "csv", "RB-EUR"),
        ("all", "xlsx", "RB-EUR"),
    ]


def test_export_of_another_region_or_an_unknown_table_is_404(
    client_for, srb_europe, europe_figures
):
    client = client_for(srb_europe)

    assert client.get(table_url("victims", "csv", code="global"), QUERY).status_code == 404
    assert client.get(table_url("persons", "csv"), QUERY).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_export_of_a_future_period_is_refused(client_for, srb_europe):
    response = client_for(srb_europe).get(
        page_url("csv"), {"start": "2026-01-01", "end": "2999-01-01"}
    )

    assert response.status_code == 400
    assert "A report period cannot end in the future." in response.content.decode()


def test_csv_cells_never_start_a_formula(client_for, admin_user, europe_figures):
    from contacts.models import Country

    Country.objects.filter(iso2="DE").update(name="=HYPERLINK(1)")

    rows = csv_rows(client_for(admin_user).get(table_url("routes", "csv"), QUERY))

    assert ["'=HYPERLINK(1)", "France", "2"] in rows
