"""Delivery policy: how long a priority may take (HST.md §6) and which recipients a message
may never reach (HST.md §3, principle 4; issue 5 item 4: BLOCKED before anything is sent).

Validation (`messages_hst.validation`, level 4) already refuses a recipient the message's own
`access_restrictions` deny; the pipeline checks again, because a delivery must never depend on
every caller having validated, and adds what needs the database:

- the recipient is an NCB of an INTERPOL member country;
- onward dissemination: a message answering, superseding or referencing a message this NCB
  *received*, or written from a case into which received messages were imported, carries the
  provider's data, so the provider's handling binds it. Under handling code H2 ("no onward
  dissemination without permission") or dissemination RECIPIENTS_ONLY, only the provider and
  the original recipients may get it; the provider's `access_restrictions` (deny, allow_only)
  apply as well. Forwarding can only narrow dissemination, never widen it (principle 4).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from contacts.models import NationalCentralBureau
from messages_hst.choices import Priority
from messages_hst.models import HSTMessage, InboundMessage
from messages_hst.validation.references import thread_references

DEADLINES = {
    Priority.FLASH: dt.timedelta(minutes=15),
    Priority.URGENT: dt.timedelta(hours=4),
}
DEFAULT_DEADLINE = dt.timedelta(hours=72)
ONWARD_RESTRICTING_CODES = frozenset({"H2"})
ONWARD_RESTRICTING_DISSEMINATION = frozenset({"RECIPIENTS_ONLY"})


def deadline_for(priority: str, start: dt.datetime) -> dt.datetime:
    """When a delivery of `priority` started at `start` gives up (FLASH 15 min, URGENT 4 h,
    others 72 h)."""
    return start + DEADLINES.get(priority, DEFAULT_DEADLINE)


def _codes(items: Any) -> set[str]:
    return {item for item in items if isinstance(item, str)} if isinstance(items, list) else set()


@dataclass
class ProviderRule:
    """The handling of a message this NCB received, as it binds what we send on."""

    message_id: str
    provider: str
    restricted_to: set[str] | None = None  # None: no H2 / RECIPIENTS_ONLY
    deny: set[str] = field(default_factory=set)
    allow_only: set[str] = field(default_factory=set)

    @classmethod
    def from_row(cls, message_id: Any, provider: str, handling: Any, recipients: Any):
        handling = handling if isinstance(handling, Mapping) else {}
        restrictions = handling.get("access_restrictions")
        restrictions = restrictions if isinstance(restrictions, Mapping) else {}
        restricted_to = None
        if _codes(handling.get("handling_codes")) & ONWARD_RESTRICTING_CODES or (
            handling.get("dissemination") in ONWARD_RESTRICTING_DISSEMINATION
        ):
            listed = recipients if isinstance(recipients, list) else []
            restricted_to = {provider} | {
                r["ncb_code"] for r in listed if isinstance(r, Mapping) and "ncb_code" in r
            }
        return cls(
            message_id=str(message_id),
            provider=provider,
            restricted_to=restricted_to,
            deny=_codes(restrictions.get("deny")),
            allow_only=_codes(restrictions.get("allow_only")),
        )

    def refusal(self, code: str) -> str:
        """Why `code` may not receive the provider's data ("" if it may)."""
        if code in self.deny:
            return (
                f"restriction conflict: {self.provider}'s message {self.message_id} denies {code}"
            )
        if self.allow_only and code not in self.allow_only | {self.provider}:
            return (
                f"restriction conflict: {self.provider}'s message {self.message_id} allows "
                f"only {', '.join(sorted(self.allow_only))}"
            )
        if self.restricted_to is not None and code not in self.restricted_to:
            return (
                f"H2: data received from {self.provider} (message {self.message_id}) may not "
                f"go on to {code} without {self.provider}'s permission"
            )
        return ""


def provider_rules(message: HSTMessage) -> list[ProviderRule]:
    """The handling of the received messages `message` draws on (thread, case): one query,
    none when the message has neither a case nor thread references."""
    references = thread_references(message.document)
    condition = Q()
    if references:
        condition |= Q(message_id__in=_uuids(references))
    if message.case_id is not None:
        condition |= Q(case_id=message.case_id)
    if not condition:
        return []
    rows = (
        InboundMessage.objects.filter(condition, recipient_ncb_id=message.sender_ncb_id)
        .filter(is_original=True)
        .exclude(sender_code="")
        .values_list("message_id", "sender_code", "document__handling", "document__recipients")
    )
    return [ProviderRule.from_row(*row) for row in rows]


def _uuids(values: Iterable[str]) -> list[str]:
    result = []
    for value in values:
        try:
            result.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return result


def blocked_reason(
    *,
    document: Mapping[str, Any],
    ncb: NationalCentralBureau,
    rules: Iterable[ProviderRule] = (),
) -> str:
    """Why the message may not be delivered to `ncb` ("" if it may). `ncb.country` loaded."""
    code = ncb.code
    if not ncb.country.is_member:
        return f"{code} is not an INTERPOL member"
    handling = document.get("handling")
    handling = handling if isinstance(handling, Mapping) else {}
    restrictions = handling.get("access_restrictions")
    restrictions = restrictions if isinstance(restrictions, Mapping) else {}
    if code in _codes(restrictions.get("deny")):
        return f"{code} is in the message's access_restrictions.deny"
    allow_only = _codes(restrictions.get("allow_only"))
    if allow_only and code not in allow_only:
        return f"{code} is not in the message's access_restrictions.allow_only"
    for rule in rules:
        refusal = rule.refusal(code)
        if refusal:
            return refusal
    return ""
