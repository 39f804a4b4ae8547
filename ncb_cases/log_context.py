"""Structured logs: one JSON object per line, each carrying the request id and the user id.

Logs are for operators, not a second copy of case data: they name requests, users (by id) and
objects (by public id), never a person's name, a document number, a token or a secret (a test
seeds such canaries, drives the main flows and reads every line). Whatever text does reach a
log cannot forge a line: JSON escapes CR and LF, and the plain development format escapes them
too.

`RequestContextMiddleware` takes a well-formed `X-Request-ID` from the proxy (or makes one),
returns it on the response, and puts it with the user's id in a context variable that the
`RequestContextFilter` copies onto every record logged while the request runs.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from django.core.signals import request_finished
from django.utils.functional import SimpleLazyObject

REQUEST_ID_HEADER = "X-Request-ID"
_WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_request: contextvars.ContextVar[object | None] = contextvars.ContextVar("request", default=None)


class RequestContextMiddleware:
    """Binds the request (its id, and its user once authenticated) to the request's logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _WELL_FORMED_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id
        _request_id.set(request_id)
        _request.set(request)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _forget_request(**_signal) -> None:
    # Not when the middleware returns: Django logs a 4xx / 5xx ("Not Found: …") after the
    # middleware chain, and that line must name the request too.
    _request_id.set("")
    _request.set(None)


request_finished.connect(_forget_request, dispatch_uid="ncb-log-context-forget-request")


def current_request():
    """The request this thread or task is serving, or None (a worker, a command)."""
    return _request.get()


def _known_user_id(request) -> str:
    """The user's id if the request already knows its user; never a query from a log call.

    The session's user is a lazy object until something asks for it (then cached as
    `_cached_user`); DRF replaces it with the token's user once it has authenticated one.
    """
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = request.__dict__.get("_cached_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return str(user.pk)


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = _request.get()
        record.request_id = _request_id.get()
        record.user_id = _known_user_id(request) if request is not None else ""
        return True


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", "request_id", "user_id"[, "exception"]}`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
            "user_id": getattr(record, "user_id", ""),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """The development format: the message part is always one line (a traceback follows)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = _one_line(record.message)
        return super().formatMessage(record)
