"""Shapes of meetings in the API: the meeting, its action items, its documents' metadata.

Output shows what the reader may see: linked cases are filtered by the view (`cases` holds
only the cases the reader may see anyway); documents list metadata, never the bytes.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ncb_cases.api.schema import CodeField
from ncb_cases.choices import MeetingKind


class MeetingNcbSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class MeetingParticipantSerializer(serializers.Serializer):
    ncb = MeetingNcbSerializer(read_only=True)
    invitation_message_id = serializers.UUIDField(read_only=True, allow_null=True)
    invitation_sent_at = serializers.DateTimeField(read_only=True, allow_null=True)
    minutes_message_id = serializers.UUIDField(read_only=True, allow_null=True)
    minutes_sent_at = serializers.DateTimeField(read_only=True, allow_null=True)


class MeetingCaseSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(read_only=True)
    reference = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


class MeetingSerializer(serializers.Serializer):
    """A meeting as its reader may see it."""

    public_id = serializers.UUIDField(read_only=True)
    kind = CodeField(MeetingKind, read_only=True)
    title = serializers.CharField(read_only=True)
    organising_ncb = MeetingNcbSerializer(read_only=True)
    organising_bureau = serializers.CharField(
        source="organising_bureau.code", read_only=True, allow_null=True
    )
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    timezone = serializers.CharField(read_only=True)
    place = serializers.CharField(read_only=True)
    online = serializers.BooleanField(read_only=True)
    agenda = serializers.CharField(read_only=True)
    minutes = serializers.CharField(read_only=True)
    participants = MeetingParticipantSerializer(source="participations", many=True, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class MeetingDetailSerializer(MeetingSerializer):
    """A meeting with the linked cases the reader may see (set by the view)."""

    cases = MeetingCaseSerializer(source="visible_linked_cases", many=True, read_only=True)


class MeetingWriteSerializer(serializers.Serializer):
    """Planning or changing a meeting (`services.meetings`); PATCH sends any subset.

    Times: ISO 8601; without an offset they are read in `timezone`."""

    kind = CodeField(MeetingKind, required=False)
    title = serializers.CharField(max_length=200, required=False)
    organising_ncb = serializers.CharField(
        required=False, help_text=_("NCB code; instance admins only (others: their own NCB)")
    )
    organising_bureau = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=_("Sub-regional bureau code")
    )
    starts_at = serializers.CharField(required=False)
    ends_at = serializers.CharField(required=False)
    timezone = serializers.CharField(max_length=64, required=False, help_text=_("IANA name"))
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    online = serializers.BooleanField(required=False)
    agenda = serializers.CharField(required=False, allow_blank=True)
    minutes = serializers.CharField(required=False, allow_blank=True)
    participants = serializers.ListField(
        child=serializers.CharField(max_length=12),
        required=False,
        help_text=_("NCB codes of the participating NCBs"),
    )
    cases = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        help_text=_("Public ids of cases you may see; links you cannot see are kept"),
    )


class MeetingActionItemSerializer(serializers.Serializer):
    """An action item; created with `description`, `owner_ncb`, `owner_name`, `due_on`."""

    id = serializers.IntegerField(read_only=True)
    description = serializers.CharField(max_length=500, required=False)
    owner_ncb = serializers.CharField(
        source="owner_ncb.code", required=False, help_text=_("NCB code")
    )
    owner_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    done_on = serializers.DateField(required=False, allow_null=True)


class MeetingDocumentSerializer(serializers.Serializer):
    """A document's metadata; the file is downloaded from the meeting page."""

    public_id = serializers.UUIDField(read_only=True)
    title = serializers.CharField(read_only=True)
    filename = serializers.CharField(read_only=True)
    media_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    sha256 = serializers.CharField(read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    uploaded_at = serializers.DateTimeField(read_only=True)
