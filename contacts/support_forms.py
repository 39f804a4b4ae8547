"""Browser forms of the support-organisation directory (issue 6, item 2).

The forms check the shape of what was typed; `contacts.support_services` decides what is
allowed (the country the user may manage, service and language codes, the phone number) and
its field errors come back next to the field through `add_service_errors`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.choices import SupportOrganisationKind, SupportService
from contacts.forms import ServiceErrorsMixin
from contacts.models import Country, SupportOrganisation

ACTIVE_CHOICES = [("yes", _("Active")), ("no", _("Inactive")), ("all", _("All"))]


class SupportDirectoryFilterForm(forms.Form):
    """The list's filters; the selector validates them again (the API uses the same)."""

    q = forms.CharField(label=_("Name or city"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *SupportOrganisationKind.choices]
    )
    service = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("Any")), *SupportService.choices]
    )
    language = forms.CharField(
        label=_("Language (ISO 639-1)"),
        required=False,
        max_length=2,
        widget=forms.TextInput(attrs={"size": 3, "placeholder": "fr"}),
    )
    active = forms.ChoiceField(label=_("Status"), required=False, choices=ACTIVE_CHOICES)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [
            ("", _("Any")),
            *Country.objects.order_by("name").values_list("iso2", "name"),
        ]


class SupportOrganisationForm(ServiceErrorsMixin, forms.Form):
    """An organisation's facts; the country is chosen among those the user may manage."""

    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), to_field_name="iso2"
    )
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("As the organisation calls itself.")
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Choose…")), *SupportOrganisationKind.choices]
    )
    services = forms.MultipleChoiceField(
        label=_("Services offered"),
        required=False,
        choices=SupportService.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        max_length=200,
        help_text=_("ISO 639-1 codes separated by commas, such as fr, en, it."),
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    address = forms.CharField(
        label=_("Street address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "A shelter's address is shown only to its country's NCB and to administrators, "
            "and never leaves this system (no API, export or HST message)."
        ),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr"}),
        help_text=_("With the country code, such as +33 1 99 00 12 34."),
    )
    phone_24_7 = forms.BooleanField(label=_("Phone reachable 24/7"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    contact_person = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How to refer, opening hours, whom they accept. No victim's name."),
    )
    is_active = forms.BooleanField(label=_("Takes referrals"), required=False, initial=True)

    def __init__(self, *args, countries=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = (
            countries if countries is not None else Country.objects.none()
        ).order_by("name")

    def organisation_data(self) -> dict[str, Any]:
        """The valid form as the services' `data` (ORGANISATION_FIELDS)."""
        data = dict(self.cleaned_data)
        data["country"] = data["country"].iso2
        return data

    @staticmethod
    def initial_from(organisation: SupportOrganisation) -> dict[str, Any]:
        return {
            "country": organisation.country.iso2,
            "name": organisation.name,
            "kind": organisation.kind,
            "services": organisation.services,
            "languages": ", ".join(organisation.languages),
            "city": organisation.city,
            "address": organisation.address,
            "phone": organisation.phone,
            "phone_24_7": organisation.phone_24_7,
            "email": organisation.email,
            "website": organisation.website,
            "contact_person": organisation.contact_person,
            "notes": organisation.notes,
            "is_active": organisation.is_active,
        }
