"""Browser pages under /meetings/ (namespace `meetings`): the calendar, a meeting, its forms,
documents, calendar file and HST drafts. Meetings and documents are addressed by public UUIDs;
an action item (no personal data) by its number, in a POST-only URL."""

from django.urls import path

from ncb_cases.views import meetings

app_name = "meetings"

urlpatterns = [
    path("", meetings.meeting_list, name="list"),
    path("new/", meetings.meeting_create, name="create"),
    path("<uuid:meeting_id>/", meetings.meeting_detail, name="detail"),
    path("<uuid:meeting_id>/edit/", meetings.meeting_edit, name="edit"),
    path("<uuid:meeting_id>/meeting.ics", meetings.meeting_calendar_file, name="ics"),
    path("<uuid:meeting_id>/items/", meetings.meeting_item_add, name="item_add"),
    path(
        "<uuid:meeting_id>/items/<int:action_item_id>/done/",
        meetings.meeting_item_done,
        name="item_done",
    ),
    path("<uuid:meeting_id>/documents/", meetings.meeting_document_upload, name="document_add"),
    path(
        "<uuid:meeting_id>/documents/<uuid:document_id>/download/",
        meetings.meeting_document_download,
        name="document",
    ),
    path(
        "<uuid:meeting_id>/send-invitation/",
        meetings.meeting_send,
        {"purpose": "invitation"},
        name="send_invitation",
    ),
    path(
        "<uuid:meeting_id>/send-minutes/",
        meetings.meeting_send,
        {"purpose": "minutes"},
        name="send_minutes",
    ),
]
