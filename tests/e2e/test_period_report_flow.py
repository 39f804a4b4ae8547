"""End to end, in Chromium: an SRB monitor asks for a period report, the progress page follows
its generation by itself (static/js/job-progress.js) and offers the PDF, which downloads."""

from datetime import date

import pytest

from reports import services
from reports.models import PeriodReport
from tests.e2e.conftest import skip_module_without_browser

skip_module_without_browser()

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"}`);
});
"""


def test_a_report_asked_for_in_the_browser_is_followed_then_downloaded(
    live_server, new_page, sign_in, srb_europe, srb_europe_bureau, monkeypatch
):
    # given: no worker in this test; the task is run below, while the page is polling
    monkeypatch.setattr("reports.tasks.generate_period_report.delay", lambda report_id: None)
    page = sign_in(new_page(), srb_europe)
    page.add_init_script(RECORD_VIOLATIONS)
    year, quarter = services.previous_quarter(date.today())

    # when the monitor asks for the last quarter's report of their region
    page.goto(f"{live_server.url}/reports/periods/")
    page.get_by_role("link", name="Ask for a report").click()
    page.locator("#id_region").select_option("RB-EUR")
    page.locator("#id_year").fill(str(year))
    page.locator("#id_quarter").select_option(str(quarter))
    page.get_by_role("button", name="Generate the report").click()
    page.wait_for_load_state()

    # then the progress page waits for it
    report = PeriodReport.objects.get()
    assert page.url.endswith(f"/reports/periods/{report.public_id}/")
    assert page.locator("[data-report-download]").is_hidden()

    # when the report is generated (as a worker would)
    services.period_report_generate(report.pk)

    # then the page notices by itself and offers the PDF
    download_link = page.get_by_role("link", name="Download the report (PDF)")
    download_link.wait_for(state="visible", timeout=15_000)
    assert page.locator("#report-progress").get_attribute("value") == "100"
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == f"period-report-RB-EUR-{year}-Q{quarter}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # and the list shows it, with no content-security-policy violation on the way
    page.goto(f"{live_server.url}/reports/periods/")
    assert page.get_by_role("link", name="Download (PDF)").is_visible()
    assert page.evaluate("window.__cspViolations") == []
