"""`POST /api/v1/hst/inbox/`: where peer instances and gateways deliver HST messages (HST.md §7).

A thin adapter over `messages_hst.inbox.inbox_receive`: read the body raw (never more than the
size limit + 1 bytes), pass it on with the `HST-Recipient` header, answer with the signed
RECEIPT's bytes or the list of problems.
"""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from messages_hst.inbox import inbox_receive
from messages_hst.inbox.receive import max_body_bytes
from ncb_cases.audit import request_ip

READ_CHUNK = 64 * 1024
# Peers deliver in bursts (a benchmark posts hundreds a second from one address); the
# signature check, not the rate, keeps strangers out. Overridable as the `hst-inbox` rate.
DEFAULT_INBOX_RATE = "30000/min"


class InboxThrottle(ScopedRateThrottle):
    """Per client address, scope `hst-inbox` (its rate in `DEFAULT_THROTTLE_RATES`, else
    `DEFAULT_INBOX_RATE`), counted in fixed windows of the rate's period.

    DRF's own throttle keeps every request's timestamp in one cached list, read and written
    back whole on each request: at hundreds of posts a second from one peer that list holds
    thousands of entries. Here one cache increment per request counts the window (a burst at
    a window's edge may reach twice the rate, which the signature check, not the rate, makes
    harmless)."""

    def get_rate(self):
        return self.THROTTLE_RATES.get(self.scope) or DEFAULT_INBOX_RATE

    def allow_request(self, request, view):
        return self.allow_messages(request, view, 1)

    def allow_messages(self, request, view, count: int) -> bool:
        """Count `count` messages against the rate (the batch inbox: one per line)."""
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        key = f"{self.key}_{window}"
        try:
            total = self.cache.incr(key, count)
        except ValueError:  # the window's first request (or its key expired)
            added = self.cache.add(key, count, self.duration + 1)
            total = count if added else self.cache.incr(key, count)
        self.window_end = (window + 1) * self.duration
        return total <= self.num_requests

    def wait(self):
        return max(0.0, self.window_end - self.now)


PROBLEMS = inline_serializer(
    name="HSTProblems",
    fields={
        "problems": serializers.ListField(
            child=inline_serializer(
                name="HSTProblem",
                fields={
                    "path": serializers.CharField(help_text=_("JSON pointer to the field")),
                    "code": serializers.CharField(help_text=_("Stable code of the problem")),
                    "severity": serializers.ChoiceField(choices=["error", "warning"]),
                    "message": serializers.CharField(),
                },
            )
        )
    },
)


def _problems(description, code: str, message: str) -> OpenApiResponse:
    example = {"problems": [{"path": "", "code": code, "severity": "error", "message": message}]}
    return OpenApiResponse(
        response=PROBLEMS,
        description=description,
        examples=[OpenApiExample(code, value=example, response_only=True)],
    )


def recipient_header(description) -> OpenApiParameter:
    """The `HST-Recipient` request header, as each inbox documents it."""
    return OpenApiParameter(
        "HST-Recipient", OpenApiTypes.STR, OpenApiParameter.HEADER, description=description
    )


RECEIPT = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=_(
        "The signed RECEIPT (an HST message of type RECEIPT from the recipient NCB, in RFC 8785 "
        "canonical JSON): `body.receipt` names the message id, the SHA-256 received, when, "
        "and that signature and schema were valid. 201 the first time, 200 for a repeat of "
        "the same bytes, whose receipt is byte-identical."
    ),
)


class InboxView(APIView):
    """Receive one HST message for an NCB hosted on this instance.

    No session or token: the Ed25519 signature of the message, checked against the keys
    registered for the sender NCB, is the authentication. Anyone may post; nothing unsigned or
    unverifiable is accepted (it is kept, quarantined, for investigation). CSRF does not apply
    (no cookie is used). Throttled per client address.

    Statuses: 201/200 receipt; 400 malformed JSON, schema or other validation errors, or
    several recipients hosted here and no `HST-Recipient` header; 403 unsigned, unknown key or
    invalid signature; 404 the recipient (the `HST-Recipient` header, else the message's
    recipients) is not an NCB hosted here: this instance is the wrong address, and resending
    here will not help, which 404 says and 400 would not; 409 another body already arrived
    under this message id; 413 body larger than `HST_INBOX_MAX_BYTES`.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [InboxThrottle]
    throttle_scope = "hst-inbox"
    # Documents the body; the view never parses it (`request.data` is not touched).
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="hst_inbox_receive",
        summary=_("Deliver an HST message (peer instances, gateways)"),
        description=_(
            "The body is the signed HST message (HST.md), ideally its RFC 8785 canonical "
            "JSON. **No token or session: the message's Ed25519 signature, verified against "
            "the sender NCB's registered keys, is the authentication.** The raw bytes and "
            "their SHA-256 are stored before any check, so refused messages are kept for "
            "investigation. A message is identified by (sender, message_id, recipient): "
            "the same bytes again replay the stored receipt, other bytes are a 409 conflict "
            "and raise a security alert."
        ),
        request={"application/json": OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "A signed message (abridged)",
                request_only=True,
                value={
                    "hst_version": "1.0",
                    "message_id": "0d0c6ad4-8b1e-4c47-9f0a-6a2e61b1f3a2",
                    "message_type": "REQUEST",
                    "sender": {"ncb_code": "FR", "ncb_name": "INTERPOL Paris", "country": "FR"},
                    "recipients": [{"ncb_code": "DE", "role": "TO"}],
                    "handling": {"confidentiality_level": "INTERPOL_RESTRICTED", "…": "…"},
                    "body": {"requests": [{"ref": "R1", "action": "IDENTIFY_PERSON"}]},
                    "signature": {"alg": "EdDSA", "kid": "3f9a0c1d2b4e5f60", "value": "…"},
                },
            )
        ],
        parameters=[
            recipient_header(
                _(
                    "Code of the recipient NCB this delivery is for; optional when exactly "
                    "one recipient of the message is hosted here."
                )
            ),
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.UUID,
                OpenApiParameter.HEADER,
                description=_("The message_id (informative: the body's id is the key)."),
            ),
            OpenApiParameter(
                "HST-Signature",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description=_(
                    "`kid=<kid>; sig=<value>`, the detached signature (informative: the "
                    "signature inside the body is the one verified)."
                ),
            ),
        ],
        responses={
            201: RECEIPT,
            200: RECEIPT,
            400: _problems(
                _(
                    "Malformed JSON, schema or validation errors (all listed), or no single "
                    "recipient determined; the message is quarantined."
                ),
                "malformed_json",
                "the body is not valid JSON: Expecting value: line 1 column 1 (char 0)",
            ),
            403: _problems(
                _(
                    "Unsigned, signed with a key not registered for the sender NCB, or the "
                    "signature does not match; quarantined, security alert raised."
                ),
                "signature_bad",
                "the signature does not match the message",
            ),
            404: _problems(
                _("The recipient NCB is not hosted on this instance."),
                "unknown_recipient",
                "the HST-Recipient NCB is not hosted here",
            ),
            409: _problems(
                _("Another body already arrived under this message id; kept, alert raised."),
                "duplicate_conflict",
                "message … was already received with other content",
            ),
            413: _problems(
                _("The body is larger than the configured limit."),
                "body_too_large",
                "the body is larger than 10485760 bytes",
            ),
            429: OpenApiResponse(description=_("Too many requests from this address.")),
        },
        auth=[],
    )
    def post(self, request):
        limit = max_body_bytes()
        raw = read_body(request._request, limit)
        outcome = inbox_receive(
            raw=raw,
            recipient_code=request.headers.get("HST-Recipient") or None,
            transport="peer",
            remote_addr=request_ip(request._request),
        )
        if outcome.receipt_bytes is not None:
            return HttpResponse(
                outcome.receipt_bytes, status=outcome.http_status, content_type="application/json"
            )
        return Response({"problems": outcome.problems}, status=outcome.http_status)


def read_body(request, limit: int) -> bytes:
    """At most `limit` + 1 bytes of the body: enough to tell it is too large, never more
    (whatever Content-Length says); what was read is what the inbox keeps."""
    if hasattr(request, "_body"):  # already read by someone else
        return request._body[: limit + 1]
    chunks, size = [], 0
    while size <= limit:
        chunk = request.read(min(READ_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
