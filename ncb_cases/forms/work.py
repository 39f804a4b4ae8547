"""Browser forms of the work on a case: tasks and timeline notes."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from contacts.forms import ServiceErrorsMixin
from ncb_cases.forms.cases import DATE_WIDGET, UserChoiceField


class TaskForm(ServiceErrorsMixin, forms.Form):
    """A new task on a case: what, for whom, by when (`task_create`)."""

    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    assignee = UserChoiceField(
        label=_("Assigned to"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_("Someone who may see the case: of the owner NCB or an NCB it is shared with."),
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, assignees, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "task")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees


class CaseNoteForm(ServiceErrorsMixin, forms.Form):
    """A note on the case's timeline (`case_note_add`); notes are never edited afterwards."""

    text = forms.CharField(
        label=_("Note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Notes cannot be edited or deleted; write a new note to correct one."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)
