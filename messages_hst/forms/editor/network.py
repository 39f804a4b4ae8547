"""Organisations, communications and financial items of the body (HST.md §4)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from messages_hst import codelists

from .base import ItemForm, item_formset
from .entities import CountryField
from .fields import (
    COUNTRY,
    PERSON_REF,
    CodeField,
    DateField,
    RefField,
    TextField,
    TokensField,
    YesNoField,
)


class OrganisationForm(ItemForm):
    ref = RefField("O", required=True)
    name = TextField(label=_("Name"), required=False, max_length=200)
    kind = CodeField(codelists.ORGANISATION_KINDS, label=_("Kind"), required=True)
    countries = TokensField(
        pattern=COUNTRY, example="FR, RO", label=_("Countries"), max_length=300
    )
    members = TokensField(
        pattern=PERSON_REF, example="P1, P3", label=_("Members"), max_length=2000
    )
    remarks = TextField(label=_("Remarks"), required=False, max_length=1000)


class CommForm(ItemForm):
    ref = RefField("C", required=True)
    kind = CodeField(codelists.COMMS_KINDS, label=_("Kind"), required=True)
    value = TextField(
        label=_("Value"),
        required=False,
        max_length=200,
        help_text=_("E.164 for a phone (+442079460123)."),
    )
    platform = TextField(label=_("Platform"), required=False, max_length=100)
    holder_ref = RefField("P", label=_("Holder"))
    remarks = TextField(label=_("Remarks"), required=False, max_length=500)

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("value") or ""
        if cleaned.get("kind") == "PHONE" and value:
            compact = "".join(value.split())
            if not RegexValidator(r"^\+[1-9][0-9]{6,14}$").regex.match(compact):
                self.add_error("value", _("A phone number in E.164: + and up to 15 digits."))
            else:
                cleaned["value"] = compact
        return cleaned


class FinancialForm(ItemForm):
    ref = RefField("F", required=True)
    kind = CodeField(codelists.FINANCIAL_KINDS, label=_("Kind"), required=True)
    description = TextField(label=_("Description"), required=False, max_length=500)
    holder_ref = RefField("PO", label=_("Holder"))
    institution = TextField(label=_("Institution"), required=False, max_length=200)
    account_identifier = TextField(label=_("Account"), required=False, max_length=64)
    country = CountryField(label=_("Country"))
    amount = TextField(
        label=_("Amount"),
        required=False,
        max_length=21,
        validators=[
            RegexValidator(r"^-?[0-9]{1,15}(\.[0-9]{1,4})?$", _("A decimal amount (4500.00)."))
        ],
    )
    currency = TextField(
        label=_("Currency"),
        required=False,
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("An ISO 4217 code (EUR)."))],
    )
    date = DateField(label=_("Date"))
    silver_notice_candidate = YesNoField(label=_("Silver notice candidate"))

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").upper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") and not cleaned.get("currency"):
            self.add_error("currency", _("An amount needs its currency."))
        return cleaned


OrganisationFormSet = item_formset(OrganisationForm)
CommFormSet = item_formset(CommForm)
FinancialFormSet = item_formset(FinancialForm)
