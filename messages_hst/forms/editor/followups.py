"""The bodies of the follow-up messages (HST.md §5): what a CANCEL instructs, why a CLOSE
closes, which open requests a REMINDER recalls."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from messages_hst import codelists

from .base import DocumentForm
from .fields import CodeField, TextField, TokensField


class CancellationForm(DocumentForm):
    """Node: `body.cancellation`."""

    instruction = CodeField(
        codelists.CANCEL_INSTRUCTIONS,
        label=_("Instruction to the recipients"),
        help_text=_("Restrict its use, delete it, or disregard it."),
    )
    reason = TextField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ClosureForm(DocumentForm):
    """Node: `body.closure`."""

    reason = CodeField(codelists.CLOSE_REASONS, label=_("Why the case is closed"))
    remarks = TextField(
        label=_("Remarks"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReminderForm(DocumentForm):
    """Node: `body.reminder`."""

    request_refs = TokensField(
        pattern=r"R[1-9][0-9]{0,3}", example="R1, R2", label=_("Open requests"), max_length=600
    )
    remarks = TextField(
        label=_("Remarks"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
