"""The dashboard's message figures, for `ncb_cases`' dashboard template (which may not import
`messages_hst`): `{% load hst_dashboard %}{% messages_awaiting_user as waiting %}`."""

from dataclasses import dataclass

from django import template

from messages_hst.models import HSTMessage
from messages_hst.selectors.dashboard import (
    drafts_returned_to_user,
    messages_awaiting_approval_by_user,
)

register = template.Library()

PANEL_SIZE = 5


@dataclass(frozen=True)
class MessagesAwaitingUser:
    to_approve: list[HSTMessage]
    more_to_approve: bool
    returned: list[HSTMessage]
    more_returned: bool

    @property
    def any(self) -> bool:
        return bool(self.to_approve or self.returned)


@register.simple_tag(takes_context=True)
def messages_awaiting_user(context) -> MessagesAwaitingUser:
    """The first messages the user may approve and their drafts returned for correction (a
    few of each, and whether there are more). Two queries whatever the numbers."""
    user = context["request"].user
    to_approve = list(messages_awaiting_approval_by_user(user=user)[: PANEL_SIZE + 1])
    returned = list(drafts_returned_to_user(user=user)[: PANEL_SIZE + 1])
    return MessagesAwaitingUser(
        to_approve=to_approve[:PANEL_SIZE],
        more_to_approve=len(to_approve) > PANEL_SIZE,
        returned=returned[:PANEL_SIZE],
        more_returned=len(returned) > PANEL_SIZE,
    )
