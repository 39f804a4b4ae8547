"""Brute force: 5 failed sign-ins lock the username from that address for 15 minutes, the
6th is refused even with the right password; the sign-in form, the admin's and the token
endpoint alike; audited; unlocked by time, by an administrator, and counted per address
as the trusted reverse proxies report it."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from contacts.lockout import client_ip
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.contacts.mfa.helpers import code_now, enrolled

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
LOCKED = "locked from your address for 15 minutes"


@pytest.fixture(autouse=True)
def _fresh_throttle_window():
    key = ScopedRateThrottle.cache_format % {"scope": "token", "ident": "127.0.0.1"}
    cache.delete(key)
    yield
    cache.delete(key)


def sign_in(client, password, username="officer_fr"):
    return client.post("/accounts/login/", {"username": username, "password": password})


def fail_five_times(client, username="officer_fr"):
    for _attempt in range(5):
        response = sign_in(client, "wrong-password", username)
    return response


def test_the_sixth_sign_in_is_refused_even_with_the_right_password(officer_fr):
    # given
    client = Client()
    fail_five_times(client)

    # when
    response = sign_in(client, PASSWORD)

    # then
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_then_the_right_password_signs_in_and_resets_the_count(officer_fr):
    # given
    client = Client()
    for _attempt in range(4):
        sign_in(client, "wrong-password")

    # when
    response = sign_in(client, PASSWORD)

    # then
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="officer_fr").exists()


def test_the_lock_is_per_username_and_address(officer_fr, officer_de):
    # given
    fail_five_times(Client())

    # when
    other_address = Client(REMOTE_ADDR="192.0.2.10")
    other_user = sign_in(Client(), PASSWORD, username="officer_de")

    # then
    assert sign_in(other_address, PASSWORD).status_code == 302
    assert other_user.status_code == 302


def test_the_lockout_and_the_failures_are_audited_without_the_password(officer_fr):
    # given
    client = Client()
    fail_five_times(client)

    # when
    sign_in(client, PASSWORD)

    # then
    # the 5th failure locks, the 6th attempt is refused while locked: both recorded
    locked = AuditEvent.objects.filter(details__event="locked_out")
    failures = AuditEvent.objects.filter(details__event="sign_in_failed")
    assert locked.count() == 2
    assert {(event.actor, event.action, event.ip) for event in locked} == {
        (officer_fr, AuditAction.DENIED, "127.0.0.1")
    }
    assert failures.count() == 6
    every_detail = str(list(AuditEvent.objects.values_list("details", flat=True)))
    assert "wrong-password" not in every_detail
    assert PASSWORD not in every_detail


def test_an_unknown_username_is_never_written_to_the_audit(db):
    # when
    fail_five_times(Client(), username="hunter2-typed-in-the-wrong-field")

    # then
    events = AuditEvent.objects.filter(details__event__in=["sign_in_failed", "locked_out"])
    assert events.count() == 6
    assert not events.exclude(actor=None).exists()
    assert "hunter2" not in str(list(events.values_list("details", flat=True)))


def test_the_lock_ends_after_15_minutes(officer_fr):
    # given
    client = Client()
    fail_five_times(client)

    # when
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(minutes=16)
    )
    response = sign_in(client, PASSWORD)

    # then
    assert response.status_code == 302


def test_an_administrator_unlocks_from_the_admin(officer_fr, admin_user, client_for):
    # given
    fail_five_times(Client())
    attempt = AccessAttempt.objects.get(username="officer_fr")
    admin = client_for(admin_user)

    # when
    listing = admin.get("/admin/axes/accessattempt/")
    unlocked = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    # then
    assert listing.status_code == 200
    assert unlocked.status_code == 302
    assert sign_in(Client(), PASSWORD).status_code == 302


def test_the_token_endpoint_counts_failures_and_locks_the_same_way(officer_fr):
    # given
    api = APIClient()
    for _attempt in range(5):
        api.post("/api/v1/auth/token/", {"username": "officer_fr", "password": "x"}, format="json")

    # when
    response = api.post(
        "/api/v1/auth/token/", {"username": "officer_fr", "password": PASSWORD}, format="json"
    )

    # then
    assert response.status_code == 400
    assert LOCKED in response.json()["non_field_errors"][0]
    assert AuditEvent.objects.filter(details__event="locked_out", actor=officer_fr).exists()


def test_wrong_codes_on_the_token_endpoint_count_towards_the_lock(officer_fr):
    # given
    device, _codes = enrolled(officer_fr)
    api = APIClient()
    for _attempt in range(5):
        api.post(
            "/api/v1/auth/token/",
            {"username": "officer_fr", "password": PASSWORD, "otp_code": "000000"},
            format="json",
        )

    # when
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "officer_fr", "password": PASSWORD, "otp_code": code_now(device)},
        format="json",
    )

    # then
    assert response.status_code == 400
    assert LOCKED in response.json()["non_field_errors"][0]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "203.0.113.1"),  # no proxy trusted: the header is ignored
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client's own entry is not trusted
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (2, "198.51.100.7", "203.0.113.1"),  # too short: not from our proxies
        (1, "not-an-address", "203.0.113.1"),
    ],
)
def test_client_address_behind_trusted_proxies(settings, proxies, forwarded, expected):
    # given
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.1", HTTP_X_FORWARDED_FOR=forwarded)

    # when
    address = client_ip(request)

    # then
    assert address == expected


def test_behind_a_proxy_the_lock_follows_the_forwarded_address(officer_fr, settings):
    # given
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    fail_five_times(client)

    # when
    same = sign_in(client, PASSWORD)
    other = sign_in(Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8"), PASSWORD)

    # then
    assert same.status_code == 429
    assert other.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
