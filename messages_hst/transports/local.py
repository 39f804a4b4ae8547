"""`local`: both NCBs are hosted on this instance; the message goes straight into the inbox
function the peers' HTTP inbox calls, so it is stored, verified and acknowledged exactly as if
it had come over the network."""

from __future__ import annotations

from typing import TYPE_CHECKING

from contacts.choices import MessageTransport
from messages_hst.transports.base import Transport, TransportResult, answer_result

if TYPE_CHECKING:
    from messages_hst.models import Delivery


class LocalTransport(Transport):
    name = MessageTransport.LOCAL

    def send(self, delivery: Delivery, signed_bytes: bytes) -> TransportResult:
        # Imported here: the inbox imports the services, which import the pipeline.
        from messages_hst.inbox import inbox_receive

        outcome = inbox_receive(
            raw=signed_bytes,
            recipient_code=delivery.recipient_ncb.code,
            transport=MessageTransport.LOCAL,
            remote_addr=None,
        )
        return answer_result(outcome.http_status, outcome.receipt_bytes, outcome.problems)
