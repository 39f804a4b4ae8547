"""Filters of the directory, shared by the browser pages and the API (one definition each)."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from contacts.choices import ContactRole
from contacts.models import (
    ContactPoint,
    Country,
    Language,
    NationalCentralBureau,
    Region,
    SubRegionalBureau,
)
from contacts.models.directory import stale_cutoff


class NcbDirectoryFilterSet(django_filters.FilterSet):
    """One row per NCB: who its current THB contacts are (`/contacts/`, `/api/v1/ncbs/`)."""

    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Country, NCB, contact name or language")
    )
    region = django_filters.ModelChoiceFilter(
        field_name="country__region",
        queryset=Region.objects.all(),
        to_field_name="code",
        label=_("Region"),
    )
    sub_regional_bureau = django_filters.ModelChoiceFilter(
        field_name="country__sub_regional_bureau",
        queryset=SubRegionalBureau.objects.all(),
        to_field_name="code",
        label=_("Sub-regional bureau"),
    )
    language = django_filters.ModelChoiceFilter(
        queryset=Language.objects.all(),
        to_field_name="code",
        method="filter_language",
        label=_("Contact speaks"),
    )
    stale = django_filters.BooleanFilter(method="filter_stale", label=_("Has a stale contact"))
    without_contact = django_filters.BooleanFilter(
        method="filter_without_contact", label=_("No contact designated")
    )

    class Meta:
        model = NationalCentralBureau
        fields = ["q", "region", "sub_regional_bureau", "language", "stale", "without_contact"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        matching_contacts = ContactPoint.objects.current().filter(
            Q(full_name__icontains=value)
            | Q(languages__name__iexact=value)
            | Q(languages__code__iexact=value),
            ncb=OuterRef("pk"),
        )
        return queryset.filter(
            Q(country__name__icontains=value)
            | Q(country__iso2__iexact=value)
            | Q(country__iso3__iexact=value)
            | Q(name__icontains=value)
            | Exists(matching_contacts)
        )

    def filter_language(self, queryset, name, value: Language | None):
        if value is None:
            return queryset
        speaks = ContactPoint.objects.current().filter(ncb=OuterRef("pk"), languages=value)
        return queryset.filter(Exists(speaks))

    def filter_stale(self, queryset, name, value):
        if value is None:
            return queryset
        stale = ContactPoint.objects.current().filter(
            ncb=OuterRef("pk"), last_verified_at__lt=stale_cutoff()
        )
        return queryset.filter(Exists(stale)) if value else queryset.exclude(Exists(stale))

    def filter_without_contact(self, queryset, name, value):
        if value is None:
            return queryset
        current = ContactPoint.objects.current().filter(ncb=OuterRef("pk"))
        return queryset.exclude(Exists(current)) if value else queryset.filter(Exists(current))


class ContactPointFilterSet(django_filters.FilterSet):
    """Designations, current or past (`/api/v1/contact-points/`)."""

    country = django_filters.CharFilter(
        field_name="ncb__country__iso2", lookup_expr="iexact", label=_("Country (ISO alpha-2)")
    )
    ncb = django_filters.CharFilter(field_name="ncb__code", lookup_expr="iexact", label=_("NCB"))
    region = django_filters.CharFilter(
        field_name="ncb__country__region__code", lookup_expr="iexact", label=_("Region code")
    )
    sub_regional_bureau = django_filters.CharFilter(
        field_name="ncb__country__sub_regional_bureau__code",
        lookup_expr="iexact",
        label=_("Sub-regional bureau code"),
    )
    role = django_filters.ChoiceFilter(choices=ContactRole.choices)
    language = django_filters.CharFilter(
        field_name="languages__code", lookup_expr="iexact", label=_("Language (ISO 639-1)")
    )
    current = django_filters.BooleanFilter(
        field_name="designated_to", lookup_expr="isnull", label=_("Current designations only")
    )
    stale = django_filters.BooleanFilter(method="filter_stale", label=_("Stale (current only)"))

    class Meta:
        model = ContactPoint
        fields = [
            "country",
            "ncb",
            "region",
            "sub_regional_bureau",
            "role",
            "language",
            "current",
            "stale",
        ]

    def filter_stale(self, queryset, name, value):
        if value is None:
            return queryset
        stale = Q(designated_to__isnull=True, last_verified_at__lt=stale_cutoff())
        return queryset.filter(stale) if value else queryset.exclude(stale)


class CountryFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code", lookup_expr="iexact")
    sub_regional_bureau = django_filters.CharFilter(
        field_name="sub_regional_bureau__code", lookup_expr="iexact"
    )

    class Meta:
        model = Country
        fields = ["region", "sub_regional_bureau", "is_member"]
