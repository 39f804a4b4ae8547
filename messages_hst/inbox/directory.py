"""What every message looks up but which changes rarely: the NCBs by code (those hosted here,
the senders with their keyrings, an approval's recipients with their country), kept per process
for a few seconds.

Each lookup otherwise costs a query (the NCB model's default ordering adds a JOIN and a sort)
at up to hundreds of messages a second, received or approved. A change made in this process
(an NCB, its country or a key saved or deleted) empties the cache at once; one made elsewhere
(another web worker, the `hst_register_key` command, the admin) is seen within
`HST_INBOX_CACHE_SECONDS` (default 5; 0 disables the cache). A newly registered key never
waits: a signature that fails against the cached keyring is checked again against the keyring
read afresh (`verify_with_keyring`). A revoked key may still verify in another process for
those few seconds; an approval there may still schedule a delivery by an NCB's former
transport (each attempt reads it afresh) or to a country that has just left INTERPOL.
"""

import time
from collections.abc import Callable, Iterable
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


_MISSING = object()


def _fresh(key: tuple) -> Any:
    """The value cached under `key`, or _MISSING (none, too old, or the cache off)."""
    entry = _entries.get(key)
    if entry is None or entry[0] <= time.monotonic():
        return _MISSING
    return entry[1]


def _keep(key: tuple, value: Any) -> None:
    max_age = _max_age()
    if max_age > 0:
        _entries[key] = (time.monotonic() + max_age, value)


def _cached(key: tuple, load: Callable[[], Any]) -> Any:
    value = _fresh(key)
    if value is _MISSING:
        value = load()
        _keep(key, value)
    return value


def hosted_ncb(code: str | None) -> NationalCentralBureau | None:
    """The NCB of `code` if it is hosted on this instance (transport `local`), else None."""
    ncb = ncb_by_code(code.strip().upper()) if code else None
    return ncb if ncb is not None and ncb.transport == MessageTransport.LOCAL else None


def ncb_by_code(code: str) -> NationalCentralBureau | None:
    """The NCB of `code` (any transport), with its country, or None."""
    return ncbs_with_country([code]).get(code)


def ncbs_with_country(codes: Iterable[str]) -> dict[str, NationalCentralBureau]:
    """The NCBs of `codes` known here (any transport), each with its country, by code; a code
    no NCB has is left out. One query for the codes not cached, none when all are."""
    found, missing = {}, []
    for code in codes:
        ncb = _fresh(("ncb+country", code))
        if ncb is _MISSING:
            missing.append(code)
        elif ncb is not None:
            found[code] = ncb
    if missing:
        loaded = {
            ncb.code: ncb
            for ncb in NationalCentralBureau.objects.filter(code__in=missing)
            .select_related("country")
            .order_by()  # not the model's ordering by country name: a sort for nothing
        }
        for code in missing:
            _keep(("ncb+country", code), loaded.get(code))
        found.update(loaded)
    return found


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
