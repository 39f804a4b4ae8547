"""Validation of contact details: phones (E.164), time zones (IANA), languages (ISO 639-1)."""

import zoneinfo

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalize_phone(value: str, *, default_region: str | None = None) -> str:
    """Return `value` as E.164 (`+33472447000`) or raise ValidationError saying why."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number; write it as +<country code> <number>."),
            code="invalid_phone",
            params={"value": value},
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number for its country."),
            code="invalid_phone",
            params={"value": value},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone_for_display(e164: str) -> str:
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_TIME_ZONES = frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _TIME_ZONES:
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone (for example Europe/Paris)."),
            code="invalid_time_zone",
            params={"value": value},
        )


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(_TIME_ZONES)]
