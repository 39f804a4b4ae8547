"""Every read of HST message data (DESIGN.md §5): the one access path for pages, API, tasks.

A user reads the outgoing messages of their NCB and the messages received by it, if their
role reads messages (officers, supervisors, analysts); nobody else reads any. `*_get_for_user`
raise Http404 for missing and forbidden alike; `*_list_for_*` return querysets already
restricted. The audited reads are `message_detail_for_user` and `inbound_detail_for_user`.
"""

from .inbound import (
    inbound_detail_for_user,
    inbound_get_for_user,
    inbound_list_for_user,
    visible_inbound,
)
from .outgoing import (
    MESSAGE_BOXES,
    MESSAGE_FILTER_KEYS,
    delivery_get_for_user,
    delivery_list_for_message,
    message_detail_for_user,
    message_get_for_user,
    message_list_for_user,
    visible_messages,
)
from .threads import ThreadEntry, known_messages_for, thread_for_case

__all__ = [
    "MESSAGE_BOXES",
    "MESSAGE_FILTER_KEYS",
    "ThreadEntry",
    "delivery_get_for_user",
    "delivery_list_for_message",
    "inbound_detail_for_user",
    "inbound_get_for_user",
    "inbound_list_for_user",
    "known_messages_for",
    "message_detail_for_user",
    "message_get_for_user",
    "message_list_for_user",
    "thread_for_case",
    "visible_inbound",
    "visible_messages",
]
