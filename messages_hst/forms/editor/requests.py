"""What a REQUEST asks for and what a REPLY answers, item by item (HST.md §4, §5)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from messages_hst import codelists

from .base import ItemForm, item_formset
from .fields import ENTITY_REF, CodeField, DateField, RefField, TextField, TokensField


class RequestForm(ItemForm):
    ref = RefField("R", required=True)
    action = CodeField(codelists.REQUEST_ACTIONS, label=_("Action"), required=True)
    target_refs = TokensField(
        pattern=ENTITY_REF, example="P3, V1", label=_("About"), max_length=1000
    )
    justification = TextField(
        label=_("Justification"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deadline = DateField(label=_("Deadline"))


class OutcomeForm(ItemForm):
    request_ref = RefField("R", label=_("Request"), required=True)
    outcome = CodeField(codelists.REPLY_OUTCOMES, label=_("Outcome"), required=True)
    details = TextField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    entity_refs = TokensField(pattern=ENTITY_REF, example="P1", label=_("About"), max_length=1000)


RequestFormSet = item_formset(RequestForm)
OutcomeFormSet = item_formset(OutcomeForm)
