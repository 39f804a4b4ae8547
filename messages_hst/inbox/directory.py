"""What the inbox looks up for every message but which changes rarely: the NCBs hosted here,
the sender NCBs and their keyrings, kept per process for a few seconds.

Each lookup otherwise costs a query (the NCB model's default ordering adds a JOIN and a sort)
at up to hundreds of messages a second. A change made in this process (an NCB, its country or
a key saved or deleted) empties the cache at once; one made elsewhere (another web worker, the
`hst_register_key` command) is seen within `HST_INBOX_CACHE_SECONDS` (default 5; 0 disables
the cache). A newly registered key never waits: a signature that fails against the cached
keyring is checked again against the keyring read afresh (`verify_with_keyring`). A revoked key
may still verify in another process for those few seconds.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from contacts.choices import MessageTransport
from contacts.models import Country, NationalCentralBureau, NCBPublicKey
from messages_hst import keys, signing

DEFAULT_CACHE_SECONDS = 5.0
_entries: dict[tuple, tuple[float, Any]] = {}


def _max_age() -> float:
    return float(getattr(settings, "HST_INBOX_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def clear(**_signal_kwargs) -> None:
    """Forget everything (connected to saves and deletes of NCBs, countries and keys)."""
    _entries.clear()


for _model in (NationalCentralBureau, Country, NCBPublicKey):
    post_save.connect(clear, sender=_model, dispatch_uid=f"hst-inbox-directory-{_model.__name__}")
    post_delete.connect(
        clear, sender=_model, dispatch_uid=f"hst-inbox-directory-del-{_model.__name__}"
    )


def _cached(key: tuple, load: Callable[[], Any]) -> Any:
    max_age = _max_age()
    if max_age <= 0:
        return load()
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = load()
    _entries[key] = (now + max_age, value)
    return value


def hosted_ncb(code: str | None) -> NationalCentralBureau | None:
    """The NCB of `code` if it is hosted on this instance (transport `local`), else None."""
    if not code:
        return None
    code = code.strip().upper()
    return _cached(
        ("hosted", code),
        lambda: (
            NationalCentralBureau.objects.select_related("country")
            .filter(code=code, transport=MessageTransport.LOCAL)
            .order_by()
            .first()
        ),
    )


def ncb_by_code(code: str) -> NationalCentralBureau | None:
    """The NCB of `code` (any transport), or None."""
    return _cached(
        ("ncb", code),
        lambda: NationalCentralBureau.objects.filter(code=code).order_by().first(),
    )


def verify_with_keyring(
    document: dict[str, Any], sender: NationalCentralBureau | None
) -> signing.VerificationResult:
    """`signing.verify_message` against `sender`'s keyring: the cached one, and when that does
    not verify, the one read afresh (a key registered a moment ago by another process)."""
    if sender is None:
        return signing.verify_message(document, {})
    verdict = signing.verify_message(
        document, _cached(("keyring", sender.pk), lambda: keys.sender_keyring(sender))
    )
    if verdict.ok or _max_age() <= 0:
        return verdict
    ring = keys.sender_keyring(sender)
    _entries[("keyring", sender.pk)] = (time.monotonic() + _max_age(), ring)
    return signing.verify_message(document, ring)
