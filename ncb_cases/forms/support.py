"""Browser forms of victims' support referrals, over `ncb_cases.services.support`.

The forms check the shape of what was typed; the services decide what is allowed (a victim
of this case, consent or a supervisor's override for a child, legal steps, dates in order)
and their field errors come back next to the field through `add_service_errors`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.choices import SupportService
from contacts.forms import ServiceErrorsMixin
from ncb_cases.choices import CourtRole, ReferralStatus, RepatriationStatus
from ncb_cases.forms.cases import DATE_WIDGET
from ncb_cases.forms.persons import CountryChoiceField


def _date_widget():
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    widget.attrs["max"] = timezone.localdate().isoformat()
    return widget


class ReferralForm(ServiceErrorsMixin, forms.Form):
    """A new referral: the victim (among the case's victims, by pseudonym), the organisation,
    the services, and either the victim's consent or, for a child, a supervisor's override."""

    victim = forms.ChoiceField(label=_("Victim"))
    organisation = forms.ChoiceField(label=_("Organisation"))
    services_requested = forms.MultipleChoiceField(
        label=_("Services requested"),
        required=False,
        choices=SupportService.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    referred_on = forms.DateField(label=_("Referred on"), widget=DATE_WIDGET)
    consent_given = forms.BooleanField(
        label=_("The victim consented to the referral"), required=False
    )
    consent_on = forms.DateField(label=_("Consent given on"), required=False, widget=DATE_WIDGET)
    consent_scope = forms.CharField(
        label=_("Scope of the consent"),
        max_length=300,
        required=False,
        help_text=_("What the victim agreed may be shared, and with whom."),
    )
    consent_override_reason = forms.CharField(
        label=_("Reason to refer a child without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Supervisors only, for a child only: why the referral cannot wait for consent "
            "(the child's best interests, the guardian's decision)."
        ),
    )
    court_role = forms.ChoiceField(
        label=_("Role in court"), choices=CourtRole.choices, initial=CourtRole.NOT_DISCUSSED
    )
    testified_on = forms.DateField(label=_("Testified on"), required=False, widget=DATE_WIDGET)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never the shelter's address."),
    )

    def __init__(self, *args, victim_choices=(), organisation_choices=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("initial", {"referred_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["victim"].choices = [("", _("Choose…")), *victim_choices]
        self.fields["organisation"].choices = [("", _("Choose…")), *organisation_choices]
        for name in ("referred_on", "consent_on", "testified_on"):
            self.fields[name].widget = _date_widget()

    def referral_data(self) -> dict[str, Any]:
        """The valid form as `referral_create`'s `data`."""
        return dict(self.cleaned_data)


class ReferralUpdateForm(ServiceErrorsMixin, forms.Form):
    """What may change on a referral besides its steps: services, court role, notes."""

    services_requested = forms.MultipleChoiceField(
        label=_("Services requested"),
        required=False,
        choices=SupportService.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    court_role = forms.ChoiceField(label=_("Role in court"), choices=CourtRole.choices)
    testified_on = forms.DateField(label=_("Testified on"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["testified_on"].widget = _date_widget()

    @staticmethod
    def initial_from(referral) -> dict[str, Any]:
        return {
            "services_requested": referral.services_requested,
            "court_role": referral.court_role,
            "testified_on": referral.testified_on,
            "notes": referral.notes,
        }

    def update_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ReferralStatusForm(ServiceErrorsMixin, forms.Form):
    """The next care status, among the moves allowed from the current one."""

    to_status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    on = forms.DateField(label=_("On"))

    def __init__(self, *args, allowed=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (value, ReferralStatus(value).label) for value in allowed
        ]
        self.fields["on"].widget = _date_widget()


class RepatriationStepForm(ServiceErrorsMixin, forms.Form):
    """The next repatriation step (there is only one), its day and the receiving country."""

    to_status = forms.ChoiceField(label=_("Step"), widget=forms.HiddenInput)
    on = forms.DateField(label=_("Reached on"))
    receiving_country = CountryChoiceField(
        label=_("Receiving country"), empty_label=_("Unchanged")
    )

    def __init__(self, *args, step=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("initial", {"on": timezone.localdate(), "to_status": step})
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(step, RepatriationStatus(step).label)] if step else []
        self.fields["on"].widget = _date_widget()

    def step_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        country = data.pop("receiving_country")
        data["receiving_country"] = country.iso2 if country is not None else None
        return data
