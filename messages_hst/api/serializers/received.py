"""Shapes of the received side: inbound messages, their triage, and tracked requests."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from messages_hst.api.serializers.messages import ProblemSerializer
from messages_hst.choices import (
    InboundStatus,
    RejectionReason,
    RequestDirection,
    RequestOutcome,
    SignatureStatus,
)
from ncb_cases.api.schema import CodeField
from ncb_cases.api.serializers.persons import CaseMatchSerializer


class InboundMessageSerializer(serializers.Serializer):
    """A received message as listed: from whom, what, and how far it was checked."""

    public_id = serializers.UUIDField(help_text=_("This instance's id of the received row"))
    message_id = serializers.UUIDField(allow_null=True, help_text=_("The sender's message id"))
    sender = serializers.CharField(source="sender_code")
    recipient = serializers.CharField(source="recipient_ncb.code")
    message_type = serializers.CharField()
    priority = serializers.CharField()
    subject = serializers.CharField()
    status = CodeField(InboundStatus)
    signature_status = CodeField(SignatureStatus, help_text=_("Empty: not checked"))
    kid = serializers.CharField()
    transport = serializers.CharField()
    received_at = serializers.DateTimeField()
    hst_case_id = serializers.UUIDField(allow_null=True)
    in_reply_to = serializers.UUIDField(allow_null=True)
    case = serializers.UUIDField(source="case.public_id", allow_null=True)
    case_reference = serializers.CharField(source="case.reference", allow_null=True)
    triaged_by = serializers.CharField(source="triaged_by.username", allow_null=True)
    triaged_at = serializers.DateTimeField(allow_null=True)


class InboundMessageDetailSerializer(InboundMessageSerializer):
    """A received message with its document, its problems and its triage."""

    document = serializers.JSONField(
        allow_null=True,
        help_text=_(
            "The message as received (null when it could not be parsed). Victims' names are "
            "left out for readers without the victim-identity permission of the case it was "
            "imported into."
        ),
    )
    problems = ProblemSerializer(many=True)
    raw_sha256 = serializers.CharField(help_text=_("SHA-256 of the bytes as received"))
    byte_size = serializers.IntegerField()
    triage_comment = serializers.CharField()
    rejection_reasons = serializers.ListField(child=CodeField(RejectionReason))
    allowed_actions = serializers.ListField(
        source="actions_now",
        child=serializers.CharField(),
        help_text=_("What you may do now: `accept`, `reject`, `reply`"),
    )


class InboundAcceptSerializer(serializers.Serializer):
    case = serializers.UUIDField(
        required=False, help_text=_("Public id of a case of your NCB to import into")
    )
    create_case = serializers.BooleanField(
        default=False, help_text=_("Open a new case of your NCB from the message")
    )
    import_refs = serializers.ListField(
        child=serializers.RegexField(
            r"^[A-Za-z][A-Za-z0-9_-]{0,15}$",
            error_messages={"invalid": _("Enter an entity ref of the message (P1, D1, C1…).")},
        ),
        default=list,
        max_length=500,
        help_text=_("Refs of the persons, phones and documents to import"),
    )
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs.get("case") and attrs["create_case"]:
            raise serializers.ValidationError(
                {"create_case": [_("Import into an existing case or a new one, not both.")]}
            )
        if attrs["import_refs"] and not (attrs.get("case") or attrs["create_case"]):
            raise serializers.ValidationError(
                {"import_refs": [_("Name the case to import into, or create one.")]}
            )
        return attrs


class InboundRejectSerializer(serializers.Serializer):
    reasons = serializers.ListField(
        child=CodeField(RejectionReason), allow_empty=False, max_length=7
    )
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class InboundTriageResultSerializer(serializers.Serializer):
    """The triaged message, and the cases where what was imported also appears."""

    inbound = InboundMessageDetailSerializer()
    case = serializers.UUIDField(allow_null=True, help_text=_("The case imported into"))
    matches = CaseMatchSerializer(many=True)


class TrackedRequestSerializer(serializers.Serializer):
    """One `requests[]` item of a REQUEST, followed until its REPLY."""

    direction = CodeField(RequestDirection)
    counterpart = serializers.CharField(source="counterpart_code")
    request_message_id = serializers.UUIDField()
    request_ref = serializers.CharField()
    action = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.SerializerMethodField(help_text=_("Open and past its due date"))
    case = serializers.UUIDField(source="case.public_id", allow_null=True)
    case_reference = serializers.CharField(source="case.reference", allow_null=True)
    outcome = CodeField(RequestOutcome, help_text=_("Empty while open"))
    answered_at = serializers.DateTimeField(allow_null=True)
    answer_message_id = serializers.UUIDField(allow_null=True)
    reminded_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_overdue(self, tracked) -> bool:
        today = self.context["today"]
        return not tracked.outcome and tracked.due_on is not None and tracked.due_on < today
