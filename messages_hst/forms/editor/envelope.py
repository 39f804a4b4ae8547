"""The envelope of a message (HST.md §2): subject, priority, language, recipients, response
due date, related INTERPOL notices. The system owns the rest of it (message id, sender,
creation time, version, case, thread) and the forms never show it."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from messages_hst import codelists

from .base import DocumentForm, ItemForm, item_formset
from .fields import NCB_CODE, CodeField, DateField, TextField


class EnvelopeForm(DocumentForm):
    """The top-level fields a person chooses (node: the whole document)."""

    subject = TextField(label=_("Subject"), required=False, max_length=200)
    priority = CodeField(
        codelists.PRIORITIES,
        label=_("Priority"),
        help_text=_("FLASH: risk to life or imminent movement of victims."),
    )
    language = TextField(
        label=_("Language"),
        required=False,
        max_length=2,
        validators=[
            RegexValidator(r"^[a-z]{2}$", _("An ISO 639-1 code in two lower-case letters (en)."))
        ],
        help_text=_("ISO 639-1: ar, en, es, fr or another."),
    )
    response_due = DateField(label=_("Response due"), help_text=_("Required for a request."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].widget.attrs.update({"list": "hst-languages", "size": 3})


class RecipientForm(ItemForm):
    ncb_code = TextField(
        label=_("NCB"),
        max_length=12,
        validators=[RegexValidator(rf"^({NCB_CODE})$", _("An NCB code: FR, DE, GS or RB-xxx."))],
    )
    role = CodeField(codelists.RECIPIENT_ROLES, label=_("Role"), required=True)

    def clean_ncb_code(self) -> str:
        return self.cleaned_data["ncb_code"].strip().upper()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ncb_code"].widget.attrs.update({"list": "hst-ncbs", "size": 6})


class InterpolRefForm(ItemForm):
    kind = CodeField(codelists.INTERPOL_REF_KINDS, label=_("Notice or diffusion"), required=True)
    number = TextField(label=_("Number"), max_length=40)


RecipientFormSet = item_formset(RecipientForm)
InterpolRefFormSet = item_formset(InterpolRefForm)

__all__ = ["EnvelopeForm", "InterpolRefFormSet", "RecipientFormSet", "forms"]
