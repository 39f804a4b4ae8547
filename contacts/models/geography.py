"""INTERPOL's regions, bureaus, member countries and their National Central Bureaus."""

from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contacts.choices import MessageTransport


class Region(models.Model):
    """One of INTERPOL's five regions (Africa, Americas, Asia and South Pacific, Europe, MENA)."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SubRegionalBureau(models.Model):
    """A regional bureau that monitors and reports on the countries it covers."""

    code = models.CharField(
        max_length=12, unique=True, help_text=_("HST recipient code, e.g. RB-ABJ")
    )
    name = models.CharField(max_length=150, unique=True)
    city = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="bureaus")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    """An ISO 3166-1 country or territory, with its INTERPOL region and membership."""

    iso2 = models.CharField("ISO alpha-2", max_length=2, unique=True)
    iso3 = models.CharField("ISO alpha-3", max_length=3, unique=True)
    name = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="countries")
    sub_regional_bureau = models.ForeignKey(
        SubRegionalBureau,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="countries",
    )
    capital = models.CharField(max_length=100, blank=True)
    is_member = models.BooleanField("INTERPOL member", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contacts:country", kwargs={"iso2": self.iso2})


class NationalCentralBureau(models.Model):
    """A country's INTERPOL National Central Bureau; its officers form one Django group."""

    country = models.OneToOneField(Country, on_delete=models.PROTECT, related_name="ncb")
    code = models.CharField(
        max_length=12, unique=True, help_text=_("HST code: the country's ISO alpha-2")
    )
    name = models.CharField(max_length=150, help_text=_("e.g. INTERPOL Rome"))
    address = models.TextField(blank=True)
    phone_24_7 = models.CharField("24/7 phone", max_length=20, blank=True)
    email = models.EmailField("secure e-mail", blank=True)
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="ncb", null=True, blank=True, editable=False
    )
    transport = models.CharField(
        max_length=10, choices=MessageTransport.choices, default=MessageTransport.LOCAL
    )
    peer_endpoint = models.URLField(blank=True, help_text=_("Base URL of the NCB's own instance"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country__name"]
        verbose_name = "National Central Bureau"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contacts:country", kwargs={"iso2": self.country.iso2})
