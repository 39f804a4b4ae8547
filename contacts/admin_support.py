"""Admin of the directory of victim-support organisations (imported by the app's admin.py).

An organisation is saved through `support_organisation_create` / `_update` as from the page
and the API: the same validation (service codes, ISO 639-1 languages, E.164 phone) and one
audit event. Organisations that took referrals cannot be deleted (PROTECT): they are made
inactive instead.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms.utils import pretty_name
from django.utils.translation import gettext_lazy as _

from contacts.choices import SupportService
from contacts.models import SupportOrganisation
from contacts.support_services import (
    ORGANISATION_FIELDS,
    support_organisation_create,
    support_organisation_update,
)


class SupportOrganisationAdminForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("Services"),
        required=False,
        choices=SupportService.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("ISO 639-1 codes separated by commas, such as fr, en."),
    )
    website = forms.URLField(
        label=_("Website"), max_length=200, required=False, assume_scheme="https"
    )

    class Meta:
        model = SupportOrganisation
        fields = ORGANISATION_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["languages"] = ", ".join(self.instance.languages)

    def _post_clean(self):
        # The service validates and saves (with its audit event); ModelForm's own
        # copy-and-validate would bypass its rules.
        if self.errors:
            return
        data = dict(self.cleaned_data)
        data["country"] = data["country"].iso2
        try:
            if self.instance.pk is None:
                self.instance = support_organisation_create(actor=self.actor, data=data)
            else:
                self.instance = support_organisation_update(
                    actor=self.actor, organisation=self.instance, data=data
                )
        except PermissionDenied:
            self.add_error(None, _("You may not record organisations of this country."))
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                if field in self.fields or field == NON_FIELD_ERRORS:
                    self.add_error(field, errors)
                else:
                    label = pretty_name(field)
                    self.add_error(None, [f"{label}: {m}" for e in errors for m in e.messages])


@admin.register(SupportOrganisation)
class SupportOrganisationAdmin(admin.ModelAdmin):
    form = SupportOrganisationAdminForm
    list_display = ("name", "country", "kind", "city", "phone_24_7", "is_active", "updated_at")
    list_filter = ("kind", "is_active", "phone_24_7", "country__region")
    search_fields = ("name", "city", "=country__iso2", "contact_person")
    list_select_related = ("country",)
    autocomplete_fields = ("country",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # `form` is a class made for this request
        return form

    def save_model(self, request, obj, form, change):
        pass  # saved by the service while the form was validated
