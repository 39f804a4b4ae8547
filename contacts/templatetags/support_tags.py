"""The victim-support panel on the country page (`contacts/country_detail.html`).

`{% load support_tags %}{% country_support_panel country %}`: the country's active support
organisations (no address: the country page is read by every NCB), and the button to add one
for those who may. One query for the list, one for the permission check of a supervisor.
"""

from django import template

from contacts.support_selectors import support_organisations_of_country
from contacts.support_services import can_manage_support_organisations

register = template.Library()


@register.inclusion_tag("contacts/support_panel.html", takes_context=True)
def country_support_panel(context, country):
    return {
        "country": country,
        "organisations": list(support_organisations_of_country(country=country)),
        "can_add": can_manage_support_organisations(context["request"].user, country),
    }
