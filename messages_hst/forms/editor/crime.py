"""Forms of exploitation, vehicles and the relationships between entities (HST.md §4)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from messages_hst import codelists

from .base import ItemForm, item_formset
from .entities import CountryField
from .fields import PERSON_REF, CodeField, DateField, RefField, TextField, TokensField

ENTITY_LETTERS = "ACDEFLOPV"


class ExploitationForm(ItemForm):
    paths = {"period_from": ("period", "from"), "period_to": ("period", "to")}

    ref = RefField("E", label=_("Ref"))
    form = CodeField(codelists.EXPLOITATION_FORMS, label=_("Form of exploitation"), required=True)
    sector = TextField(label=_("Sector"), required=False, max_length=100)
    location_ref = RefField("L", label=_("Where"))
    period_from = DateField(label=_("From"))
    period_to = DateField(label=_("To"))
    victims = TokensField(pattern=PERSON_REF, example="P2", label=_("Victims"), max_length=1000)
    exploiters = TokensField(
        pattern=PERSON_REF, example="P1", label=_("Exploiters"), max_length=1000
    )
    remarks = TextField(label=_("Remarks"), required=False, max_length=1000)


class VehicleForm(ItemForm):
    ref = RefField("V", required=True)
    vehicle_type = CodeField(codelists.VEHICLE_TYPES, label=_("Type"), required=True)
    make = TextField(label=_("Make"), required=False, max_length=50)
    model = TextField(label=_("Model"), required=False, max_length=50)
    colour = TextField(label=_("Colour"), required=False, max_length=30)
    registration = TextField(label=_("Registration"), required=False, max_length=20)
    registration_country = CountryField(label=_("Registered in"))
    vin = TextField(
        label=_("VIN"),
        required=False,
        max_length=17,
        validators=[
            RegexValidator(r"^[A-HJ-NPR-Z0-9]{17}$", _("17 letters and digits, no I, O or Q."))
        ],
    )
    holder_ref = RefField("P", label=_("Holder"))
    remarks = TextField(label=_("Remarks"), required=False, max_length=500)

    def clean_vin(self) -> str:
        return (self.cleaned_data.get("vin") or "").upper()


class RelationshipForm(ItemForm):
    source_ref = RefField(ENTITY_LETTERS, label=_("Who or what"), required=True)
    type = CodeField(codelists.RELATIONSHIP_TYPES, label=_("Relationship"), required=True)
    target_ref = RefField(ENTITY_LETTERS, label=_("To whom or what"), required=True)
    remarks = TextField(label=_("Remarks"), required=False, max_length=500)


ExploitationFormSet = item_formset(ExploitationForm)
VehicleFormSet = item_formset(VehicleForm)
RelationshipFormSet = item_formset(RelationshipForm)
