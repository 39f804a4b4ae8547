"""The Content-Security-Policy and the other security headers of every response."""

import re

import pytest

from ncb_cases.security_headers import content_security_policy

pytestmark = pytest.mark.django_db


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_pages_forbid_inline_scripts_styles_and_framing(client_for, officer_fr):
    response = client_for(officer_fr).get("/")
    policy = policy_of(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert re.fullmatch(r"'self' 'nonce-[\w-]{20,}'", policy["script-src"])
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_each_response_gets_its_own_nonce(client):
    first = policy_of(client.get("/accounts/login/"))["script-src"]
    second = policy_of(client.get("/accounts/login/"))["script-src"]
    assert first != second


def test_api_and_errors_carry_the_policy_too(client):
    assert "Content-Security-Policy" in client.get("/api/v1/cases/")
    assert "Content-Security-Policy" in client.get("/healthz")


def test_the_swagger_ui_start_up_script_is_a_file_of_this_origin(client_for, officer_fr):
    page = client_for(officer_fr).get("/api/v1/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>" not in html
    script = client_for(officer_fr).get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_report_only_mode_and_report_uri(settings, client):
    settings.CSP_REPORT_ONLY = True
    settings.CSP_REPORT_URI = "https://csp.example.org/report"
    response = client.get("/accounts/login/")
    assert "Content-Security-Policy" not in response
    assert (
        "report-uri https://csp.example.org/report"
        in response["Content-Security-Policy-Report-Only"]
    )


def test_the_policy_text_names_the_nonce():
    assert "'nonce-abc'" in content_security_policy("abc")


def test_session_and_csrf_cookies_are_http_only_and_secure_in_production(settings):
    # tests run with DEBUG off, as production does
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SECURE
    assert settings.CSRF_COOKIE_SECURE


def test_only_the_browsable_api_allows_inline_styles_and_never_inline_scripts(
    client_for, officer_fr
):
    client = client_for(officer_fr)
    browsable = policy_of(client.get("/api/v1/cases/", HTTP_ACCEPT="text/html"))
    as_json = policy_of(client.get("/api/v1/cases/", HTTP_ACCEPT="application/json"))
    assert browsable["style-src"] == "'self' 'unsafe-inline'"
    assert "'unsafe-inline'" not in browsable["script-src"]
    assert as_json["style-src"] == "'self'"
