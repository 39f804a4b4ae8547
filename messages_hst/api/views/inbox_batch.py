"""`POST /api/v1/hst/inbox/batch/`: several HST messages for one NCB in one request
(docs/hst.md §4.1).

The body is newline-delimited: each line the bytes of one signed message, exactly as the
single inbox takes them (RFC 8785 canonical JSON holds no raw line break). Each line is
received as if posted alone: its bytes stored first, its own dedupe, checks and answer
(`messages_hst.inbox.batch.inbox_receive_many`, which does the common case's work for the
lines together). The answer is one line per message, in the same order:
`{"status": 201, "receipt": "<the RECEIPT's canonical JSON>"}` or
`{"status": 4xx, "problems": [...]}`. What a batch saves is the request around each message:
on a busy link the HTTP exchange, middleware and throttle cost as much as the inbox itself.
"""

import json

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from messages_hst.api.views.inbox import PROBLEMS, InboxThrottle, read_body, recipient_header
from messages_hst.inbox import InboxOutcome, inbox_receive
from messages_hst.inbox.batch import inbox_receive_many
from messages_hst.inbox.problems import problem
from messages_hst.inbox.receive import max_body_bytes
from messages_hst.ndjson import MEDIA_TYPE as NDJSON
from messages_hst.ndjson import joined, split_lines
from ncb_cases.audit import request_ip

DEFAULT_MAX_MESSAGES = 100
EMPTY_BATCH = problem("", "empty_batch", "the batch holds no message")


def max_batch_messages() -> int:
    """The most messages one batch may hold (`HST_INBOX_BATCH_MAX_MESSAGES`, default 100)."""
    return int(getattr(settings, "HST_INBOX_BATCH_MAX_MESSAGES", DEFAULT_MAX_MESSAGES))


def answer_line(outcome: InboxOutcome) -> bytes:
    """One message's answer, a line of the batch answer (without its line break)."""
    if outcome.receipt_bytes is not None:
        answer = {"status": outcome.http_status, "receipt": outcome.receipt_bytes.decode()}
    else:
        answer = {"status": outcome.http_status, "problems": outcome.problems}
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()


class InboxBatchView(APIView):
    """Receive several HST messages for one NCB hosted on this instance.

    Authentication, throttle (each line counts as one post) and every check are those of the
    single inbox (`InboxView`). 200 with one answer line per message; a body over
    `HST_INBOX_MAX_BYTES` is refused whole with 413 (and kept, as the single inbox keeps it),
    an empty one or one of more than `HST_INBOX_BATCH_MAX_MESSAGES` lines with 400 (nothing
    read from it is stored: like a throttled request, it is refused before any work).
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [InboxThrottle]
    throttle_scope = "hst-inbox"

    @extend_schema(
        operation_id="hst_inbox_receive_batch",
        summary=_("Deliver several HST messages at once (peer instances)"),
        description=_(
            "Newline-delimited: each line is one signed HST message in RFC 8785 canonical "
            "JSON, for the NCB named by `HST-Recipient`. Each is received exactly as by "
            "`POST /api/v1/hst/inbox/` (stored first, deduplicated, verified, validated). "
            'The answer has one line per message, in order: `{"status": 201, "receipt": '
            '"<signed RECEIPT, canonical JSON>"}` (200 for a repeat) or `{"status": 4xx, '
            '"problems": [...]}` with the statuses of the single inbox. **No token or '
            "session: each message's signature is its authentication.**"
        ),
        request={NDJSON: OpenApiTypes.STR},
        parameters=[
            recipient_header(
                _(
                    "Code of the recipient NCB of every message of the batch; optional when "
                    "exactly one recipient of each message is hosted here."
                )
            ),
        ],
        responses={
            (200, NDJSON): OpenApiResponse(
                response=OpenApiTypes.STR,
                description=_("One answer line per message, in the order of the body."),
            ),
            400: OpenApiResponse(
                response=PROBLEMS,
                description=_("The body holds no message, or more than the configured most."),
            ),
            413: OpenApiResponse(
                response=PROBLEMS, description=_("The body is larger than the configured limit.")
            ),
            429: OpenApiResponse(description=_("Too many requests from this address.")),
        },
        auth=[],
    )
    def post(self, request):
        limit = max_body_bytes()
        raw = read_body(request._request, limit)
        context = {
            "recipient_code": request.headers.get("HST-Recipient") or None,
            "transport": "peer",
            "remote_addr": request_ip(request._request),
        }
        if len(raw) > limit:  # refused whole: the single inbox keeps the bytes it read
            outcome = inbox_receive(raw=raw, **context)
            return Response({"problems": outcome.problems}, status=outcome.http_status)
        if not raw.strip():  # no bytes to keep
            return Response({"problems": [EMPTY_BATCH]}, status=400)
        lines = split_lines(raw)
        most = max_batch_messages()
        if len(lines) > most:  # refused like a throttled request: before any work
            too_long = problem("", "batch_too_long", f"a batch holds at most {most} messages")
            return Response({"problems": [too_long]}, status=400)
        # The request counted as one message; the others count too, as if posted alone.
        throttle = InboxThrottle()
        if len(lines) > 1 and not throttle.allow_messages(request, self, len(lines) - 1):
            self.throttled(request, throttle.wait())
        answers = joined(
            [answer_line(outcome) for outcome in inbox_receive_many(lines, **context)]
        )
        return HttpResponse(answers, status=200, content_type=NDJSON)
