"""Browser forms of a case's access: shares with other NCBs and victim-identity grants.

The services (`case_share`, `victim_identity_grant`, …) decide what is allowed; these forms
offer sensible choices (never the owner NCB, only colleagues who may see the case) and put
the services' errors back on their fields.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.forms import ServiceErrorsMixin
from contacts.models import NationalCentralBureau
from ncb_cases.choices import ShareAccess
from ncb_cases.forms.cases import DATE_WIDGET, UserChoiceField
from ncb_cases.models import Case
from ncb_cases.services import CASE_SHARE_MAX_DAYS

DEFAULT_SHARE_DAYS = 90


class NcbChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: NationalCentralBureau) -> str:
        return f"{obj.country.name} — {obj.name} ({obj.code})"


class CaseShareForm(ServiceErrorsMixin, forms.Form):
    """Share a case with another NCB: access level, purpose, until when."""

    recipient_ncb = NcbChoiceField(
        label=_("Share with"),
        queryset=NationalCentralBureau.objects.none(),
        to_field_name="code",
        empty_label=_("Choose an NCB"),
        help_text=_("Sharing again with an NCB that already has access replaces its share."),
    )
    access = forms.ChoiceField(
        label=_("Access"),
        choices=ShareAccess.choices,
        initial=ShareAccess.READ,
        widget=forms.RadioSelect,
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the other NCB needs the case, e.g. “joint investigation team JIT-7”."),
    )
    expires_on = forms.DateField(
        label=_("Access ends after"),
        widget=DATE_WIDGET,
        help_text=_("The share ends at the end of this day, at most %(days)s days from now.")
        % {"days": CASE_SHARE_MAX_DAYS},
    )

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "share")
        super().__init__(*args, **kwargs)
        self.fields["recipient_ncb"].queryset = (
            NationalCentralBureau.objects.exclude(pk=case.owner_ncb_id)
            .select_related("country")
            .order_by("country__name")
        )
        today = timezone.localdate()
        self.fields["expires_on"].initial = today + datetime.timedelta(days=DEFAULT_SHARE_DAYS)
        self.fields["expires_on"].widget.attrs.update(
            {
                "min": (today + datetime.timedelta(days=1)).isoformat(),
                "max": (today + datetime.timedelta(days=CASE_SHARE_MAX_DAYS - 1)).isoformat(),
            }
        )

    # Checked here as well as in `case_share`, so that a bad date is reported together with
    # the form's other errors, not only once they are fixed.
    def clean_expires_on(self) -> datetime.date:
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError(_("The expiry must be in the future."))
        if day >= today + datetime.timedelta(days=CASE_SHARE_MAX_DAYS):
            raise forms.ValidationError(
                _("A share lasts at most %(days)s days; renew it if needed.")
                % {"days": CASE_SHARE_MAX_DAYS}
            )
        return day

    def add_service_errors(self, error) -> None:
        if hasattr(error, "error_dict") and "expires_at" in error.error_dict:
            error = forms.ValidationError(
                {
                    ("expires_on" if key == "expires_at" else key): value
                    for key, value in error.error_dict.items()
                }
            )
        super().add_service_errors(error)


class VictimIdentityGrantForm(ServiceErrorsMixin, forms.Form):
    """Let a colleague who may see the case reveal its victims' identities."""

    user = UserChoiceField(
        label=_("Colleague"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Choose a colleague"),
        help_text=_(
            "Members of the owner NCB and of the NCBs the case is shared with. Every reveal "
            "still asks for a purpose and is recorded."
        ),
    )

    def __init__(self, *args, candidates, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "identity")
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates


class VictimIdentityRevokeForm(forms.Form):
    """Withdraw a holder's victim-identity grant (the holder is chosen by a button)."""

    user = forms.ModelChoiceField(queryset=get_user_model().objects.none())

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = holders
