"""How an HST message reaches its recipient NCB (HST.md §7.3; issue 5 item 5).

One small interface (`base.Transport.send(delivery, signed_bytes) -> TransportResult`) and
three implementations: `local` (the NCB is hosted here: the inbox function directly), `peer`
(its own instance: HTTPS POST to its inbox), `gateway` (an I-24/7 drop folder). Which one
serves an NCB is its `NationalCentralBureau.transport`; `transport_for(ncb)` picks it.
Adding a transport is a class here and a choice in `contacts.choices.MessageTransport`.
"""

from __future__ import annotations

from contacts.choices import MessageTransport
from contacts.models import NationalCentralBureau
from messages_hst.transports.base import Transport, TransportResult, answer_result
from messages_hst.transports.gateway import GatewayTransport
from messages_hst.transports.local import LocalTransport
from messages_hst.transports.peer import PeerTransport


class UnknownTransport(ValueError):
    """The NCB record names a transport this code does not have."""


_TRANSPORTS: dict[str, Transport] = {
    MessageTransport.LOCAL: LocalTransport(),
    MessageTransport.PEER: PeerTransport(),
    MessageTransport.GATEWAY: GatewayTransport(),
}


def transport_for(ncb: NationalCentralBureau) -> Transport:
    """The transport serving `ncb` (shared instances; UnknownTransport for another value)."""
    try:
        return _TRANSPORTS[ncb.transport]
    except KeyError:
        raise UnknownTransport(f"unknown transport {ncb.transport!r}") from None


__all__ = [
    "GatewayTransport",
    "LocalTransport",
    "PeerTransport",
    "Transport",
    "TransportResult",
    "UnknownTransport",
    "answer_result",
    "transport_for",
]
