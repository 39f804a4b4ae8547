"""A supervisor's manual requeue of a delivery that ended DEAD or REJECTED (HST.md §6)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from messages_hst.choices import DeliveryStatus
from messages_hst.models import Delivery
from messages_hst.permissions import can_requeue
from messages_hst.pipeline.policy import deadline_for
from messages_hst.pipeline.queueing import enqueue_on_commit
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction

REQUEUEABLE = (DeliveryStatus.DEAD, DeliveryStatus.REJECTED)


def delivery_requeue(
    *, actor: AbstractBaseUser, delivery: Delivery, now: dt.datetime | None = None
) -> Delivery:
    """Put a DEAD or REJECTED `delivery` back in the queue: PENDING, due now, a fresh deadline
    for its priority, last error cleared (the attempt log keeps the history), `deliver`
    enqueued on commit; audited (SEND, with the delivery, recipient and former status).

    Only a supervisor of the sender NCB (PermissionDenied otherwise). A delivery in another
    state, one the recipient rejected after triage (its RESPONSE: answer with a correction
    instead), or one of a message that could not be signed, is a ValidationError on `status`.
    The row is locked while it changes.
    """
    if not can_requeue(actor, delivery):
        raise PermissionDenied(_("Only a supervisor of the sender NCB may requeue a delivery."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Delivery.objects.select_related("message", "recipient_ncb")
            .defer("message__document", "message__rendering", "message__signed_bytes")
            .select_for_update(of=("self",))
            .get(pk=delivery.pk)
        )
        if locked.status not in REQUEUEABLE:
            raise ValidationError(
                {
                    "status": [
                        _("Only a dead or rejected delivery can be requeued; this one is %(s)s.")
                        % {"s": locked.get_status_display().lower()}
                    ]
                }
            )
        if locked.response_outcome:
            raise ValidationError(
                {
                    "status": [
                        _(
                            "The recipient rejected this message after reading it; send a "
                            "correction instead of requeueing it."
                        )
                    ]
                }
            )
        if locked.message.signed_at is None:
            raise ValidationError(
                {"status": [_("The message could not be signed; it cannot be sent.")]}
            )
        previous = locked.status
        locked.status = DeliveryStatus.PENDING
        locked.next_attempt_at = now
        locked.deadline_at = deadline_for(locked.message.priority, now)
        locked.last_error = ""
        locked.save(
            update_fields=["status", "next_attempt_at", "deadline_at", "last_error", "updated_at"]
        )
        audit_record(
            actor=actor,
            action=AuditAction.SEND,
            obj=locked.message,
            details={
                "delivery": locked.pk,
                "recipient": locked.recipient_ncb.code,
                "requeued_from": previous,
            },
        )
        enqueue_on_commit("deliver", [locked.pk])
    return locked
