"""The persons, documents, locations and route legs of the body (HST.md §4), one row each.

A protected person (victim, possible victim, child) whose identity the editing officer may not
see is shown by ref, sex, nationalities and roles only: the identifying fields, the date of
birth and the status are left out of the row and so kept exactly as they were."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from messages_hst import codelists

from .base import ItemForm, item_formset
from .fields import (
    COUNTRY,
    ICAO_CODE,
    PERSON_REF,
    CodeField,
    CodesField,
    CountField,
    DateField,
    LinesField,
    PartialDateField,
    RefField,
    TextField,
    TokensField,
    YesNoField,
)

COUNTRY_VALIDATOR = RegexValidator(rf"^{COUNTRY}$", _("An ISO 3166 alpha-2 code (FR)."))
ICAO_VALIDATOR = RegexValidator(rf"^({ICAO_CODE})$", _("An ICAO 9303 code (FRA; D for Germany)."))


def upper(value: str) -> str:
    return value.strip().upper()


class CountryField(TextField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("validators", [COUNTRY_VALIDATOR])
        super().__init__(**kwargs)

    def to_python(self, value):
        return upper(super().to_python(value) or "")


class IcaoField(CountryField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("validators", [ICAO_VALIDATOR])
        super().__init__(**kwargs)


# Fields of a person that identify them: hidden for a protected person the reader may not see.
PROTECTED_PERSON_FIELDS = (
    "family_name",
    "forenames",
    "name_original_script",
    "aliases",
    "date_of_birth",
    "place_of_birth",
    "status",
)


class PersonForm(ItemForm):
    paths = {
        "recruitment_method": ("victim_context", "recruitment_method"),
        "means_of_control": ("victim_context", "means_of_control"),
        "relationship_to_trafficker": ("victim_context", "relationship_to_trafficker"),
        "referred_to_support": ("victim_context", "referred_to_support"),
        "age_at_exploitation": ("victim_context", "age_at_exploitation"),
    }

    ref = RefField("P", required=True, label=_("Ref"))
    family_name = TextField(label=_("Family name"), required=False, max_length=100)
    forenames = TextField(label=_("Forenames"), required=False, max_length=100)
    name_original_script = TextField(
        label=_("Name in original script"), required=False, max_length=100
    )
    aliases = LinesField(label=_("Aliases"), max_item_length=100)
    sex = CodeField(codelists.SEX, label=_("Sex"))
    date_of_birth = PartialDateField(label=_("Date of birth"))
    place_of_birth = TextField(label=_("Place of birth"), required=False, max_length=100)
    country_of_birth = CountryField(label=_("Country of birth"))
    nationalities = TokensField(
        pattern=ICAO_CODE, example="FRA, D", label=_("Nationalities"), max_length=100
    )
    status = CodeField(codelists.PERSON_STATUSES, label=_("Status"), required=True)
    roles_in_process = CodesField(codelists.ROLES_IN_PROCESS, label=_("Roles"), checkboxes=False)
    recruitment_method = CodesField(
        codelists.RECRUITMENT_METHODS, label=_("Recruitment"), checkboxes=False
    )
    means_of_control = CodesField(
        codelists.MEANS_OF_CONTROL, label=_("Means of control"), checkboxes=False
    )
    relationship_to_trafficker = CodeField(
        codelists.RELATIONSHIP_TO_TRAFFICKER, label=_("Relationship to the trafficker")
    )
    referred_to_support = YesNoField(label=_("Referred to support"))
    age_at_exploitation = CountField(label=_("Age when exploited"), max_value=120)
    remarks = TextField(
        label=_("Remarks"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, hidden_refs: frozenset[str] = frozenset(), **kwargs):
        self.hidden_refs = hidden_refs
        self.identity_hidden = False
        super().__init__(*args, **kwargs)

    def adapt_to(self, item: dict | None) -> None:
        if item is not None and item.get("ref") in self.hidden_refs:
            self.identity_hidden = True
            for name in PROTECTED_PERSON_FIELDS:
                del self.fields[name]

    def clean_family_name(self) -> str:
        return upper(self.cleaned_data.get("family_name") or "")


class TravelDocumentForm(ItemForm):
    ref = RefField("D", required=True)
    holder_ref = RefField("P", label=_("Holder"))
    doc_type = CodeField(codelists.DOCUMENT_TYPES, label=_("Type"), required=True)
    number = TextField(label=_("Number"), required=False, max_length=30)
    issuing_state = IcaoField(label=_("Issuing state"))
    issue_date = DateField(label=_("Issued on"))
    expiry_date = DateField(label=_("Expires on"))
    authenticity = CodeField(codelists.DOCUMENT_AUTHENTICITY, label=_("Authenticity"))
    mrz = LinesField(
        label=_("MRZ"),
        max_item_length=44,
        help_text=_("The machine-readable zone, one line per line (2 or 3)."),
    )
    withheld_by_exploiter = YesNoField(label=_("Withheld by the exploiter"))
    remarks = TextField(label=_("Remarks"), required=False, max_length=500)

    def clean_mrz(self) -> list[str]:
        return [line.upper().replace(" ", "") for line in self.cleaned_data.get("mrz") or []]


class LocationForm(ItemForm):
    ref = RefField("L", required=True)
    country = CountryField(label=_("Country"), required=True)
    place = TextField(label=_("Place"), required=False, max_length=200)
    remarks = TextField(label=_("Remarks"), required=False, max_length=500)


class RouteLegForm(ItemForm):
    paths = {
        "border_regular": ("border_crossing", "regular"),
        "border_method": ("border_crossing", "method"),
    }

    seq = CountField(label=_("No."), required=True, min_value=1, max_value=1000)
    stage = CodeField(codelists.ROUTE_STAGES, label=_("Stage"), required=True)
    from_ref = RefField("L", label=_("From"), required=True)
    to_ref = RefField("L", label=_("To"), required=True)
    mode = CodeField(codelists.TRANSPORT_MODES, label=_("Mode"))
    border_regular = YesNoField(label=_("Regular border crossing"))
    border_method = CodeField(codelists.BORDER_CROSSING_METHODS, label=_("Crossing method"))
    departure_date = DateField(label=_("Departed on"))
    arrival_date = DateField(label=_("Arrived on"))
    persons = TokensField(
        pattern=PERSON_REF, example="P1, P2", label=_("Persons"), max_length=1000
    )
    vehicle_ref = RefField("V", label=_("Vehicle"))
    remarks = TextField(label=_("Remarks"), required=False, max_length=500)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("border_method") and not cleaned.get("border_regular"):
            self.add_error("border_regular", _("Say whether the crossing was regular."))
        return cleaned


PersonFormSet = item_formset(PersonForm)
DocumentFormSet = item_formset(TravelDocumentForm)
LocationFormSet = item_formset(LocationForm)
RouteLegFormSet = item_formset(RouteLegForm)
