"""Reads of received messages, restricted to the user's NCB as the recipient."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from messages_hst.choices import InboundStatus
from messages_hst.models import InboundMessage
from messages_hst.selectors._common import User, lock_if_in_transaction, reader_ncb_id
from ncb_cases.audit import audit_denied, audited_read
from ncb_cases.choices import AuditAction
from ncb_cases.selectors._common import as_uuid


def _inbound() -> QuerySet[InboundMessage]:
    return InboundMessage.objects.select_related(
        "recipient_ncb", "sender_ncb", "case", "triaged_by"
    )


def visible_inbound(user: User, *, for_change: bool = False) -> QuerySet[InboundMessage]:
    """Every received message `user` may read (triage, `for_change`): those addressed to
    their NCB. Unsorted, without `select_related`; for subqueries and counts."""
    ncb_id = reader_ncb_id(user, for_change=for_change)
    if ncb_id is None:
        return InboundMessage.objects.none()
    return InboundMessage.objects.filter(recipient_ncb_id=ncb_id)


def inbound_list_for_user(*, user: User, status: str | None = None) -> QuerySet[InboundMessage]:
    """The messages received by the user's NCB, newest first, optionally of one `status`
    (an InboundStatus; anything else: ValidationError on `status`). Conflicting copies and
    quarantined messages are included: they are kept for investigation. The raw bytes and the
    stored receipt are deferred. `select_related` both NCBs, the case and the triaging
    officer: one query when evaluated (after one for the user's NCB membership, cached on the
    user). Empty for users who read no messages."""
    ncb_id = reader_ncb_id(user)
    if ncb_id is None:
        return InboundMessage.objects.none()
    received = _inbound().filter(recipient_ncb_id=ncb_id).defer("raw_body", "receipt_bytes")
    if status not in (None, ""):
        if status not in InboundStatus.values:
            raise ValidationError(
                {"status": [_("“%(value)s” is not one of the choices.") % {"value": status}]}
            )
        received = received.filter(status=status)
    return received.order_by("-received_at", "-id")


def inbound_get_for_user(*, user: User, public_id, for_change: bool = False) -> InboundMessage:
    """The received message `public_id` if addressed to the user's NCB (and, `for_change`,
    the user may triage it: officers and supervisors; inside a transaction the row is then
    locked). Http404 when missing or forbidden alike; a refused attempt on an existing message
    is audited as DENIED. A granted read is not audited here. One query."""
    public_id = as_uuid(public_id)
    ncb_id = reader_ncb_id(user, for_change=for_change)
    received = lock_if_in_transaction(_inbound(), for_change=for_change)
    try:
        if ncb_id is None:
            raise InboundMessage.DoesNotExist
        return received.get(public_id=public_id, recipient_ncb_id=ncb_id)
    except InboundMessage.DoesNotExist as exc:
        raise audit_denied(
            user=user,
            existing=InboundMessage.objects.filter(public_id=public_id),
            attempted=AuditAction.UPDATE if for_change else AuditAction.VIEW,
        ) from exc


def inbound_detail_for_user(*, user: User, public_id, ip: str | None = None) -> InboundMessage:
    """`inbound_get_for_user` for a person reading the message: one VIEW audit row per call,
    a refused read of an existing message recorded as DENIED (`ncb_cases.audit.audited_read`).
    """
    return audited_read(
        user=user,
        read=lambda: inbound_get_for_user(user=user, public_id=public_id),
        existing=InboundMessage.objects.select_related("case")
        .filter(public_id=as_uuid(public_id))
        .only("pk", "public_id", "case"),
        ip=ip,
        details=lambda inbound: {"message_type": inbound.message_type, "status": inbound.status},
    )
