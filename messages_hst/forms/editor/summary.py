"""The case summary of the body (HST.md §4): offence, summary, period, status, counts and the
Palermo elements (act, means, purpose)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from messages_hst import codelists

from .base import DocumentForm
from .fields import CodeField, CodesField, CountField, DateField, LinesField, TextField


class CaseSummaryForm(DocumentForm):
    """Node: `body.case_summary`."""

    paths = {
        "period_from": ("period", "from"),
        "period_to": ("period", "to"),
        **{
            f"count_{name}": ("counts", name)
            for name in ("victims", "minors", "suspects", "arrests", "migrants")
        },
        "palermo_acts": ("palermo_elements", "acts"),
        "palermo_means": ("palermo_elements", "means"),
        "palermo_purposes": ("palermo_elements", "purposes"),
    }

    offence_type = CodeField(codelists.OFFENCE_TYPES, label=_("Offence"))
    status_of_investigation = CodeField(
        codelists.STATUS_OF_INVESTIGATION, label=_("Status of the investigation")
    )
    summary = TextField(
        label=_("Summary"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    related_offences = LinesField(label=_("Related offences"), max_item_length=200)
    period_from = DateField(label=_("From"))
    period_to = DateField(label=_("To"))
    count_victims = CountField(label=_("Victims"), max_value=100000)
    count_minors = CountField(label=_("Minors"), max_value=100000)
    count_suspects = CountField(label=_("Suspects"), max_value=100000)
    count_arrests = CountField(label=_("Arrests"), max_value=100000)
    count_migrants = CountField(label=_("Migrants"), max_value=100000)
    palermo_acts = CodesField(codelists.PALERMO_ACTS, label=_("Acts"))
    palermo_means = CodesField(codelists.PALERMO_MEANS, label=_("Means"))
    palermo_purposes = CodesField(codelists.PALERMO_PURPOSES, label=_("Purposes"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("The period ends before it starts."))
        return cleaned
