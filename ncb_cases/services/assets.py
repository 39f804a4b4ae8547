"""Writes of a case's assets (issue 6, item 1): recording them, moving them through their
lifecycle, and the exchange rates that total them.

Assets are written only on cases the actor may change (`editable_cases`); each write takes
the case lock, validates everything at once (field errors), and writes its audit row in the
same transaction. A status change also leaves a timeline entry, so that the case's history
shows when an asset was frozen, seized or confiscated, on what legal basis and by whom.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ncb_cases.audit import audit_record
from ncb_cases.choices import ASSET_TRANSITIONS, AssetStatus, AssetType, AuditAction, NoteKind
from ncb_cases.models import Case
from ncb_cases.models.assets import Asset, AssetStatusChange, ExchangeRate
from ncb_cases.services._common import (
    Errors,
    as_date,
    country,
    lock_editable_case,
    reject_unknown_fields,
    timeline,
)
from ncb_cases.services.persons import _person_of_case

ASSET_DATA_FIELDS = (
    "asset_type",
    "description",
    "estimated_value",
    "currency",
    "country",
    "holder",
    "institution",
    "account_identifier",
    "silver_notice_candidate",
)
_TEXT_FIELDS = ("asset_type", "description", "institution", "account_identifier")


# --- Currencies -------------------------------------------------------------------------------


def currency_code(value) -> str:
    """`value` as an ISO 4217 alphabetic code (upper case); ValidationError if unknown.

    The code list is pycountry's copy of ISO 4217, so a code withdrawn from it (DEM, FRF) is
    refused as well as a made-up one.
    """
    code = str(value or "").strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValidationError(_("Enter a three-letter ISO 4217 currency code, such as EUR."))
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValidationError(_("“%(code)s” is not an ISO 4217 currency code.") % {"code": code})
    return code


# --- Assets -----------------------------------------------------------------------------------


@transaction.atomic
def asset_create(*, actor: AbstractBaseUser, case: Case, data: Mapping[str, Any]) -> Asset:
    """Record an asset traced in a case; it starts as TRACED.

    `data` (ASSET_DATA_FIELDS): `asset_type` (AssetType) and `description` required;
    `estimated_value` (a number ≥ 0, with at most two decimals) needs `currency` (ISO 4217);
    `country` (ISO alpha-2), `holder` (a person of this case or its public id),
    `institution`, `account_identifier`, `silver_notice_candidate` (bool). All errors at
    once, keyed by field; nothing is saved if any. PermissionDenied unless the actor may
    change the case. One CREATE audit row.
    """
    case = lock_editable_case(actor, case)
    asset = Asset(case=case, created_by=actor, status=AssetStatus.TRACED)
    _apply_asset_data(asset, data, case)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=asset)
    return asset


@transaction.atomic
def asset_update(*, actor: AbstractBaseUser, asset: Asset, data: Mapping[str, Any]) -> Asset:
    """Change some of an asset's facts (`data` as for `asset_create`; only the keys given).

    Its status is not among them: it moves only through `asset_change_status`. One UPDATE
    audit row naming the fields sent.
    """
    case = lock_editable_case(actor, asset.case)
    asset = Asset.objects.select_for_update().get(pk=asset.pk, case=case)
    _apply_asset_data(asset, data, case)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=asset, details={"fields": sorted(data)}
    )
    return asset


def _apply_asset_data(asset: Asset, data: Mapping, case: Case) -> None:
    errors = Errors()
    reject_unknown_fields(data, ASSET_DATA_FIELDS, errors)
    for key in _TEXT_FIELDS:
        if key in data:
            setattr(asset, key, str(data[key] or "").strip())
    if "asset_type" in data and asset.asset_type not in AssetType.values:
        errors.add(
            "asset_type",
            _("Choose one of: %(types)s.") % {"types": ", ".join(AssetType.values)},
        )
    if "estimated_value" in data:
        asset.estimated_value = _amount(data["estimated_value"], "estimated_value", errors)
    if "currency" in data:
        asset.currency = ""
        if data["currency"] not in (None, ""):
            try:
                asset.currency = currency_code(data["currency"])
            except ValidationError as exc:
                errors.add_exception(exc, field="currency")
    if "country" in data:
        asset.country = country(data["country"], "country", errors)
    if "holder" in data:
        asset.holder = _person_of_case(data["holder"], case, "holder", errors)
    if "silver_notice_candidate" in data:
        value = data["silver_notice_candidate"]
        if not isinstance(value, bool):
            errors.add("silver_notice_candidate", _("Answer yes or no."))
        else:
            asset.silver_notice_candidate = value
    if (
        asset.estimated_value is not None
        and not asset.currency
        and "currency" not in errors
        and "estimated_value" not in errors
    ):
        errors.add("currency", _("Give the currency of the estimated value."))
    try:
        asset.full_clean(exclude=errors.fields())
    except ValidationError as exc:
        errors.add_exception(exc)
    errors.raise_if_any()
    asset.save()


def _amount(value, field: str, errors: Errors) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool | float):
        # A float has already lost the cents it was typed with; a bool is not an amount.
        errors.add(field, _("Enter the amount as a decimal number, such as 4500.00."))
        return None
    try:
        amount = Decimal(str(value).strip().replace(" ", ""))
    except InvalidOperation:
        errors.add(field, _("Enter the amount as a decimal number, such as 4500.00."))
        return None
    if not amount.is_finite():
        errors.add(field, _("Enter the amount as a decimal number, such as 4500.00."))
        return None
    if amount < 0:
        errors.add(field, _("An estimated value cannot be negative."))
        return None
    return amount


# --- The lifecycle ----------------------------------------------------------------------------


def allowed_next_statuses(status: str) -> list[str]:
    """The statuses an asset in `status` may move to, in lifecycle order."""
    allowed = ASSET_TRANSITIONS.get(status, frozenset())
    return [value for value in AssetStatus.values if value in allowed]


@transaction.atomic
def asset_change_status(
    *,
    actor: AbstractBaseUser,
    asset: Asset,
    to_status: str,
    effective_on,
    legal_basis: str,
    authority: str,
    notes: str = "",
) -> AssetStatusChange:
    """Move an asset to `to_status` as decided by `authority` on `legal_basis`.

    Only the moves of `ASSET_TRANSITIONS` from the asset's current status (read under lock,
    so two officers cannot both freeze it). `effective_on` (a date or YYYY-MM-DD) is neither
    in the future nor before the asset's previous change. Writes the `AssetStatusChange`,
    the asset's `status` / `status_changed_on`, a timeline entry and an UPDATE audit row, in
    one transaction. All errors at once, keyed by field; PermissionDenied unless the actor
    may change the case.
    """
    case = lock_editable_case(actor, asset.case)
    asset = Asset.objects.select_for_update().get(pk=asset.pk, case=case)
    errors = Errors()
    allowed = allowed_next_statuses(asset.status)
    if to_status not in allowed:
        current = AssetStatus(asset.status).label
        if not allowed:
            message = _("The asset is %(current)s: that is final, it cannot change again.")
        elif to_status in AssetStatus.values:
            message = _("An asset that is %(current)s can only become: %(allowed)s.")
        else:
            message = _("Not a status. An asset that is %(current)s can become: %(allowed)s.")
        errors.add(
            "to_status",
            message
            % {
                "current": current,
                "allowed": ", ".join(str(AssetStatus(value).label) for value in allowed),
            },
        )
    effective = _date(effective_on, "effective_on", errors)
    if effective is None and "effective_on" not in errors:
        errors.add("effective_on", _("Give the date the decision took effect."))
    elif effective is not None:
        _check_effective_date(effective, asset, errors)
    change = AssetStatusChange(
        asset=asset,
        from_status=asset.status,
        to_status=to_status if to_status in AssetStatus.values else asset.status,
        effective_on=effective,
        legal_basis=str(legal_basis or "").strip(),
        authority=str(authority or "").strip(),
        notes=str(notes or "").strip(),
        recorded_by=actor,
    )
    if not change.legal_basis:
        errors.add("legal_basis", _("Give the legal basis (the order, the article of law)."))
    if not change.authority:
        errors.add("authority", _("Name the authority that decided (court, prosecutor)."))
    try:
        change.full_clean(exclude=[*errors.fields(), "asset", "recorded_by"])
    except ValidationError as exc:
        errors.add_exception(exc)
    errors.raise_if_any()
    change.save()
    asset.status = change.to_status
    asset.status_changed_on = change.effective_on
    asset.save(update_fields=["status", "status_changed_on", "updated_at"])
    details = {
        "asset": str(asset.public_id),
        "from": change.from_status,
        "to": change.to_status,
        "effective_on": change.effective_on.isoformat(),
    }
    timeline(
        case=case,
        kind=NoteKind.NOTE,
        text=_("Asset “%(asset)s”: %(from)s → %(to)s on %(date)s (%(authority)s, %(basis)s).")
        % {
            "asset": asset.description[:80],
            "from": AssetStatus(change.from_status).label,
            "to": AssetStatus(change.to_status).label,
            "date": change.effective_on.isoformat(),
            "authority": change.authority,
            "basis": change.legal_basis,
        },
        author=actor,
        details={"kind": "ASSET_STATUS_CHANGE", **details},
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=asset, details=details)
    return change


def _date(value, field: str, errors: Errors) -> date | None:
    # `as_date`, but a well-formed impossible date (2026-13-45) is a field error too.
    try:
        return as_date(value, field, errors)
    except ValueError:
        errors.add(field, _("Enter a date as YYYY-MM-DD."))
        return None


def _check_effective_date(effective: date, asset: Asset, errors: Errors) -> None:
    if effective > timezone.localdate():
        errors.add("effective_on", _("The date cannot be in the future."))
    elif asset.status_changed_on is not None and effective < asset.status_changed_on:
        errors.add(
            "effective_on",
            _("The date cannot be before the previous change (%(date)s).")
            % {"date": asset.status_changed_on.isoformat()},
        )


# --- Exchange rates ---------------------------------------------------------------------------


@transaction.atomic
def exchange_rate_save(
    *, actor: AbstractBaseUser, rate: ExchangeRate, data: Mapping[str, Any]
) -> ExchangeRate:
    """Create or correct a dated exchange rate (admins; the admin form calls this).

    `data`: `currency` and `reporting_currency` (ISO 4217; the reporting currency defaults
    to `settings.REPORTING_CURRENCY`), `valid_from` (date), `rate` (> 0: 1 currency = rate
    reporting currency), `source`. One rate per pair and day. PermissionDenied for anyone
    but a superuser or a staff user with the model's permission; one audit row.
    """
    codename = "change_exchangerate" if rate.pk else "add_exchangerate"
    if not (actor.is_active and actor.has_perm(f"ncb_cases.{codename}")):
        raise PermissionDenied
    errors = Errors()
    for key in ("currency", "reporting_currency"):
        value = data.get(key, getattr(rate, key) or "")
        if key == "reporting_currency" and not value:
            value = settings.REPORTING_CURRENCY
        try:
            setattr(rate, key, currency_code(value))
        except ValidationError as exc:
            errors.add_exception(exc, field=key)
    if rate.currency and rate.currency == rate.reporting_currency and not errors.by_field:
        errors.add("currency", _("A currency needs no rate into itself."))
    if "valid_from" in data:
        rate.valid_from = _date(data["valid_from"], "valid_from", errors)
    if "rate" in data:
        value = _amount(data["rate"], "rate", errors)
        if value is not None and value <= 0:
            errors.add("rate", _("A rate is greater than zero."))
        rate.rate = value
    if "source" in data:
        rate.source = str(data["source"] or "").strip()
    try:
        rate.full_clean(exclude=errors.fields())
    except ValidationError as exc:
        errors.add_exception(exc)
    errors.raise_if_any()
    created = rate.pk is None
    rate.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=rate,
        details={
            "currency": rate.currency,
            "reporting_currency": rate.reporting_currency,
            "valid_from": rate.valid_from.isoformat(),
            "rate": str(rate.rate),
        },
    )
    return rate
