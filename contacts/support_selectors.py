"""Reads of the directory of victim-support organisations (issue 6, item 2).

The directory is read by every member of an NCB (and every instance admin), like the contact
points. What is protected is a shelter's street address: rows carry it, so adapters show it
only where `support_services.can_see_shelter_address` allows (the browser's detail page,
audited) and never serialise it (API, CSV, HST messages).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from contacts.choices import SupportOrganisationKind, SupportService
from contacts.models import Country, SupportOrganisation
from contacts.support_services import language_codes

FILTER_KEYS = ("country", "kind", "service", "language", "q", "active")


def _organisations() -> QuerySet[SupportOrganisation]:
    return SupportOrganisation.objects.select_related("country")


def _json_list_has(field: str, code: str) -> Q:
    # The codes are kept as a JSON list. `contains` on a JSON list is not available on SQLite,
    # so the list's text is searched for the quoted code: `"LEGAL"` cannot match `"MEDICAL"`.
    # Codes are plain ASCII letters and underscores, so the quoted form is unambiguous.
    return Q(**{f"{field}__icontains": json.dumps(code)})


def support_organisation_list(
    *, filters: Mapping[str, object] | None = None
) -> QuerySet[SupportOrganisation]:
    """Organisations by country then name, with their country.

    `filters` (all optional): `country` (ISO alpha-2), `kind` (SupportOrganisationKind),
    `service` (SupportService), `language` (ISO 639-1), `q` (part of the name or the city),
    `active` ("yes" default, "no", "all"). An invalid value raises ValidationError naming the
    filter. One query when evaluated, whatever the number of rows.
    """
    organisations = _organisations().order_by("country__name", "name", "pk")
    filters = filters or {}
    errors: dict[str, list[str]] = {}
    active = str(filters.get("active") or "yes")
    if active == "yes":
        organisations = organisations.filter(is_active=True)
    elif active == "no":
        organisations = organisations.filter(is_active=False)
    elif active != "all":
        errors["active"] = [_("Choose yes, no or all.")]
    if iso2 := str(filters.get("country") or "").strip():
        if not Country.objects.filter(iso2=iso2.upper()).exists():
            errors["country"] = [_("“%(value)s” is not a known country code.") % {"value": iso2}]
        organisations = organisations.filter(country__iso2=iso2.upper())
    if kind := str(filters.get("kind") or "").strip():
        if kind not in SupportOrganisationKind.values:
            errors["kind"] = [_("“%(value)s” is not a kind of organisation.") % {"value": kind}]
        organisations = organisations.filter(kind=kind)
    if service := str(filters.get("service") or "").strip():
        if service not in SupportService.values:
            errors["service"] = [_("“%(value)s” is not a service.") % {"value": service}]
        else:
            organisations = organisations.filter(_json_list_has("services", service))
    if language := str(filters.get("language") or "").strip():
        try:
            codes = language_codes([language])
        except ValidationError as exc:
            errors["language"] = exc.messages
        else:
            organisations = organisations.filter(_json_list_has("languages", codes[0]))
    if q := str(filters.get("q") or "").strip():
        organisations = organisations.filter(Q(name__icontains=q) | Q(city__icontains=q))
    if errors:
        raise ValidationError(errors)
    return organisations


def support_organisations_of_country(*, country: Country) -> QuerySet[SupportOrganisation]:
    """The active organisations of `country` by name. One query."""
    return _organisations().filter(country=country, is_active=True).order_by("name", "pk")


def support_organisation_get(*, organisation_id) -> SupportOrganisation:
    """One organisation with its country; Http404 when unknown. One query."""
    try:
        return _organisations().get(pk=int(organisation_id))
    except (SupportOrganisation.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc


def support_organisations_for_referral(*, country: Country | None = None):
    """Active organisations a victim can be referred to (optionally of one country), for a
    choice list. One query."""
    organisations = _organisations().filter(is_active=True).order_by("country__name", "name")
    if country is not None:
        organisations = organisations.filter(country=country)
    return organisations
