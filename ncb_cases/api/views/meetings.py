"""`/meetings/`: meetings, their action items and their documents' metadata.

Reads go through `selectors.meetings` (a meeting the caller may not see is a 404 for
everything under it, a refused read of an existing one audited as DENIED; reading one meeting
is audited as VIEW); writes through `services.meetings` (only supervisors of the organising
NCB and admins: anyone else gets the same 404 for an existing meeting, and a 403 when
planning one). SRB monitors read the meetings their bureau
coordinates, so the role gate here is only "signed in".
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, status, viewsets
from rest_framework.response import Response

from ncb_cases.api.schema import (
    NOT_ALLOWED,
    NOT_AUTHENTICATED,
    NOT_FOUND,
    PAGE_SIZE,
    UUID_PATTERN,
    VALIDATION_ERROR,
    path_id,
)
from ncb_cases.api.serializers.meetings import (
    MeetingActionItemSerializer,
    MeetingDetailSerializer,
    MeetingDocumentSerializer,
    MeetingSerializer,
    MeetingWriteSerializer,
)
from ncb_cases.api.views._common import validated
from ncb_cases.audit import request_ip
from ncb_cases.models import Meeting, MeetingActionItem, MeetingDocument
from ncb_cases.selectors import meetings as selectors
from ncb_cases.services import meetings as services

MEETING_ID = path_id("meeting_id", _("meeting"))
READ = {401: NOT_AUTHENTICATED}
DETAIL = {**READ, 404: NOT_FOUND}
WRITE = {400: VALIDATION_ERROR, **DETAIL}
WHEN = OpenApiParameter(
    "when",
    OpenApiTypes.STR,
    enum=["upcoming", "past"],
    description=_(
        "`upcoming` (not yet ended, soonest first) or `past` (ended, latest first); "
        "default: every meeting, latest first"
    ),
)


class MeetingApiViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list = []

    def fake_schema_view(self) -> bool:
        return getattr(self, "swagger_fake_view", False)


def _detail(request, meeting_id) -> dict:
    meeting = selectors.meeting_detail_for_user(
        user=request.user, meeting_id=meeting_id, ip=request_ip(request)
    )
    meeting.visible_linked_cases = list(
        selectors.meeting_cases_for_user(user=request.user, meeting=meeting)
    )
    return MeetingDetailSerializer(meeting).data


@extend_schema_view(
    list=extend_schema(
        summary=_("List the meetings you may see"),
        description=_(
            "Meetings your NCB organises or takes part in (SRB monitors: those their bureau "
            "coordinates). Linked cases are listed on a meeting's detail only."
        ),
        parameters=[WHEN, PAGE_SIZE],
        responses={200: MeetingSerializer, **READ},
    ),
    retrieve=extend_schema(
        summary=_("A meeting"),
        description=_(
            "With the linked cases you may see anyway (a link shares nothing). Every read is "
            "recorded in the audit trail."
        ),
        responses={200: MeetingDetailSerializer, **DETAIL},
    ),
    create=extend_schema(
        summary=_("Plan a meeting"),
        description=_("Supervisors of the organising NCB, and instance admins."),
        request=MeetingWriteSerializer,
        responses={
            201: MeetingDetailSerializer,
            400: VALIDATION_ERROR,
            403: NOT_ALLOWED,
            **READ,
        },
    ),
    update=extend_schema(
        summary=_("Change a meeting"),
        request=MeetingWriteSerializer,
        responses={200: MeetingDetailSerializer, **WRITE},
    ),
    partial_update=extend_schema(
        summary=_("Change some fields of a meeting"),
        request=MeetingWriteSerializer,
        responses={200: MeetingDetailSerializer, **WRITE},
    ),
)
class MeetingViewSet(MeetingApiViewSet):
    serializer_class = MeetingSerializer
    lookup_field = "public_id"
    # The same name for the meeting's id in every route, page or API, nested or not.
    lookup_url_kwarg = "meeting_id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        if self.fake_schema_view():
            return Meeting.objects.none()
        period = self.request.query_params.get("when")
        if period not in selectors.MEETING_PERIODS:
            period = None
        return selectors.meeting_list_for_user(user=self.request.user, period=period)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MeetingSerializer(page, many=True).data)

    def retrieve(self, request, meeting_id):
        return Response(_detail(request, meeting_id))

    def create(self, request):
        # A role question, not an object's: answered 403 (a 404 would name no missing thing).
        if not selectors.can_create_meetings(request.user):
            raise exceptions.PermissionDenied(
                _("Only supervisors of an NCB and instance admins plan meetings.")
            )
        data = validated(MeetingWriteSerializer(data=request.data))
        meeting = services.meeting_create(actor=request.user, data=data)
        return Response(_detail(request, meeting.public_id), status=status.HTTP_201_CREATED)

    def update(self, request, meeting_id, partial=True):
        meeting = selectors.meeting_get_for_user(
            user=request.user, meeting_id=meeting_id, for_change=True
        )
        data = validated(MeetingWriteSerializer(data=request.data, partial=True))
        services.meeting_update(actor=request.user, meeting=meeting, data=data)
        return Response(_detail(request, meeting_id))

    def partial_update(self, request, meeting_id):
        return self.update(request, meeting_id)


class MeetingChildViewSet(MeetingApiViewSet):
    """Under `/meetings/{meeting_id}/`: the meeting is read once per request through the
    selector, so a meeting the caller may not see is a 404 for everything under it."""

    _meeting: Meeting | None = None

    def get_meeting(self, *, for_change: bool = False) -> Meeting:
        if self._meeting is None or for_change:
            self._meeting = selectors.meeting_get_for_user(
                user=self.request.user, meeting_id=self.kwargs["meeting_id"], for_change=for_change
            )
        return self._meeting


@extend_schema(parameters=[MEETING_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("The action items of a meeting"),
        description=_("Open ones first, by due date."),
        parameters=[PAGE_SIZE],
        responses={200: MeetingActionItemSerializer, **DETAIL},
    ),
    create=extend_schema(
        summary=_("Add an action item"),
        description=_("Owned by the organising or a participating NCB."),
        request=MeetingActionItemSerializer,
        responses={201: MeetingActionItemSerializer, **WRITE},
    ),
    partial_update=extend_schema(
        summary=_("Change an action item (e.g. mark it done with `done_on`)"),
        request=MeetingActionItemSerializer,
        responses={200: MeetingActionItemSerializer, **WRITE},
    ),
)
class MeetingActionItemViewSet(MeetingChildViewSet):
    serializer_class = MeetingActionItemSerializer
    lookup_field = "pk"
    lookup_url_kwarg = "action_item_id"
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.fake_schema_view():
            return MeetingActionItem.objects.none()
        return selectors.meeting_action_items(meeting=self.get_meeting())

    def list(self, request, meeting_id):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MeetingActionItemSerializer(page, many=True).data)

    def create(self, request, meeting_id):
        meeting = self.get_meeting()
        data = _item_data(validated(MeetingActionItemSerializer(data=request.data)))
        item = services.meeting_action_item_add(actor=request.user, meeting=meeting, data=data)
        return Response(MeetingActionItemSerializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, meeting_id, action_item_id):
        meeting = self.get_meeting()
        item = selectors.meeting_item_get_for_user(
            user=request.user, meeting=meeting, item_id=action_item_id
        )
        data = _item_data(validated(MeetingActionItemSerializer(data=request.data, partial=True)))
        item = services.meeting_action_item_update(actor=request.user, item=item, data=data)
        return Response(MeetingActionItemSerializer(item).data)


def _item_data(data: dict) -> dict:
    if "owner_ncb" in data:
        data["owner_ncb"] = (data["owner_ncb"] or {}).get("code")
    return data


@extend_schema(parameters=[MEETING_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("The documents of a meeting (metadata)"),
        description=_(
            "For the organising and participating NCBs only (empty for SRB monitors). "
            "Files are downloaded from the meeting's page."
        ),
        parameters=[PAGE_SIZE],
        responses={200: MeetingDocumentSerializer, **DETAIL},
    ),
)
class MeetingDocumentViewSet(MeetingChildViewSet):
    serializer_class = MeetingDocumentSerializer

    def get_queryset(self):
        if self.fake_schema_view():
            return MeetingDocument.objects.none()
        return selectors.meeting_documents_for_user(
            user=self.request.user, meeting=self.get_meeting()
        )

    def list(self, request, meeting_id):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MeetingDocumentSerializer(page, many=True).data)
