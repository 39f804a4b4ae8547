"""`/api/v1/messages/`: list, compose, read, edit and move outgoing messages along their
lifecycle (HST.md §6): submit, approve (four eyes), return, discard, cancel, follow up.

Thin adapters over `messages_hst.selectors` (the one access path: a message of another NCB
is a 404 before the request body is read) and `messages_hst.services.authoring` (every state
change: full validation, audit, one transaction). A detail read is the audited
`message_detail_for_user`. The deliveries, rendering and validation of a message are in
`messages_hst.api.views.message_parts`.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from messages_hst import permissions as message_permissions
from messages_hst import selectors, services
from messages_hst.api.filters import (
    MessageFilterForm,
    form_errors,
    form_parameters,
    message_filter,
)
from messages_hst.api.serializers.messages import (
    ApproveSerializer,
    CancelSerializer,
    DocumentUpdateSerializer,
    FollowUpSerializer,
    MessageCreateSerializer,
    MessageDetailSerializer,
    MessageSerializer,
    ReturnSerializer,
)
from messages_hst.api.views._common import (
    ACTION_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    MessageApiViewSet,
    service_errors,
)
from messages_hst.api.views.message_parts import MessagePartsMixin
from messages_hst.choices import SENT_STATUSES, MessageStatus, MessageType
from messages_hst.models import HSTMessage
from messages_hst.redaction import (
    document_with_withheld_identity_kept,
    document_without_victim_identity,
    problems_without_victim_identity,
)
from ncb_cases import selectors as case_selectors
from ncb_cases.api.schema import path_id
from ncb_cases.api.views._common import validated

MESSAGE_ID = path_id("message_id", _("message (its HST message id)"))
CASE_REFUSED = _("No case you may change has this id.")
INBOUND_REFUSED = _("Your NCB received no REQUEST with this id.")
DISCARDABLE = (MessageStatus.COMPOSING, MessageStatus.DRAFT, MessageStatus.PENDING_APPROVAL)
# The related rows a list row reads: one query per page with the messages.
ROW_RELATED = ("case", "sender_ncb", "created_by", "approved_by")


def actions_now(user, message: HSTMessage) -> list[str]:
    """What `user` may do with `message` now (for buttons; the services check again)."""
    allowed = []
    changeable = message_permissions.can_change_message(user, message)
    if message.status == MessageStatus.DRAFT and changeable:
        allowed += ["update", "submit"]
    if message.status in DISCARDABLE and changeable:
        allowed.append("discard")
    pending = message.status == MessageStatus.PENDING_APPROVAL
    if pending and message_permissions.can_approve(user, message):
        allowed += ["approve", "return"]
    if message.status in SENT_STATUSES and message_permissions.can_compose(user):
        if changeable:
            allowed.append("cancel")
        allowed.append("follow-up")
    return allowed


@extend_schema(parameters=[MESSAGE_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("List your NCB's outgoing messages"),
        description=_(
            "Newest first unless `ordering` says otherwise; `box` picks drafts (being "
            "composed or edited), those awaiting approval, or the outbox. Invalid parameters: "
            "400 naming the parameter."
        ),
        parameters=form_parameters(MessageFilterForm),
        responses={200: MessageSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("A message: its document, status, problems and deliveries"),
        description=_(
            "Every read is recorded in the audit trail. Victims' names are left out unless "
            "you hold the case's victim-identity permission."
        ),
        responses={200: MessageDetailSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary=_("Start a draft"),
        description=_(
            "From a case you may change (INFO, ALERT, REQUEST), or a REPLY to a REQUEST your "
            "NCB received (`reply_to`, one outcome per request item). A worker builds the "
            "document (victims minimised unless `include_victim_identity` and you hold the "
            "case's permission): the message is COMPOSING until then, 202, poll its detail "
            "(`Location`); 201 if it was built at once. A case or received message that is "
            "not yours is a 400 naming the field."
        ),
        request=MessageCreateSerializer,
        responses={
            201: OpenApiResponse(MessageDetailSerializer, description=_("The draft, built")),
            202: OpenApiResponse(
                MessageDetailSerializer, description=_("COMPOSING; poll the detail")
            ),
            **LIST_ERRORS,
        },
    ),
    partial_update=extend_schema(
        summary=_("Edit a draft's document"),
        description=_(
            "Replaces the document of a DRAFT of your NCB (the message id, sender, creation "
            "time and version stay the system's; protected persons' identities you were shown "
            "masked stay as they were). A document with problems is saved all the "
            "same: the answer carries the full validation result in `problems`; errors only "
            "block submitting. A message that is no longer a draft: 400 naming `status`."
        ),
        request=DocumentUpdateSerializer,
        responses={200: MessageDetailSerializer, **ACTION_ERRORS},
    ),
)
class MessageViewSet(MessagePartsMixin, MessageApiViewSet):
    """Outgoing messages of the caller's NCB; 404 for any other."""

    serializer_class = MessageSerializer
    lookup_field = "message_id"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.fake_schema_view():
            return HSTMessage.objects.none()
        form = MessageFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        messages = selectors.message_list_for_user(
            user=self.request.user, box=form.cleaned_data.get("box") or None
        )
        messages = message_filter(messages, form.cleaned_data).select_related(*ROW_RELATED)
        # A row reads the document's recipients, never the signed bytes nor the rendering.
        return messages.defer("signed_bytes", "rendering")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MessageSerializer(page, many=True).data)

    def retrieve(self, request, message_id):
        return Response(self._detail(self._audited(message_id)))

    def create(self, request):
        data = validated(MessageCreateSerializer(data=request.data))
        with service_errors(inbound="reply_to"):
            if "reply_to" in data:
                message = services.reply_start(actor=request.user, inbound=self._inbound(data))
            else:
                message = services.message_compose_start(
                    actor=request.user,
                    case=self._case(data["case"]),
                    message_type=data["message_type"],
                    recipients=data["recipients"],
                    priority=data["priority"],
                    language=data["language"],
                    include_victim_identity=data["include_victim_identity"],
                )
        return self.started(message)

    def partial_update(self, request, message_id):
        message = self._changeable(message_id)
        document = validated(DocumentUpdateSerializer(data=request.data))["document"]
        if not self.may_see_victims(message):
            document = document_with_withheld_identity_kept(document, message.document)
        with service_errors():
            message = services.message_update_draft(
                actor=request.user, message=message, document=document
            )
        return Response(self._reread(message))

    # --- Lifecycle ----------------------------------------------------------------------------

    @extend_schema(
        summary=_("Submit a draft for approval"),
        description=_(
            "Validates the document in full: any error blocks (400 with every problem under "
            "`document`); warnings pass and wait for the approver's override."
        ),
        request=None,
        responses={200: MessageDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, message_id):
        message = self._changeable(message_id)
        with service_errors(problems_shown=self.problems_shown(message)):
            message = services.message_submit(actor=request.user, message=message)
        return Response(self._reread(message))

    @extend_schema(
        summary=_("Approve a message (four eyes)"),
        description=_(
            "By a supervisor of the sender NCB who neither wrote nor submitted it (403 "
            "otherwise). Warnings need `override_warnings` (400 listing them under "
            "`document` without it). Approval freezes the message and schedules its "
            "deliveries in the same transaction; a REQUEST's items are tracked."
        ),
        request=ApproveSerializer,
        responses={200: MessageDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, message_id):
        message = self._changeable(message_id)
        data = validated(ApproveSerializer(data=request.data))
        with service_errors(problems_shown=self.problems_shown(message)):
            message = services.message_approve(
                actor=request.user,
                message=message,
                override_warnings=data["override_warnings"],
                comment=data["comment"],
            )
        return Response(self._reread(message))

    @extend_schema(
        summary=_("Return a message to its author for correction"),
        description=_("The approver's other answer: the message becomes a DRAFT again."),
        request=ReturnSerializer,
        responses={200: MessageDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_correction(self, request, message_id):
        message = self._changeable(message_id)
        data = validated(ReturnSerializer(data=request.data))
        with service_errors():
            message = services.message_return(
                actor=request.user, message=message, comment=data["comment"]
            )
        return Response(self._reread(message))

    @extend_schema(
        summary=_("Discard a message not yet approved"),
        description=_(
            "Being composed, a draft or awaiting approval: kept as DISCARDED, never sent."
        ),
        request=None,
        responses={200: MessageDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def discard(self, request, message_id):
        message = self._changeable(message_id)
        with service_errors():
            message = services.message_discard(actor=request.user, message=message)
        return Response(self._reread(message))

    @extend_schema(
        summary=_("Cancel a sent message"),
        description=_(
            "A sent message never changes (HST.md principle 2): this starts a CANCEL draft "
            "that supersedes it, with the recipients' `instruction`, to be checked, submitted "
            "and approved like any other. Only for your NCB's messages. Answers the new "
            "message (`Location`): 202 while a worker builds it."
        ),
        request=CancelSerializer,
        responses={
            202: OpenApiResponse(MessageDetailSerializer, description=_("The CANCEL, building")),
            **ACTION_ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, message_id):
        original = self._changeable(message_id)
        data = validated(CancelSerializer(data=request.data))
        return self._follow_up(original, {"message_type": MessageType.CANCEL, **data})

    @extend_schema(
        summary=_("Follow up a sent message"),
        description=_(
            "Starts an UPDATE, CORRECTION, CANCEL, CLOSE or REMINDER referencing the message, "
            "to its recipients (CORRECTION and CANCEL supersede it; a REMINDER names the open "
            "request items). Answers the new message (`Location`): 202 while a worker builds "
            "it."
        ),
        request=FollowUpSerializer,
        responses={
            202: OpenApiResponse(MessageDetailSerializer, description=_("Building")),
            **ACTION_ERRORS,
        },
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, message_id):
        original = self._changeable(message_id)
        data = validated(FollowUpSerializer(data=request.data))
        return self._follow_up(original, data)

    def _follow_up(self, original, data: dict) -> Response:
        with service_errors():
            message = services.message_follow_up_start(
                actor=self.request.user,
                original=original,
                message_type=data["message_type"],
                instruction=data["instruction"] if data["message_type"] == "CANCEL" else "",
                reason=data["reason"],
                request_refs=data.get("request_refs", ()),
            )
        return self.started(message)

    def started(self, message: HSTMessage) -> Response:
        """The answer to a message just started: 202 while a worker builds it, 201 once
        built; `Location` is its detail."""
        body = self._reread(message)
        building = body["status"] == MessageStatus.COMPOSING
        return Response(
            body,
            status=status.HTTP_202_ACCEPTED if building else status.HTTP_201_CREATED,
            headers={"Location": self._url(message)},
        )

    # --- Helpers ------------------------------------------------------------------------------

    def _audited(self, message_id) -> HSTMessage:
        """A person reading the message or a part of it: one VIEW audit row (DENIED, then
        404, for a message that is not theirs)."""
        return selectors.message_detail_for_user(
            user=self.request.user, message_id=message_id, ip=self.ip
        )

    def _readable(self, message_id) -> HSTMessage:
        return selectors.message_get_for_user(user=self.request.user, message_id=message_id)

    def _changeable(self, message_id) -> HSTMessage:
        return selectors.message_get_for_user(
            user=self.request.user, message_id=message_id, for_change=True
        )

    def _case(self, case_id):
        try:
            return case_selectors.case_get_for_user(
                user=self.request.user, case_id=case_id, for_change=True
            )
        except Http404 as exc:
            raise ValidationError({"case": [CASE_REFUSED]}) from exc

    def _inbound(self, data):
        try:
            return selectors.inbound_get_for_user(
                user=self.request.user, public_id=data["reply_to"]
            )
        except Http404 as exc:
            raise ValidationError({"reply_to": [INBOUND_REFUSED]}) from exc

    def _url(self, message: HSTMessage) -> str:
        return self.request.build_absolute_uri(
            reverse("message-detail", kwargs={"message_id": message.message_id})
        )

    def _reread(self, message: HSTMessage) -> dict:
        # Through the selector again: the answer shows only what the caller may still see.
        return self._detail(self._readable(message.message_id))

    def _detail(self, message: HSTMessage) -> dict:
        user = self.request.user
        message.delivery_rows = list(
            selectors.delivery_list_for_message(user=user, message=message)
        )
        message.actions_now = actions_now(user, message)
        if not self.may_see_victims(message):
            message.problems = problems_without_victim_identity(
                list(message.problems or ()), message.document
            )
            message.document = document_without_victim_identity(message.document)
        return MessageDetailSerializer(message).data
