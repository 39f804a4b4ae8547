"""Shapes of outgoing messages: the list row, the detail (structured document, status,
problems, deliveries summary, what the caller may do now), and the inputs of the actions.

Output shapes read what `messages_hst.selectors` return; input shapes only check types and
codes so that a malformed request is refused before anything is read. The services decide
what is allowed (the status, the four eyes, the same NCB) and validate the HST document.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from messages_hst.choices import (
    COMPOSABLE_TYPES,
    DeliveryStatus,
    MessageStatus,
    MessageType,
    Priority,
)
from ncb_cases.api.schema import CodeField
from ncb_cases.json_text import unstorable_text_path

# The follow-ups of an approved message (HST.md §5); REPLY answers an inbound REQUEST.
FOLLOW_UP_TYPES = (
    MessageType.UPDATE,
    MessageType.CORRECTION,
    MessageType.CANCEL,
    MessageType.CLOSE,
    MessageType.REMINDER,
)


class ProblemSerializer(serializers.Serializer):
    """One thing wrong with an HST document (HST.md §8)."""

    path = serializers.CharField(help_text=_("JSON pointer of the field at fault (`/body/…`)"))
    code = serializers.CharField(help_text=_("Stable code of the rule (`required`, `mrz`, …)"))
    severity = serializers.ChoiceField(
        choices=[("error", _("Blocks sending")), ("warning", _("Needs an override"))]
    )
    message = serializers.CharField()


class ValidationResultSerializer(serializers.Serializer):
    """The validation of a document: every problem at once, and what they mean for sending."""

    problems = ProblemSerializer(many=True)
    errors = serializers.IntegerField(help_text=_("Problems that block sending"))
    warnings = serializers.IntegerField(
        help_text=_("Problems the approving supervisor must override")
    )
    checked_now = serializers.BooleanField(
        help_text=_(
            "True: validated for this answer (a draft); false: the result stored when the "
            "message was frozen"
        )
    )


def problem_counts(problems) -> tuple[int, int]:
    """(errors, warnings) of a stored problem list."""
    errors = sum(1 for problem in problems or () if problem.get("severity") == "error")
    return errors, len(problems or ()) - errors


class MessageSerializer(serializers.Serializer):
    """An outgoing message as listed: what, to whom, where it stands."""

    message_id = serializers.UUIDField(read_only=True)
    message_type = CodeField(MessageType, read_only=True)
    priority = CodeField(Priority, read_only=True)
    language = serializers.CharField(read_only=True)
    subject = serializers.CharField(read_only=True)
    status = CodeField(MessageStatus, read_only=True)
    sender = serializers.CharField(source="sender_ncb.code", read_only=True)
    recipients = serializers.SerializerMethodField(help_text=_("NCB codes, TO first, then CC"))
    case = serializers.UUIDField(source="case.public_id", read_only=True, allow_null=True)
    case_reference = serializers.CharField(
        source="case.reference", read_only=True, allow_null=True
    )
    in_reply_to = serializers.UUIDField(read_only=True, allow_null=True)
    supersedes = serializers.UUIDField(read_only=True, allow_null=True)
    response_due = serializers.DateField(read_only=True, allow_null=True)
    system_generated = serializers.BooleanField(read_only=True)
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    approved_by = serializers.CharField(
        source="approved_by.username", read_only=True, allow_null=True
    )
    approved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    errors = serializers.SerializerMethodField(help_text=_("Blocking problems at the last save"))
    warnings = serializers.SerializerMethodField(help_text=_("Warnings at the last save"))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_recipients(self, message) -> list[str]:
        recipients = (message.document or {}).get("recipients") or []
        return [
            recipient.get("ncb_code", "")
            for recipient in recipients
            if isinstance(recipient, dict)
        ]

    def get_errors(self, message) -> int:
        return problem_counts(message.problems)[0]

    def get_warnings(self, message) -> int:
        return problem_counts(message.problems)[1]


class DeliverySummarySerializer(serializers.Serializer):
    """Where one recipient's delivery stands (details: the deliveries endpoint)."""

    recipient = serializers.CharField(source="recipient_ncb.code")
    role = serializers.CharField()
    status = CodeField(DeliveryStatus)
    attempts = serializers.IntegerField()
    delivered_at = serializers.DateTimeField(allow_null=True)


class MessageDetailSerializer(MessageSerializer):
    """A message with its structured document, its problems, its deliveries and the actions
    the caller may take now."""

    document = serializers.JSONField(
        read_only=True,
        help_text=_(
            "The HST document (HST.md §2-§4) without its signature. Victims' names are left "
            "out for readers without the case's victim-identity permission."
        ),
    )
    problems = ProblemSerializer(many=True, read_only=True)
    compose_error = serializers.CharField(
        read_only=True, help_text=_("Why building the draft from the case failed, if it did")
    )
    submitted_by = serializers.CharField(
        source="submitted_by.username", read_only=True, allow_null=True
    )
    returned_by = serializers.CharField(
        source="returned_by.username", read_only=True, allow_null=True
    )
    returned_at = serializers.DateTimeField(read_only=True, allow_null=True)
    return_comment = serializers.CharField(read_only=True)
    warnings_overridden = serializers.BooleanField(read_only=True)
    digest = serializers.CharField(
        read_only=True, help_text=_("SHA-256 of the signed canonical JSON, once signed")
    )
    kid = serializers.CharField(read_only=True, help_text=_("Key id of the signature"))
    signed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    dispatched_at = serializers.DateTimeField(read_only=True, allow_null=True)
    deliveries = DeliverySummarySerializer(source="delivery_rows", many=True, read_only=True)
    allowed_actions = serializers.ListField(
        source="actions_now",
        child=serializers.CharField(),
        read_only=True,
        help_text=_(
            "What you may do now: `update`, `submit`, `approve`, `return`, `discard`, "
            "`cancel`, `follow-up`"
        ),
    )


# --- Input ----------------------------------------------------------------------------------


class MessageCreateSerializer(serializers.Serializer):
    """A new draft, built from a case by a worker (status COMPOSING until it is built), or a
    REPLY to a received REQUEST (`reply_to`)."""

    reply_to = serializers.UUIDField(
        required=False,
        help_text=_(
            "Public id of a received REQUEST to answer: makes a REPLY with one outcome per "
            "request; `case`, `recipients` and `message_type` are then taken from it"
        ),
    )
    case = serializers.UUIDField(
        required=False,
        help_text=_("Public id of a case you may change (required without reply_to)"),
    )
    message_type = CodeField(
        MessageType,
        required=False,
        help_text=_("INFO, ALERT, REQUEST, UPDATE, CLOSE… (required without reply_to)"),
    )
    recipients = serializers.ListField(
        child=serializers.RegexField(
            r"^[A-Za-z]{2}[A-Za-z0-9-]{0,10}$",
            error_messages={"invalid": _("Enter an NCB code (ISO alpha-2, GS, an SRB code).")},
        ),
        required=False,
        allow_empty=False,
        max_length=50,
        help_text=_("NCB codes; the first is TO, the others CC"),
    )
    priority = CodeField(Priority, default=Priority.ROUTINE)
    language = serializers.RegexField(
        r"^[a-z]{2}$",
        default="en",
        error_messages={"invalid": _("Enter an ISO 639-1 language code (en, fr, es, ar…).")},
    )
    include_victim_identity = serializers.BooleanField(
        default=False,
        help_text=_(
            "Name the victims (needs the case's victim-identity permission); by default they "
            "are minimised: reference, sex, year of birth, nationalities"
        ),
    )

    def validate(self, attrs):
        if "reply_to" in attrs:
            if attrs.get("message_type", MessageType.REPLY) != MessageType.REPLY:
                raise serializers.ValidationError(
                    {"message_type": [_("An answer to a received REQUEST is a REPLY.")]}
                )
            return attrs
        missing = {
            field: [_("This field is required.")]
            for field in ("case", "message_type", "recipients")
            if field not in attrs
        }
        if missing:
            raise serializers.ValidationError(missing)
        if attrs["message_type"] not in COMPOSABLE_TYPES or attrs["message_type"] in (
            MessageType.REPLY,
            *FOLLOW_UP_TYPES,
        ):
            raise serializers.ValidationError(
                {
                    "message_type": [
                        _(
                            "Compose INFO, ALERT or REQUEST from a case; a REPLY answers a "
                            "received REQUEST (`reply_to`), the other types follow up a sent "
                            "message (its `follow-up` action)."
                        )
                    ]
                }
            )
        attrs["recipients"] = [code.upper() for code in attrs["recipients"]]
        return attrs


class DocumentUpdateSerializer(serializers.Serializer):
    """The edited HST document of a DRAFT. The envelope fields the system owns (message id,
    sender, creation time, version) are kept whatever is sent."""

    document = serializers.JSONField(help_text=_("The whole HST document (HST.md §2-§4)"))

    def validate_document(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("The document is a JSON object."))
        if (path := unstorable_text_path(value)) is not None:
            raise serializers.ValidationError(
                _("%(path)s: a NUL character or a lone surrogate is not I-JSON text.")
                % {"path": path or "/"}
            )
        return value


class ApproveSerializer(serializers.Serializer):
    override_warnings = serializers.BooleanField(
        default=False,
        help_text=_("Needed when the document has warnings: you accept them explicitly"),
    )
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, help_text=_("What the author should correct"))


class CancelSerializer(serializers.Serializer):
    """What the recipients should do with the cancelled message (HST.md §5)."""

    instruction = serializers.ChoiceField(
        choices=[
            ("DISREGARD", _("Disregard it")),
            ("RESTRICT", _("Restrict its use")),
            ("DELETE", _("Delete it")),
        ],
        default="DISREGARD",
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class FollowUpSerializer(CancelSerializer):
    """A new message referencing a sent (or received) one."""

    message_type = CodeField(
        MessageType,
        help_text=_(
            "UPDATE or CLOSE; CORRECTION or CANCEL (only of your NCB's messages); REMINDER "
            "(only of your NCB's REQUESTs)"
        ),
    )
    request_refs = serializers.ListField(
        child=serializers.CharField(max_length=16),
        default=list,
        max_length=200,
        help_text=_("REMINDER: the request items to remind (default: every open one)"),
    )

    def validate_message_type(self, value):
        if value not in FOLLOW_UP_TYPES:
            raise serializers.ValidationError(
                _("A follow-up is an UPDATE, CORRECTION, CANCEL, CLOSE or REMINDER.")
            )
        return value
