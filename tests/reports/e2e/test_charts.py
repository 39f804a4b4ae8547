"""In Chromium: the region page draws a chart per table with the vendored Chart.js, beside its
table, under the enforced Content-Security-Policy."""

import pytest

from tests.e2e.conftest import skip_module_without_browser
from tests.reports.conftest import PERIOD

skip_module_without_browser()

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DRAWN_CHARTS = """
() => Array.from(document.querySelectorAll("canvas[data-report-chart]")).map((canvas) => {
  const chart = window.Chart && window.Chart.getChart(canvas);
  return {id: canvas.dataset.reportChart, drawn: Boolean(chart), width: canvas.width};
})
"""


def test_region_page_draws_every_chart_without_csp_violations(
    live_server, new_page, sign_in, srb_europe, europe_figures
):
    page = new_page()
    missing = []
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith("/favicon.ico")
            and missing.append(response.url)
        ),
    )
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " (e) => window.__csp.push(e.violatedDirective));"
    )
    sign_in(page, srb_europe)

    page.goto(
        f"{live_server.url}/reports/regions/RB-EUR/"
        f"?start={PERIOD['start'].isoformat()}&end={PERIOD['end'].isoformat()}"
    )
    page.wait_for_function("() => window.Chart !== undefined")

    charts = page.evaluate(DRAWN_CHARTS)
    violations = page.evaluate("() => window.__csp")
    assert len(charts) == 8
    assert all(chart["drawn"] and chart["width"] > 0 for chart in charts), charts
    assert violations == []
    assert missing == []
    assert page.get_by_role("table").count() == 9
