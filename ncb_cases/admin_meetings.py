"""Admin pages of meetings (imported by the app's admin.py).

Meetings are planned and changed on the meeting pages and the API (`services.meetings`),
which check who may, validate times, places and participants and write the audit trail; the
admin shows them read-only, with participants, action items and documents, so that an
administrator can answer questions about them. Linked cases are listed by reference only.
"""

from django.contrib import admin

from ncb_cases.admin_read_only import ReadOnlyAdmin, ReadOnlyTabularInline
from ncb_cases.models import Meeting, MeetingActionItem, MeetingDocument, MeetingParticipant


class MeetingParticipantInline(ReadOnlyTabularInline):
    model = MeetingParticipant
    fields = [
        "ncb",
        "invitation_message_id",
        "invitation_sent_at",
        "minutes_message_id",
        "minutes_sent_at",
    ]


class MeetingActionItemInline(ReadOnlyTabularInline):
    model = MeetingActionItem
    fields = ["description", "owner_ncb", "owner_name", "due_on", "done_on"]


class MeetingDocumentInline(ReadOnlyTabularInline):
    model = MeetingDocument
    fields = ["title", "filename", "media_type", "size", "sha256", "uploaded_by", "uploaded_at"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "kind",
        "organising_ncb",
        "organising_bureau",
        "starts_at",
        "ends_at",
        "online",
    ]
    list_filter = ["kind", "online", "organising_bureau", "organising_ncb"]
    list_select_related = ["organising_ncb", "organising_bureau"]
    search_fields = ["title", "public_id"]
    date_hierarchy = "starts_at"
    readonly_fields = [
        "public_id",
        "kind",
        "title",
        "organising_ncb",
        "organising_bureau",
        "starts_at",
        "ends_at",
        "timezone",
        "place",
        "online",
        "agenda",
        "minutes",
        "linked_case_references",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields
    inlines = [MeetingParticipantInline, MeetingActionItemInline, MeetingDocumentInline]

    @admin.display(description="Linked cases")
    def linked_case_references(self, obj) -> str:
        return ", ".join(obj.cases.order_by("reference").values_list("reference", flat=True))


@admin.register(MeetingActionItem)
class MeetingActionItemAdmin(ReadOnlyAdmin):
    list_display = ["description", "meeting", "owner_ncb", "due_on", "done_on"]
    list_filter = ["owner_ncb"]
    list_select_related = ["meeting", "owner_ncb"]
    search_fields = ["description", "meeting__title"]
