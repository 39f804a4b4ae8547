"""Helpers shared by the services: permission re-checks, error collection, timeline entries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from contacts.models import Country
from ncb_cases.models import Case, CaseNote
from ncb_cases.selectors.access import editable_cases, visible_cases
from ncb_cases.validators import clean_code_list


class Errors:
    """Collects field errors so that a service reports every problem at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = defaultdict(list)

    def add(self, field: str, *messages: str) -> None:
        self.by_field[field].extend(messages)

    def add_exception(self, exc: ValidationError, *, field: str | None = None, prefix="") -> None:
        if hasattr(exc, "error_dict") and field is None:
            for key, messages in exc.message_dict.items():
                name = prefix + key if key != "__all__" else (prefix.rstrip(".") or "__all__")
                self.by_field[name].extend(messages)
        else:
            self.by_field[prefix + (field or "__all__")].extend(exc.messages)

    def __contains__(self, field: str) -> bool:
        return field in self.by_field

    def fields(self) -> list[str]:
        return list(self.by_field)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(dict(self.by_field))


def lock_editable_case(actor: AbstractBaseUser, case: Case) -> Case:
    """The case, freshly read and locked, if `actor` may change it; PermissionDenied otherwise.

    Services work on the returned row, never on the caller's possibly stale object.
    """
    try:
        return editable_cases(actor).select_for_update().get(pk=case.pk)
    except Case.DoesNotExist as exc:
        raise PermissionDenied from exc


def require_visible_case(actor: AbstractBaseUser, case: Case) -> None:
    if not visible_cases(actor).filter(pk=case.pk).exists():
        raise PermissionDenied


def reject_unknown_fields(data: Mapping, allowed: Iterable[str], errors: Errors) -> None:
    allowed = set(allowed)
    for key in data:
        if key not in allowed:
            errors.add(key, _("This field cannot be set here."))


def codes(data: Mapping, key: str, choices, errors: Errors) -> list[str] | None:
    """`data[key]` as a clean list of codes, or None (error recorded) when invalid."""
    value = data.get(key) or []
    if isinstance(value, str):
        value = [value]
    try:
        return clean_code_list(value, choices.values)
    except ValidationError as exc:
        errors.add_exception(exc, field=key)
        return None


def text_list(data: Mapping, key: str, errors: Errors) -> list[str] | None:
    value = data.get(key) or []
    if isinstance(value, str):
        value = value.splitlines()
    items: list[str] = []
    for item in value:
        item = str(item).strip()
        if item and item not in items:
            items.append(item)
    if any(len(item) > 200 for item in items):
        errors.add(key, _("Each entry may have at most 200 characters."))
        return None
    return items


def country(value, field: str, errors: Errors) -> Country | None:
    """A Country from an instance or an ISO alpha-2 code; None (error recorded) if unknown."""
    if value in (None, ""):
        return None
    if isinstance(value, Country):
        return value
    found = Country.objects.filter(iso2=str(value).strip().upper()).first()
    if found is None:
        errors.add(
            field, _("“%(value)s” is not a known ISO alpha-2 country code.") % {"value": value}
        )
    return found


def as_date(value, field: str, errors: Errors) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        parsed = parse_date(str(value))
    except ValueError:  # well-formed but impossible, such as 2026-13-45
        parsed = None
    if parsed is None:
        errors.add(field, _("Enter a date as YYYY-MM-DD."))
    return parsed


def timeline(
    *, case: Case, kind: str, text: str, author: AbstractBaseUser | None, details=None
) -> CaseNote:
    """Append a timeline entry. Never put a protected person's identity in `text`."""
    return CaseNote.objects.create(
        case=case, kind=kind, text=text, author=author, details=details or {}
    )
