"""What the MFA tests share: an enrolled user's devices, the code their app shows now, and a
session signed in with the password only."""

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts import mfa

PASSWORD = "correct-horse-battery-staple"  # the factories' password


def code_now(device: TOTPDevice) -> str:
    """The six digits the authenticator app shows right now."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """`user` with a confirmed authenticator and ten recovery codes (returned)."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    codes = mfa._recovery_codes_replace(user)
    return device, codes


def password_only_client(user) -> Client:
    """A session past the password step, not (yet) past the code step."""
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": user.get_username(), "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    assert client.session[SESSION_KEY] == str(user.pk)
    return client


def allow_next_code(device: TOTPDevice) -> None:
    """As if 30 seconds went by: the step of the last accepted code is forgotten."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)


def events(user, event: str):
    from ncb_cases.models import AuditEvent

    return AuditEvent.objects.filter(actor=user, details__event=event)


def redirect_of(response) -> str | None:
    """Where a response redirects to (None when it is no redirect)."""
    return response["Location"] if response.status_code == 302 else None
