"""The filters of the message list: a box (tab), the message type and the status."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from messages_hst.choices import InboundStatus, MessageStatus, MessageType

# The tabs of /messages/: the inbox holds received messages, the others outgoing ones.
INBOX = "inbox"
MESSAGE_BOXES = (
    (INBOX, _("Inbox")),
    ("outbox", _("Outbox")),
    ("drafts", _("Drafts")),
    ("approval", _("Awaiting approval")),
)
BOX_STATUSES = {
    INBOX: InboundStatus.choices,
    "outbox": [
        (status.value, status.label)
        for status in (
            MessageStatus.APPROVED,
            MessageStatus.QUEUED,
            MessageStatus.DISPATCHED,
            MessageStatus.CANCELLED,
        )
    ],
    "drafts": [
        (status.value, status.label) for status in (MessageStatus.COMPOSING, MessageStatus.DRAFT)
    ],
    "approval": [],
}


class MessageFilterForm(forms.Form):
    """Filters of one box of the list (GET; nothing personal in them).

    `status` offers the statuses of the box only; the awaiting-approval box has one status,
    so it has no status filter."""

    message_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *MessageType.choices]
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, box: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.box = box
        statuses = BOX_STATUSES[box]
        if statuses:
            self.fields["status"].choices = [("", _("Any status")), *statuses]
        else:
            del self.fields["status"]

    def selector_filters(self) -> dict[str, str]:
        """The selector's `filters`: only the keys with a value."""
        return {key: value for key, value in self.cleaned_data.items() if value}
