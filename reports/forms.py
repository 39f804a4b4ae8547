"""The period (and region) of a regional report, for the pages and the API alike."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contacts.models import SubRegionalBureau
from reports.permissions import GLOBAL_SCOPE

MAX_MONTHS = 120


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve months: from the first day of the month eleven months ago to today."""
    today = today or timezone.localdate()
    month_index = today.year * 12 + today.month - 1 - 11
    return date(month_index // 12, month_index % 12 + 1, 1), today


class ReportPeriodForm(forms.Form):
    """An inclusive period that has already happened: it may end today, not later."""

    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Inclusive; today at the latest."),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        today = timezone.localdate()
        if start and start > today:
            self.add_error("start", gettext("A report period cannot start in the future."))
        if end and end > today:
            self.add_error("end", gettext("A report period cannot end in the future."))
        if start and end and start > end:
            self.add_error("end", gettext("The end of the period is before its start."))
        elif (
            start and end and (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS
        ):
            self.add_error(
                "start",
                gettext("A report covers %(months)s months at most.") % {"months": MAX_MONTHS},
            )
        return cleaned


class ReportChoiceForm(ReportPeriodForm):
    """The index page: a region the user may read, and a period."""

    region = forms.ChoiceField(label=_("Region"))

    field_order = ["region", "start", "end"]

    def __init__(self, *args, bureaus: list[SubRegionalBureau], include_global: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(bureau.code, f"{bureau.name} ({bureau.code})") for bureau in bureaus]
        if include_global:
            choices.append((GLOBAL_SCOPE, gettext("All regions")))
        self.fields["region"].choices = choices
