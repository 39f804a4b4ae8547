"""The directory of organisations that support victims' recovery, repatriation and
re-integration (resolution, ask 5), kept per country."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from contacts.choices import SupportOrganisationKind
from contacts.models.geography import Country


class SupportOrganisation(models.Model):
    """A shelter, NGO, IOM office, legal aid or health service that takes referrals.

    A shelter's address is protected: it is shown only on the organisation's page, to members
    of that country's NCB and to instance administrators (each view audited), and never
    leaves the instance (no list, CSV, API answer or HST message carries it).
    """

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="support_organisations"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=SupportOrganisationKind.choices)
    # SupportService codes; a list rather than a table: it is filtered and shown, never joined.
    services = models.JSONField(default=list, blank=True)
    # ISO 639-1 codes of the languages in which the organisation can assist.
    languages = models.JSONField(default=list, blank=True)
    city = models.CharField(max_length=100, blank=True)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text=_("E.164, e.g. +33142000000"))
    phone_24_7 = models.BooleanField("reachable 24/7", default=False)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    contact_person = models.CharField(max_length=150, blank=True)
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name"], name="%(app_label)s_%(class)s_unique_name_in_country"
            )
        ]
        indexes = [models.Index(fields=["country", "kind", "is_active"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.iso2})"
