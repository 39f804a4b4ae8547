"""Browser forms of a case: the list filters, opening and editing, workflow, offence type, links.

The forms check the shape of what a person typed; `ncb_cases.services` decide what is allowed
and raise `ValidationError`s keyed by field, which `add_service_errors` puts back next to the
field. Multi-valued facts are proper inputs: code lists are check boxes, the countries involved
a small formset of (country, role) rows.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.forms import ServiceErrorsMixin
from contacts.models import Country, NationalCentralBureau
from ncb_cases import permissions
from ncb_cases.choices import (
    CASE_STATUS_TRANSITIONS,
    CaseLinkType,
    CaseOutcome,
    CaseStatus,
    ConfidentialityLevel,
    CountryRole,
    ExploitationForm,
    HandlingCode,
    InformationAccuracy,
    OffenceType,
    PalermoAct,
    PalermoMeans,
    PalermoPurpose,
    SourceReliability,
)
from ncb_cases.filtersets import CaseFilterForm
from ncb_cases.models import Case

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The facts of `case_create` / `case_update` that map one to one onto a form field.
CASE_FORM_FIELDS = (
    "title",
    "summary",
    "offence_type",
    "exploitation_forms",
    "palermo_acts",
    "palermo_means",
    "palermo_purposes",
    "opened_on",
    "lead_officer",
    "confidentiality_level",
    "handling_codes",
    "h3_text",
    "source_reliability",
    "information_accuracy",
    "retention_review_on",
)


class UserChoiceField(forms.ModelChoiceField):
    """A colleague, shown by name and NCB rather than by username alone."""

    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.get_username()
        officer = getattr(obj, "officer", None)
        if officer is not None:
            return (
                f"{name} ({obj.get_username()}, {officer.ncb.code}, {officer.get_role_display()})"
            )
        return f"{name} ({obj.get_username()})"


def case_editors_of(ncb_ids) -> forms.models.QuerySet:
    """Active officers and supervisors of the given NCBs: who may lead a case."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            officer__ncb_id__in=list(ncb_ids),
            officer__role__in=permissions.CASE_EDITOR_ROLES,
        )
        .select_related("officer__ncb")
        .order_by("last_name", "first_name", "username")
    )


def case_readers_of(ncb_ids) -> forms.models.QuerySet:
    """Active officers, supervisors and analysts of the given NCBs: who may see a case."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            officer__ncb_id__in=list(ncb_ids),
            officer__role__in=permissions.CASE_READER_ROLES,
        )
        .select_related("officer__ncb")
        .order_by("officer__ncb__code", "last_name", "first_name", "username")
    )


# --- The list ---------------------------------------------------------------------------------


def case_filter_form_for_browser(data, *, lead_officers) -> CaseFilterForm:
    """`CaseFilterForm` (shared with the API) adapted to the page: check boxes for code lists,
    a choice of colleagues for the lead officer, a search box. Bound to `data` (request.GET)."""
    form = CaseFilterForm(data)
    form.label_suffix = ""
    for name in ("status", "offence_type", "exploitation_form", "country_role"):
        form.fields[name].widget = forms.CheckboxSelectMultiple(choices=form.fields[name].choices)
    for name in ("opened_after", "opened_before"):
        form.fields[name].widget = DATE_WIDGET
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].widget.attrs.update({"placeholder": _("Reference, title, name, alias…")})
    form.fields["country"].widget.attrs.update(
        {"placeholder": "NG", "size": 3, "autocapitalize": "characters"}
    )
    form.fields["owner_ncb"].widget.attrs.update({"placeholder": "FR", "size": 4})
    form.fields["lead_officer"].widget = forms.Select(
        choices=[
            ("", _("Anyone")),
            *[
                (user.get_username(), user.get_full_name() or user.get_username())
                for user in lead_officers
            ],
        ]
    )
    return form


# --- Opening and editing ----------------------------------------------------------------------


class CaseCountryForm(forms.Form):
    """One country involved in the case, with its role; a row left empty is ignored."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", "—"), *CountryRole.choices], required=False
    )

    def __init__(self, *args, country_choices=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("country") and not cleaned.get("role"):
            self.add_error(
                "role", _("Say whether this is a country of origin, transit or destination.")
            )
        if cleaned.get("role") and not cleaned.get("country"):
            self.add_error("country", _("Choose the country."))
        return cleaned


class BaseCaseCountryFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            pair = (form.cleaned_data.get("country"), form.cleaned_data.get("role"))
            if pair[0] and pair in seen:
                raise ValidationError(_("Each country is listed once per role."))
            seen.add(pair)

    def pairs(self) -> list[dict[str, str]]:
        """The filled-in rows, as `case_create` / `case_update` take `countries`."""
        return [
            {"country": form.cleaned_data["country"], "role": form.cleaned_data["role"]}
            for form in self.forms
            if form.cleaned_data.get("country")
        ]


CaseCountryFormSet = forms.formset_factory(
    CaseCountryForm, formset=BaseCaseCountryFormSet, extra=0, max_num=30, validate_max=True
)

# Blank rows offered under the countries already involved (at least MIN_COUNTRY_ROWS in all):
# enough for a typical route without JavaScript; save and edit again for more.
EXTRA_COUNTRY_ROWS = 2
MIN_COUNTRY_ROWS = 4


def _country_choices() -> list[tuple[str, str]]:
    return list(Country.objects.order_by("name").values_list("iso2", "name"))


class CaseForm(ServiceErrorsMixin, forms.Form):
    """The facts of a case, for opening one (`case_create`) or editing it (`case_update`).

    The countries involved are a formset (`self.countries`), validated with the form.
    """

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("A short description that names no victim, e.g. “Nail bars in Lyon”."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is known so far. Names of victims belong on their person record."),
    )
    owner_ncb = forms.ModelChoiceField(
        label=_("Owner NCB"),
        queryset=NationalCentralBureau.objects.none(),
        to_field_name="code",
        help_text=_("As an administrator, you open the case on behalf of this NCB."),
    )
    offence_type = forms.ChoiceField(
        label=_("Offence type"), choices=OffenceType.choices, initial=OffenceType.UNDETERMINED
    )
    exploitation_forms = forms.MultipleChoiceField(
        label=_("Forms of exploitation"),
        choices=ExploitationForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    palermo_acts = forms.MultipleChoiceField(
        label=_("Acts"),
        choices=PalermoAct.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    palermo_means = forms.MultipleChoiceField(
        label=_("Means"),
        choices=PalermoMeans.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    palermo_purposes = forms.MultipleChoiceField(
        label=_("Purposes"),
        choices=PalermoPurpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE_WIDGET)
    lead_officer = UserChoiceField(
        label=_("Lead officer"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
    )
    confidentiality_level = forms.ChoiceField(
        label=_("Confidentiality"),
        choices=ConfidentialityLevel.choices,
        initial=ConfidentialityLevel.INTERPOL_RESTRICTED,
    )
    handling_codes = forms.MultipleChoiceField(
        label=_("Handling codes"),
        choices=HandlingCode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    h3_text = forms.CharField(
        label=_("H3 restriction"),
        max_length=300,
        required=False,
        help_text=_("Required with handling code H3: the restriction, written out."),
    )
    source_reliability = forms.ChoiceField(
        label=_("Source reliability"), choices=SourceReliability.choices, initial="X"
    )
    information_accuracy = forms.ChoiceField(
        label=_("Information accuracy"), choices=InformationAccuracy.choices, initial="4"
    )
    retention_review_on = forms.DateField(
        label=_("Review retention on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_(
            "At the latest five years after the case was recorded or last substantially updated."
        ),
    )

    def __init__(self, data=None, *, user, case: Case | None = None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        self.case = case
        initial = kwargs.pop("initial", None) or (self.initial_for(case) if case else {})
        super().__init__(data, initial=initial, **kwargs)
        officer = permissions.case_reader(user)
        if case is not None:
            # Requalifying has its own form, with a reason for the timeline.
            del self.fields["owner_ncb"], self.fields["offence_type"]
            lead_ncbs = [case.owner_ncb_id]
        elif officer is not None:
            del self.fields["owner_ncb"]
            lead_ncbs = [officer.ncb_id]
        else:
            # An instance administrator of no NCB names the NCB the case belongs to.
            self.fields["owner_ncb"].queryset = NationalCentralBureau.objects.select_related(
                "country"
            ).order_by("name")
            lead_ncbs = NationalCentralBureau.objects.values_list("pk", flat=True)
        self.fields["lead_officer"].queryset = case_editors_of(lead_ncbs)
        if case is None:
            self.fields["opened_on"].initial = timezone.localdate
            self.fields["retention_review_on"].help_text = _(
                "Leave empty for the default: five years from today."
            )
        prefix = f"{self.prefix}-countries" if self.prefix else "countries"
        country_initial = initial.get("countries", []) if case else []
        self.countries = CaseCountryFormSet(
            data,
            prefix=prefix,
            initial=country_initial
            + [
                {}
                for _row in range(max(EXTRA_COUNTRY_ROWS, MIN_COUNTRY_ROWS - len(country_initial)))
            ],
            # Every row is cleaned, even one equal to its initial value: a formset would
            # otherwise skip unchanged extra rows and the case would lose those countries.
            form_kwargs={"country_choices": _country_choices(), "empty_permitted": False},
        )

    @staticmethod
    def initial_for(case: Case) -> dict:
        """The current facts of `case` (with its countries and exploitation forms prefetched
        or not: two small queries if not)."""
        return {
            "title": case.title,
            "summary": case.summary,
            "offence_type": case.offence_type,
            "exploitation_forms": [item.form for item in case.exploitation_forms.all()],
            "palermo_acts": list(case.palermo_acts),
            "palermo_means": list(case.palermo_means),
            "palermo_purposes": list(case.palermo_purposes),
            "opened_on": case.opened_on,
            "lead_officer": case.lead_officer_id,
            "confidentiality_level": case.confidentiality_level,
            "handling_codes": list(case.handling_codes),
            "h3_text": case.h3_text,
            "source_reliability": case.source_reliability,
            "information_accuracy": case.information_accuracy,
            "retention_review_on": case.retention_review_on,
            # Origin, then transit, then destination: the order of the route.
            "countries": sorted(
                (
                    {"country": item.country.iso2, "role": item.role}
                    for item in case.countries.select_related("country").order_by("id")
                ),
                key=lambda row: CountryRole.values.index(row["role"]),
            ),
        }

    def is_valid(self) -> bool:
        # Both, always: every mistake is reported at once.
        form_valid = super().is_valid()
        countries_valid = self.countries.is_valid()
        return form_valid and countries_valid

    @property
    def country_errors(self) -> list[str]:
        errors = list(self.countries.non_form_errors())
        errors.extend(getattr(self, "_service_country_errors", []))
        return errors

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict") and "countries" in error.error_dict:
            self._service_country_errors = error.message_dict["countries"]
            error = ValidationError(
                {key: value for key, value in error.error_dict.items() if key != "countries"}
            )
            if not error.error_dict:
                self.add_error(None, _("Check the countries involved."))
                return
        super().add_service_errors(error)

    def case_data(self) -> dict:
        """Everything the form holds, as `case_create` takes it (call after `is_valid()`)."""
        data = {name: self.cleaned_data[name] for name in CASE_FORM_FIELDS if name in self.fields}
        if data["retention_review_on"] is None:
            del data["retention_review_on"]
        data["countries"] = self.countries.pairs()
        return data

    def changed_case_data(self) -> dict:
        """Only what the person changed, as `case_update` takes it (call after `is_valid()`):
        the audit row names exactly the fields that changed."""
        data = {
            name: self.cleaned_data[name]
            for name in CASE_FORM_FIELDS
            if name in self.fields and name in self.changed_data
        }
        if "retention_review_on" in data and data["retention_review_on"] is None:
            del data["retention_review_on"]
        pairs = self.countries.pairs()
        before = {(item["country"], item["role"]) for item in self.initial.get("countries", [])}
        if {(item["country"], item["role"]) for item in pairs} != before:
            data["countries"] = pairs
        return data

    @property
    def selected_owner_ncb(self) -> NationalCentralBureau | None:
        return self.cleaned_data.get("owner_ncb") if "owner_ncb" in self.fields else None


# --- Workflow ---------------------------------------------------------------------------------


class CaseStatusForm(ServiceErrorsMixin, forms.Form):
    """Move a case to one of the statuses its current one allows (`CASE_STATUS_TRANSITIONS`).

    Reopening is offered only to those who may reopen (owner supervisors, admins).
    """

    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "—"), *CaseOutcome.choices],
        required=False,
        help_text=_("Required when closing the case."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when reopening; put on the timeline."),
    )

    def __init__(self, *args, case: Case, can_reopen: bool, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        allowed = [
            status
            for status in CASE_STATUS_TRANSITIONS[case.status]
            if status != CaseStatus.REOPENED or can_reopen
        ]
        self.fields["status"].choices = [(status, CaseStatus(status).label) for status in allowed]
        if CaseStatus.CLOSED not in allowed:
            del self.fields["outcome"]
        if CaseStatus.REOPENED not in allowed:
            self.fields["reason"].help_text = _("Optional; put on the timeline.")

    @property
    def has_choices(self) -> bool:
        return bool(self.fields["status"].choices)

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status == CaseStatus.CLOSED and not cleaned.get("outcome"):
            self.add_error("outcome", _("Choose the outcome of the case to close it."))
        if status == CaseStatus.REOPENED and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the case is reopened."))
        return cleaned


class CaseOffenceTypeForm(ServiceErrorsMixin, forms.Form):
    """Requalify a case (a smuggling case turns out to be trafficking); goes on the timeline."""

    offence_type = forms.ChoiceField(
        label=_("Offence type"), choices=OffenceType.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What changed the assessment; put on the timeline."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("initial", {"offence_type": case.offence_type})
        super().__init__(*args, **kwargs)


# --- Related cases ----------------------------------------------------------------------------


class CaseLinkForm(ServiceErrorsMixin, forms.Form):
    """Relate this case to another one the person may see, named by its reference."""

    to_reference = forms.CharField(
        label=_("Reference of the other case"),
        max_length=24,
        help_text=_("For example DE-2026-000012."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    link_type = forms.ChoiceField(
        label=_("Relation"), choices=CaseLinkType.choices, initial=CaseLinkType.RELATED
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "link")
        super().__init__(*args, **kwargs)

    def clean_to_reference(self) -> str:
        return self.cleaned_data["to_reference"].strip().upper()

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict") and "to_case" in error.error_dict:
            error = ValidationError(
                {
                    ("to_reference" if key == "to_case" else key): value
                    for key, value in error.error_dict.items()
                }
            )
        super().add_service_errors(error)
