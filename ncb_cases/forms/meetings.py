"""Browser forms of meetings: the meeting, an action item, a document (`services.meetings`).

The forms only parse what a browser sends; every rule (end after start, a place or online, a
known time zone, participants, cases the organiser may see) is the service's, whose errors
land on the fields through `ServiceErrorsMixin`.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.forms import ServiceErrorsMixin
from contacts.models import NationalCentralBureau, SubRegionalBureau
from contacts.validators import time_zone_choices
from ncb_cases.choices import MeetingKind
from ncb_cases.forms.cases import DATE_WIDGET
from ncb_cases.models import Case

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class NcbMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.code})"


class CaseMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.reference} — {obj.title}"


class MeetingForm(ServiceErrorsMixin, forms.Form):
    """A meeting (`meeting_create` / `meeting_update`). Times are local to its time zone."""

    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    organising_ncb = forms.ModelChoiceField(
        label=_("Organising NCB"), queryset=NationalCentralBureau.objects.none(), required=False
    )
    organising_bureau = forms.ModelChoiceField(
        label=_("Coordinating sub-regional bureau"),
        queryset=SubRegionalBureau.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("The start and end below are in this time zone."),
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online = forms.BooleanField(label=_("Online meeting"), required=False)
    participants = NcbMultipleChoiceField(
        label=_("Participating NCBs"),
        queryset=NationalCentralBureau.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    cases = CaseMultipleChoiceField(
        label=_("Linked cases"),
        queryset=Case.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_(
            "Participants see a linked case only if they may already see it: a link shares "
            "nothing."
        ),
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, cases, choose_organiser: bool, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        ncbs = NationalCentralBureau.objects.select_related("country").order_by("code")
        self.fields["participants"].queryset = ncbs
        self.fields["organising_bureau"].queryset = SubRegionalBureau.objects.order_by("name")
        self.fields["cases"].queryset = cases
        self.fields["timezone"].choices = time_zone_choices()
        self.fields["timezone"].error_messages["invalid_choice"] = _(
            "“%(value)s” is not an IANA time zone (for example Europe/Paris)."
        )
        if choose_organiser:
            self.fields["organising_ncb"].queryset = ncbs
            self.fields["organising_ncb"].required = True
        else:
            del self.fields["organising_ncb"]

    def service_data(self) -> dict:
        """The cleaned data for the service; naive times are read in the chosen time zone."""
        data = dict(self.cleaned_data)
        for key in ("starts_at", "ends_at"):
            if data.get(key) is not None:
                data[key] = data[key].replace(tzinfo=None)
        data["participants"] = list(data["participants"])
        data["cases"] = list(data["cases"])
        return data


class MeetingActionItemForm(ServiceErrorsMixin, forms.Form):
    """A new action item (`meeting_action_item_add`)."""

    description = forms.CharField(label=_("Action"), max_length=500)
    owner_ncb = forms.ModelChoiceField(
        label=_("Owner NCB"), queryset=NationalCentralBureau.objects.none()
    )
    owner_name = forms.CharField(
        label=_("Owner (unit or role)"),
        max_length=150,
        required=False,
        help_text=_("A unit or a role, e.g. “THB desk”, rather than a person's name."),
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, owners, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "item")
        super().__init__(*args, **kwargs)
        self.fields["owner_ncb"].queryset = owners


class MeetingDocumentForm(ServiceErrorsMixin, forms.Form):
    """A document for the participants (`meeting_document_add`)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG, DOCX or plain text (.txt)."),
        allow_empty_file=True,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "document")
        super().__init__(*args, **kwargs)
