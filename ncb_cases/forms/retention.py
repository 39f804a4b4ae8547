"""The retention decision form of a case (issue 7 item 5).

`ncb_cases.services.retention.case_retention_decide` decides what is allowed (who, which
dates, a reason); the form offers the three decisions and puts the service's errors back
on their fields.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.forms import ServiceErrorsMixin
from ncb_cases.choices import RETENTION_SUPERVISOR_DECISIONS, RetentionDecision
from ncb_cases.forms.cases import DATE_WIDGET
from ncb_cases.services.retention import latest_retain_until


class RetentionDecisionForm(ServiceErrorsMixin, forms.Form):
    """Retain (until a date, at most five years ahead), anonymise or delete, with a reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (value, RetentionDecision(value).label) for value in RETENTION_SUPERVISOR_DECISIONS
        ],
        widget=forms.RadioSelect,
    )
    retain_until = forms.DateField(
        label=_("Next review on (retain only)"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("At most five years from today."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Kept in the case's audit trail. Do not name people: after an anonymisation or a "
            "deletion this is what remains."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["retain_until"].widget.attrs.update(
            {"min": today.isoformat(), "max": latest_retain_until(today).isoformat()}
        )
