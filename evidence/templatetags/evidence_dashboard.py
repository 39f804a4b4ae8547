"""Evidence in transit to the user, for `ncb_cases`' dashboard template (which may not import
`evidence`): `{% load evidence_dashboard %}{% evidence_in_transit_to_user as transit %}`."""

from django import template

from evidence.selectors import evidence_awaiting_acceptance_for_user

register = template.Library()

PANEL_SIZE = 5


@register.simple_tag(takes_context=True)
def evidence_in_transit_to_user(context) -> dict:
    """`{"items": [...], "more": bool}`: the first items released to the user's country that
    they may accept (`evidence_awaiting_acceptance_for_user`). One query."""
    user = context["request"].user
    items = list(evidence_awaiting_acceptance_for_user(user=user)[: PANEL_SIZE + 1])
    return {"items": items[:PANEL_SIZE], "more": len(items) > PANEL_SIZE}
