"""Browser forms of persons (with their identity documents and phones), vehicles, reveals.

The forms check the shape of what a person typed; `ncb_cases.services` decide what is allowed
(ICAO check digits of an MRZ, E.164 phones, impossible dates, known codes) and report every
problem at once, keyed by field (`documents.0.mrz`, `phones.1`). `PersonEditor` puts those
keys back on the right form of the right formset, so that each error shows next to its field.

A protected person's identity (victim, possible victim, child) is never put into a form that
is rendered on an ordinary GET: editing it is offered only inside the audited reveal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contacts.forms import ServiceErrorsMixin
from contacts.models import Country
from ncb_cases.choices import (
    DocumentAuthenticity,
    DocumentType,
    MeansOfControl,
    PersonRole,
    PhoneKind,
    RecruitmentMethod,
    RelationshipToTrafficker,
    RoleInProcess,
    Sex,
    VehicleType,
)
from ncb_cases.forms.cases import DATE_WIDGET
from ncb_cases.pseudonyms import DocumentView, PersonView

# The fields of a person that identify them; for a protected person they are edited only by a
# holder of the victim-identity permission, inside the reveal.
IDENTITY_FORM_FIELDS = (
    "family_name",
    "forenames",
    "name_original_script",
    "aliases",
    "date_of_birth",
    "place_of_birth",
    "addresses",
)
CONTEXT_FORM_FIELDS = (
    "role",
    "sex",
    "nationalities",
    "country_of_birth",
    "exploitation_started_on",
    "roles_in_process",
    "recruitment_methods",
    "recruitment_platforms",
    "means_of_control",
    "relationship_to_trafficker",
    "referred_to_support",
)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _blank(label):
    return [("", label)]


class CountryChoiceField(forms.ModelChoiceField):
    """A country chosen by name, submitted and handed to the services as ISO alpha-2."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", _("Unknown"))
        super().__init__(queryset=Country.objects.order_by("name"), to_field_name="iso2", **kwargs)

    def label_from_instance(self, obj: Country) -> str:
        return f"{obj.name} ({obj.iso2})"


class PersonForm(ServiceErrorsMixin, forms.Form):
    """The person's own fields; documents and phones are the formsets of `PersonEditor`."""

    role = forms.ChoiceField(
        label=_("Role in the case"), choices=[("", _("Choose…")), *PersonRole.choices]
    )
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=150,
        required=False,
        help_text=_("As written in the person's documents."),
    )
    forenames = forms.CharField(label=_("Forenames"), max_length=150, required=False)
    name_original_script = forms.CharField(
        label=_("Name in original script"),
        max_length=300,
        required=False,
        help_text=_("Arabic, Cyrillic, Thai … as the person writes it."),
    )
    aliases = forms.CharField(
        label=_("Aliases and nicknames"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.U)
    date_of_birth = forms.CharField(
        label=_("Date of birth"),
        max_length=10,
        required=False,
        help_text=_("As much as is known: YYYY, YYYY-MM or YYYY-MM-DD."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1998-05"}),
    )
    place_of_birth = forms.CharField(label=_("Place of birth"), max_length=150, required=False)
    country_of_birth = CountryChoiceField(label=_("Country of birth"))
    nationalities = forms.CharField(
        label=_("Nationalities"),
        max_length=200,
        required=False,
        help_text=_("ICAO three-letter codes, separated by spaces or commas: NGA, FRA."),
    )
    addresses = forms.CharField(
        label=_("Addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One address per line."),
    )
    exploitation_started_on = forms.DateField(
        label=_("Exploitation started on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Decides, with the date of birth, whether the person was a child."),
    )
    roles_in_process = forms.MultipleChoiceField(
        label=_("Role in the criminal process"),
        choices=RoleInProcess.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recruitment_methods = forms.MultipleChoiceField(
        label=_("Recruitment methods"),
        choices=RecruitmentMethod.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recruitment_platforms = forms.CharField(
        label=_("Recruitment platforms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Websites, apps or agencies used to recruit; one per line."),
    )
    means_of_control = forms.MultipleChoiceField(
        label=_("Means of control"),
        choices=MeansOfControl.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    relationship_to_trafficker = forms.ChoiceField(
        label=_("Relationship to the trafficker"),
        choices=_blank(_("Unknown")) + list(RelationshipToTrafficker.choices),
        required=False,
    )
    referred_to_support = forms.BooleanField(
        label=_("Referred to a support organisation"), required=False
    )

    def __init__(
        self,
        *args,
        fields: tuple[str, ...] | None = None,
        roles: tuple[str, ...] | None = None,
        **kwargs,
    ):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if fields is not None:
            for name in list(self.fields):
                if name not in fields:
                    del self.fields[name]
        if roles is not None and "role" in self.fields:
            self.fields["role"].choices = [
                (value, label) for value, label in PersonRole.choices if value in roles
            ]
            self.fields["role"].help_text = _(
                "Only a holder of victim-identity access may give a victim another role: "
                "that would reveal the identity to every reader of the case."
            )

    @property
    def identity_fields(self):
        return [self[name] for name in IDENTITY_FORM_FIELDS if name in self.fields]

    @property
    def context_fields(self):
        return [self[name] for name in CONTEXT_FORM_FIELDS if name in self.fields]

    @property
    def victim_context_fields(self):
        names = ("roles_in_process", "recruitment_methods", "recruitment_platforms")
        names += ("means_of_control", "relationship_to_trafficker", "referred_to_support")
        return [self[name] for name in names if name in self.fields]

    @property
    def basic_context_fields(self):
        names = ("role", "sex", "nationalities", "country_of_birth", "exploitation_started_on")
        return [self[name] for name in names if name in self.fields]

    def person_data(self) -> dict[str, Any]:
        """The valid form as the services' `data` (PERSON_DATA_FIELDS, without the nested)."""
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name in ("aliases", "recruitment_platforms"):
                value = _lines(value)
            elif name == "nationalities":
                value = [code for code in re.split(r"[\s,;]+", value.upper()) if code]
            elif name == "country_of_birth":
                value = value.iso2 if value is not None else None
            data[name] = value
        return data

    @staticmethod
    def initial_from(view: PersonView) -> dict[str, Any]:
        """Initial values of the form from a PersonView (masked fields come out empty)."""
        return {
            "role": view.role,
            "family_name": view.family_name,
            "forenames": view.forenames,
            "name_original_script": view.name_original_script,
            "aliases": "\n".join(view.aliases),
            "sex": view.sex,
            "date_of_birth": view.date_of_birth,
            "place_of_birth": view.place_of_birth,
            "country_of_birth": view.country_of_birth or None,
            "nationalities": ", ".join(view.nationalities),
            "addresses": view.addresses,
            "exploitation_started_on": view.exploitation_started_on,
            "roles_in_process": list(view.roles_in_process),
            "recruitment_methods": list(view.recruitment_methods),
            "recruitment_platforms": "\n".join(view.recruitment_platforms),
            "means_of_control": list(view.means_of_control),
            "relationship_to_trafficker": view.relationship_to_trafficker,
            "referred_to_support": view.referred_to_support,
        }


class DocumentForm(forms.Form):
    """One identity or travel document (ICAO Doc 9303 fields)."""

    public_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    doc_type = forms.ChoiceField(
        label=_("Type"), choices=DocumentType.choices, initial=DocumentType.PASSPORT
    )
    number = forms.CharField(
        label=_("Number"),
        max_length=50,
        required=False,
        help_text=_("May be left empty when an MRZ is entered: it is read from there."),
    )
    issuing_state = forms.CharField(
        label=_("Issuing state"),
        max_length=3,
        required=False,
        help_text=_("ICAO code, e.g. NGA."),
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
    )
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE_WIDGET)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DATE_WIDGET)
    authenticity = forms.ChoiceField(
        label=_("Authenticity"),
        choices=DocumentAuthenticity.choices,
        initial=DocumentAuthenticity.UNKNOWN,
    )
    mrz = forms.CharField(
        label=_("Machine-readable zone (optional)"),
        required=False,
        help_text=_("Copy the two or three lines exactly; the check digits are verified."),
        widget=forms.Textarea(
            attrs={"rows": 3, "class": "mono", "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    withheld_by_exploiter = forms.BooleanField(
        label=_("Withheld by the exploiter"), required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def document_data(self) -> dict[str, Any]:
        data = {key: value for key, value in self.cleaned_data.items() if key != "DELETE"}
        if data.get("public_id") is None:
            data.pop("public_id", None)
        else:
            data["public_id"] = str(data["public_id"])
        return data

    @staticmethod
    def initial_from(document: DocumentView) -> dict[str, Any]:
        return {
            "public_id": document.public_id,
            "doc_type": document.doc_type,
            "number": document.number,
            "issuing_state": document.issuing_state,
            "issued_on": document.issued_on,
            "expires_on": document.expires_on,
            "authenticity": document.authenticity,
            "mrz": document.mrz,
            "withheld_by_exploiter": document.withheld_by_exploiter,
        }


class PhoneForm(forms.Form):
    """One phone number; any common notation, stored in E.164 by the service."""

    number = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        help_text=_("International format, e.g. +234 803 000 0001."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PhoneKind.choices, initial=PhoneKind.MOBILE)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


DocumentFormSet = forms.formset_factory(DocumentForm, extra=1, can_delete=True, max_num=20)
PhoneFormSet = forms.formset_factory(PhoneForm, extra=2, can_delete=True, max_num=20)


def _filled(formset) -> list[forms.Form]:
    """The forms of a valid formset that carry something and are not marked for deletion."""
    kept = []
    for index, form in enumerate(formset.forms):
        if index >= formset.initial_form_count() and not form.has_changed():
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        kept.append(form)
    return kept


@dataclass
class PersonEditor:
    """A person form with its documents and phones formsets, as one thing to validate.

    `with_identity=False` leaves out every identity field and both formsets (the edit page of
    a protected person outside the reveal); the service then leaves them untouched.
    """

    form: PersonForm
    documents: Any = None
    phones: Any = None
    _document_forms: list[forms.Form] = field(default_factory=list)
    _phone_forms: list[forms.Form] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        data=None,
        *,
        view: PersonView | None = None,
        with_identity: bool = True,
        with_context: bool = True,
        roles: tuple[str, ...] | None = None,
    ) -> PersonEditor:
        names: tuple[str, ...] = ()
        if with_context:
            names += CONTEXT_FORM_FIELDS
        if with_identity:
            names += IDENTITY_FORM_FIELDS
        initial = PersonForm.initial_from(view) if view is not None else None
        form = PersonForm(data, initial=initial, fields=names, roles=roles)
        if not with_identity:
            return cls(form=form)
        documents = DocumentFormSet(
            data,
            prefix="documents",
            initial=[DocumentForm.initial_from(d) for d in view.documents] if view else None,
        )
        phones = PhoneFormSet(
            data,
            prefix="phones",
            initial=[{"number": p.display, "kind": p.kind} for p in view.phones] if view else None,
        )
        return cls(form=form, documents=documents, phones=phones)

    @property
    def with_identity(self) -> bool:
        return self.documents is not None

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        if self.with_identity:
            valid = self.documents.is_valid() and valid
            valid = self.phones.is_valid() and valid
        return valid

    def has_errors(self) -> bool:
        if self.form.errors:
            return True
        if not self.with_identity:
            return False
        return bool(
            any(self.documents.errors)
            or self.documents.non_form_errors()
            or any(self.phones.errors)
            or self.phones.non_form_errors()
        )

    def service_data(self) -> dict[str, Any]:
        """Everything the forms hold, as the `data` of person_create / person_update."""
        data = self.form.person_data()
        if self.with_identity:
            self._document_forms = _filled(self.documents)
            self._phone_forms = [
                form for form in _filled(self.phones) if form.cleaned_data.get("number")
            ]
            data["documents"] = [form.document_data() for form in self._document_forms]
            data["phones"] = [
                {"number": form.cleaned_data["number"], "kind": form.cleaned_data["kind"]}
                for form in self._phone_forms
            ]
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's errors on the field they name, nested keys on the right row."""
        if not hasattr(error, "error_dict"):
            self.form.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            target, name = self._target(key)
            if target is None:
                self.form.add_error(None, messages)
            else:
                target.add_error(name if name in target.fields else None, messages)

    def _target(self, key: str) -> tuple[forms.Form | None, str | None]:
        parts = key.split(".")
        if parts[0] in ("documents", "phones") and len(parts) >= 2 and parts[1].isdigit():
            rows = self._document_forms if parts[0] == "documents" else self._phone_forms
            index = int(parts[1])
            if index < len(rows):
                default = "number" if parts[0] == "phones" else None
                return rows[index], parts[2] if len(parts) > 2 else default
            return None, None
        if key in self.form.fields:
            return self.form, key
        return None, None


class IdentityRevealForm(forms.Form):
    """Why the reader needs to see this identity; recorded in the audit trail with the reveal.

    Deliberately not `required` here: the selector decides what a sufficient purpose is and
    records the refused attempt, so an empty purpose must reach it.
    """

    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=1000,
        required=False,
        help_text=_(
            "Why you need to see this identity now, e.g. “Preparing the hearing of 12 May”. "
            "Recorded in the case's audit trail."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "required": True, "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class VehicleForm(ServiceErrorsMixin, forms.Form):
    """A vehicle of the case; its holder is chosen among the case's persons (as displayed)."""

    vehicle_type = forms.ChoiceField(
        label=_("Type"), choices=VehicleType.choices, initial=VehicleType.CAR
    )
    plate = forms.CharField(label=_("Registration plate"), max_length=20)
    registration_country = CountryChoiceField(label=_("Registration country"))
    make = forms.CharField(label=_("Make"), max_length=60, required=False)
    model = forms.CharField(label=_("Model"), max_length=60, required=False)
    colour = forms.CharField(label=_("Colour"), max_length=30, required=False)
    holder = forms.ChoiceField(label=_("Holder"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, holder_choices: list[tuple[str, str]] = (), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = _blank(_("No known holder")) + list(holder_choices)

    def vehicle_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        country = data["registration_country"]
        data["registration_country"] = country.iso2 if country is not None else None
        data["holder"] = data["holder"] or None
        return data

    @staticmethod
    def initial_from(vehicle) -> dict[str, Any]:
        return {
            "vehicle_type": vehicle.vehicle_type,
            "plate": vehicle.plate,
            "registration_country": (
                vehicle.registration_country.iso2 if vehicle.registration_country_id else None
            ),
            "make": vehicle.make,
            "model": vehicle.model,
            "colour": vehicle.colour,
            "holder": str(vehicle.holder.public_id) if vehicle.holder_id else "",
            "description": vehicle.description,
        }
