"""The decisions on an outgoing message: submit, approve, return, discard, follow up,
requeue a delivery. Each is a POST of its own small form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.forms import ServiceErrorsMixin
from messages_hst.choices import MessageType

FOLLOW_UP_TYPES = (
    MessageType.UPDATE,
    MessageType.CORRECTION,
    MessageType.CANCEL,
    MessageType.CLOSE,
    MessageType.REMINDER,
)
# A correction or a cancellation supersedes the original: only its sender may write one.
SAME_SENDER_FOLLOW_UPS = (MessageType.CORRECTION, MessageType.CANCEL)
CANCEL_INSTRUCTIONS = (
    ("DISREGARD", _("disregard it")),
    ("RESTRICT", _("restrict its use")),
    ("DELETE", _("delete it")),
)


class MessageServiceErrors(ServiceErrorsMixin):
    """HST problems come back under "document"; a decision form shows them above itself."""

    service_error_fields = {
        "document": "__all__",
        "message": "__all__",
        "status": "__all__",
        "original": "__all__",
    }

    def add_service_errors(self, error) -> None:
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                field = self.service_error_fields.get(key, key)
                self.add_error(field if field in self.fields else None, messages)
            return
        self.add_error(None, error.messages)


class SubmitForm(MessageServiceErrors, forms.Form):
    """Submit a draft for approval (no field: the draft's validation decides)."""


class DiscardForm(MessageServiceErrors, forms.Form):
    """Discard a draft, or a message returned for correction."""


class RequeueForm(MessageServiceErrors, forms.Form):
    """Put a dead or rejected delivery back in the queue."""


class ApproveForm(MessageServiceErrors, forms.Form):
    """A second person's approval; the warnings of the validation need an explicit override."""

    override_warnings = forms.BooleanField(
        label=_("I have read the warnings and approve the message nevertheless"),
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = list(warnings)
        if not self.warnings:
            del self.fields["override_warnings"]

    def clean(self):
        cleaned = super().clean()
        if self.warnings and not cleaned.get("override_warnings"):
            self.add_error(
                "override_warnings",
                _("The message has warnings: tick the box to approve it nevertheless."),
            )
        return cleaned


class ReturnForm(MessageServiceErrors, forms.Form):
    """Return a message to its author for correction, saying what to correct."""

    comment = forms.CharField(
        label=_("What should be corrected"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FollowUpForm(MessageServiceErrors, forms.Form):
    """Start a new message that refers to an approved one (HST.md principle 2). A REMINDER
    follows a REQUEST only; a CANCEL says what the recipients should do with the original. A
    message received is followed up with an UPDATE or a CLOSE only (`received`)."""

    message_type = forms.ChoiceField(label=_("Follow-up"), widget=forms.RadioSelect)
    instruction = forms.ChoiceField(
        label=_("For a cancellation: the recipients should"),
        required=False,
        choices=CANCEL_INSTRUCTIONS,
        initial="DISREGARD",
    )
    reason = forms.CharField(
        label=_("Reason of the correction or cancellation"),
        required=False,
        max_length=500,
        help_text=_("Sent to the recipients: no personal data."),
    )

    def __init__(self, *args, original_type: str = "", received: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if received:
            # Only its sender corrects, cancels or reminds a message (HST.md §5).
            types = [MessageType.UPDATE, MessageType.CLOSE]
            del self.fields["instruction"]
            del self.fields["reason"]
        else:
            types = [
                kind
                for kind in FOLLOW_UP_TYPES
                if kind != MessageType.REMINDER or original_type == MessageType.REQUEST
            ]
        self.fields["message_type"].choices = [(kind.value, kind.label) for kind in types]

    def service_kwargs(self) -> dict:
        """The keyword arguments of `message_follow_up_start` besides actor and original."""
        kind = self.cleaned_data["message_type"]
        kwargs = {"message_type": MessageType(kind)}
        if kind == MessageType.CANCEL:
            kwargs["instruction"] = self.cleaned_data["instruction"] or "DISREGARD"
        if kind in SAME_SENDER_FOLLOW_UPS:
            kwargs["reason"] = self.cleaned_data["reason"]
        return kwargs
