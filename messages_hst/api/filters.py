"""The query parameters of the message lists, parsed by forms (errors name the parameter),
documented from the same forms, and applied to querysets the selectors already restricted to
what the caller may see."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from messages_hst.choices import InboundStatus, MessageStatus, MessageType, Priority
from ncb_cases.api.schema import PAGE_SIZE
from ncb_cases.filtersets import CodesField

BOXES = [
    ("drafts", _("Drafts (being composed or edited)")),
    ("approval", _("Awaiting approval")),
    ("outbox", _("Approved, queued, dispatched or cancelled")),
]

MESSAGE_ORDERINGS = [
    ("-created_at", _("Newest first")),
    ("created_at", _("Oldest first")),
    ("-updated_at", _("Recently changed first")),
    ("updated_at", _("Least recently changed first")),
    ("subject", _("Subject")),
    ("-subject", _("Subject, descending")),
    ("status", _("Status")),
    ("-status", _("Status, descending")),
    ("message_type", _("Message type")),
    ("-message_type", _("Message type, descending")),
]

INBOUND_ORDERINGS = [
    ("-received_at", _("Newest first")),
    ("received_at", _("Oldest first")),
    ("subject", _("Subject")),
    ("-subject", _("Subject, descending")),
    ("status", _("Status")),
    ("-status", _("Status, descending")),
]


class _ListForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("created_after"), cleaned.get("created_before")
        if after and before and after > before:
            self.add_error("created_before", _("The end of the period is before its start."))
        return cleaned


class MessageFilterForm(_ListForm):
    """Query parameters of `/api/v1/messages/`; unknown values are errors naming the field."""

    box = forms.ChoiceField(label=_("Box"), choices=[("", "—"), *BOXES], required=False)
    message_type = CodesField(label=_("Type"), choices=MessageType.choices, required=False)
    status = CodesField(label=_("Status"), choices=MessageStatus.choices, required=False)
    priority = CodesField(label=_("Priority"), choices=Priority.choices, required=False)
    case = forms.UUIDField(label=_("Case"), required=False, help_text=_("The case's public id"))
    created_after = forms.DateField(label=_("Created on or after"), required=False)
    created_before = forms.DateField(label=_("Created on or before"), required=False)
    search = forms.CharField(
        label=_("Search"), max_length=200, required=False, help_text=_("In the subject")
    )
    ordering = forms.ChoiceField(
        label=_("Sort by"), choices=[("", "—"), *MESSAGE_ORDERINGS], required=False
    )


class InboundFilterForm(_ListForm):
    """Query parameters of `/api/v1/messages/inbound/`."""

    status = CodesField(label=_("Status"), choices=InboundStatus.choices, required=False)
    message_type = CodesField(label=_("Type"), choices=MessageType.choices, required=False)
    sender = forms.RegexField(
        label=_("Sender NCB"),
        regex=r"^[A-Za-z0-9-]{2,12}$",
        required=False,
        error_messages={"invalid": _("Enter an NCB code.")},
    )
    created_after = forms.DateField(label=_("Received on or after"), required=False)
    created_before = forms.DateField(label=_("Received on or before"), required=False)
    search = forms.CharField(
        label=_("Search"), max_length=200, required=False, help_text=_("In the subject")
    )
    ordering = forms.ChoiceField(
        label=_("Sort by"), choices=[("", "—"), *INBOUND_ORDERINGS], required=False
    )


class TrackedRequestFilterForm(forms.Form):
    """Query parameters of `/api/v1/messages/requests/`."""

    overdue = forms.NullBooleanField(
        label=_("Overdue"),
        required=False,
        help_text=_("true: only open items past their due date, both directions"),
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("", "—"), ("SENT", _("Sent")), ("RECEIVED", _("Received"))],
        required=False,
    )
    open = forms.NullBooleanField(label=_("Open"), required=False)


def form_parameters(form_class: type[forms.Form]) -> list[OpenApiParameter]:
    """Every query parameter of a list, straight from its filter form (and `page_size`)."""
    parameters = []
    for name, field in form_class.base_fields.items():
        choices = [value for value, _label in getattr(field, "choices", []) if value != ""]
        many = isinstance(field, forms.MultipleChoiceField)
        kind = OpenApiTypes.STR
        if isinstance(field, forms.DateField):
            kind = OpenApiTypes.DATE
        elif isinstance(field, forms.UUIDField):
            kind = OpenApiTypes.UUID
        elif isinstance(field, forms.NullBooleanField):
            kind, choices = OpenApiTypes.BOOL, []
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                enum=choices or None,
                many=many or None,
                explode=True if many else None,
                description=field.help_text or field.label,
            )
        )
    return [*parameters, PAGE_SIZE]


def form_errors(form: forms.Form) -> dict[str, list[str]]:
    return {
        ("non_field_errors" if field == "__all__" else field): [
            error["message"] for error in errors
        ]
        for field, errors in form.errors.get_json_data().items()
    }


def message_filter(messages: QuerySet, cleaned: dict) -> QuerySet:
    """The selector's messages narrowed by the form's cleaned values (box aside)."""
    if cleaned.get("message_type"):
        messages = messages.filter(message_type__in=cleaned["message_type"])
    if cleaned.get("status"):
        messages = messages.filter(status__in=cleaned["status"])
    if cleaned.get("priority"):
        messages = messages.filter(priority__in=cleaned["priority"])
    if cleaned.get("case"):
        messages = messages.filter(case__public_id=cleaned["case"])
    if cleaned.get("created_after"):
        messages = messages.filter(created_at__date__gte=cleaned["created_after"])
    if cleaned.get("created_before"):
        messages = messages.filter(created_at__date__lte=cleaned["created_before"])
    if cleaned.get("search", "").strip():
        messages = messages.filter(subject__icontains=cleaned["search"].strip())
    ordering = cleaned.get("ordering")
    if ordering:
        messages = messages.order_by(ordering, "-id" if ordering.startswith("-") else "id")
    return messages


def inbound_filter(inbound: QuerySet, cleaned: dict) -> QuerySet:
    """The selector's received messages narrowed by the form's cleaned values."""
    if cleaned.get("status"):
        inbound = inbound.filter(status__in=cleaned["status"])
    if cleaned.get("message_type"):
        inbound = inbound.filter(message_type__in=cleaned["message_type"])
    if cleaned.get("sender"):
        inbound = inbound.filter(sender_code=cleaned["sender"].upper())
    if cleaned.get("created_after"):
        inbound = inbound.filter(received_at__date__gte=cleaned["created_after"])
    if cleaned.get("created_before"):
        inbound = inbound.filter(received_at__date__lte=cleaned["created_before"])
    if cleaned.get("search", "").strip():
        inbound = inbound.filter(Q(subject__icontains=cleaned["search"].strip()))
    ordering = cleaned.get("ordering")
    if ordering:
        inbound = inbound.order_by(ordering, "-id" if ordering.startswith("-") else "id")
    return inbound
