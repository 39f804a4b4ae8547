"""The browser form for asking for a period report: a region the user may ask for, a year and
a quarter. `reports.services.request_period_report` decides what is allowed (periods in the
future are refused there, and shown on the `quarter` field)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.forms import ServiceErrorsMixin
from contacts.models import SubRegionalBureau
from reports.figures import region_label
from reports.permissions import GLOBAL_SCOPE
from reports.services import FIRST_YEAR, previous_quarter

QUARTERS = [
    (1, _("Q1 (January to March)")),
    (2, _("Q2 (April to June)")),
    (3, _("Q3 (July to September)")),
    (4, _("Q4 (October to December)")),
]


class PeriodReportRequestForm(ServiceErrorsMixin, forms.Form):
    """Which region's report, for which quarter; `bureaus` are those the user may ask for."""

    region = forms.ChoiceField(label=_("Region"))
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int)

    def __init__(
        self, *args, bureaus: list[SubRegionalBureau], include_global: bool, **kwargs
    ) -> None:
        last_year, last_quarter = previous_quarter(timezone.localdate())
        kwargs.setdefault("initial", {"year": last_year, "quarter": last_quarter})
        super().__init__(*args, **kwargs)
        self.bureaus = {bureau.code: bureau for bureau in bureaus}
        choices = [(bureau.code, region_label(bureau)) for bureau in bureaus]
        if include_global:
            choices.append((GLOBAL_SCOPE, region_label(None)))
        self.fields["region"].choices = choices
        if len(choices) == 1:
            self.fields["region"].initial = choices[0][0]
        self.fields["year"].widget.attrs.update({"max": last_year, "inputmode": "numeric"})

    @property
    def bureau(self) -> SubRegionalBureau | None:
        """The chosen bureau, None for all regions (once the form is valid)."""
        return self.bureaus.get(self.cleaned_data["region"])
