"""Shapes of work on a case: tasks and the append-only timeline."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ncb_cases.api.schema import CodeField
from ncb_cases.choices import NoteKind


class TaskSerializer(serializers.Serializer):
    """A task; created with `title`, `description`, `assignee` and `due_on`."""

    public_id = serializers.UUIDField(read_only=True)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    assignee = serializers.CharField(
        source="assignee.username",
        max_length=150,
        required=False,
        allow_null=True,
        help_text=_("Username of someone who may see the case"),
    )
    due_on = serializers.DateField(required=False, allow_null=True)
    is_done = serializers.BooleanField(read_only=True)
    done_at = serializers.DateTimeField(read_only=True, allow_null=True)
    done_by = serializers.CharField(source="done_by.username", read_only=True, allow_null=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class CaseNoteSerializer(serializers.Serializer):
    """A timeline entry: a note by a person, or a system entry (status change, share …).

    Append-only: a correction is a new note.
    """

    public_id = serializers.UUIDField(read_only=True)
    kind = CodeField(NoteKind, read_only=True)
    text = serializers.CharField(max_length=5000)
    author = serializers.CharField(source="author.username", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
