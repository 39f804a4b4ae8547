"""The composing and structured editing pages of outgoing messages (included by
`messages_hst.urls` under /messages/, namespace `messages_hst`)."""

from django.urls import path

from messages_hst.views import editor, editor_compose

urlpatterns = [
    path("compose/", editor_compose.compose, name="compose"),
    path("<uuid:message_id>/edit/", editor.edit, name="edit"),
    path("<uuid:message_id>/validate/", editor.validate, name="validate"),
    path(
        "<uuid:message_id>/compose-status/",
        editor_compose.compose_status,
        name="compose_status",
    ),
]
