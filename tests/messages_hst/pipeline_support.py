"""Helpers of the pipeline, transport and receipt tests (helper B): approved messages, a
partner NCB with its own key, signed receipts, and a small HTTP server playing the partner's
inbox (a remote peer may be simulated; our database and broker never are)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contacts.services import ncb_public_key_register
from messages_hst import signing
from messages_hst.choices import MessageStatus, Priority
from messages_hst.pipeline import message_dispatch, schedule_delivery
from ncb_cases.canonical import canonical_json_bytes
from tests.factories import CountryFactory, NcbFactory
from tests.messages_hst import examples
from tests.messages_hst.factories import HSTMessageFactory, hst_document


def approved_message(sender_ncb, *, recipients=("DE",), priority=Priority.URGENT, **document):
    """An APPROVED REQUEST of `sender_ncb` to `recipients`, not yet scheduled."""
    message = HSTMessageFactory(
        sender_ncb=sender_ncb, recipients=recipients, priority=priority, status="APPROVED"
    )
    if document:
        message.document = {**message.document, **document}
        message.save(update_fields=["document"])
    assert message.status == MessageStatus.APPROVED
    return message


def dispatched_message(sender_ncb, **kwargs):
    """An approved message scheduled and dispatched (signed, deliveries due now), none sent
    by the dispatch itself; the tasks the pipeline enqueues on commit are not run (tests with
    `db` never commit)."""
    message = approved_message(sender_ncb, **kwargs)
    schedule_delivery(message)
    return message_dispatch(message.pk, send_here=False)


def ncb(iso2, iso3, name, **fields):
    """Another NCB of the test (Italy, Spain...), local unless `transport` says otherwise."""
    member = fields.pop("is_member", True)
    country = CountryFactory(iso2=iso2, iso3=iso3, name=name, capital=name, is_member=member)
    return NcbFactory(country=country, **fields)


@dataclass
class PartnerKey:
    """A partner NCB's own signing key, registered here as its public key."""

    private: Ed25519PrivateKey

    @classmethod
    def register(cls, partner_ncb) -> PartnerKey:
        private = signing.generate_private_key()
        ncb_public_key_register(ncb=partner_ncb, public_key=signing.public_key_to_text(private))
        return cls(private)


def receipt_bytes(message, *, key: Ed25519PrivateKey, sender_code="DE", **receipt) -> bytes:
    """The partner's signed RECEIPT of `message` (dispatched), as its inbox would answer."""
    document = examples.receipt_message()
    document["sender"] = {**document["sender"], "ncb_code": sender_code}
    document["recipients"] = [{"ncb_code": message.sender_ncb.code, "role": "TO"}]
    document["body"]["receipt"].update(
        {
            "ref_message_id": str(message.message_id),
            "received_digest": message.digest,
            **receipt,
        }
    )
    return canonical_json_bytes(signing.sign_message(document, key))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakePeer:
    """An inbox on 127.0.0.1 answering with `respond(request) -> (status, body, content type)`."""

    url: str
    requests: list[Received] = field(default_factory=list)
    respond: Callable[[Received], tuple[int, bytes, str]] = lambda request: (503, b"", "")


@contextlib.contextmanager
def running_fake_peer(settings):
    """A FakePeer serving on a free port while the block runs (HST_PEER_ALLOW_HTTP on). Its
    `respond` runs in the server's thread: compute what needs the database beforehand."""
    settings.HST_PEER_ALLOW_HTTP = True
    peer = FakePeer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            request = Received(self.path, dict(self.headers.items()), body)
            peer.requests.append(request)
            status, answer, content_type = peer.respond(request)
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    peer.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()


def make_peer(partner_ncb, url: str) -> None:
    partner_ncb.transport = "peer"
    partner_ncb.peer_endpoint = url
    partner_ncb.save(update_fields=["transport", "peer_endpoint"])


def problems_body(*problems) -> bytes:
    return json.dumps({"problems": list(problems)}).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = [
    "FakePeer",
    "PartnerKey",
    "approved_message",
    "dispatched_message",
    "hst_document",
    "make_peer",
    "ncb",
    "problems_body",
    "receipt_bytes",
    "running_fake_peer",
    "sha256",
]


def enqueued(callbacks) -> list[tuple]:
    """The (task name, pk, countdown) of the enqueues captured by
    `django_capture_on_commit_callbacks(execute=False)`."""
    return [callback.args for callback in callbacks]
