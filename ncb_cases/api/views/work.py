"""`/cases/{case_id}/tasks/` and `/notes/`: work on a case and its append-only timeline."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from ncb_cases import selectors, services
from ncb_cases.api.schema import (
    CASE_ID,
    DETAIL_ERRORS,
    PAGE_SIZE,
    VALIDATION_ERROR,
    WRITE_ERRORS,
)
from ncb_cases.api.serializers.work import CaseNoteSerializer, TaskSerializer
from ncb_cases.api.views._common import CaseChildViewSet, user_by_username, validated
from ncb_cases.models import CaseNote, Task

ASSIGNEE_REFUSED = _("Assign the task to someone who may see the case.")


@extend_schema(parameters=[CASE_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("The tasks of a case"),
        description=_("Open tasks first by due date, then done ones."),
        parameters=[PAGE_SIZE],
        responses={200: TaskSerializer, **DETAIL_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("A task"),
        responses={200: TaskSerializer, 400: VALIDATION_ERROR, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary=_("Add a task"),
        request=TaskSerializer,
        responses={201: TaskSerializer, **WRITE_ERRORS},
    ),
)
class TaskViewSet(CaseChildViewSet):
    serializer_class = TaskSerializer

    def get_queryset(self):
        if self.fake_schema_view():
            return Task.objects.none()
        return selectors.task_list_for_case(user=self.request.user, case=self.get_case())

    def list(self, request, case_id):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(TaskSerializer(page, many=True).data)

    def retrieve(self, request, case_id, public_id):
        return Response(TaskSerializer(self._task(public_id)).data)

    def create(self, request, case_id):
        case = self.get_case()
        data = validated(TaskSerializer(data=request.data))
        assignee = (data.get("assignee") or {}).get("username")
        task = services.task_create(
            actor=request.user,
            case=case,
            title=data["title"],
            description=data.get("description", ""),
            assignee=user_by_username(assignee, field="assignee", message=ASSIGNEE_REFUSED),
            due_on=data.get("due_on"),
        )
        return Response(self._reread(task), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Mark a task done"),
        description=_("By its assignee or by anyone who may change the case."),
        request=None,
        responses={200: TaskSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, case_id, public_id):
        task = services.task_complete(actor=request.user, task=self._task(public_id))
        return Response(self._reread(task))

    def _task(self, public_id) -> Task:
        task = selectors.task_get_for_user(user=self.request.user, task_id=public_id)
        self.check_in_case(task.case_id)
        return task

    def _reread(self, task) -> dict:
        return TaskSerializer(self._task(task.public_id)).data


@extend_schema(parameters=[CASE_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("The timeline of a case"),
        description=_(
            "Newest first: notes and system entries (status, offence type, shares …). "
            "Append-only: entries are never edited nor removed."
        ),
        parameters=[PAGE_SIZE],
        responses={200: CaseNoteSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary=_("Add a note to the timeline"),
        request=CaseNoteSerializer,
        responses={201: CaseNoteSerializer, **WRITE_ERRORS},
    ),
)
class CaseNoteViewSet(CaseChildViewSet):
    serializer_class = CaseNoteSerializer

    def get_queryset(self):
        if self.fake_schema_view():
            return CaseNote.objects.none()
        return selectors.note_list_for_case(user=self.request.user, case=self.get_case())

    def list(self, request, case_id):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CaseNoteSerializer(page, many=True).data)

    def create(self, request, case_id):
        case = self.get_case()
        data = validated(CaseNoteSerializer(data=request.data))
        note = services.case_note_add(actor=request.user, case=case, text=data["text"])
        return Response(CaseNoteSerializer(note).data, status=status.HTTP_201_CREATED)
