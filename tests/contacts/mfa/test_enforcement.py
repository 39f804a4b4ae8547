"""With NCB_REQUIRE_MFA on, every page, the admin included, wants the second factor; the API,
authenticated by personal tokens, and the health probes do not."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from contacts import services
from tests.contacts.mfa.helpers import code_now, enrolled, redirect_of

pytestmark = pytest.mark.django_db

PAGES = ["/", "/cases/", "/contacts/", "/accounts/profile/", "/accounts/notifications/"]


def password_session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_session_without_second_factor_to_the_code_page(officer_fr, path):
    # given
    enrolled(officer_fr)

    # when
    response = password_session(officer_fr).get(path)

    # then
    assert redirect_of(response) == f"/accounts/mfa/verify/?next={path}"


@pytest.mark.parametrize("path", PAGES)
def test_without_authenticator_every_page_sends_to_enrolment(officer_fr, path):
    # when
    response = password_session(officer_fr).get(path)

    # then
    assert redirect_of(response) == f"/accounts/mfa/setup/?next={path}"


def test_a_posted_form_is_refused_too(officer_fr):
    # given
    enrolled(officer_fr)

    # when
    response = password_session(officer_fr).post(
        "/accounts/profile/", {"name": "script", "expires_days": 30}
    )

    # then
    assert redirect_of(response).startswith("/accounts/mfa/verify/")
    assert not officer_fr.api_tokens.exists()


@pytest.mark.parametrize("path", ["/healthz", "/accounts/logout/"])
def test_probes_and_sign_out_are_left_alone(officer_fr, path):
    # given
    enrolled(officer_fr)
    client = password_session(officer_fr)

    # when
    response = client.get(path) if path == "/healthz" else client.post(path)

    # then
    assert not (redirect_of(response) or "").startswith("/accounts/mfa/")


def test_the_api_authenticates_by_token_without_the_code_step(officer_fr):
    # given
    enrolled(officer_fr)
    _token, key = services.api_token_create(user=officer_fr, name="weekly statistics script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    # when
    response = client.get("/api/v1/ncbs/")

    # then
    assert response.status_code == 200


def test_the_admin_requires_the_second_factor(admin_user):
    # given
    device, _codes = enrolled(admin_user)
    client = password_session(admin_user)

    # when
    refused = client.get("/admin/")
    client.post("/accounts/mfa/verify/", {"code": code_now(device)})
    allowed = client.get("/admin/")

    # then
    assert redirect_of(refused) == "/accounts/mfa/verify/?next=/admin/"
    assert allowed.status_code == 200


def test_the_admin_sign_in_form_then_asks_for_the_code(admin_user):
    # given
    enrolled(admin_user)
    client = Client()

    # when
    signed = client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": "correct-horse-battery-staple", "next": "/admin/"},
    )
    landing = client.get(signed["Location"])

    # then
    assert redirect_of(signed) == "/admin/"
    assert redirect_of(landing) == "/accounts/mfa/verify/?next=/admin/"


def test_with_mfa_not_required_a_password_session_sees_the_pages(officer_fr, settings):
    # given: the local demo (`make run`) turns MFA off
    settings.NCB_REQUIRE_MFA = False

    # when
    response = password_session(officer_fr).get("/cases/")

    # then
    assert response.status_code == 200


def test_the_suites_signed_in_client_is_past_both_steps(client_for, officer_fr):
    # when
    response = client_for(officer_fr).get("/cases/")

    # then
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=officer_fr, confirmed=True).count() == 1
