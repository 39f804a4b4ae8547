"""Triage of a received message: accept it (optionally importing persons, phones and
documents into a new or an existing case of the NCB) or reject it with reason codes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.forms import ServiceErrorsMixin
from messages_hst.choices import RejectionReason

NEW_CASE = "new"
EXISTING_CASE = "existing"
NO_CASE = "none"


class TriageServiceErrors(ServiceErrorsMixin):
    service_error_fields = {
        "create_case": "destination",
        "reasons": "reasons",
        "import_refs": "import_refs",
        "inbound": "__all__",
        "status": "__all__",
    }


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, case) -> str:
        return f"{case.reference} — {case.title}"


class InboundAcceptForm(TriageServiceErrors, forms.Form):
    """Accept a received message. `cases` are the cases the user may change in their NCB;
    `importable` the (ref, label) pairs of the message's persons, phones and documents."""

    destination = forms.ChoiceField(
        label=_("Case"),
        widget=forms.RadioSelect,
        choices=[
            (NO_CASE, _("Accept without importing into a case")),
            (NEW_CASE, _("Open a new case from this message")),
            (EXISTING_CASE, _("Add to an existing case")),
        ],
        initial=NO_CASE,
    )
    case = CaseChoiceField(
        label=_("Existing case"),
        required=False,
        queryset=None,
        to_field_name="public_id",
        empty_label=_("Choose a case"),
    )
    import_refs = forms.MultipleChoiceField(
        label=_("Import"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Persons, phones and documents to copy into the case."),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args, cases, importable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["import_refs"].choices = list(importable)
        if not importable:
            del self.fields["import_refs"]

    def clean(self):
        cleaned = super().clean()
        destination = cleaned.get("destination")
        if destination == EXISTING_CASE and not cleaned.get("case"):
            self.add_error("case", _("Choose the case to add the message to."))
        if destination == NO_CASE and cleaned.get("import_refs"):
            self.add_error("import_refs", _("Choose a new or an existing case to import into."))
        return cleaned

    def service_kwargs(self) -> dict:
        """The keyword arguments of `triage.inbound_accept` (besides actor and inbound)."""
        destination = self.cleaned_data["destination"]
        return {
            "case": self.cleaned_data["case"] if destination == EXISTING_CASE else None,
            "create_case": destination == NEW_CASE,
            "import_refs": tuple(self.cleaned_data.get("import_refs") or ()),
            "comment": self.cleaned_data["comment"],
        }


class InboundRejectForm(TriageServiceErrors, forms.Form):
    """Reject a received message; the sender gets the reasons in a RESPONSE."""

    reasons = forms.MultipleChoiceField(
        label=_("Reasons"), choices=RejectionReason.choices, widget=forms.CheckboxSelectMultiple
    )
    comment = forms.CharField(
        label=_("Comment to the sender"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Sent in the RESPONSE: no personal data."),
    )

    def clean(self):
        cleaned = super().clean()
        if "OTHER" in (cleaned.get("reasons") or ()) and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say what the other reason is."))
        return cleaned
