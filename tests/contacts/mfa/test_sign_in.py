"""The second sign-in step: a code of the authenticator (each accepted once) or a recovery
code (each works once), throttled after failures, audited without the code."""

import logging

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts import mfa
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.contacts.mfa.helpers import (
    PASSWORD,
    allow_next_code,
    code_now,
    enrolled,
    events,
    password_only_client,
    redirect_of,
)

pytestmark = pytest.mark.django_db


def wrong_code(device) -> str:
    return f"{(int(code_now(device)) + 500_000) % 1_000_000:06d}"


def test_password_alone_leads_to_the_code_page_and_the_code_to_the_page_asked(officer_fr):
    # given
    device, _codes = enrolled(officer_fr)
    client = password_only_client(officer_fr)

    # when
    asked = client.get("/cases/")
    verified = client.post("/accounts/mfa/verify/", {"code": code_now(device), "next": "/cases/"})

    # then
    assert asked.status_code == 302
    assert asked["Location"] == "/accounts/mfa/verify/?next=/cases/"
    assert redirect_of(verified) == "/cases/"
    assert client.get("/cases/").status_code == 200
    assert events(officer_fr, "sign_in").count() == 1
    assert events(officer_fr, "mfa_verified").count() == 1


def test_a_code_already_used_is_refused(officer_fr):
    # given
    device, _codes = enrolled(officer_fr)
    code = code_now(device)
    first = password_only_client(officer_fr)
    first.post("/accounts/mfa/verify/", {"code": code})
    second = password_only_client(officer_fr)

    # when
    response = second.post("/accounts/mfa/verify/", {"code": code})

    # then
    assert response.status_code == 200
    assert "The code is not valid" in response.content.decode()
    assert second.get("/cases/").status_code == 302


def test_the_next_page_must_be_on_this_site(officer_fr):
    # given
    device, _codes = enrolled(officer_fr)
    client = password_only_client(officer_fr)

    # when
    response = client.post(
        "/accounts/mfa/verify/", {"code": code_now(device), "next": "https://evil.example/"}
    )

    # then
    assert redirect_of(response) == "/"


def test_failures_are_throttled_then_allowed_again_after_the_wait(officer_fr):
    # given
    device, _codes = enrolled(officer_fr)
    client = password_only_client(officer_fr)
    client.post("/accounts/mfa/verify/", {"code": wrong_code(device)})

    # when: the right code at once
    throttled = client.post("/accounts/mfa/verify/", {"code": code_now(device)})

    # then
    assert throttled.status_code == 200
    assert "Too many wrong codes in a row" in throttled.content.decode()
    assert client.get("/cases/").status_code == 302
    assert events(officer_fr, "mfa_failed").count() == 1
    assert events(officer_fr, "mfa_throttled").get().action == AuditAction.DENIED

    # when: the wait (1 second after 1 failure, then 2, 4...) is over
    device.refresh_from_db()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp.replace(year=2000)
    )
    allowed = client.post("/accounts/mfa/verify/", {"code": code_now(device)})

    # then
    assert allowed.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_recovery_code_signs_in_once(officer_fr):
    # given
    _device, codes = enrolled(officer_fr)
    client = password_only_client(officer_fr)

    # when: typed in capitals and without its hyphens
    used = client.post("/accounts/mfa/verify/", {"code": codes[3].replace("-", "").upper()})
    again = password_only_client(officer_fr).post("/accounts/mfa/verify/", {"code": codes[3]})

    # then
    assert used.status_code == 302
    landing = client.get(used["Location"])
    assert landing.status_code == 200
    assert "recovery code; 9 left" in landing.content.decode()
    assert mfa.recovery_codes_left(officer_fr) == 9
    assert again.status_code == 200
    assert "The code is not valid" in again.content.decode()
    assert events(officer_fr, "mfa_recovery_code_used").count() == 1


def test_verify_page_for_a_verified_session_goes_straight_on(client_for, officer_fr):
    # when
    response = client_for(officer_fr).get("/accounts/mfa/verify/?next=/cases/")

    # then
    assert redirect_of(response) == "/cases/"


def test_no_secret_code_or_password_reaches_the_logs_or_the_audit(officer_fr, caplog):
    # given
    caplog.set_level(logging.DEBUG)
    client = password_only_client(officer_fr)
    client.get("/accounts/mfa/setup/")
    device = TOTPDevice.objects.get(user=officer_fr)
    secret_b32 = mfa.totp_secret_text(device).replace(" ", "")
    wrong = wrong_code(device)
    client.post("/accounts/mfa/setup/", {"code": wrong})
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    code = code_now(device)
    response = client.post("/accounts/mfa/setup/", {"code": code})
    codes = [
        item.split("</code>")[0] for item in response.content.decode().split("<li><code>")[1:]
    ]
    allow_next_code(device)
    token = client.post(
        "/api/v1/auth/token/",
        {"username": "officer_fr", "password": PASSWORD, "otp_code": codes[0]},
        content_type="application/json",
    )

    # then
    assert token.status_code == 201
    secrets = [device.key, secret_b32, wrong, code, PASSWORD, *codes, token.json()["token"]]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    audited = "\n".join(str(event.details) for event in AuditEvent.objects.all())
    for secret in secrets:
        assert secret not in logged
        assert secret not in audited
        assert secret.replace("-", "") not in audited
