"""Reads of outgoing messages and their deliveries, restricted to the user's NCB."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from messages_hst.choices import MessageStatus, MessageType, Priority
from messages_hst.models import Delivery, DeliveryAttempt, HSTMessage
from messages_hst.selectors._common import User, lock_if_in_transaction, reader_ncb_id
from ncb_cases.audit import audit_denied, audited_read
from ncb_cases.choices import AuditAction
from ncb_cases.selectors._common import as_uuid

# The boxes of the message pages (and the API's `box` parameter).
MESSAGE_BOXES = {
    "drafts": (MessageStatus.COMPOSING, MessageStatus.DRAFT),
    "approval": (MessageStatus.PENDING_APPROVAL,),
    "outbox": (
        MessageStatus.APPROVED,
        MessageStatus.QUEUED,
        MessageStatus.DISPATCHED,
        MessageStatus.CANCELLED,
    ),
}
MESSAGE_FILTER_KEYS = ("status", "message_type", "priority", "case", "q")


def _messages() -> QuerySet[HSTMessage]:
    return HSTMessage.objects.select_related(
        "sender_ncb", "case", "created_by", "submitted_by", "approved_by"
    )


def visible_messages(user: User, *, for_change: bool = False) -> QuerySet[HSTMessage]:
    """Every outgoing message `user` may read (change, `for_change`): their NCB's. Unsorted,
    without `select_related`; for subqueries and counts."""
    ncb_id = reader_ncb_id(user, for_change=for_change)
    if ncb_id is None:
        return HSTMessage.objects.none()
    return HSTMessage.objects.filter(sender_ncb_id=ncb_id)


def message_list_for_user(
    *, user: User, box: str | None = None, filters: Mapping[str, object] | None = None
) -> QuerySet[HSTMessage]:
    """The outgoing messages of the user's NCB, newest first.

    `box`: "drafts" (COMPOSING and DRAFT), "approval" (PENDING_APPROVAL), "outbox" (APPROVED,
    QUEUED, DISPATCHED, CANCELLED), None for all (DISCARDED included). `filters` (optional;
    unknown keys or values: ValidationError naming the key): `status`, `message_type`,
    `priority` (their code lists), `case` (the case's public id or reference), `q` (in the
    subject, or a message id). Empty for users who read no messages.
    `select_related` sender NCB, case and the three people: one query when evaluated (after
    one for the user's NCB membership, cached on the user).
    """
    ncb_id = reader_ncb_id(user)
    messages = _messages().filter(sender_ncb_id=ncb_id) if ncb_id else HSTMessage.objects.none()
    errors: dict[str, list[str]] = {}
    if box is not None:
        if box not in MESSAGE_BOXES:
            errors["box"] = [
                _("Choose one of: %(boxes)s.") % {"boxes": ", ".join(sorted(MESSAGE_BOXES))}
            ]
        else:
            messages = messages.filter(status__in=MESSAGE_BOXES[box])
    filters = filters or {}
    for key in filters:
        if key not in MESSAGE_FILTER_KEYS:
            errors[key] = [_("Unknown filter.")]
    for key, choices in (
        ("status", MessageStatus),
        ("message_type", MessageType),
        ("priority", Priority),
    ):
        value = filters.get(key)
        if value in (None, ""):
            continue
        if value not in choices.values:
            errors[key] = [_("“%(value)s” is not one of the choices.") % {"value": value}]
        else:
            messages = messages.filter(**{key: value})
    case = filters.get("case")
    if case not in (None, ""):
        try:
            messages = messages.filter(case__public_id=as_uuid(case))
        except Http404:
            messages = messages.filter(case__reference=str(case).strip().upper())
    q = str(filters.get("q") or "").strip()
    if q:
        condition = Q(subject__icontains=q)
        with contextlib.suppress(Http404):
            condition |= Q(message_id=as_uuid(q))
        messages = messages.filter(condition)
    if errors:
        raise ValidationError(errors)
    return messages.order_by("-created_at", "-id")


def message_get_for_user(*, user: User, message_id, for_change: bool = False) -> HSTMessage:
    """The outgoing message `message_id` (its HST message id) if `user` may read it (change
    it, `for_change`: officers and supervisors of the sender NCB; inside a transaction the row
    is then locked). Http404 when missing or forbidden alike; a refused attempt on an existing
    message is audited as DENIED. A granted read is not audited here. One query."""
    message_id = as_uuid(message_id)
    ncb_id = reader_ncb_id(user, for_change=for_change)
    messages = lock_if_in_transaction(_messages(), for_change=for_change)
    try:
        if ncb_id is None:
            raise HSTMessage.DoesNotExist
        return messages.get(message_id=message_id, sender_ncb_id=ncb_id)
    except HSTMessage.DoesNotExist as exc:
        raise _denied(user, HSTMessage.objects.filter(message_id=message_id), for_change) from exc


def message_detail_for_user(*, user: User, message_id, ip: str | None = None) -> HSTMessage:
    """`message_get_for_user` for a person reading the message: one VIEW audit row per call,
    a refused read of an existing message recorded as DENIED (`ncb_cases.audit.audited_read`).
    """
    return audited_read(
        user=user,
        read=lambda: message_get_for_user(user=user, message_id=message_id),
        existing=HSTMessage.objects.select_related("case").filter(message_id=as_uuid(message_id)),
        ip=ip,
        details=lambda message: {"message_type": message.message_type, "status": message.status},
    )


# --- Deliveries ------------------------------------------------------------------------------


def _deliveries() -> QuerySet[Delivery]:
    return Delivery.objects.select_related("recipient_ncb", "message").prefetch_related(
        Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("number"))
    )


def delivery_list_for_message(*, user: User, message: HSTMessage) -> QuerySet[Delivery]:
    """The deliveries of `message` (one per recipient) if `user` may read the message, else
    none. `select_related` recipient NCB and message, attempts prefetched in order: two
    queries when evaluated (after one for the user's NCB membership)."""
    return (
        _deliveries()
        .filter(message_id=message.pk, message__in=visible_messages(user))
        .order_by("id")
    )


def delivery_get_for_user(*, user: User, delivery_id, for_change: bool = False) -> Delivery:
    """The delivery `delivery_id` (its primary key) if `user` may read its message (change it,
    `for_change`; inside a transaction the row is then locked, attempts not prefetched).
    Http404 when missing or forbidden alike."""
    try:
        pk = int(delivery_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    ncb_id = reader_ncb_id(user, for_change=for_change)
    if ncb_id is None:
        raise _denied(user, HSTMessage.objects.filter(deliveries__pk=pk), for_change)
    if for_change:
        deliveries = lock_if_in_transaction(
            Delivery.objects.select_related("recipient_ncb", "message"), for_change=True
        )
    else:
        deliveries = _deliveries()
    try:
        return deliveries.get(pk=pk, message__sender_ncb_id=ncb_id)
    except Delivery.DoesNotExist as exc:
        # The message is what the audit trail names (a delivery has no public id).
        raise _denied(user, HSTMessage.objects.filter(deliveries__pk=pk), for_change) from exc


def _denied(user: User, existing: QuerySet, for_change: bool) -> Http404:
    attempted = AuditAction.UPDATE if for_change else AuditAction.VIEW
    return audit_denied(user=user, existing=existing.select_related("case"), attempted=attempted)
