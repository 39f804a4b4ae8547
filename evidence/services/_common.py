"""Helpers shared by the evidence services: locks, custodian and time parsing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Max
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from contacts.models import Country
from contacts.permissions import officer_of
from evidence.models import CustodyEvent, EvidenceItem
from ncb_cases.models import Case
from ncb_cases.selectors import editable_cases
from ncb_cases.services._common import Errors

__all__ = ["Errors"]

# Any constant key will do: it only has to be the same for every appender of the custody log.
CUSTODY_LOG_LOCK = 0x4E43_4243_5553  # "NCBCUS"

CUSTODIAN_KEYS = ("person", "agency", "country")


def lock_editable_item(actor: AbstractBaseUser, item: EvidenceItem) -> EvidenceItem:
    """The item, freshly read and locked (SELECT … FOR UPDATE), if `actor` may change its case.

    PermissionDenied otherwise. Every custody append holds this lock until it commits, so two
    appends to one item run one after the other and the chain never forks.
    """
    try:
        return (
            EvidenceItem.objects.select_for_update(of=("self",))
            .select_related("case")
            .get(pk=item.pk, case__in=editable_cases(actor))
        )
    except EvidenceItem.DoesNotExist as exc:
        raise PermissionDenied from exc


def lock_editable_case(actor: AbstractBaseUser, case: Case) -> Case:
    """The case, freshly read and locked, if `actor` may change it; PermissionDenied otherwise."""
    try:
        return editable_cases(actor).select_for_update().get(pk=case.pk)
    except Case.DoesNotExist as exc:
        raise PermissionDenied from exc


def next_log_index() -> int:
    """The next position in the instance-wide custody log, to be used before this commit.

    Appends to the log are serialised instance-wide (a transaction-scoped advisory lock on
    PostgreSQL; SQLite's IMMEDIATE transactions already let one writer at a time), so that
    positions are handed out in commit order and a checkpoint over positions 0 … n-1 never
    misses an event that commits later with a smaller position.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CUSTODY_LOG_LOCK])
    last = CustodyEvent.objects.aggregate(last=Max("log_index"))["last"]
    return 0 if last is None else last + 1


def default_custodian(actor: AbstractBaseUser) -> dict[str, str]:
    """The acting user as custodian: their name, their NCB and its country."""
    officer = officer_of(actor)
    person = (getattr(actor, "get_full_name", lambda: "")() or actor.get_username()).strip()
    if officer is None:
        return {"person": person, "agency": "", "country": ""}
    return {"person": person, "agency": officer.ncb.name, "country": officer.ncb.country.iso2}


def clean_custodian(value: Any, field: str, errors: Errors) -> dict[str, str] | None:
    """`value` (a mapping with person, agency, country) as a clean custodian, or None.

    The country must be a known ISO alpha-2 code; a person or an agency must be named.
    """
    if value in (None, ""):
        return None
    if not isinstance(value, Mapping):
        errors.add(field, _("Give the custodian as person, agency and country."))
        return None
    unknown = sorted(set(value) - set(CUSTODIAN_KEYS))
    if unknown:
        errors.add(field, _("Unknown custodian keys: %(keys)s.") % {"keys": ", ".join(unknown)})
        return None
    custodian = {key: str(value.get(key) or "").strip() for key in CUSTODIAN_KEYS}
    custodian["country"] = custodian["country"].upper()
    limits = {"person": 200, "agency": 200}
    for key, limit in limits.items():
        if len(custodian[key]) > limit:
            errors.add(
                f"{field}.{key}",
                _("At most %(limit)s characters.") % {"limit": limit},
            )
    if not (custodian["person"] or custodian["agency"]):
        errors.add(field, _("Name the custodian: a person, an agency, or both."))
    if custodian["country"] and not Country.objects.filter(iso2=custodian["country"]).exists():
        errors.add(
            f"{field}.country",
            _("“%(value)s” is not a known ISO alpha-2 country code.")
            % {"value": custodian["country"]},
        )
    return custodian


def clean_claimed_time(value: Any, field: str, errors: Errors) -> dt.datetime | None:
    """A client-claimed time: an aware datetime, or ISO 8601 text with its offset."""
    if value in (None, ""):
        return None
    moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if moment is None:
        errors.add(field, _("Enter a date and time such as 2026-03-04T10:15:00Z."))
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        errors.add(field, _("Give the time with its time zone (for example Z for UTC)."))
        return None
    return moment


def clean_text(data: Mapping, key: str, limit: int, errors: Errors) -> str:
    value = str(data.get(key) or "").strip()
    if len(value) > limit:
        errors.add(key, _("At most %(limit)s characters.") % {"limit": limit})
    return value
