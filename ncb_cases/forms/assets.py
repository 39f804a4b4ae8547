"""Browser forms of a case's assets, over `asset_create/update` and `asset_change_status`.

The forms check the shape of what was typed; the services decide what is allowed (known
currency, holder of this case, legal transition, dates) and their field errors come back
next to the field through `add_service_errors`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.forms import ServiceErrorsMixin
from ncb_cases.choices import AssetStatus, AssetType
from ncb_cases.forms.cases import DATE_WIDGET
from ncb_cases.forms.persons import CountryChoiceField


class AssetForm(ServiceErrorsMixin, forms.Form):
    """An asset's facts; its holder is chosen among the case's persons (as displayed)."""

    asset_type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Choose…")), *AssetType.choices]
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What it is and where it is held, without a victim's name."),
    )
    estimated_value = forms.DecimalField(
        label=_("Estimated value"),
        required=False,
        max_digits=15,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("A number such as 45000.00; leave empty if not known."),
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        required=False,
        widget=forms.TextInput(attrs={"size": 4, "class": "currency-input"}),
        help_text=_("ISO 4217 code, such as EUR, USD, NGN."),
    )
    country = CountryChoiceField(label=_("Country where it is held"))
    holder = forms.ChoiceField(label=_("Holder"), required=False)
    institution = forms.CharField(
        label=_("Institution"),
        max_length=200,
        required=False,
        help_text=_("Bank, registry or exchange holding it."),
    )
    account_identifier = forms.CharField(
        label=_("Account or register number"), max_length=64, required=False
    )
    silver_notice_candidate = forms.BooleanField(
        label=_("Candidate for an INTERPOL Silver Notice"),
        required=False,
        help_text=_("To locate and trace this asset abroad."),
    )

    def __init__(self, *args, holder_choices: list[tuple[str, str]] = (), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = [("", _("No known holder")), *holder_choices]

    def asset_data(self) -> dict[str, Any]:
        """The valid form as the services' `data` (ASSET_DATA_FIELDS)."""
        data = dict(self.cleaned_data)
        data["country"] = data["country"].iso2 if data["country"] is not None else None
        data["holder"] = data["holder"] or None
        return data

    def changed_asset_data(self) -> dict[str, Any]:
        """Only what the person changed (call after `is_valid()`): the audit row names
        exactly the fields that changed."""
        data = self.asset_data()
        return {key: value for key, value in data.items() if key in self.changed_data}

    @staticmethod
    def initial_from(asset) -> dict[str, Any]:
        return {
            "asset_type": asset.asset_type,
            "description": asset.description,
            "estimated_value": asset.estimated_value,
            "currency": asset.currency,
            "country": asset.country.iso2 if asset.country_id else None,
            "holder": str(asset.holder.public_id) if asset.holder_id else "",
            "institution": asset.institution,
            "account_identifier": asset.account_identifier,
            "silver_notice_candidate": asset.silver_notice_candidate,
        }


class AssetStatusForm(ServiceErrorsMixin, forms.Form):
    """The next status of an asset, offered among the moves allowed from its current one."""

    to_status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    effective_on = forms.DateField(
        label=_("Effective on"),
        widget=DATE_WIDGET,
        help_text=_("The day the decision took effect; not in the future."),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        help_text=_("The order or article of law, e.g. art. 706-153 CPP."),
    )
    authority = forms.CharField(
        label=_("Deciding authority"),
        max_length=200,
        help_text=_("e.g. Tribunal judiciaire de Paris, juge d'instruction."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, allowed: list[str] = (), **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("initial", {"effective_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(value, AssetStatus(value).label) for value in allowed]
        self.fields["effective_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def status_data(self) -> dict[str, Any]:
        """The valid form as `asset_change_status`'s keyword arguments."""
        return dict(self.cleaned_data)
