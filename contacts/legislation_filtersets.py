"""Filters of the legislation tracker, shared by the page, its CSV export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contacts.legislation_services import legislation_stale_before
from contacts.models import Country, Region, SubRegionalBureau

REVIEW_STATES = (
    ("current", _("Reviewed in the last two years")),
    ("stale", _("Review older than two years")),
    ("never", _("Never reviewed")),
)


class CountryLegislationFilterSet(django_filters.FilterSet):
    """One row per country with its legislation (`/contacts/legislation/`,
    `/api/v1/legislation/`)."""

    q = django_filters.CharFilter(
        method="filter_q", label=_("Country"), help_text=_("Part of the name, or an ISO code")
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), to_field_name="code", label=_("Region")
    )
    sub_regional_bureau = django_filters.ModelChoiceFilter(
        queryset=SubRegionalBureau.objects.all(),
        to_field_name="code",
        label=_("Sub-regional bureau"),
    )
    is_member = django_filters.BooleanFilter(label=_("INTERPOL member"))
    review = django_filters.ChoiceFilter(
        choices=REVIEW_STATES, method="filter_review", label=_("Review")
    )

    class Meta:
        model = Country
        fields = ["q", "region", "sub_regional_bureau", "is_member", "review"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(iso2__iexact=value) | Q(iso3__iexact=value)
        )

    def filter_review(self, queryset, name, value):
        cutoff = legislation_stale_before()
        if value == "never":
            return queryset.filter(legislation__isnull=True)
        if value == "stale":
            return queryset.filter(legislation__last_reviewed_on__lt=cutoff)
        if value == "current":
            return queryset.filter(legislation__last_reviewed_on__gte=cutoff)
        return queryset
