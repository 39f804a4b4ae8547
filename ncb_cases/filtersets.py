"""The filters of the case list, one definition for the browser page and the API.

`CaseFilterForm` parses query parameters (labels, choices and errors that name the field) into
the `filters` mapping of `selectors.case_list_for_user`, which is where the filtering happens.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from ncb_cases.choices import CaseStatus, CountryRole, ExploitationForm, OffenceType

CASE_ORDERING_CHOICES = [
    ("-opened_on", _("Newest opened first")),
    ("opened_on", _("Oldest opened first")),
    ("-updated_at", _("Recently updated")),
    ("reference", _("Reference")),
    ("-reference", _("Reference, descending")),
    ("title", _("Title")),
    ("-title", _("Title, descending")),
    ("status", _("Status")),
    ("-status", _("Status, descending")),
    ("created_at", _("Oldest created first")),
    ("-created_at", _("Newest created first")),
    ("updated_at", _("Least recently updated")),
]


class CodesField(forms.MultipleChoiceField):
    """Several codes; an empty value (`?status=` from a form's "any" option) means no filter."""

    def to_python(self, value):
        return [code for code in super().to_python(value) if code != ""]


class CaseFilterForm(forms.Form):
    """Query parameters of `/cases/` and `/api/v1/cases/`; unknown values are field errors."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Title, summary, reference, names and aliases (victims' names excluded)"),
    )
    status = CodesField(label=_("Status"), choices=CaseStatus.choices, required=False)
    offence_type = CodesField(label=_("Offence type"), choices=OffenceType.choices, required=False)
    exploitation_form = CodesField(
        label=_("Exploitation form"), choices=ExploitationForm.choices, required=False
    )
    country = forms.RegexField(
        label=_("Country involved"),
        regex=r"^[A-Za-z]{2}$",
        required=False,
        help_text=_("ISO 3166-1 alpha-2 code"),
        error_messages={"invalid": _("Enter a two-letter ISO country code.")},
    )
    country_role = CodesField(
        label=_("Country's role"), choices=CountryRole.choices, required=False
    )
    lead_officer = forms.CharField(label=_("Lead officer"), required=False, max_length=150)
    owner_ncb = forms.CharField(label=_("Owner NCB"), required=False, max_length=20)
    opened_after = forms.DateField(label=_("Opened on or after"), required=False)
    opened_before = forms.DateField(label=_("Opened on or before"), required=False)
    ordering = forms.ChoiceField(
        label=_("Sort by"), choices=[("", "—"), *CASE_ORDERING_CHOICES], required=False
    )

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("opened_after"), cleaned.get("opened_before")
        if after and before and after > before:
            self.add_error("opened_before", _("The end of the period is before its start."))
        return cleaned

    def selector_filters(self) -> dict[str, object]:
        """The non-empty cleaned values, keyed as `case_list_for_user` expects. Call after
        `is_valid()` returned True."""
        return {
            key: value for key, value in self.cleaned_data.items() if value not in (None, "", [])
        }
