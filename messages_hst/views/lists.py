"""The message list: four tabs (inbox, outbox, drafts, awaiting approval), filters by type
and status, pages of 25. A constant number of queries whatever the number of messages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from messages_hst import permissions, selectors
from messages_hst.choices import InboundStatus
from messages_hst.forms import MESSAGE_BOXES, MessageFilterForm
from messages_hst.forms.lists import INBOX
from messages_hst.models import Delivery, InboundMessage
from messages_hst.views.common import no_message_access

PAGE_SIZE = 25
BOX_KEYS = [key for key, _ in MESSAGE_BOXES]


def _page_url(query: QueryDict, number: int) -> str:
    query = query.copy()
    query["page"] = number
    return f"?{query.urlencode()}"


def _outgoing(request, box: str, filters: dict):
    messages = selectors.message_list_for_user(user=request.user, box=box, filters=filters)
    # The list never shows the signed bytes or the rendering: leave them in the database.
    messages = messages.defer("signed_bytes", "rendering")
    if box == "outbox":
        messages = messages.prefetch_related(
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.select_related("recipient_ncb").only(
                    "id", "message_id", "status", "recipient_ncb__code"
                ),
            )
        )
    return messages


def _inbound(request, filters: dict):
    inbound = selectors.inbound_list_for_user(user=request.user, status=filters.get("status"))
    if filters.get("message_type"):
        inbound = inbound.filter(message_type=filters["message_type"])
    return inbound.defer("raw_body", "document", "receipt_bytes")


@require_GET
def message_list(request):
    """One box of the NCB's messages, newest first; analysts read, nobody else but officers
    and supervisors of an NCB sees anything (403)."""
    denied = no_message_access(request)
    if denied is not None:
        return denied
    box = request.GET.get("box", INBOX)
    if box not in BOX_KEYS:
        box = INBOX
    data = request.GET.copy()
    filter_keys = set(data) - {"page", "box"}
    form = MessageFilterForm(data if filter_keys else None, box=box)
    filters: dict[str, str] = {}
    valid = not form.is_bound or form.is_valid()
    if form.is_bound and valid:
        filters = form.selector_filters()
    if not valid:
        rows = InboundMessage.objects.none()
    elif box == INBOX:
        rows = _inbound(request, filters)
    else:
        rows = _outgoing(request, box, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "messages_hst/message_list.html",
        {
            "box": box,
            "boxes": MESSAGE_BOXES,
            "filter_form": form,
            "filters_valid": valid,
            "is_filtered": bool(filters) or not valid,
            "page": page,
            "previous_url": _page_url(query, page.previous_page_number())
            if page.has_previous()
            else "",
            "next_url": _page_url(query, page.next_page_number()) if page.has_next() else "",
            "can_compose": permissions.can_compose(request.user),
            "awaiting_approval": selectors.message_list_for_user(
                user=request.user, box="approval"
            ).count(),
            "awaiting_triage": selectors.inbound_list_for_user(
                user=request.user, status=InboundStatus.TRIAGE
            ).count(),
        },
    )
