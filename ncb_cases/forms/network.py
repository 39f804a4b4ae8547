"""Browser forms of the network view and of organised crime groups.

The forms check the shape of what a person typed; the services decide what is allowed (a
group's name is unique in its case, only the case's persons join its groups …). Service
errors go back onto the form with `add_service_errors`.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.forms import ServiceErrorsMixin
from ncb_cases.choices import GroupMemberRole, OrganisationKind


class NetworkSearchForm(forms.Form):
    """ "Have we seen this before?": one value of one kind, looked up across visible cases.

    Sent by POST only: search terms (a phone, a passport number, a name) never go into a
    URL, where proxies, browser history and server logs would keep them.
    """

    PHONE, DOCUMENT, VEHICLE, NAME = "phone", "document", "vehicle", "name"
    KIND_CHOICES = [
        (PHONE, _("Phone number")),
        (DOCUMENT, _("Identity document number")),
        (VEHICLE, _("Vehicle plate")),
        (NAME, _("Name or alias")),
    ]

    kind = forms.ChoiceField(label=_("Look for a"), choices=KIND_CHOICES, initial=PHONE)
    value = forms.CharField(
        label=_("Value"),
        max_length=150,
        help_text=_(
            "A phone in international format (+33 6 00 00 00 01), a document or plate number "
            "as written, or part of a name."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    issuing_state = forms.CharField(
        label=_("Issuing state"),
        max_length=3,
        required=False,
        help_text=_("Documents only, optional: ICAO code such as NGA."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 4}),
    )

    def clean_value(self) -> str:
        value = self.cleaned_data["value"].strip()
        if not value:
            raise forms.ValidationError(_("Enter what to look for."))
        return value

    def clean_issuing_state(self) -> str:
        return self.cleaned_data["issuing_state"].strip().upper()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(";", "\n").splitlines() if line.strip()]


class GroupForm(ServiceErrorsMixin, forms.Form):
    """An organised crime group (or front company) of a case."""

    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=OrganisationKind.choices,
        initial=OrganisationKind.ORGANISED_CRIME_GROUP,
    )
    aliases = forms.CharField(
        label=_("Aliases"),
        required=False,
        help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is known of its structure, activities and reach."),
    )

    @classmethod
    def initial_for(cls, group) -> dict:
        return {
            "name": group.name,
            "kind": group.kind,
            "aliases": "\n".join(group.aliases),
            "description": group.description,
        }

    def service_data(self) -> dict:
        """The `data` argument of `services.group_create` / `group_update`."""
        data = dict(self.cleaned_data)
        data["aliases"] = _lines(data.get("aliases", ""))
        return data


class GroupMemberForm(ServiceErrorsMixin, forms.Form):
    """Add a person of the group's case to the group (or change their role).

    `persons`: (public id, label) pairs, the labels already masked through
    `ncb_cases.pseudonyms` by the view.
    """

    person = forms.ChoiceField(label=_("Person"))
    role = forms.ChoiceField(
        label=_("Role in the group"),
        choices=GroupMemberRole.choices,
        initial=GroupMemberRole.MEMBER,
    )

    def __init__(self, *args, persons: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Choose a person")), *persons]
