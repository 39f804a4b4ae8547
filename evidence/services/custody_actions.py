"""One function per custody action: `custody_event_append` with the action's arguments
spelled out, for callers (demo data, tests, scripts) that record a known action."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from evidence.choices import CustodyAction
from evidence.models import CustodyEvent, EvidenceItem
from evidence.services.custody import custody_event_append


def custody_transfer_release(
    *, actor: AbstractBaseUser, item: EvidenceItem, to_custodian: Mapping[str, str], **data: Any
) -> CustodyEvent:
    """The giver releases the item to `to_custodian`: it is in transit until accepted."""
    ip = data.pop("ip", None)
    return custody_event_append(
        actor=actor,
        item=item,
        action=CustodyAction.RELEASED,
        data={**data, "to_custodian": to_custodian},
        ip=ip,
    )


def custody_send_abroad(
    *,
    actor: AbstractBaseUser,
    item: EvidenceItem,
    to_custodian: Mapping[str, str],
    legal_authority: str,
    **data: Any,
) -> CustodyEvent:
    """Release the item to a custodian in another country, under `legal_authority`."""
    ip = data.pop("ip", None)
    return custody_event_append(
        actor=actor,
        item=item,
        action=CustodyAction.SENT_ABROAD,
        data={**data, "to_custodian": to_custodian, "legal_authority": legal_authority},
        ip=ip,
    )


def custody_transfer_accept(*, actor: AbstractBaseUser, item: EvidenceItem, **data: Any):
    """The receiving party (not the releaser) accepts the item in transit: it is theirs now."""
    ip = data.pop("ip", None)
    return custody_event_append(
        actor=actor, item=item, action=CustodyAction.ACCEPTED, data=data, ip=ip
    )


def custody_transfer_cancel(
    *, actor: AbstractBaseUser, item: EvidenceItem, notes: str, **data: Any
) -> CustodyEvent:
    """The transfer in progress is called off: the giver keeps the item."""
    ip = data.pop("ip", None)
    return custody_event_append(
        actor=actor,
        item=item,
        action=CustodyAction.TRANSFER_CANCELLED,
        data={**data, "notes": notes},
        ip=ip,
    )


def custody_seal(
    *, actor: AbstractBaseUser, item: EvidenceItem, seal_number: str, **data: Any
) -> CustodyEvent:
    """A (new) seal `seal_number` is put on the item."""
    ip = data.pop("ip", None)
    return custody_event_append(
        actor=actor,
        item=item,
        action=CustodyAction.SEALED,
        data={**data, "seal_number": seal_number},
        ip=ip,
    )


def custody_examine(*, actor: AbstractBaseUser, item: EvidenceItem, **data: Any):
    """The item was examined (purpose, place, seal state, file hashes re-checked)."""
    ip = data.pop("ip", None)
    return custody_event_append(
        actor=actor, item=item, action=CustodyAction.EXAMINED, data=data, ip=ip
    )


def custody_present_in_court(*, actor: AbstractBaseUser, item: EvidenceItem, **data: Any):
    """The item was presented in court (`place`: the court, `purpose`: the hearing)."""
    ip = data.pop("ip", None)
    return custody_event_append(
        actor=actor, item=item, action=CustodyAction.PRESENTED_IN_COURT, data=data, ip=ip
    )


def custody_return(
    *, actor: AbstractBaseUser, item: EvidenceItem, to_custodian: Mapping[str, str], **data: Any
) -> CustodyEvent:
    """The item was returned to `to_custodian` (its owner): the chain ends."""
    ip = data.pop("ip", None)
    return custody_event_append(
        actor=actor,
        item=item,
        action=CustodyAction.RETURNED,
        data={**data, "to_custodian": to_custodian},
        ip=ip,
    )


def custody_destroy(
    *, actor: AbstractBaseUser, item: EvidenceItem, legal_authority: str, **data: Any
) -> CustodyEvent:
    """The item was destroyed under `legal_authority` (the order): the chain ends."""
    ip = data.pop("ip", None)
    return custody_event_append(
        actor=actor,
        item=item,
        action=CustodyAction.DESTROYED,
        data={**data, "legal_authority": legal_authority},
        ip=ip,
    )
