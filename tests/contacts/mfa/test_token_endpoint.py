"""/api/v1/auth/token/ once the user has an authenticator: `otp_code` is required, and a
missing or wrong code gets the same 400 as a wrong password."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from contacts.models import ApiToken
from tests.contacts.mfa.helpers import PASSWORD, code_now, enrolled, events

pytestmark = pytest.mark.django_db

REFUSED = {"non_field_errors": ["Unable to sign in with this username and password."]}


@pytest.fixture(autouse=True)
def _fresh_windows():
    key = ScopedRateThrottle.cache_format % {"scope": "token", "ident": "127.0.0.1"}
    cache.delete(key)
    yield
    cache.delete(key)


def ask(**body):
    return APIClient().post("/api/v1/auth/token/", body, format="json")


def test_without_the_code_an_enrolled_user_gets_the_wrong_credentials_answer(officer_fr):
    # given
    enrolled(officer_fr)

    # when
    missing = ask(username="officer_fr", password=PASSWORD)
    wrong_password = ask(username="officer_fr", password="not-the-password")

    # then
    assert missing.status_code == wrong_password.status_code == 400
    assert missing.json() == wrong_password.json() == REFUSED
    assert not ApiToken.objects.exists()


def test_a_wrong_code_gets_the_same_answer_and_is_audited(officer_fr):
    # given
    device, _codes = enrolled(officer_fr)
    wrong = f"{(int(code_now(device)) + 500_000) % 1_000_000:06d}"

    # when
    response = ask(username="officer_fr", password=PASSWORD, otp_code=wrong)

    # then
    assert response.status_code == 400
    assert response.json() == REFUSED
    assert events(officer_fr, "mfa_failed").count() == 1
    assert not ApiToken.objects.exists()


def test_the_current_code_gives_a_token_and_cannot_be_used_twice(officer_fr):
    # given
    device, _codes = enrolled(officer_fr)
    code = code_now(device)

    # when
    first = ask(username="officer_fr", password=PASSWORD, otp_code=code)
    second = ask(username="officer_fr", password=PASSWORD, otp_code=code)

    # then
    assert first.status_code == 201
    assert second.status_code == 400
    assert second.json() == REFUSED
    assert ApiToken.objects.filter(user=officer_fr).count() == 1


def test_a_recovery_code_gives_a_token_once(officer_fr):
    # given
    _device, codes = enrolled(officer_fr)

    # when
    first = ask(username="officer_fr", password=PASSWORD, otp_code=codes[0])
    second = ask(username="officer_fr", password=PASSWORD, otp_code=codes[0])

    # then
    assert first.status_code == 201
    assert second.status_code == 400


def test_a_user_without_authenticator_needs_no_code(officer_fr):
    # when
    response = ask(username="officer_fr", password=PASSWORD)

    # then
    assert response.status_code == 201


def test_the_schema_documents_the_code():
    # given
    from drf_spectacular.generators import SchemaGenerator

    # when
    schema = SchemaGenerator().get_schema(request=None, public=True)

    # then
    body = schema["components"]["schemas"]["ApiTokenCreateRequest"]
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "otp_code" in body["properties"]
    assert "otp_code" not in body.get("required", [])
    assert "`otp_code` is required" in operation["description"]
