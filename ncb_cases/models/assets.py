"""Assets derived from trafficking (resolution, ask 3) and the rates that total them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contacts.models import Country
from ncb_cases.choices import AssetStatus, AssetType
from ncb_cases.models.case import Case
from ncb_cases.models.person import Person


class Asset(models.Model):
    """Something of value traced to a case; its status moves only through
    `ASSET_TRANSITIONS`, each move recorded as an `AssetStatusChange`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assets")
    asset_type = models.CharField(max_length=16, choices=AssetType.choices)
    description = models.CharField(max_length=500)
    estimated_value = models.DecimalField(max_digits=15, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text=_("ISO 4217, e.g. EUR"))
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    holder = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="assets"
    )
    institution = models.CharField(max_length=200, blank=True)
    account_identifier = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=20, choices=AssetStatus.choices, default=AssetStatus.TRACED, editable=False
    )
    status_changed_on = models.DateField(null=True, blank=True, editable=False)
    silver_notice_candidate = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "created_at"]
        indexes = [models.Index(fields=["case", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_value__isnull=True) | Q(estimated_value__gte=0),
                name="%(app_label)s_%(class)s_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(estimated_value__isnull=True) | ~Q(currency=""),
                name="%(app_label)s_%(class)s_value_has_currency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_asset_type_display()}: {self.description[:60]}"


class AssetStatusChange(models.Model):
    """One dated move of an asset's status, with the legal basis and the deciding authority."""

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=AssetStatus.choices)
    to_status = models.CharField(max_length=20, choices=AssetStatus.choices)
    effective_on = models.DateField()
    legal_basis = models.CharField(max_length=300)
    authority = models.CharField(max_length=200, help_text=_("e.g. Tribunal judiciaire de Paris"))
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["asset", "effective_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} on {self.effective_on}"


class ExchangeRate(models.Model):
    """1 `currency` = `rate` `reporting_currency`, valid from `valid_from` until the next
    rate of the same pair; an administrator maintains the table."""

    currency = models.CharField(max_length=3, help_text=_("ISO 4217"))
    reporting_currency = models.CharField(max_length=3, default="EUR")
    valid_from = models.DateField()
    rate = models.DecimalField(max_digits=18, decimal_places=8)
    source = models.CharField(max_length=200, blank=True, help_text=_("e.g. ECB reference rate"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["currency", "reporting_currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "reporting_currency", "valid_from"],
                name="%(app_label)s_%(class)s_one_rate_per_day",
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0), name="%(app_label)s_%(class)s_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} {self.reporting_currency} from {self.valid_from}"
