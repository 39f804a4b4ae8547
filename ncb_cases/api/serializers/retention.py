"""Shapes of the retention review: a case on the review list, and a supervisor's decision."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ncb_cases.api.schema import CodeField
from ncb_cases.choices import RetentionDecision, RetentionState


class RetentionReviewSerializer(serializers.Serializer):
    """A case on its owner NCB's retention review list (open reviews only), or a review
    just decided (the answer to a decision)."""

    public_id = serializers.UUIDField(read_only=True)
    case_id = serializers.UUIDField(source="case.public_id", read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    case_title = serializers.CharField(source="case.title", read_only=True)
    owner_ncb = serializers.CharField(source="owner_ncb.code", read_only=True)
    due_on = serializers.DateField(
        read_only=True, help_text=_("The case's review date when it was listed")
    )
    retention_review_on = serializers.DateField(
        source="case.retention_review_on", read_only=True, help_text=_("The review date now")
    )
    retention_state = CodeField(RetentionState, source="case.retention_state", read_only=True)
    listed_at = serializers.DateTimeField(read_only=True)
    decision = CodeField(RetentionDecision, read_only=True, allow_blank=True)
    retain_until = serializers.DateField(read_only=True, allow_null=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True
    )


class RetentionDecisionSerializer(serializers.Serializer):
    """A supervisor's decision on a case on the review list.

    `RETAIN` needs `retain_until` (after today, at most five years ahead); every decision
    needs a `reason` (kept in the audit trail: do not name people). `ANONYMISE` and `DELETE`
    also start a CORRECTION / CANCEL draft for each HST message about the case that reached
    another NCB; they go out once another supervisor approves them.
    """

    decision = CodeField(RetentionDecision, help_text=_("RETAIN, ANONYMISE or DELETE"))
    reason = serializers.CharField(max_length=2000)
    retain_until = serializers.DateField(required=False, allow_null=True)
