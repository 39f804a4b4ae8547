"""Shapes of a case's assets: the asset with its status history, its input, a status change,
and the case total in the reporting currency.

Amounts travel as decimal strings ("45000.00") so that no cent is lost; currencies are ISO
4217 codes. A holder is shown by public id and display name (a victim's pseudonym).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ncb_cases.api.schema import CodeField
from ncb_cases.api.serializers.network import PersonRefSerializer
from ncb_cases.choices import AssetStatus, AssetType
from ncb_cases.services.assets import allowed_next_statuses


class AssetStatusChangeSerializer(serializers.Serializer):
    """One dated move of an asset's status."""

    from_status = CodeField(AssetStatus)
    to_status = CodeField(AssetStatus)
    effective_on = serializers.DateField()
    legal_basis = serializers.CharField()
    authority = serializers.CharField()
    notes = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.get_username")
    recorded_at = serializers.DateTimeField()


class AssetSerializer(serializers.Serializer):
    """An asset of a case, with its lifecycle so far and where it may go next."""

    public_id = serializers.UUIDField()
    asset_type = CodeField(AssetType)
    description = serializers.CharField()
    estimated_value = serializers.DecimalField(
        max_digits=15, decimal_places=2, allow_null=True, help_text=_("A decimal string")
    )
    currency = serializers.CharField(help_text=_("ISO 4217; empty when there is no value"))
    country = serializers.SerializerMethodField(help_text=_("ISO alpha-2"))
    holder = serializers.SerializerMethodField()
    institution = serializers.CharField()
    account_identifier = serializers.CharField()
    status = CodeField(AssetStatus)
    status_changed_on = serializers.DateField(allow_null=True)
    allowed_next_statuses = serializers.SerializerMethodField()
    silver_notice_candidate = serializers.BooleanField()
    status_history = AssetStatusChangeSerializer(source="status_changes.all", many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_country(self, asset) -> str | None:
        return asset.country.iso2 if asset.country_id else None

    @extend_schema_field(PersonRefSerializer(allow_null=True))
    def get_holder(self, asset) -> dict | None:
        return PersonRefSerializer(asset.holder).data if asset.holder_id else None

    @extend_schema_field(serializers.ListField(child=CodeField(AssetStatus)))
    def get_allowed_next_statuses(self, asset) -> list[str]:
        return allowed_next_statuses(asset.status)


class AssetWriteSerializer(serializers.Serializer):
    """What a client sends to record or edit an asset; its status is not among it."""

    asset_type = CodeField(AssetType)
    description = serializers.CharField(max_length=500)
    estimated_value = serializers.DecimalField(
        max_digits=15,
        decimal_places=2,
        required=False,
        allow_null=True,
        min_value=0,
        help_text=_('≥ 0, as a decimal string ("45000.00"); needs `currency`'),
    )
    currency = serializers.CharField(
        max_length=3, required=False, allow_blank=True, help_text=_("ISO 4217, e.g. EUR")
    )
    country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, allow_null=True, help_text=_("ISO alpha-2")
    )
    holder = serializers.UUIDField(
        required=False, allow_null=True, help_text=_("A person of the case")
    )
    institution = serializers.CharField(max_length=200, required=False, allow_blank=True)
    account_identifier = serializers.CharField(max_length=64, required=False, allow_blank=True)
    silver_notice_candidate = serializers.BooleanField(required=False)


class AssetStatusInputSerializer(serializers.Serializer):
    """A status change: only the moves allowed from the asset's current status."""

    to_status = CodeField(AssetStatus, help_text=_("One of the asset's `allowed_next_statuses`"))
    effective_on = serializers.DateField(help_text=_("Not in the future, not before the last"))
    legal_basis = serializers.CharField(max_length=300)
    authority = serializers.CharField(max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True)


class RateUsedSerializer(serializers.Serializer):
    currency = serializers.CharField()
    rate = serializers.DecimalField(max_digits=18, decimal_places=8)
    valid_from = serializers.DateField()
    source = serializers.CharField()


class AssetTotalRowSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(source="asset.public_id")
    estimated_value = serializers.DecimalField(
        source="asset.estimated_value", max_digits=15, decimal_places=2, allow_null=True
    )
    currency = serializers.CharField(source="asset.currency")
    converted = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    rate = serializers.DecimalField(max_digits=18, decimal_places=8, allow_null=True)
    rate_valid_from = serializers.DateField(allow_null=True)


class AssetTotalSerializer(serializers.Serializer):
    """The case total in the reporting currency; `not_converted` lists the assets whose
    currency had no rate on that day (left out of `total`, never dropped silently)."""

    reporting_currency = serializers.CharField()
    on = serializers.DateField()
    total = serializers.DecimalField(max_digits=20, decimal_places=2)
    rates = RateUsedSerializer(many=True)
    assets = AssetTotalRowSerializer(source="rows", many=True)
    not_converted = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_not_converted(self, total) -> list[str]:
        return [str(asset.public_id) for asset in total.not_converted]
