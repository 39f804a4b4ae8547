"""The regional report pages: who may open which region, the period form, suppression on the
page, charts' data, audit and query count."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.factories import CaseFactory, VictimFactory, officer_user
from tests.reports.conftest import PERIOD
from tests.reports.factories import ncb_of_west_africa

QUERY = {"start": PERIOD["start"].isoformat(), "end": PERIOD["end"].isoformat()}


def region_url(code="RB-EUR"):
    return reverse("reports:region", kwargs={"code": code})


def test_anonymous_visitor_is_sent_to_sign_in(client_for, srb_europe_bureau):
    response = client_for(None).get(region_url(), QUERY)

    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("user", ["srb_europe", "officer_fr", "supervisor_fr", "analyst_fr"])
def test_monitor_and_members_of_the_region_read_its_page(request, client_for, user):
    response = client_for(request.getfixturevalue(user)).get(region_url(), QUERY)

    assert response.status_code == 200
    assert "European Regional Bureau (RB-EUR)" in response.content.decode()


def test_member_of_another_region_gets_404(client_for, srb_europe_bureau):
    officer_ng = officer_user("officer_ng", ncb_of_west_africa())

    assert client_for(officer_ng).get(region_url(), QUERY).status_code == 404
    assert client_for(officer_ng).get(region_url("RB-ABJ"), QUERY).status_code == 200


def test_monitor_of_europe_gets_404_for_another_region_and_for_global(client_for, srb_europe):
    ncb_of_west_africa()

    assert client_for(srb_europe).get(region_url("RB-ABJ"), QUERY).status_code == 404
    assert client_for(srb_europe).get(region_url("global"), QUERY).status_code == 404
    assert client_for(srb_europe).get(region_url("RB-NOPE"), QUERY).status_code == 404


def test_user_of_no_ncb_gets_404_and_an_index_without_regions(
    client_for, user_without_ncb, srb_europe_bureau
):
    client = client_for(user_without_ncb)

    assert client.get(region_url(), QUERY).status_code == 404
    index = client.get(reverse("reports:index")).content.decode()
    assert "You have no region to report on" in index


def test_admin_reads_every_region_and_all_regions(client_for, admin_user, srb_europe_bureau):
    ncb_of_west_africa()
    client = client_for(admin_user)

    index = client.get(reverse("reports:index")).content.decode()
    assert "RB-ABJ" in index
    assert "RB-EUR" in index
    assert "All regions" in index
    assert client.get(region_url("RB-ABJ"), QUERY).status_code == 200
    assert client.get(region_url("global"), QUERY).status_code == 200


def test_index_offers_only_permitted_regions(client_for, officer_fr):
    ncb_of_west_africa()

    body = client_for(officer_fr).get(reverse("reports:index")).content.decode()

    assert "RB-EUR" in body
    assert "RB-ABJ" not in body
    assert "All regions" not in body


def test_index_choice_opens_the_region_page(client_for, srb_europe):
    response = client_for(srb_europe).get(reverse("reports:index"), {"region": "RB-EUR", **QUERY})

    assert response.status_code == 302
    assert response["Location"] == f"{region_url()}?start=2026-01-01&end=2026-06-30"


def test_index_refuses_a_region_the_user_may_not_read(client_for, srb_europe):
    ncb_of_west_africa()

    response = client_for(srb_europe).get(reverse("reports:index"), {"region": "RB-ABJ", **QUERY})

    assert response.status_code == 200
    assert response.context["form"].errors["region"]


def test_a_period_in_the_future_is_a_form_error(client_for, srb_europe):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    client = client_for(srb_europe)

    on_index = client.get(
        reverse("reports:index"), {"region": "RB-EUR", "start": "2026-01-01", "end": tomorrow}
    )
    on_page = client.get(region_url(), {"start": tomorrow, "end": tomorrow})

    assert on_index.context["form"].errors["end"] == ["A report period cannot end in the future."]
    assert on_page.status_code == 400
    assert "A report period cannot start in the future." in on_page.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_an_end_before_the_start_and_a_bad_date_are_form_errors(client_for, srb_europe):
    client = client_for(srb_europe)

    reversed_period = client.get(region_url(), {"start": "2026-03-01", "end": "2026-02-01"})
    not_a_date = client.get(region_url(), {"start": "March", "end": "2026-02-01"})

    assert reversed_period.status_code == 400
    assert reversed_period.context["form"].errors["end"]
    assert not_a_date.context["form"].errors["start"]


def test_page_shows_ten_as_under_eleven_and_eleven_and_zero(
    client_for, srb_europe, europe_figures
):
    response = client_for(srb_europe).get(region_url(), QUERY)

    body = response.content.decode()
    victims = next(item for item in response.context["tables"] if item["table"].key == "victims")
    texts = [[cell["text"] for cell in row] for row in victims["rows"]]
    assert texts[0] == ["Male", "0", "11", "0", "11"]
    assert texts[1] == ["Female", "0", "<11", "0", "<11"]
    assert "&lt;11" in body
    assert ">10<" not in body


def test_every_table_has_a_chart_or_is_marked_without_one(client_for, srb_europe, europe_figures):
    response = client_for(srb_europe).get(region_url(), QUERY)

    body = response.content.decode()
    for item in response.context["tables"]:
        if item["table"].chart == "none":
            assert item["chart"] is None
            continue
        assert f'id="{item["chart_id"]}"' in body
        assert f'data-report-chart="{item["chart_id"]}"' in body
    assert "vendor/chartjs/chart.umd.min.js" in body
    assert "js/report-charts.js" in body
    assert "<script>" not in body


def test_chart_data_draws_suppressed_cells_as_gaps_and_leaves_totals_out(
    client_for, srb_europe, europe_figures
):
    response = client_for(srb_europe).get(region_url(), QUERY)

    victims = next(item for item in response.context["tables"] if item["table"].key == "victims")
    chart = json.loads(json.dumps(victims["chart"]))
    assert chart["labels"] == ["Male", "Female", "Unspecified", "Unknown"]
    adults = next(series for series in chart["series"] if series["label"] == "Adults")
    assert adults["data"] == [11.0, None, None, 0.0]
    assert [series["label"] for series in chart["series"]] == [
        "Children",
        "Adults",
        "Age not known",
    ]


def test_assets_chart_draws_amounts_only(client_for, srb_europe, europe_figures):
    response = client_for(srb_europe).get(region_url(), QUERY)

    assets = next(item for item in response.context["tables"] if item["table"].key == "assets")
    assert [series["label"] for series in assets["chart"]["series"]] == ["Value (EUR)"]


def test_page_view_is_audited_with_region_and_period(client_for, srb_europe, srb_europe_bureau):
    client_for(srb_europe).get(region_url(), QUERY)

    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert event.actor == srb_europe
    assert event.object_type == "subregionalbureau"
    assert event.details == {
        "report": "regional_figures",
        "scope": "RB-EUR",
        "start": "2026-01-01",
        "end": "2026-06-30",
    }


def test_page_without_a_period_shows_the_last_twelve_months(client_for, srb_europe):
    response = client_for(srb_europe).get(region_url())

    assert response.status_code == 200
    assert response.context["figures"].end == timezone.localdate()
    assert len(response.context["figures"].table("cases_by_month").rows) == 13


def test_page_costs_a_fixed_number_of_queries(
    client_for, srb_europe, europe_figures, ncb_fr, django_assert_max_num_queries
):
    client = client_for(srb_europe)
    client.get(region_url(), QUERY)
    with django_assert_max_num_queries(22):
        client.get(region_url(), QUERY)
    for _n in range(5):
        VictimFactory.create_batch(2, case=CaseFactory(owner_ncb=ncb_fr))
    with django_assert_max_num_queries(22):
        client.get(region_url(), QUERY)
