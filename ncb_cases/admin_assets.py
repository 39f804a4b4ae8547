"""Admin pages of assets and exchange rates (imported by the app's admin.py).

Assets are read-mostly here: they are recorded and moved through their lifecycle on the case
pages and the API (`ncb_cases.services.assets`), which check the case access, the legal
transitions and write the audit trail; the admin shows them with their status history. The
exchange rates that total a case's assets are maintained here by administrators, through
`exchange_rate_save` (ISO 4217 codes checked, one rate per pair and day, audited).
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ncb_cases.admin_read_only import ReadOnlyAdmin, ReadOnlyTabularInline
from ncb_cases.models.assets import Asset, AssetStatusChange, ExchangeRate
from ncb_cases.services.assets import currency_code, exchange_rate_save

RATE_FIELDS = ("currency", "reporting_currency", "valid_from", "rate", "source")


class AssetStatusChangeInline(ReadOnlyTabularInline):
    model = AssetStatusChange
    fields = [
        "effective_on",
        "from_status",
        "to_status",
        "legal_basis",
        "authority",
        "notes",
        "recorded_by",
        "recorded_at",
    ]
    ordering = ["effective_on", "recorded_at"]


@admin.register(Asset)
class AssetAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "case",
        "status",
        "estimated_value",
        "currency",
        "country",
        "silver_notice_candidate",
        "created_at",
    ]
    list_filter = ["status", "asset_type", "silver_notice_candidate", "currency"]
    list_select_related = ["case", "country"]
    # The holder is a person of the case; a victim's name is never searchable here.
    search_fields = ["public_id", "case__reference", "description"]
    readonly_fields = [
        "public_id",
        "case",
        "asset_type",
        "description",
        "estimated_value",
        "currency",
        "country",
        "holder",
        "institution",
        "account_identifier",
        "status",
        "status_changed_on",
        "silver_notice_candidate",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields
    inlines = [AssetStatusChangeInline]


class ExchangeRateForm(forms.ModelForm):
    """ISO 4217 codes checked at the field, so that an administrator sees which one is wrong."""

    class Meta:
        model = ExchangeRate
        fields = RATE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["reporting_currency"].initial = settings.REPORTING_CURRENCY

    def clean_currency(self) -> str:
        return currency_code(self.cleaned_data.get("currency"))

    def clean_reporting_currency(self) -> str:
        return currency_code(self.cleaned_data.get("reporting_currency"))

    def clean_rate(self):
        rate = self.cleaned_data.get("rate")
        if rate is not None and rate <= 0:
            raise ValidationError(_("A rate is greater than zero."))
        return rate

    def clean(self):
        cleaned = super().clean()
        currency, reporting = cleaned.get("currency"), cleaned.get("reporting_currency")
        if currency and currency == reporting:
            raise ValidationError({"currency": _("A currency needs no rate into itself.")})
        return cleaned


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    form = ExchangeRateForm
    list_display = ["currency", "reporting_currency", "valid_from", "rate", "source"]
    list_filter = ["reporting_currency", "currency"]
    search_fields = ["currency", "source"]
    date_hierarchy = "valid_from"
    ordering = ["currency", "reporting_currency", "-valid_from"]

    def save_model(self, request, obj, form, change):
        # Through the service: it checks again, and the rate change lands in the audit trail.
        data = {key: form.cleaned_data[key] for key in RATE_FIELDS}
        exchange_rate_save(actor=request.user, rate=obj, data=data)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Totals already reported used these rates: correct a wrong one, do not erase it.
        return False
