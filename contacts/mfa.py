"""Multi-factor authentication: TOTP devices and single-use recovery codes (django-otp).

A user has at most one confirmed TOTP device (an authenticator app) and one static device
holding their recovery codes. Recovery codes are random (80 bits), shown once and stored only
as a SHA-256 digest, so that a copy of the database does not hold usable codes. Both devices
are throttled by django-otp (1, 2, 4, 8... seconds between failed tries) and a TOTP code is
accepted once: the device remembers the last time step it accepted.

A session is "verified" once `django_otp.login()` has recorded the device in it; the
middleware `contacts.mfa_middleware` sends unverified sessions here. Secrets and codes are
never logged nor audited: the audit records only that something happened.
"""

import base64
import hashlib
import secrets

import django_otp
import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.lockout import audit_auth_event

TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_BYTES = 10  # 80 bits: 16 base32 characters, printed in groups of four

WRONG_CODE_MESSAGE = gettext_lazy("The code is not valid. Try the next code.")
THROTTLED_MESSAGE = gettext_lazy(
    "Too many wrong codes in a row. Wait a few seconds, then enter the next code."
)

# Where a session that verified its second factor is marked (django-otp's own key).
VERIFIED_SESSION_KEY = django_otp.DEVICE_ID_SESSION_KEY
# Set by a current code on the profile page: this session may replace its authenticator.
REENROL_SESSION_KEY = "mfa_reenrol_allowed"


def mfa_required() -> bool:
    return settings.NCB_REQUIRE_MFA


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_mfa(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Enrolment --------------------------------------------------------------------------------


def totp_device_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for `user` (any earlier unconfirmed one is dropped)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def pending_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps expect it typed by hand: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The `otpauth://` URL as a QR code: an SVG rendered here (segno), as a data: URI."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_data_uri(scale=5, border=2)


def totp_device_confirm(*, request, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the pending authenticator with its first code; return new recovery codes.

    The new device replaces any earlier authenticator and recovery codes of the user, and
    the session is verified with it. A wrong code raises a ValidationError on `code`.
    """
    user = device.user
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        audit_auth_event(request=request, user=user, event="mfa_throttled", failed=True)
        raise ValidationError({"code": [THROTTLED_MESSAGE]})
    if device.confirmed or not device.verify_token(_digits(code)):
        audit_auth_event(request=request, user=user, event="mfa_enrol_failed", failed=True)
        raise ValidationError({"code": [WRONG_CODE_MESSAGE]})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user)
    django_otp.login(request, device)
    request.session.pop(REENROL_SESSION_KEY, None)
    request.session.cycle_key()
    audit_auth_event(request=request, user=user, event="mfa_enrolled")
    return codes


# --- Recovery codes ---------------------------------------------------------------------------


def recovery_code_hash(code: str) -> str:
    """What is stored of a recovery code: 16 characters of its SHA-256 digest (96 bits).

    A code carries 80 random bits, so the digest cannot be reversed by trying codes.
    """
    digest = hashlib.sha256(_normalise(code).encode("ascii", "ignore")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:16]


def _new_recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(RECOVERY_CODE_BYTES)).decode("ascii").lower()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _recovery_codes_replace(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [_new_recovery_code() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_hash(code)) for code in codes
    )
    return codes


def recovery_codes_regenerate(*, request, user, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), on a current code of the user."""
    if mfa_verify(request=request, user=user, code=code) is None:
        raise ValidationError({"code": [WRONG_CODE_MESSAGE]})
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
    audit_auth_event(request=request, user=user, event="mfa_recovery_codes_regenerated")
    return codes


# --- Verification -----------------------------------------------------------------------------


class MfaThrottled(Exception):
    """Too many wrong codes in a row: the device refuses to check codes for a while."""


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace())


def mfa_verify(*, request, user, code: str):
    """Check a TOTP code or a recovery code of `user`; return the device that accepted it.

    A six-digit entry is checked against the authenticator, anything else against the
    recovery codes (a used recovery code is deleted). Returns None when refused; raises
    MfaThrottled when the device is throttled after repeated failures. Audited either way,
    without the code.
    """
    entry = _digits(code)
    if entry.isdigit() and len(entry) in (6, 8):
        device = confirmed_totp_device(user)
        token = entry
    else:
        device = recovery_device(user)
        token = recovery_code_hash(code)
    if device is None:
        audit_auth_event(request=request, user=user, event="mfa_failed", failed=True)
        return None
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        audit_auth_event(request=request, user=user, event="mfa_throttled", failed=True)
        raise MfaThrottled
    if not device.verify_token(token):
        audit_auth_event(request=request, user=user, event="mfa_failed", failed=True)
        return None
    event = "mfa_verified" if isinstance(device, TOTPDevice) else "mfa_recovery_code_used"
    audit_auth_event(request=request, user=user, event=event)
    return device


def session_verify(*, request, device) -> None:
    """Mark the signed-in session as having passed its second factor (new session key)."""
    django_otp.login(request, device)
    request.session.cycle_key()
