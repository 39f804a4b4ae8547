"""Anonymous users reach nothing but the login page and the health probes."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/", "/contacts/", "/contacts/FR/", "/accounts/profile/", "/accounts/notifications/"]
)
def test_anonymous_browser_user_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_page_is_public(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/countries/", "/api/v1/schema/"])
def test_anonymous_api_call_gets_401_json_not_a_redirect(client, path):
    response = client.get(path, HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_signed_in_officer_sees_ncb_and_role_in_the_layout(client_for, officer_fr):
    response = client_for(officer_fr).get("/")
    assert response.status_code == 200
    assert b"INTERPOL Paris" in response.content
    assert b"Officer" in response.content


def test_anonymous_user_gets_401_for_swagger_ui(client):
    assert client.get("/api/v1/docs/").status_code == 401


def test_anonymous_user_can_switch_language_on_the_login_page(client):
    # when
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert response.cookies["django_language"].value == "fr"
