"""Browser forms of the legislation tracker: the table's filters and a country's review."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.choices import LegislationStatus
from contacts.forms import ServiceErrorsMixin
from contacts.legislation_filtersets import REVIEW_STATES
from contacts.legislation_services import (
    LEGISLATION_ASKS,
    LegislationReview,
)
from contacts.models import CountryLegislation

ASK_HELP = {
    "assistance_punishable": _("Helping someone commit trafficking is itself an offence."),
    "incitement_punishable": _("Inciting someone to commit trafficking is itself an offence."),
    "asset_seizure": _("Assets derived from trafficking can be frozen or seized."),
    "asset_confiscation": _("Assets derived from trafficking can be confiscated after trial."),
}


class LegislationReviewForm(ServiceErrorsMixin, forms.Form):
    """One country's answers to the resolution's asks, their source and the review's date.

    The service decides what is allowed (a source for every "yes" or "partly", no review
    dated in the future); its errors come back next to the fields."""

    source_reference = forms.CharField(
        label=_("Source reference"),
        max_length=300,
        required=False,
        help_text=_(
            "The law and its articles, e.g. “Penal Code, art. 225-4-1 and 225-4-7”. Required "
            "when any answer is yes or partly."
        ),
    )
    source_url = forms.URLField(
        label=_("Link to the source"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("Where colleagues can read the text (an official legal database)."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What “partly” means here, pending bills, how the courts apply it."),
    )
    reviewed_on = forms.DateField(
        label=_("Reviewed on"),
        help_text=_("The day the law was checked; today or earlier."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        asks = {
            field: forms.ChoiceField(
                label=label,
                choices=LegislationStatus.choices,
                initial=LegislationStatus.UNKNOWN,
                widget=forms.RadioSelect,
                help_text=ASK_HELP[field],
            )
            for field, label in LEGISLATION_ASKS
        }
        # The four questions first, in the table's order, then their source.
        self.fields = {**asks, **self.fields}
        self.fields["reviewed_on"].initial = timezone.localdate

    @classmethod
    def for_legislation(cls, legislation: CountryLegislation | None, data=None):
        """The form filled in with the review on record (a new review is dated today)."""
        current = LegislationReview.of(legislation)
        initial = {field: getattr(current, field) for field, _label in LEGISLATION_ASKS}
        initial.update(
            source_reference=current.source_reference,
            source_url=current.source_url,
            notes=current.notes,
        )
        return cls(data=data, initial=initial)

    def review(self) -> LegislationReview:
        data = self.cleaned_data
        return LegislationReview(
            **{field: data[field] for field, _label in LEGISLATION_ASKS},
            source_reference=data["source_reference"],
            source_url=data["source_url"],
            notes=data["notes"],
            reviewed_on=data["reviewed_on"],
        )


def legislation_filter_form_for_browser(form: forms.Form) -> forms.Form:
    """Adapt the tracker's filterset form (shared with the API) to the page: empty choices
    that say what they mean, a search box. Call it before the filterset validates."""
    form.fields["region"].empty_label = _("All regions")
    form.fields["sub_regional_bureau"].empty_label = _("All bureaus")
    # Choices are set again so that their iterator reads this field's empty label (the form's
    # field is a copy of the filter's, and the copied iterator still points at the original).
    form.fields["review"].empty_label = _("Any review date")
    form.fields["review"].choices = REVIEW_STATES
    form.fields["is_member"].widget = forms.Select(
        choices=[("", _("Members and others")), ("true", _("Members")), ("false", _("Others"))]
    )
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].widget.attrs["placeholder"] = _("e.g. Nigeria, NGA")
    form.label_suffix = ""
    return form
