"""Personal API tokens: /api/v1/auth/token/, `Authorization: Token <key>`, and
`manage.py create_api_token`."""

import datetime
import hashlib
import io

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from contacts import services
from contacts.models import ApiToken
from tests.factories import language

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"  # the factories' password
REFUSED = "Unable to sign in with this username and password."


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Each named user costs a full PBKDF2 hash otherwise; no test here is about hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttle_window():
    # The throttle counts requests per client address in the cache, which outlives a test.
    key = ScopedRateThrottle.cache_format % {"scope": "token", "ident": "127.0.0.1"}
    cache.delete(key)
    yield
    cache.delete(key)


def ask_for_token(client=None, **body):
    return (client or APIClient()).post("/api/v1/auth/token/", body, format="json")


def client_with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def officer_fr_key(officer_fr):
    _token, key = services.api_token_create(user=officer_fr, name="weekly statistics script")
    return key


# --- POST /api/v1/auth/token/ ---------------------------------------------------------------


def test_right_credentials_give_a_named_expiring_token(officer_fr):
    # when
    response = ask_for_token(
        username="officer_fr", password=PASSWORD, name="weekly statistics", expires_days=7
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"token", "name", "expires_at"}
    assert body["name"] == "weekly statistics"
    token = ApiToken.objects.get(user=officer_fr)
    assert token.expires_at == datetime.datetime.fromisoformat(body["expires_at"])
    assert token.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)


def test_token_without_name_or_validity_gets_a_dated_name_and_the_default_validity(
    officer_fr, settings
):
    # when
    response = ask_for_token(username="officer_fr", password=PASSWORD)
    # then
    assert response.status_code == 201
    token = ApiToken.objects.get(user=officer_fr)
    assert timezone.localdate().isoformat() in token.name
    expected = timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DEFAULT_EXPIRY_DAYS)
    assert abs(token.expires_at - expected) < datetime.timedelta(minutes=1)


def test_only_the_hash_of_the_key_is_stored(officer_fr):
    # when
    key = ask_for_token(username="officer_fr", password=PASSWORD).json()["token"]
    # then
    stored = ApiToken.objects.values().get()
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in repr(stored)


@pytest.mark.parametrize(
    ("username", "password"),
    [("officer_fr", "wrong-password-0123"), ("nobody_at_all", PASSWORD)],
)
def test_wrong_password_and_unknown_user_get_the_same_400(officer_fr, username, password):
    # when
    response = ask_for_token(username=username, password=password)
    # then
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [REFUSED]}
    assert not ApiToken.objects.exists()


def test_inactive_user_is_refused_like_wrong_credentials(officer_fr):
    # given
    officer_fr.is_active = False
    officer_fr.save(update_fields=["is_active"])
    # when
    response = ask_for_token(username="officer_fr", password=PASSWORD)
    # then
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [REFUSED]}


def test_missing_credentials_are_400_naming_the_fields(db):
    # when
    response = ask_for_token()
    # then
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


@pytest.mark.parametrize("days", [0, 366, "soon"])
def test_validity_out_of_range_is_400_naming_the_field(officer_fr, days):
    # when
    response = ask_for_token(username="officer_fr", password=PASSWORD, expires_days=days)
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["expires_days"]


def test_token_endpoint_needs_no_session_nor_csrf_token(officer_fr):
    # given a browser session, whose CSRF check would refuse this POST on a session view
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(officer_fr)
    # when
    response = ask_for_token(client, username="officer_fr", password=PASSWORD)
    # then
    assert response.status_code == 201


def test_token_endpoint_is_throttled_per_client(officer_fr, monkeypatch):
    # given
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    for _attempt in range(3):
        ask_for_token(username="officer_fr", password="guess-0123456")
    # when
    response = ask_for_token(username="officer_fr", password=PASSWORD)
    # then
    assert response.status_code == 429
    assert "Retry-After" in response
    assert not ApiToken.objects.exists()


# --- Authorization: Token <key> -------------------------------------------------------------


def test_token_in_the_header_authenticates_its_user(officer_fr):
    # given
    key = ask_for_token(username="officer_fr", password=PASSWORD).json()["token"]
    # when
    response = client_with_token(key).get("/api/v1/contact-points/")
    # then
    assert response.status_code == 200


def test_use_of_a_token_is_recorded(officer_fr_key):
    # when
    client_with_token(officer_fr_key).get("/api/v1/countries/")
    # then
    assert ApiToken.objects.get().last_used_at is not None


def test_expired_token_is_401(officer_fr_key):
    # given
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    # when
    response = client_with_token(officer_fr_key).get("/api/v1/countries/")
    # then
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_revoked_token_is_401(officer_fr, officer_fr_key):
    # given
    services.api_token_revoke(user=officer_fr, token_id=ApiToken.objects.get().pk)
    # when
    response = client_with_token(officer_fr_key).get("/api/v1/countries/")
    # then
    assert response.status_code == 401


def test_token_of_a_deactivated_user_is_401(officer_fr, officer_fr_key):
    # given
    officer_fr.is_active = False
    officer_fr.save(update_fields=["is_active"])
    # when
    response = client_with_token(officer_fr_key).get("/api/v1/countries/")
    # then
    assert response.status_code == 401


def test_unknown_token_is_401(db):
    # when
    response = client_with_token("0" * 40).get("/api/v1/countries/")
    # then
    assert response.status_code == 401


def test_token_of_a_user_of_no_ncb_reaches_no_directory(user_without_ncb):
    # given
    _token, key = services.api_token_create(user=user_without_ncb, name="script")
    # when
    response = client_with_token(key).get("/api/v1/countries/")
    # then
    assert response.status_code == 403


def test_token_holder_designates_like_a_signed_in_officer(officer_fr_key, ncb_fr):
    # given
    language("fr")
    # when
    response = client_with_token(officer_fr_key).post(
        "/api/v1/contact-points/",
        {
            "ncb": "FR",
            "role": "PRIMARY",
            "full_name": "Camille DURAND-TEST",
            "phone_24_7": "+33 1 72 00 00 02",
            "secure_email": "thb.desk@ncb-fr.example.test",
            "languages": ["fr"],
            "time_zone": "Europe/Paris",
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    assert response.json()["designated_by"] == "officer_fr"


# --- manage.py create_api_token -------------------------------------------------------------


def run_create_api_token(*args) -> str:
    out = io.StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue()


def test_command_prints_the_new_key_alone(officer_fr):
    # when
    output = run_create_api_token("officer_fr", "--name", "nightly export", "--expires-days", "30")
    # then
    key = output.strip()
    assert output == f"{key}\n"
    token = ApiToken.objects.get(user=officer_fr)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.name == "nightly export"
    assert datetime.timedelta(days=29) < token.expires_at - timezone.now()
    assert token.expires_at - timezone.now() <= datetime.timedelta(days=30)


def test_key_printed_by_the_command_authenticates(officer_fr):
    # given
    key = run_create_api_token("officer_fr").strip()
    # when
    response = client_with_token(key).get("/api/v1/countries/")
    # then
    assert response.status_code == 200


def test_command_refuses_an_unknown_user_in_one_line(db):
    # when
    with pytest.raises(CommandError) as excinfo:
        run_create_api_token("nobody_at_all")
    # then
    assert str(excinfo.value) == "No user named “nobody_at_all”."


def test_command_refuses_an_inactive_user(officer_fr):
    # given
    officer_fr.is_active = False
    officer_fr.save(update_fields=["is_active"])
    # when / then
    with pytest.raises(CommandError, match="inactive"):
        run_create_api_token("officer_fr")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", ["0", "400"])
def test_command_refuses_validity_out_of_range_in_one_line(officer_fr, days):
    # when
    with pytest.raises(CommandError) as excinfo:
        run_create_api_token("officer_fr", "--expires-days", days)
    # then
    assert str(excinfo.value) == "--expires-days: Choose between 1 and 365 days."
    assert not ApiToken.objects.exists()


def test_command_refuses_days_that_are_not_a_number(officer_fr):
    # when / then
    with pytest.raises(CommandError, match="--expires-days"):
        run_create_api_token("officer_fr", "--expires-days", "soon")
