"""The dashboard panel of an SRB monitor's region."""

from datetime import date

from django.template import Context, Template
from django.test import RequestFactory

from tests.factories import CaseFactory, VictimFactory

PANEL = Template("{% load report_panels %}{% region_headline_panel %}")


def render_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return PANEL.render(Context({"request": request, "user": user}))


def test_monitor_sees_the_headline_of_their_region(srb_europe, ncb_fr, officer_fr):
    # given 10 victims in a case opened this month: hidden
    case = CaseFactory(owner_ncb=ncb_fr, opened_on=date.today(), created_by=officer_fr)
    VictimFactory.create_batch(10, case=case)

    html = render_for(srb_europe)

    assert "European Regional Bureau (RB-EUR)" in html
    assert "&lt;11" in html
    assert "/reports/regions/RB-EUR/?start=" in html
    assert "Cases opened" in html


def test_panel_renders_nothing_for_an_officer(officer_fr):
    assert render_for(officer_fr).strip() == ""


def test_panel_renders_nothing_for_an_admin(admin_user):
    assert render_for(admin_user).strip() == ""


def test_panel_costs_a_fixed_number_of_queries(
    srb_europe, ncb_fr, officer_fr, django_assert_max_num_queries
):
    srb_europe.refresh_from_db()
    for _n in range(3):
        VictimFactory.create_batch(3, case=CaseFactory(owner_ncb=ncb_fr, created_by=officer_fr))

    with django_assert_max_num_queries(8):
        render_for(srb_europe)
