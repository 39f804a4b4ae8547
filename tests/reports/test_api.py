"""`/api/v1/reports/regions/` and `/regions/{code}/figures/`: permitted regions, the page's
tables as JSON with suppressed cells, period errors, audit and query count."""

from datetime import timedelta

from django.utils import timezone

from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.factories import CaseFactory, VictimFactory
from tests.reports.conftest import PERIOD
from tests.reports.factories import ncb_of_west_africa

REGIONS = "/api/v1/reports/regions/"
QUERY = {"start": PERIOD["start"].isoformat(), "end": PERIOD["end"].isoformat()}


def figures_url(code="RB-EUR"):
    return f"{REGIONS}{code}/figures/"


def test_anonymous_gets_no_regions(api_client_for, srb_europe_bureau):
    assert api_client_for(None).get(REGIONS).status_code in (401, 403)
    assert api_client_for(None).get(figures_url()).status_code in (401, 403)


def test_monitor_lists_only_their_region(api_client_for, srb_europe):
    ncb_of_west_africa()

    response = api_client_for(srb_europe).get(REGIONS)

    assert response.json() == [
        {
            "code": "RB-EUR",
            "name": "European Regional Bureau (RB-EUR)",
            "figures_url": "/api/v1/reports/regions/RB-EUR/figures/",
        }
    ]


def test_admin_lists_every_region_and_global(api_client_for, admin_user, srb_europe_bureau):
    ncb_of_west_africa()

    codes = [region["code"] for region in api_client_for(admin_user).get(REGIONS).json()]

    assert codes == ["RB-EUR", "RB-ABJ", "global"]


def test_figures_give_suppressed_cells_as_text_without_value(
    api_client_for, srb_europe, europe_figures
):
    response = api_client_for(srb_europe).get(figures_url(), QUERY)

    assert response.status_code == 200
    body = response.json()
    assert (body["region"], body["start"], body["end"]) == ("RB-EUR", "2026-01-01", "2026-06-30")
    victims = next(table for table in body["tables"] if table["key"] == "victims")
    rows = {tuple(row["labels"]): row["cells"] for row in victims["rows"]}
    assert rows[("Female",)][1] == {"text": "<11", "suppressed": True, "value": None}
    assert rows[("Male",)][1] == {"text": "11", "suppressed": False, "value": 11}
    assert rows[("Male",)][0] == {"text": "0", "suppressed": False, "value": 0}
    values = [cell["value"] for row in victims["rows"] for cell in row["cells"]]
    assert 10 not in values


def test_figures_match_the_page_tables(api_client_for, client_for, srb_europe, europe_figures):
    api = api_client_for(srb_europe).get(figures_url(), QUERY).json()
    page = client_for(srb_europe).get("/reports/regions/RB-EUR/", QUERY)

    for table, item in zip(api["tables"], page.context["tables"], strict=True):
        assert table["key"] == item["table"].key
        assert [r["labels"] + [c["text"] for c in r["cells"]] for r in table["rows"]] == [
            [cell["text"] for cell in row] for row in item["rows"]
        ]


def test_figures_of_another_region_are_404(api_client_for, srb_europe):
    ncb_of_west_africa()
    client = api_client_for(srb_europe)

    assert client.get(figures_url("RB-ABJ"), QUERY).status_code == 404
    assert client.get(figures_url("global"), QUERY).status_code == 404


def test_future_period_is_a_400_naming_the_field(api_client_for, srb_europe):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = api_client_for(srb_europe).get(
        figures_url(), {"start": "2026-01-01", "end": tomorrow}
    )

    assert response.status_code == 400
    assert response.json() == {"end": ["A report period cannot end in the future."]}


def test_figures_read_is_audited(api_client_for, srb_europe, srb_europe_bureau):
    api_client_for(srb_europe).get(figures_url(), QUERY)

    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert event.details["via"] == "api"
    assert event.details["scope"] == "RB-EUR"


def test_figures_cost_a_fixed_number_of_queries(
    api_client_for, srb_europe, europe_figures, ncb_fr, django_assert_max_num_queries
):
    client = api_client_for(srb_europe)
    with django_assert_max_num_queries(18):
        client.get(figures_url(), QUERY)
    for _n in range(5):
        VictimFactory.create_batch(2, case=CaseFactory(owner_ncb=ncb_fr))
    with django_assert_max_num_queries(18):
        client.get(figures_url(), QUERY)


def test_report_endpoints_are_in_the_openapi_schema(api_client_for, admin_user):
    schema = api_client_for(admin_user).get("/api/v1/schema/", {"format": "json"}).json()

    figures = schema["paths"]["/api/v1/reports/regions/{code}/figures/"]["get"]
    assert {parameter["name"] for parameter in figures["parameters"]} >= {"code", "start", "end"}
    assert set(figures["responses"]) >= {"200", "400", "404"}
    cell = schema["components"]["schemas"]["FigureCell"]
    assert set(cell["properties"]) == {"text", "suppressed", "value"}
    assert "/api/v1/reports/regions/" in schema["paths"]
