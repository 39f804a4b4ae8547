"""Messages seen together: the thread of a case, and the earlier messages validation needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404

from contacts.models import NationalCentralBureau
from messages_hst.choices import InboundStatus, MessageStatus
from messages_hst.models import HSTMessage, InboundMessage
from messages_hst.selectors._common import User, reader_ncb_id
from ncb_cases.models import Case
from ncb_cases.selectors._common import as_uuid

OUTGOING = "out"
INCOMING = "in"

# Earlier messages a new one may refer to: sent ones, and received ones that passed checks.
REFERABLE_OUTGOING = (
    MessageStatus.APPROVED,
    MessageStatus.QUEUED,
    MessageStatus.DISPATCHED,
    MessageStatus.CANCELLED,
)
REFERABLE_INBOUND = (
    InboundStatus.TRIAGE,
    InboundStatus.ACCEPTED,
    InboundStatus.REJECTED,
    InboundStatus.PROCESSED,
)


@dataclass(frozen=True)
class ThreadEntry:
    """One message of a case's thread: `direction` "out" (an HSTMessage, dated by its
    approval, else its creation) or "in" (an InboundMessage, dated by its reception)."""

    direction: str
    at: dt.datetime
    message: HSTMessage | InboundMessage

    @property
    def is_outgoing(self) -> bool:
        return self.direction == OUTGOING


def thread_for_case(*, user: User, case: Case) -> list[ThreadEntry]:
    """The messages of `case` the user may read, oldest first: their NCB's outgoing messages
    about it (discarded drafts left out), and what their NCB received about it (triaged into
    it, or carrying its HST case id, i.e. answers to the thread it started). Two queries.
    The case comes from a case selector; this adds no case-level check of its own."""
    ncb_id = reader_ncb_id(user)
    if ncb_id is None:
        return []
    outgoing = (
        HSTMessage.objects.select_related("sender_ncb", "created_by", "approved_by")
        .filter(sender_ncb_id=ncb_id, case_id=case.pk)
        .exclude(status=MessageStatus.DISCARDED)
    )
    incoming = (
        InboundMessage.objects.select_related("sender_ncb", "recipient_ncb")
        .filter(recipient_ncb_id=ncb_id, is_original=True)
        .filter(Q(case_id=case.pk) | Q(hst_case_id=case.public_id))
        .defer("raw_body", "receipt_bytes")
    )
    entries = [
        ThreadEntry(OUTGOING, message.approved_at or message.created_at, message)
        for message in outgoing
    ]
    entries += [ThreadEntry(INCOMING, inbound.received_at, inbound) for inbound in incoming]
    return sorted(entries, key=lambda entry: (entry.at, entry.direction))


def known_messages_for(
    ncb: NationalCentralBureau,
) -> Callable[[str], Mapping[str, Any] | None]:
    """For validation level 2 (`validate_message(known_messages=...)`): a function from a
    message id to the document of an earlier message of `ncb`'s exchanges, or None.

    Known are the messages `ncb` sent (approved onwards) and the messages it received that
    passed the checks (signature and validation: triage onwards). One or two queries per id
    looked up, remembered for the life of the function.
    """
    found: dict[str, Mapping[str, Any] | None] = {}

    def lookup(message_id: str) -> Mapping[str, Any] | None:
        key = str(message_id)
        if key not in found:
            found[key] = _known_document(ncb, key)
        return found[key]

    return lookup


def _known_document(ncb: NationalCentralBureau, message_id: str) -> Mapping[str, Any] | None:
    try:
        uuid = as_uuid(message_id)
    except Http404:
        return None
    sent = (
        HSTMessage.objects.filter(
            sender_ncb_id=ncb.pk, message_id=uuid, status__in=REFERABLE_OUTGOING
        )
        .values_list("document", flat=True)
        .first()
    )
    if sent:
        return sent
    received = (
        InboundMessage.objects.filter(
            recipient_ncb_id=ncb.pk,
            message_id=uuid,
            is_original=True,
            status__in=REFERABLE_INBOUND,
            document__isnull=False,
        )
        .values_list("document", flat=True)
        .first()
    )
    return received or None
