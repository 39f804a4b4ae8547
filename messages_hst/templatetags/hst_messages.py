"""Template tags of the message pages for other apps' templates.

The dashboard lives in `ncb_cases`, which may not import `messages_hst` (the app graph runs
`ncb_cases ← messages_hst`); its template loads this library instead:
`{% load hst_messages %}{% overdue_requests_panel %}`.
"""

from django import template

from messages_hst import permissions, tracking

register = template.Library()

PANEL_SIZE = 8


@register.inclusion_tag("messages_hst/_overdue_requests.html", takes_context=True)
def overdue_requests_panel(context):
    """The overdue request items of the user's NCB (both directions), oldest due first.
    Nothing for users who read no messages. One query (the items with their case)."""
    user = context["request"].user
    if permissions.message_reader(user) is None:
        return {"hidden": True, "overdue": [], "more": False}
    rows = list(tracking.overdue_requests_for_user(user=user)[: PANEL_SIZE + 1])
    return {"overdue": rows[:PANEL_SIZE], "more": len(rows) > PANEL_SIZE}
