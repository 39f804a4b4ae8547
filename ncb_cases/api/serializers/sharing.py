"""Shapes of shares: a grant of a case to another NCB, for a purpose, until an expiry."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ncb_cases.api.schema import CodeField
from ncb_cases.choices import ShareAccess
from ncb_cases.services import CASE_SHARE_MAX_DAYS


class CaseShareSerializer(serializers.Serializer):
    """A share, active or ended (ended shares are kept as history).

    To share, send `recipient_ncb`, `access`, `purpose` and `expires_at`. Refused, naming the
    field: the owner NCB itself, an unknown NCB, no purpose, an expiry not in the future or
    more than the maximum ahead. Sharing again with an NCB replaces its open share.
    """

    public_id = serializers.UUIDField(read_only=True)
    recipient_ncb = serializers.CharField(
        source="recipient_ncb.code", max_length=20, help_text=_("The recipient NCB's code")
    )
    recipient_ncb_name = serializers.CharField(source="recipient_ncb.name", read_only=True)
    access = CodeField(ShareAccess)
    purpose = serializers.CharField(max_length=1000, help_text=_("Why the case is shared"))
    expires_at = serializers.DateTimeField(
        help_text=format_lazy(
            _("In the future, at most {days} days ahead"), days=CASE_SHARE_MAX_DAYS
        )
    )
    is_active = serializers.SerializerMethodField()
    granted_by = serializers.CharField(source="granted_by.username", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    revoked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    revoked_by = serializers.CharField(
        source="revoked_by.username", read_only=True, allow_null=True
    )
    expired_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("When the expiry was processed")
    )

    def get_is_active(self, share) -> bool:
        return share.is_active()
