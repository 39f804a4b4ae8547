"""Browser form of a route leg (origin → transit → destination), over `route_leg_add/update`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.forms import ServiceErrorsMixin
from ncb_cases.choices import BorderCrossingMethod, RouteStage, TransportMode
from ncb_cases.forms.cases import DATE_WIDGET
from ncb_cases.forms.persons import CountryChoiceField

# The tri-state "was the border crossed regularly?" as a select: unknown, yes, no.
_REGULAR_CHOICES = (("", _("Unknown or no border")), ("yes", _("Yes")), ("no", _("No")))
_REGULAR_VALUES = {"": None, "yes": True, "no": False}


class RouteLegForm(ServiceErrorsMixin, forms.Form):
    """One leg; `position` (1 = first) moves it, later legs follow; empty keeps it in place."""

    stage = forms.ChoiceField(label=_("Stage"), choices=[("", _("Choose…")), *RouteStage.choices])
    from_country = CountryChoiceField(label=_("From (country)"))
    from_place = forms.CharField(label=_("From (place)"), max_length=150, required=False)
    to_country = CountryChoiceField(label=_("To (country)"))
    to_place = forms.CharField(label=_("To (place)"), max_length=150, required=False)
    mode = forms.ChoiceField(
        label=_("Mode of transport"), choices=[("", _("Choose…")), *TransportMode.choices]
    )
    border_crossing_regular = forms.ChoiceField(
        label=_("Border crossed regularly?"), choices=_REGULAR_CHOICES, required=False
    )
    border_crossing_method = forms.ChoiceField(
        label=_("Border-crossing method"),
        choices=[("", _("Not known")), *BorderCrossingMethod.choices],
        required=False,
    )
    departed_on = forms.DateField(label=_("Departed on"), required=False, widget=DATE_WIDGET)
    arrived_on = forms.DateField(label=_("Arrived on"), required=False, widget=DATE_WIDGET)
    persons = forms.MultipleChoiceField(
        label=_("Persons who travelled this leg"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    position = forms.IntegerField(
        label=_("Position in the route"),
        min_value=1,
        required=False,
        help_text=_("1 is the first leg. Leave empty to add at the end or keep the place."),
    )

    def __init__(self, *args, person_choices: list[tuple[str, str]] = (), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["persons"].choices = list(person_choices)
        if not person_choices:
            del self.fields["persons"]

    def leg_data(self) -> dict[str, Any]:
        """The valid form as the services' `data` (ROUTE_LEG_DATA_FIELDS)."""
        data = {key: value for key, value in self.cleaned_data.items() if key != "position"}
        for key in ("from_country", "to_country"):
            data[key] = data[key].iso2 if data[key] is not None else None
        data["border_crossing_regular"] = _REGULAR_VALUES[data["border_crossing_regular"]]
        return data

    @property
    def leg_position(self) -> int | None:
        return self.cleaned_data.get("position")

    @staticmethod
    def initial_from(leg) -> dict[str, Any]:
        regular = {None: "", True: "yes", False: "no"}[leg.border_crossing_regular]
        return {
            "stage": leg.stage,
            "from_country": leg.from_country.iso2 if leg.from_country_id else None,
            "from_place": leg.from_place,
            "to_country": leg.to_country.iso2 if leg.to_country_id else None,
            "to_place": leg.to_place,
            "mode": leg.mode,
            "border_crossing_regular": regular,
            "border_crossing_method": leg.border_crossing_method,
            "departed_on": leg.departed_on,
            "arrived_on": leg.arrived_on,
            "persons": [str(person.public_id) for person in leg.persons.all()],
            "notes": leg.notes,
            "position": leg.seq,
        }
