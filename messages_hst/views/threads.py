"""The Messages tab of a case: every message of the case, sent and received, in time order."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from messages_hst import permissions, selectors
from ncb_cases.audit import request_ip
from ncb_cases.selectors import case_detail_for_user
from ncb_cases.views.cases import case_page_context


@require_GET
def case_thread(request, case_id):
    """The case's thread: outgoing messages of the reader's NCB and what it received about the
    case (a partner NCB reading a shared case sees only its own side). The case read is
    audited; 404 if the case is not visible."""
    case = case_detail_for_user(user=request.user, case_id=case_id, ip=request_ip(request))
    entries = selectors.thread_for_case(user=request.user, case=case)
    context = case_page_context(
        request,
        case,
        "messages",
        entries=entries,
        can_compose=permissions.can_compose(request.user),
    )
    return render(request, "messages_hst/case_thread.html", context)
