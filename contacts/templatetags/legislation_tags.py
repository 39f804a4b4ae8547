"""The legislation tracker's panel on the country page (`contacts/country_detail.html`).

`{% load legislation_tags %}{% country_legislation_panel country %}`: the country's latest
review, a flag when it is older than two years, and the review button for those who may
record one. One query (the review with its reviewer).
"""

from django import template

from contacts.choices import LegislationStatus
from contacts.legislation_permissions import can_review_legislation
from contacts.legislation_services import LEGISLATION_ASKS, legislation_stale_before
from contacts.models import CountryLegislation

register = template.Library()


@register.inclusion_tag("contacts/legislation_panel.html", takes_context=True)
def country_legislation_panel(context, country):
    legislation = (
        CountryLegislation.objects.select_related("reviewed_by").filter(country=country).first()
    )
    answers = [
        (
            str(ask_label),
            getattr(legislation, field) if legislation else LegislationStatus.UNKNOWN,
            getattr(legislation, f"get_{field}_display")()
            if legislation
            else LegislationStatus.UNKNOWN.label,
        )
        for field, ask_label in LEGISLATION_ASKS
    ]
    return {
        "country": country,
        "legislation": legislation,
        "answers": answers,
        "is_stale": legislation is not None
        and legislation.last_reviewed_on is not None
        and legislation.last_reviewed_on < legislation_stale_before(),
        "can_review": can_review_legislation(context["request"].user, country),
    }
