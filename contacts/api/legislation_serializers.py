"""Serializers of the legislation tracker's API (`/api/v1/legislation/`).

A row is a country: the answers of its latest review, or "UNKNOWN" everywhere and no review
date when it was never reviewed.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from contacts.choices import LegislationStatus
from contacts.legislation_selectors import legislation_of
from contacts.legislation_services import (
    ASK_FIELDS,
    LegislationReview,
    legislation_stale_before,
)
from contacts.models import Country, CountryLegislation


class LegislationStatusField(serializers.ChoiceField):
    """One answer of a country's law: YES, PARTIAL, NO or UNKNOWN."""

    def __init__(self, **kwargs):
        super().__init__(choices=LegislationStatus.choices, **kwargs)


class LegislationStatusFieldSchema(OpenApiSerializerFieldExtension):
    """The four answers share one `LegislationStatusEnum` component in the schema, instead of
    one enum per question named after each field (a warning of drf-spectacular)."""

    target_class = LegislationStatusField

    def map_serializer_field(self, auto_schema, direction):
        component = ResolvedComponent(
            name="LegislationStatusEnum",
            type=ResolvedComponent.SCHEMA,
            object="LegislationStatus",
            schema={
                "type": "string",
                "enum": list(LegislationStatus.values),
                "description": "\n".join(
                    f"* `{value}` - {label}" for value, label in LegislationStatus.choices
                ),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class CountryLegislationSerializer(serializers.Serializer):
    """One country and the answers of its law to the resolution's asks."""

    country = serializers.CharField(source="country.iso2", help_text=_("ISO alpha-2"))
    country_name = serializers.CharField(source="country.name")
    region = serializers.CharField(source="country.region.code")
    sub_regional_bureau = serializers.CharField(
        source="country.sub_regional_bureau.code", allow_null=True, default=None
    )
    url = serializers.HyperlinkedRelatedField(
        view_name="legislation-detail", lookup_field="iso2", source="country", read_only=True
    )
    assistance_punishable = LegislationStatusField()
    incitement_punishable = LegislationStatusField()
    asset_seizure = LegislationStatusField()
    asset_confiscation = LegislationStatusField()
    source_reference = serializers.CharField()
    source_url = serializers.CharField()
    notes = serializers.CharField()
    last_reviewed_on = serializers.DateField(allow_null=True)
    reviewed_by = serializers.CharField(allow_null=True, help_text=_("Username of the reviewer"))
    is_stale = serializers.BooleanField(
        help_text=_("Never reviewed, or last reviewed more than two years ago")
    )

    def to_representation(self, instance: Country):
        return super().to_representation(_Row(instance))


class _Row:
    """What the serializer reads: a country with its review's values (or their defaults)."""

    def __init__(self, country: Country):
        legislation: CountryLegislation | None = legislation_of(country)
        review = LegislationReview.of(legislation)
        self.country = country
        for field in ASK_FIELDS:
            setattr(self, field, getattr(review, field))
        self.source_reference = review.source_reference
        self.source_url = review.source_url
        self.notes = review.notes
        self.last_reviewed_on = review.reviewed_on
        self.reviewed_by = (
            legislation.reviewed_by.get_username()
            if legislation is not None and legislation.reviewed_by is not None
            else None
        )
        self.is_stale = (
            review.reviewed_on is None or review.reviewed_on < legislation_stale_before()
        )


class LegislationReviewInputSerializer(serializers.Serializer):
    """A new review of a country's legislation. With PATCH, omitted fields keep the values
    of the review on record; `reviewed_on` defaults to today either way."""

    assistance_punishable = LegislationStatusField()
    incitement_punishable = LegislationStatusField()
    asset_seizure = LegislationStatusField()
    asset_confiscation = LegislationStatusField()
    source_reference = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The law and its articles; required when any answer is YES or PARTIAL"),
    )
    source_url = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    reviewed_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("Today or earlier")
    )

    def to_review(self, *, current: CountryLegislation | None) -> LegislationReview:
        data = self.validated_data
        if self.partial:
            base = LegislationReview.of(current)
            values = {
                field: data.get(field, getattr(base, field))
                for field in (*ASK_FIELDS, "source_reference", "source_url", "notes")
            }
        else:
            values = {
                field: data[field]
                for field in (*ASK_FIELDS, "source_reference", "source_url", "notes")
            }
        return LegislationReview(**values, reviewed_on=data.get("reviewed_on"))
