"""Enrolment of an authenticator app: QR code and secret rendered locally, confirmed by a
first code, recovery codes shown once and stored only as digests."""

import base64
import socket

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts import mfa
from ncb_cases.choices import AuditAction
from tests.contacts.mfa.helpers import code_now, events, password_only_client, redirect_of

pytestmark = pytest.mark.django_db


def test_a_user_without_authenticator_is_sent_to_enrolment_after_the_password(officer_fr):
    # given
    client = password_only_client(officer_fr)

    # when
    response = client.get("/cases/")

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/mfa/setup/?next=/cases/")


def test_enrolment_page_shows_a_local_svg_qr_code_and_the_secret_to_type(officer_fr):
    # given
    client = password_only_client(officer_fr)

    # when
    response = client.get("/accounts/mfa/setup/")

    # then
    device = TOTPDevice.objects.get(user=officer_fr)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    page = response.content.decode()
    assert response.status_code == 200
    assert not device.confirmed
    assert 'src="data:image/svg+xml' in page
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert "<script>" not in page  # the CSP refuses inline code
    assert 'style="' not in page


def test_qr_code_is_rendered_without_any_network_access(officer_fr, monkeypatch):
    # given
    device = mfa.totp_device_start(user=officer_fr)

    def no_network(*args, **kwargs):
        raise AssertionError("the QR code must not need the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)

    # when
    uri = mfa.totp_qr_data_uri(device)

    # then
    assert uri.startswith("data:image/svg+xml")
    assert len(uri) > 1000


def test_a_wrong_first_code_leaves_the_authenticator_unconfirmed(officer_fr):
    # given
    client = password_only_client(officer_fr)
    client.get("/accounts/mfa/setup/")
    device = TOTPDevice.objects.get(user=officer_fr)
    wrong = f"{(int(code_now(device)) + 1) % 1_000_000:06d}"

    # when
    response = client.post("/accounts/mfa/setup/", {"code": wrong})

    # then
    device.refresh_from_db()
    assert response.status_code == 200
    assert "The code is not valid" in response.content.decode()
    assert not device.confirmed
    assert client.get("/cases/").status_code == 302
    assert events(officer_fr, "mfa_enrol_failed").get().action == AuditAction.DENIED


def test_first_code_confirms_and_shows_ten_recovery_codes_once(officer_fr):
    # given
    client = password_only_client(officer_fr)
    client.get("/accounts/mfa/setup/")
    device = TOTPDevice.objects.get(user=officer_fr)

    # when
    response = client.post("/accounts/mfa/setup/", {"code": code_now(device), "next": "/cases/"})

    # then
    device.refresh_from_db()
    codes = [
        item.split("</code>")[0] for item in response.content.decode().split("<li><code>")[1:]
    ]
    assert response.status_code == 200
    assert device.confirmed
    assert len(codes) == len(set(codes)) == 10
    stored = set(
        StaticToken.objects.filter(device__user=officer_fr).values_list("token", flat=True)
    )
    assert len(stored) == 10
    assert stored.isdisjoint(codes)  # only digests are kept
    assert stored == {mfa.recovery_code_hash(code) for code in codes}
    assert client.get("/cases/").status_code == 200  # this session is verified
    profile = client.get("/accounts/profile/").content.decode()
    assert "10 recovery codes left" in profile
    assert not any(code in profile for code in codes)
    setup_again = client.get("/accounts/mfa/setup/")
    assert redirect_of(setup_again) == "/accounts/profile/"
    assert events(officer_fr, "mfa_enrolled").count() == 1


def test_an_enrolled_user_past_the_password_only_cannot_replace_the_authenticator(officer_fr):
    # given: someone who knows the password but has not the phone
    TOTPDevice.objects.create(user=officer_fr, name="authenticator", confirmed=True)
    client = password_only_client(officer_fr)

    # when
    response = client.get("/accounts/mfa/setup/")
    posted = client.post("/accounts/mfa/setup/", {"code": "123456"})

    # then
    assert redirect_of(response).startswith("/accounts/mfa/verify/")
    assert redirect_of(posted).startswith("/accounts/mfa/verify/")
    assert TOTPDevice.objects.filter(user=officer_fr).count() == 1
