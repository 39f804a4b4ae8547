"""Whether each country's law answers the resolution's asks: assistance and incitement to
trafficking punishable, assets derived from it seizable and confiscable (ask 3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contacts.choices import LegislationStatus
from contacts.models.geography import Country


class CountryLegislation(models.Model):
    """The latest review of one country's legislation; history is in the audit trail."""

    country = models.OneToOneField(Country, on_delete=models.PROTECT, related_name="legislation")
    assistance_punishable = models.CharField(
        max_length=8, choices=LegislationStatus.choices, default=LegislationStatus.UNKNOWN
    )
    incitement_punishable = models.CharField(
        max_length=8, choices=LegislationStatus.choices, default=LegislationStatus.UNKNOWN
    )
    asset_seizure = models.CharField(
        "asset seizure for THB",
        max_length=8,
        choices=LegislationStatus.choices,
        default=LegislationStatus.UNKNOWN,
    )
    asset_confiscation = models.CharField(
        "asset confiscation for THB",
        max_length=8,
        choices=LegislationStatus.choices,
        default=LegislationStatus.UNKNOWN,
    )
    source_reference = models.CharField(
        max_length=300, blank=True, help_text=_("The law and its articles")
    )
    source_url = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    last_reviewed_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country__name"]
        verbose_name_plural = "country legislation"

    def __str__(self) -> str:
        return f"Legislation of {self.country}"
