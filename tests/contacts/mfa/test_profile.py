"""The profile page: whether the second factor is on, and changing it (new recovery codes,
another authenticator) only on a current code."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts import mfa
from tests.contacts.mfa.helpers import allow_next_code, code_now, redirect_of

pytestmark = pytest.mark.django_db


def codes_on(response) -> list[str]:
    return [item.split("</code>")[0] for item in response.content.decode().split("<li><code>")[1:]]


def test_profile_shows_the_second_factor_and_the_recovery_codes_left(client_for, officer_fr):
    # given
    client = client_for(officer_fr)
    mfa._recovery_codes_replace(officer_fr)

    # when
    page = client.get("/accounts/profile/").content.decode()

    # then
    assert "Two-step sign-in" in page
    assert "10 recovery codes left" in page
    assert "Replace authenticator" in page


def test_new_recovery_codes_need_a_current_code_and_replace_the_old_ones(client_for, officer_fr):
    # given
    client = client_for(officer_fr)
    device = TOTPDevice.objects.get(user=officer_fr)
    old = mfa._recovery_codes_replace(officer_fr)

    # when
    refused = client.post("/accounts/mfa/recovery-codes/", {"code": "000000"})
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    accepted = client.post("/accounts/mfa/recovery-codes/", {"code": code_now(device)})

    # then
    assert refused.status_code == 400
    assert "The code is not valid" in refused.content.decode()
    new = codes_on(accepted)
    assert accepted.status_code == 200
    assert len(new) == 10
    assert set(new).isdisjoint(old)
    assert mfa.recovery_device(officer_fr).verify_token(mfa.recovery_code_hash(new[0])) is True
    assert mfa.recovery_device(officer_fr).verify_token(mfa.recovery_code_hash(old[0])) is False


def test_replacing_the_authenticator_needs_a_current_code(client_for, officer_fr):
    # given
    client = client_for(officer_fr)
    old_device = TOTPDevice.objects.get(user=officer_fr)

    # when: a wrong code
    refused = client.post("/accounts/mfa/replace/", {"code": "not-a-code"})

    # then
    assert refused.status_code == 400
    assert redirect_of(client.get("/accounts/mfa/setup/")) == "/accounts/profile/"

    # when: the current code, then the new app's first code
    allowed = client.post("/accounts/mfa/replace/", {"code": code_now(old_device)})
    setup = client.get("/accounts/mfa/setup/")
    new_device = TOTPDevice.objects.get(user=officer_fr, confirmed=False)
    allow_next_code(new_device)
    confirmed = client.post("/accounts/mfa/setup/", {"code": code_now(new_device)})

    # then
    assert redirect_of(allowed) == "/accounts/mfa/setup/"
    assert "Replace your authenticator" in setup.content.decode()
    assert confirmed.status_code == 200
    assert len(codes_on(confirmed)) == 10
    assert list(TOTPDevice.objects.filter(user=officer_fr).values_list("pk", flat=True)) == [
        new_device.pk
    ]
    assert client.get("/cases/").status_code == 200


def test_a_user_without_authenticator_is_offered_to_set_one_up(officer_fr, settings):
    # given
    settings.NCB_REQUIRE_MFA = False
    from django.test import Client

    client = Client()
    client.force_login(officer_fr)

    # when
    page = client.get("/accounts/profile/").content.decode()

    # then
    assert "Set up authenticator" in page
