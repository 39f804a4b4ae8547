"""Admin of the legislation tracker (imported by the app's admin.py).

A review goes through `legislation_review_record` as it does from the page and the API: the
same rules (a source for every yes or partly, no future date), the reviewer recorded, one
audit event. Reviews are never deleted: the latest is corrected by a new review.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.legislation_services import (
    ASK_FIELDS,
    LegislationReview,
    legislation_review_record,
    legislation_stale_before,
)
from contacts.models import CountryLegislation


class CountryLegislationAdminForm(forms.ModelForm):
    reviewed_on = forms.DateField(
        label=_("Reviewed on"), initial=timezone.localdate, help_text=_("Today or earlier.")
    )
    source_url = forms.URLField(
        label=_("Source URL"), max_length=200, required=False, assume_scheme="https"
    )

    class Meta:
        model = CountryLegislation
        fields = ("country", *ASK_FIELDS, "source_reference", "source_url", "notes")

    def _post_clean(self):
        # The service validates and saves (with the reviewer and the audit event); ModelForm's
        # own copy-and-validate would bypass its rules.
        if self.errors:
            return
        data = self.cleaned_data
        country = data["country"] if self.instance.pk is None else self.instance.country
        review = LegislationReview(
            **{field: data[field] for field in ASK_FIELDS},
            source_reference=data.get("source_reference", ""),
            source_url=data.get("source_url", ""),
            notes=data.get("notes", ""),
            reviewed_on=data["reviewed_on"],
        )
        try:
            self.instance = legislation_review_record(
                actor=self.actor, country=country, review=review
            )
        except PermissionDenied:
            self.add_error(
                None,
                _("Only the NCB's supervisors and instance administrators record a review."),
            )
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                if field in self.fields or field == NON_FIELD_ERRORS:
                    self.add_error(field, errors)
                else:
                    label = pretty_name(field)
                    self.add_error(None, [f"{label}: {m}" for e in errors for m in e.messages])


class ReviewAgeFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return (("current", _("last two years")), ("stale", _("older than two years")))

    def queryset(self, request, queryset):
        cutoff = legislation_stale_before()
        if self.value() == "stale":
            return queryset.filter(last_reviewed_on__lt=cutoff)
        if self.value() == "current":
            return queryset.filter(last_reviewed_on__gte=cutoff)
        return queryset


@admin.register(CountryLegislation)
class CountryLegislationAdmin(admin.ModelAdmin):
    form = CountryLegislationAdminForm
    list_display = ("country", *ASK_FIELDS, "last_reviewed_on", "reviewed_by")
    list_filter = (
        ReviewAgeFilter,
        *ASK_FIELDS,
        "country__region",
        "country__sub_regional_bureau",
    )
    search_fields = ("country__name", "=country__iso2", "=country__iso3", "source_reference")
    list_select_related = ("country", "reviewed_by")
    autocomplete_fields = ("country",)
    readonly_fields = ("last_reviewed_on", "reviewed_by", "updated_at")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # `form` is a class made for this request
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return ("country", *self.readonly_fields)

    def has_delete_permission(self, request, obj=None):
        return False  # a review is corrected by a newer one; the trail keeps both

    def save_model(self, request, obj, form, change):
        pass  # saved by the service while the form was validated
