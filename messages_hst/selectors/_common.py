"""Who reads which messages: the one definition, shared by every message selector.

A user reads the outgoing messages whose sender NCB is theirs and the inbound messages whose
recipient NCB is theirs, if their role reads messages (officer, supervisor, analyst; analysts
read only). SRB monitors, users of no NCB, inactive and anonymous users read nothing, and
neither do instance administrators as such: message content is the NCB's business.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from contacts.models import Officer
from messages_hst import permissions

User = AbstractBaseUser | AnonymousUser


def reader_ncb_id(user: User, *, for_change: bool = False) -> int | None:
    """The NCB whose messages `user` reads (writes, `for_change`), or None for nothing."""
    officer: Officer | None = (
        permissions.message_author(user) if for_change else permissions.message_reader(user)
    )
    return officer.ncb_id if officer is not None else None


def lock_if_in_transaction(queryset, *, for_change: bool):
    """`for_change` reads inside a transaction lock the row (the caller is about to write it);
    outside one there is nothing to hold a lock for."""
    if for_change and transaction.get_connection().in_atomic_block:
        return queryset.select_for_update(of=("self",))
    return queryset
