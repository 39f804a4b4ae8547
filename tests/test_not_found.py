"""A route that does not exist: JSON under /api/ (as the API's own 404s), HTML elsewhere."""

import pytest

pytestmark = pytest.mark.django_db


def test_unknown_api_route_is_a_json_404(api_client_for, officer_fr):
    # when
    response = api_client_for(officer_fr).get("/api/v1/reports/regions/not_a_code!/figures/")
    # then
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_unknown_page_is_the_html_404(client, officer_fr):
    # given
    client.force_login(officer_fr)
    # when
    response = client.get("/cases/no-such-page/")
    # then
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
