"""`peer`: an HTTPS POST of the signed canonical JSON to the recipient instance's inbox
(`<peer_endpoint>/api/v1/hst/inbox/`, HST.md §7.3).

Headers: `Content-Type: application/json`, `Idempotency-Key: <message id>` (the receiver
dedupes on it, so a resend after a lost answer is harmless), `HST-Recipient: <ncb code>`
and `HST-Signature: kid=<kid>; sig=<value>` (the message's own signature, detached for
receivers that check before parsing). TLS certificates are verified; plain http only where
the setting `HST_PEER_ALLOW_HTTP` is on (tests, the two-instance demo). Redirects are not
followed: the signed bytes go to the configured endpoint or nowhere.

One `httpx.Client` per process keeps connections alive across deliveries (a TLS handshake per
message would cost more than signing it); a forked worker child opens its own.

`send_batch` posts several messages for one NCB in one request to the batch inbox
(`<peer_endpoint>/api/v1/hst/inbox/batch/`, docs/hst.md §4.1) and reads one answer per
message, each as `send` reads its own. A peer without the batch inbox (404 or 405) gets the
messages one by one, and is asked again only after `BATCH_UNSUPPORTED_RECHECK_SECONDS`.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import TYPE_CHECKING

import httpx
from django.conf import settings

from contacts.choices import MessageTransport
from messages_hst import ndjson
from messages_hst.choices import AttemptOutcome
from messages_hst.transports.base import Transport, TransportResult, answer_result

if TYPE_CHECKING:
    from messages_hst.models import Delivery

INBOX_PATH = "/api/v1/hst/inbox/"
BATCH_PATH = "/api/v1/hst/inbox/batch/"
BATCH_UNSUPPORTED_STATUSES = (404, 405)
BATCH_UNSUPPORTED_RECHECK_SECONDS = 600.0
MAX_KEEPALIVE = 20
MAX_CONNECTIONS = 50

_lock = threading.Lock()
_client: tuple[int, httpx.Client] | None = None
# Peers whose batch inbox answered 404/405, until when (monotonic seconds).
_batch_unsupported: dict[str, float] = {}


def timeout_seconds() -> float:
    return float(getattr(settings, "HST_PEER_TIMEOUT_SECONDS", 10))


def process_client() -> httpx.Client:
    """This process's client (created on first use, again after a fork)."""
    global _client
    with _lock:
        if _client is None or _client[0] != os.getpid():
            client = httpx.Client(
                timeout=httpx.Timeout(timeout_seconds()),
                verify=True,
                follow_redirects=False,
                limits=httpx.Limits(
                    max_keepalive_connections=MAX_KEEPALIVE, max_connections=MAX_CONNECTIONS
                ),
                headers={"User-Agent": "ncb-thb-hst/1.0"},
            )
            _client = (os.getpid(), client)
        return _client[1]


def inbox_url(endpoint: str) -> tuple[str | None, str]:
    """The inbox URL under `endpoint`, or (None, why it cannot be used)."""
    endpoint = (endpoint or "").strip()
    if not endpoint:
        return None, "no peer endpoint is configured for this NCB"
    try:
        url = httpx.URL(endpoint)
    except httpx.InvalidURL:
        return None, "the peer endpoint is not a URL"
    allow_http = bool(getattr(settings, "HST_PEER_ALLOW_HTTP", False))
    if url.scheme == "http" and not allow_http:
        return None, "the peer endpoint is plain http (HST_PEER_ALLOW_HTTP is off)"
    if url.scheme not in ("https", "http") or not url.host:
        return None, "the peer endpoint is not an https URL"
    return endpoint.rstrip("/") + INBOX_PATH, ""


def signature_header(signed_bytes: bytes) -> str:
    """`kid=<kid>; sig=<value>` from the signature block inside the signed message."""
    signature = json.loads(signed_bytes).get("signature") or {}
    return f"kid={signature.get('kid', '')}; sig={signature.get('value', '')}"


def problems_of(response: httpx.Response) -> list:
    """The `problems` list of an error answer, if it has one."""
    if "json" not in response.headers.get("content-type", ""):
        return []
    try:
        body = response.json()
    except ValueError:
        return []
    problems = body.get("problems") if isinstance(body, dict) else None
    return problems if isinstance(problems, list) else []


class PeerTransport(Transport):
    name = MessageTransport.PEER

    def __init__(self, client: httpx.Client | None = None) -> None:
        # Tests pass a client (for instance over httpx.MockTransport); workers share one.
        self.client = client

    def send(self, delivery: Delivery, signed_bytes: bytes) -> TransportResult:
        ncb = delivery.recipient_ncb
        url, unusable = inbox_url(ncb.peer_endpoint)
        if url is None:
            return TransportResult(AttemptOutcome.PERMANENT, detail=unusable)
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": str(delivery.message.message_id),
            "HST-Recipient": ncb.code,
            "HST-Signature": signature_header(signed_bytes),
        }
        response = self._post(url, signed_bytes, headers)
        if isinstance(response, TransportResult):
            return response
        if response.status_code in (200, 201):
            return answer_result(response.status_code, response.content)
        return answer_result(response.status_code, None, problems_of(response))

    def send_batch(
        self, deliveries: list[Delivery], payloads: list[bytes]
    ) -> list[TransportResult]:
        """Send `payloads` (signed canonical bytes, one per delivery) to the one NCB of
        `deliveries` in one request; one result per delivery, in order. A transport failure
        or a refusal of the whole request (429, 5xx) is every delivery's result."""
        ncb = deliveries[0].recipient_ncb
        url, unusable = inbox_url(ncb.peer_endpoint)
        if url is None:
            return [TransportResult(AttemptOutcome.PERMANENT, detail=unusable)] * len(deliveries)
        batch_url = url.removesuffix(INBOX_PATH) + BATCH_PATH
        if _batch_unsupported.get(batch_url, 0.0) > time.monotonic():
            return self._one_by_one(deliveries, payloads)
        response = self._post(
            batch_url,
            ndjson.joined(payloads),
            {"Content-Type": ndjson.MEDIA_TYPE, "HST-Recipient": ncb.code},
        )
        if isinstance(response, TransportResult):
            return [response] * len(deliveries)
        if response.status_code in BATCH_UNSUPPORTED_STATUSES or response.status_code == 413:
            if response.status_code != 413:  # 413: this batch only (the peer's limit is lower)
                _batch_unsupported[batch_url] = (
                    time.monotonic() + BATCH_UNSUPPORTED_RECHECK_SECONDS
                )
            return self._one_by_one(deliveries, payloads)
        if response.status_code != 200:
            refused = answer_result(response.status_code, None, problems_of(response))
            return [refused] * len(deliveries)
        return _batch_answers(response, len(deliveries))

    def _post(self, url: str, body: bytes, headers: dict) -> httpx.Response | TransportResult:
        """The peer's response, or the transient failure of a request that got none."""
        client = self.client or process_client()
        try:
            return client.post(url, content=body, headers=headers)
        except httpx.TimeoutException as error:
            return TransportResult(
                AttemptOutcome.TRANSIENT, detail=f"timeout ({type(error).__name__})"
            )
        except httpx.HTTPError as error:
            return TransportResult(
                AttemptOutcome.TRANSIENT, detail=f"connection failed ({type(error).__name__})"
            )

    def _one_by_one(
        self, deliveries: list[Delivery], payloads: list[bytes]
    ) -> list[TransportResult]:
        pairs = zip(deliveries, payloads, strict=True)
        return [self.send(delivery, payload) for delivery, payload in pairs]


def _batch_answers(response: httpx.Response, count: int) -> list[TransportResult]:
    """One result per answer line; an answer that is not one readable line per message is a
    transient failure of every message (the peer may have stored them: a resend is replayed)."""
    answers = []
    for line in ndjson.split_lines(response.content):
        try:
            answer = json.loads(line)
            status = int(answer["status"])
        except (ValueError, TypeError, KeyError):
            break
        receipt = answer.get("receipt")
        if isinstance(receipt, str):
            answers.append(answer_result(status, receipt.encode()))
        else:
            answers.append(answer_result(status, None, answer.get("problems")))
    if len(answers) != count or "ndjson" not in response.headers.get("content-type", ""):
        unreadable = TransportResult(
            AttemptOutcome.TRANSIENT, http_status=200, detail="batch answer unreadable"
        )
        return [unreadable] * count
    return answers
