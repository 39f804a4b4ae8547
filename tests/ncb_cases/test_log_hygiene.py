"""Log hygiene: what the main flows log names requests, users and objects, never a victim's
name, a document number, a password or a token; and no input can forge a log line."""

import base64
import json
import logging

import pytest
from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from contacts.services import api_token_create
from ncb_cases.log_context import JsonFormatter, PlainFormatter, RequestContextFilter
from ncb_cases.models import Person
from tests.contacts.mfa.helpers import PASSWORD, allow_next_code, code_now, password_only_client

pytestmark = pytest.mark.django_db

VICTIM_NAME = "Zyxwa-Canary"
PASSPORT_NUMBER = "QX7734019"
PASSWORD_TRIED = "Canary-Password-4471"


class Collected(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.addFilter(RequestContextFilter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines():
    handler = Collected()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # SQL with its parameters is never logged at any level in production settings either.
    logging.getLogger("django.db.backends").setLevel(logging.WARNING)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(level)


def test_the_main_flows_log_no_personal_data_nor_secret(
    log_lines, client, client_for, api_client_for, officer_fr, case_fr, officer_de
):
    _token, raw_token = api_token_create(user=officer_fr, name="canary script")
    api = api_client_for(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw_token}")
    browser = client_for(officer_fr)
    persons_url = f"/api/v1/cases/{case_fr.public_id}/persons/"

    # a victim with a passport, added, read, searched for, through the API and the pages
    created = api.post(
        persons_url,
        {
            "role": "VICTIM",
            "family_name": VICTIM_NAME,
            "forenames": "Test",
            "documents": [{"doc_type": "PASSPORT", "number": PASSPORT_NUMBER}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    victim = Person.objects.get(family_name=VICTIM_NAME)
    assert api.get(f"{persons_url}{victim.public_id}/").status_code == 200
    assert api.get("/api/v1/search/", {"q": VICTIM_NAME}).status_code in {200, 400}
    assert api.get("/api/v1/cases/", {"search": PASSPORT_NUMBER}).status_code == 200
    assert browser.get(f"/cases/{case_fr.public_id}/persons/").status_code == 200
    assert browser.get("/cases/", {"q": VICTIM_NAME}).status_code == 200
    # bad input naming the canaries, a forbidden read and failed sign-ins
    rejected = api.post(
        persons_url,
        {"role": "VICTIM", "family_name": VICTIM_NAME, "date_of_birth": PASSPORT_NUMBER},
        format="json",
    )
    assert rejected.status_code == 400
    assert client_for(officer_de).get(f"/cases/{case_fr.public_id}/").status_code == 404
    client.post("/accounts/login/", {"username": VICTIM_NAME, "password": PASSWORD_TRIED})
    client.post("/api/v1/auth/token/", {"username": "officer_fr", "password": PASSWORD_TRIED})
    bad_token = api_client_for(None)
    bad_token.credentials(HTTP_AUTHORIZATION=f"Token {raw_token[:-4]}abcd")
    assert bad_token.get("/api/v1/cases/").status_code == 401

    logged = "\n".join(log_lines)
    assert log_lines, "the flows logged nothing: the capture is broken"
    for canary in (VICTIM_NAME, PASSPORT_NUMBER, PASSWORD_TRIED, raw_token, raw_token[:-4]):
        assert canary not in logged, f"{canary!r} reached the logs"


def _secret_forms(device) -> list[str]:
    """Every way a TOTP secret could be written: hex (as stored), base32 (as the app takes
    it), with and without padding, and grouped by four as the enrolment page shows it."""
    base32 = base64.b32encode(device.bin_key).decode()
    bare = base32.rstrip("=")
    grouped = " ".join(bare[i : i + 4] for i in range(0, len(bare), 4))
    return [device.key, device.key.upper(), base32, bare, bare.lower(), grouped]


def _forget_failures(device) -> None:
    """As if the wait after a wrong code went by (django-otp throttles the next attempt)."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None, last_t=-1
    )


def test_mfa_enrolment_sign_in_and_the_token_endpoint_log_no_totp_secret(log_lines, officer_fr):
    # given: the second factor enrolled through the pages
    enrolment = password_only_client(officer_fr)
    assert enrolment.get("/accounts/mfa/setup/").status_code == 200
    device = TOTPDevice.objects.get(user=officer_fr)
    wrong = f"{(int(code_now(device)) + 500_000) % 1_000_000:06d}"
    assert enrolment.post("/accounts/mfa/setup/", {"code": wrong}).status_code == 200
    _forget_failures(device)
    confirmed = enrolment.post("/accounts/mfa/setup/", {"code": code_now(device)})
    page = confirmed.content.decode()
    recovery_codes = [item.split("</code>")[0] for item in page.split("<li><code>")[1:]]
    assert len(recovery_codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    # when: signing in again with a wrong then the right code, a recovery code, and the token
    # endpoint refused then served
    allow_next_code(device)
    sign_in = password_only_client(officer_fr)
    sign_in.post("/accounts/mfa/verify/", {"code": wrong, "next": "/cases/"})
    _forget_failures(device)
    assert sign_in.post("/accounts/mfa/verify/", {"code": code_now(device)}).status_code == 302
    by_recovery = password_only_client(officer_fr)
    assert (
        by_recovery.post("/accounts/mfa/verify/", {"code": recovery_codes[0]}).status_code == 302
    )
    cache.delete(ScopedRateThrottle.cache_format % {"scope": "token", "ident": "127.0.0.1"})
    api = APIClient()
    body = {"username": "officer_fr", "password": PASSWORD}
    assert api.post("/api/v1/auth/token/", {**body, "otp_code": wrong}).status_code == 400
    _forget_failures(device)
    issued = api.post("/api/v1/auth/token/", {**body, "otp_code": code_now(device)})
    assert issued.status_code in (200, 201), issued.content
    raw_token = issued.json()["token"]
    # then
    logged = "\n".join(log_lines)
    assert log_lines, "the flows logged nothing: the capture is broken"
    for canary in [*_secret_forms(device), *recovery_codes, raw_token]:
        assert canary not in logged, f"{canary!r} reached the logs"


def test_every_line_is_one_json_object_with_the_request_and_the_user(
    log_lines, client_for, officer_fr
):
    response = client_for(officer_fr).get(
        "/cases/00000000-0000-0000-0000-000000000000/", HTTP_X_REQUEST_ID="req-1234abcd"
    )
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-1234abcd"
    entries = [json.loads(line) for line in log_lines]
    not_found = [entry for entry in entries if entry["logger"] == "django.request"]
    assert not_found
    assert not_found[0]["request_id"] == "req-1234abcd"
    assert not_found[0]["user_id"] == str(officer_fr.pk)


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\r\nX-Forged: 1")
    assert response["X-Request-ID"] != "bad id\r\nX-Forged: 1"
    assert len(response["X-Request-ID"]) == 32


def test_cr_lf_in_a_path_cannot_forge_a_log_line(log_lines, client_for, officer_fr):
    forged = "/cases/x\r\n2026-11-28 00:00:00 INFO forged.logger admin signed in"
    client_for(officer_fr).get(forged)
    assert log_lines
    assert all("\n" not in line and "\r" not in line for line in log_lines)
    entry = json.loads(log_lines[-1])
    assert "forged.logger" in entry["message"]  # kept as data, inside one line


def test_the_plain_format_keeps_a_message_on_one_line():
    formatter = PlainFormatter("%(levelname)s %(message)s")
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "a\r\nINFO b", None, None)
    assert formatter.format(record) == "WARNING a\\r\\nINFO b"
