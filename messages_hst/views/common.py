"""What the message pages share: the 403 page and the identity rule for a message's content."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from messages_hst.permissions import message_reader
from ncb_cases.selectors import victim_identity_permitted


def forbidden(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The 403 page of the message pages (a role that may not do this at all)."""
    return render(request, "messages_hst/forbidden.html", {"reason": reason}, status=403)


def no_message_access(request: HttpRequest) -> HttpResponse | None:
    """The 403 page for users whose role reads no message (SRB monitors, users of no NCB)."""
    if message_reader(request.user) is None:
        return forbidden(request)
    return None


def identity_visible(request: HttpRequest, case) -> bool:
    """Whether the reader may see protected persons' identity in a message of `case`."""
    return case is not None and victim_identity_permitted(user=request.user, case=case)
