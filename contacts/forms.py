"""Browser forms of the contact-point directory.

The forms check the shape of what a person typed; the services decide what is allowed
(phones are valid for their country, designations do not overlap...). Errors a service raises
are put back on the form with `add_service_errors` so the person sees them next to the field.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import ContactPoint, Language
from contacts.services import ContactDetails
from contacts.validators import format_phone_for_display, normalize_phone, time_zone_choices


def _time_zone_choices() -> list[tuple[str, str]]:
    return [("", _("Choose a time zone")), *time_zone_choices()]


class LanguageChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Language) -> str:
        return f"{obj.name} ({obj.code})"


class ServiceErrorsMixin:
    """Show a service's ValidationError on the form: on its field, else above the form.

    Every app's forms use this one; `service_error_fields` renames a service's error key to
    the form field that collects it (for example a nested `to_custodian.country`).
    """

    service_error_fields: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            field = self.service_error_fields.get(key, key)
            self.add_error(field if field in self.fields else None, messages)


class ContactPointForm(ServiceErrorsMixin, forms.Form):
    """The details of a contact point, for designating one (with a start date) or editing."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        help_text=_("Family name in capitals, as in INTERPOL documents: Camille DURAND."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=100, required=False, help_text=_("Rank or function")
    )
    unit = forms.CharField(label=_("Unit"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Office phone"),
        max_length=40,
        required=False,
        help_text=_("International format, e.g. +33 1 72 00 00 01."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    phone_24_7 = forms.CharField(
        label=_("24/7 phone"),
        max_length=40,
        help_text=_("The number that answers day and night, in international format."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    secure_email = forms.EmailField(
        label=_("Secure e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    languages = LanguageChoiceField(
        label=_("Languages"),
        queryset=Language.objects.all(),
        to_field_name="code",
        help_text=_("The languages the contact can be reached in. Ctrl-click to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_time_zone_choices,
        help_text=_("Where the contact works, to show colleagues their local time."),
    )
    designated_from = forms.DateField(
        label=_("Designated from"),
        help_text=_("The first day of the designation; today or earlier."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(
        self, *args, phone_region: str | None = None, with_designated_from: bool = True, **kwargs
    ):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.phone_region = phone_region
        if with_designated_from:
            self.fields["designated_from"].initial = timezone.localdate
        else:
            del self.fields["designated_from"]

    # Checked here as well as in the service so that a bad phone is reported together with
    # the form's other errors, not only once they are fixed.
    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"], default_region=self.phone_region)

    def clean_phone_24_7(self) -> str:
        return normalize_phone(self.cleaned_data["phone_24_7"], default_region=self.phone_region)

    @classmethod
    def for_contact_point(cls, contact: ContactPoint, data=None) -> "ContactPointForm":
        """The edit form of an existing designation, filled in with its details."""
        initial = {
            "full_name": contact.full_name,
            "title": contact.title,
            "unit": contact.unit,
            "phone": format_phone_for_display(contact.phone),
            "phone_24_7": format_phone_for_display(contact.phone_24_7),
            "secure_email": contact.secure_email,
            "languages": [language.code for language in contact.languages.all()],
            "time_zone": contact.time_zone,
        }
        return cls(
            data,
            initial=initial,
            phone_region=contact.ncb.country.iso2,
            with_designated_from=False,
        )

    def contact_details(self, *, user=None) -> ContactDetails:
        """The valid form as the services' ContactDetails; `user` is the contact's account."""
        data = self.cleaned_data
        return ContactDetails(
            full_name=data["full_name"],
            title=data["title"],
            unit=data["unit"],
            phone=data["phone"],
            phone_24_7=data["phone_24_7"],
            secure_email=data["secure_email"],
            languages=tuple(language.code for language in data["languages"]),
            time_zone=data["time_zone"],
            user=user,
        )


class ContactPointEndForm(ServiceErrorsMixin, forms.Form):
    """The last day of a designation that ends without a successor."""

    designated_to = forms.DateField(
        label=_("Designation ends on"),
        initial=timezone.localdate,
        help_text=_("From this day the role is vacant until someone else is designated."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DirectoryFilterCheckbox(forms.CheckboxInput):
    """A ticked box filters; an unticked one means "no filter", never "filter on false"."""

    def value_from_datadict(self, data, files, name):
        return True if super().value_from_datadict(data, files, name) else None


def directory_filter_form_for_browser(form: forms.Form) -> forms.Form:
    """Adapt the directory filterset's form (shared with the API) to the browser page.

    Yes/no filters become check boxes and empty choices say what they mean. Call it before
    the filterset validates its form.
    """
    empty_labels = {
        "region": _("All regions"),
        "sub_regional_bureau": _("All bureaus"),
        "language": _("Any language"),
    }
    for name, label in empty_labels.items():
        form.fields[name].empty_label = label
    for name in ("stale", "without_contact"):
        form.fields[name].widget = DirectoryFilterCheckbox()
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].widget.attrs["placeholder"] = _("e.g. Nigeria, NGA, Arabic")
    form.label_suffix = ""
    return form
