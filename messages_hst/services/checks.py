"""Validating an outgoing message: the HST rules plus what only this instance knows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import NationalCentralBureau
from messages_hst.models import HSTMessage
from messages_hst.selectors import known_messages_for
from messages_hst.validation import Problem, validate_message


def message_validate(
    message: HSTMessage,
    *,
    now: dt.datetime | None = None,
    ncbs: Mapping[str, NationalCentralBureau] | None = None,
) -> list[Problem]:
    """Every problem of the message's document (HST.md §8), with earlier messages of the
    sender NCB known for the thread checks, plus what only this instance knows: every
    recipient is an NCB known here, and not the sender itself. Pure read. `ncbs`: the
    recipients' NCBs known here by code (`pipeline.recipient_ncbs` of this document), when
    the caller has read them already."""
    problems = validate_message(
        message.document,
        known_messages=known_messages_for(message.sender_ncb),
        now=now or timezone.now(),
    )
    return problems + _recipient_problems(message, ncbs)


def _recipient_problems(
    message: HSTMessage, ncbs: Mapping[str, NationalCentralBureau] | None
) -> list[Problem]:
    recipients = message.document.get("recipients")
    if not isinstance(recipients, list):
        return []  # the schema says so already
    codes = {
        index: recipient.get("ncb_code")
        for index, recipient in enumerate(recipients)
        if isinstance(recipient, Mapping) and isinstance(recipient.get("ncb_code"), str)
    }
    if ncbs is not None:
        known = set(ncbs)
    else:
        known = set(
            NationalCentralBureau.objects.filter(code__in=set(codes.values()))
            .order_by()  # no JOIN and sort for the model's ordering by country name
            .values_list("code", flat=True)
        )
    problems = []
    for index, code in codes.items():
        path = f"/recipients/{index}/ncb_code"
        if code == message.sender_ncb.code:
            problems.append(
                Problem(path, "recipient_is_sender", "error", _("an NCB does not write to itself"))
            )
        elif code not in known:
            problems.append(
                Problem(path, "unknown_recipient", "error", _("no NCB %(code)s is known here")
                        % {"code": code})
            )  # fmt: skip
    return problems
