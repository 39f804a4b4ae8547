"""The compose form: which case, which type, to whom. The draft itself is built by a task
(`messages_hst.services.message_compose_start`) and then edited in the structured editor."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.forms import ServiceErrorsMixin
from messages_hst import codelists
from messages_hst.compose import CASE_TYPES

from .fields import NCB_CODE, CodeField, TokensField, code_choices

# The newest cases offered in the list; an older case is composed from its own page.
CASE_CHOICES_LIMIT = 200


class ComposeForm(ServiceErrorsMixin, forms.Form):
    """`cases`: (public id, label) of the cases the officer may compose about."""

    case = forms.ChoiceField(label=_("Case"))
    message_type = forms.ChoiceField(
        label=_("Type of message"),
        choices=[(t.value, f"{t.value} — {t.label}") for t in CASE_TYPES],
        help_text=_(
            "INFO shares facts; ALERT warns of an imminent risk (URGENT or FLASH); REQUEST "
            "asks the recipients to act by a due date. Replies and follow-ups start from the "
            "message they answer."
        ),
    )
    recipients_to = TokensField(
        pattern=NCB_CODE, example="DE, NL", label=_("To (NCBs)"), required=True, max_length=600
    )
    recipients_cc = TokensField(
        pattern=NCB_CODE, example="GS", label=_("Copy to (NCBs)"), max_length=600
    )
    priority = CodeField(codelists.PRIORITIES, label=_("Priority"), required=True)
    language = forms.ChoiceField(
        label=_("Language of the message"), choices=code_choices(codelists.LANGUAGES, blank=False)
    )
    subject = forms.CharField(label=_("Subject"), required=False, max_length=200)
    include_victim_identity = forms.BooleanField(
        label=_("Include the identity of victims"),
        required=False,
        help_text=_(
            "Only if you hold the victim-identity permission on the case; otherwise victims "
            "are sent as ref, sex, year of birth and nationalities."
        ),
    )

    service_error_fields = {"recipients": "recipients_to"}

    def __init__(self, *args, cases: list[tuple[str, str]], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [("", "—"), *cases]
        self.fields["priority"].initial = "ROUTINE"
        self.fields["language"].initial = "en"
        self.fields["recipients_to"].widget.attrs["list"] = "hst-ncbs"
        self.fields["recipients_cc"].widget.attrs["list"] = "hst-ncbs"

    def clean(self):
        cleaned = super().clean()
        to, cc = cleaned.get("recipients_to") or [], cleaned.get("recipients_cc") or []
        both = sorted(set(to) & set(cc))
        if both:
            self.add_error(
                "recipients_cc",
                _("Already a main recipient: %(codes)s.") % {"codes": ", ".join(both)},
            )
        if cleaned.get("message_type") == "ALERT" and cleaned.get("priority") in (
            "ROUTINE",
            "PRIORITY",
        ):
            self.add_error("priority", _("An alert is URGENT or FLASH."))
        return cleaned

    def recipients(self) -> list[dict[str, str]]:
        to = [{"ncb_code": code, "role": "TO"} for code in self.cleaned_data["recipients_to"]]
        cc = [{"ncb_code": code, "role": "CC"} for code in self.cleaned_data["recipients_cc"]]
        return to + cc
