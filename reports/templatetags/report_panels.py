"""`{% region_headline_panel %}`: the dashboard's panel of an SRB monitor's region."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from contacts.choices import OfficerRole
from contacts.permissions import officer_of
from reports.figures import region_label, regional_headline
from reports.forms import default_period

register = template.Library()


@register.inclusion_tag("reports/_region_headline_panel.html", takes_context=True)
def region_headline_panel(context) -> dict:
    """For an SRB monitor: their bureau's headline figures over the last twelve months and a
    link to the region's page. For anyone else: nothing (an empty context renders nothing).
    Six queries for a monitor, none for anyone else."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    officer = officer_of(user) if user is not None else None
    if (
        officer is None
        or officer.role != OfficerRole.SRB_MONITOR
        or not user.is_active
        or officer.sub_regional_bureau_id is None
    ):
        return {"show": False}
    bureau = officer.sub_regional_bureau
    start, end = default_period()
    query = urlencode({"start": start.isoformat(), "end": end.isoformat()})
    return {
        "show": True,
        "scope": region_label(bureau),
        "start": start,
        "end": end,
        "figures": regional_headline(bureau=bureau, start=start, end=end),
        "url": f"{reverse('reports:region', kwargs={'code': bureau.code})}?{query}",
    }
