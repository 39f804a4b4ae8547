"""The receiving side of the HST exchange (HST.md §6 inbound, §7.4; issue 5 item 6).

`inbox_receive` is the one entry point: the peers' HTTP inbox (`messages_hst.api.views.inbox`)
and the `local` transport call it with the bytes as received. It stores them first, dedupes,
verifies, validates, answers with a signed RECEIPT and applies the message's effects.
"""

from messages_hst.inbox.receive import InboxOutcome, inbox_receive

__all__ = ["InboxOutcome", "inbox_receive"]
