"""The handling block (HST.md §3): how confidential, who may see it, what may be done with it.

The victim and minor flags are computed from the body, never typed: the form does not show
them and the saved document keeps them (the services recompute them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from messages_hst import codelists

from .base import DocumentForm
from .fields import NCB_CODE, CodeField, CodesField, DateField, TextField, TokensField


class HandlingForm(DocumentForm):
    """Node: `handling`."""

    paths = {
        "deny": ("access_restrictions", "deny"),
        "allow_only": ("access_restrictions", "allow_only"),
        "review_on": ("retention", "review_on"),
    }

    confidentiality_level = CodeField(codelists.CONFIDENTIALITY_LEVELS, label=_("Confidentiality"))
    dissemination = CodeField(
        codelists.DISSEMINATION, label=_("Dissemination"), help_text=_("Who may see it.")
    )
    handling_codes = CodesField(
        codelists.HANDLING_CODES,
        label=_("Handling codes"),
        help_text=_(
            "H0 crime prevention and combat only · H1 not for judicial proceedings without "
            "permission · H2 no onward dissemination without permission · H3 other restriction."
        ),
    )
    h3_text = TextField(
        label=_("H3 restriction"), required=False, max_length=500, help_text=_("Required with H3.")
    )
    permitted_actions = CodeField(codelists.PERMITTED_ACTIONS, label=_("Permitted actions"))
    purpose = CodesField(codelists.PURPOSES, label=_("Purposes"))
    source_reliability = CodeField(codelists.SOURCE_RELIABILITY, label=_("Source reliability"))
    information_accuracy = CodeField(
        codelists.INFORMATION_ACCURACY, label=_("Information accuracy")
    )
    review_on = DateField(
        label=_("Retention review on"), help_text=_("At most 5 years after creation.")
    )
    deny = TokensField(
        pattern=NCB_CODE, example="IT, RB-ABIDJAN", label=_("Denied NCBs"), max_length=2000
    )
    allow_only = TokensField(
        pattern=NCB_CODE, example="DE, NL", label=_("Only these NCBs"), max_length=2000
    )

    def clean(self):
        cleaned = super().clean()
        if "H3" in (cleaned.get("handling_codes") or []) and not cleaned.get("h3_text"):
            self.add_error("h3_text", _("Say what the H3 restriction is."))
        return cleaned
