"""`/api/v1/messages/inbound/` (what the caller's NCB received: list, audited read, triage)
and `/api/v1/messages/requests/` (REQUEST items followed until their REPLY).

Thin adapters over `messages_hst.selectors` (an inbound message another NCB received is a
404 before the request body is read), `messages_hst.services.triage` (accept, reject: both
audited, both answer the sender with a RESPONSE) and `messages_hst.tracking`.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from messages_hst import permissions as message_permissions
from messages_hst import selectors, tracking
from messages_hst.api.filters import (
    InboundFilterForm,
    TrackedRequestFilterForm,
    form_errors,
    form_parameters,
    inbound_filter,
)
from messages_hst.api.serializers.received import (
    InboundAcceptSerializer,
    InboundMessageDetailSerializer,
    InboundMessageSerializer,
    InboundRejectSerializer,
    InboundTriageResultSerializer,
    TrackedRequestSerializer,
)
from messages_hst.api.views._common import (
    ACTION_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    MessageApiViewSet,
    service_errors,
)
from messages_hst.choices import InboundStatus, MessageType
from messages_hst.models import InboundMessage, TrackedRequest
from messages_hst.redaction import (
    document_without_victim_identity,
    problems_without_victim_identity,
)
from messages_hst.services import triage
from ncb_cases import selectors as case_selectors
from ncb_cases.api.schema import path_id
from ncb_cases.api.serializers.persons import CaseMatchSerializer
from ncb_cases.api.views._common import validated

INBOUND_ID = path_id("public_id", _("received message"))
CASE_REFUSED = _("No case you may change has this id.")
INBOUND_ROW_RELATED = ("recipient_ncb", "case", "triaged_by")


def inbound_actions_now(user, inbound: InboundMessage) -> list[str]:
    if not message_permissions.can_triage(user, inbound):
        return []
    allowed = ["accept"] if inbound.status == InboundStatus.TRIAGE else []
    if inbound.status in triage.REJECTABLE_STATUSES:
        allowed.append("reject")
    if inbound.message_type == MessageType.REQUEST and inbound.status in (
        InboundStatus.TRIAGE,
        InboundStatus.ACCEPTED,
    ):
        allowed.append("reply")
    return allowed


@extend_schema(parameters=[INBOUND_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("List what your NCB received"),
        description=_(
            "Newest first unless `ordering` says otherwise, every status (quarantined and "
            "conflicting copies too, for investigation). Invalid parameters: 400 naming the "
            "parameter."
        ),
        parameters=form_parameters(InboundFilterForm),
        responses={200: InboundMessageSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("A received message: its document, problems and triage"),
        description=_(
            "Every read is recorded in the audit trail. Victims' names are left out unless "
            "you hold the victim-identity permission of the case it was imported into."
        ),
        responses={200: InboundMessageDetailSerializer, **DETAIL_ERRORS},
    ),
)
class InboundMessageViewSet(MessageApiViewSet):
    """Received messages of the caller's NCB; 404 for any other."""

    serializer_class = InboundMessageSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.fake_schema_view():
            return InboundMessage.objects.none()
        form = InboundFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        inbound = selectors.inbound_list_for_user(user=self.request.user)
        return inbound_filter(inbound, form.cleaned_data).select_related(*INBOUND_ROW_RELATED)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(InboundMessageSerializer(page, many=True).data)

    def retrieve(self, request, public_id):
        inbound = selectors.inbound_detail_for_user(
            user=request.user, public_id=public_id, ip=self.ip
        )
        return Response(self._detail(inbound))

    @extend_schema(
        summary=_("Accept a received message"),
        description=_(
            "Optionally imports the persons, phones and documents named by `import_refs` "
            "into an existing case of your NCB (`case`) or a new one (`create_case`), and "
            "answers the cases where they also appear. The sender receives an ACCEPTED "
            "RESPONSE. Audited."
        ),
        request=InboundAcceptSerializer,
        responses={200: InboundTriageResultSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, public_id):
        inbound = self._changeable(public_id)
        data = validated(InboundAcceptSerializer(data=request.data))
        case = self._case(data["case"]) if data.get("case") else None
        with service_errors():
            result = triage.inbound_accept(
                actor=request.user,
                inbound=inbound,
                case=case,
                create_case=data["create_case"],
                import_refs=tuple(data["import_refs"]),
                comment=data["comment"],
            )
        # The shape of InboundTriageResultSerializer, its parts serialized as everywhere else.
        return Response(
            {
                "inbound": self._detail(self._reread(inbound)),
                "case": str(result.case.public_id) if result.case is not None else None,
                "matches": CaseMatchSerializer(result.matches, many=True).data,
            }
        )

    @extend_schema(
        summary=_("Reject a received message"),
        description=_(
            "With one or more reason codes (HST.md §5); the sender receives a REJECTED "
            "RESPONSE. Audited."
        ),
        request=InboundRejectSerializer,
        responses={200: InboundMessageDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, public_id):
        inbound = self._changeable(public_id)
        data = validated(InboundRejectSerializer(data=request.data))
        with service_errors():
            triage.inbound_reject(
                actor=request.user,
                inbound=inbound,
                reasons=list(data["reasons"]),
                comment=data["comment"],
            )
        return Response(self._detail(self._reread(inbound)))

    def _changeable(self, public_id) -> InboundMessage:
        return selectors.inbound_get_for_user(
            user=self.request.user, public_id=public_id, for_change=True
        )

    def _reread(self, inbound: InboundMessage) -> InboundMessage:
        return selectors.inbound_get_for_user(user=self.request.user, public_id=inbound.public_id)

    def _case(self, case_id):
        try:
            return case_selectors.case_get_for_user(
                user=self.request.user, case_id=case_id, for_change=True
            )
        except Http404 as exc:
            raise ValidationError({"case": [CASE_REFUSED]}) from exc

    def _detail(self, inbound: InboundMessage) -> dict:
        user = self.request.user
        inbound.actions_now = inbound_actions_now(user, inbound)
        revealed = inbound.case_id is not None and case_selectors.victim_identity_permitted(
            user=user, case=inbound.case
        )
        if not revealed:
            inbound.problems = problems_without_victim_identity(
                list(inbound.problems or ()), inbound.document
            )
            inbound.document = document_without_victim_identity(inbound.document)
        return InboundMessageDetailSerializer(inbound).data


@extend_schema_view(
    list=extend_schema(
        summary=_("The REQUEST items your NCB sent or received, until their REPLY"),
        description=_(
            "Soonest due first. `overdue=true`: only open items past their due date, both "
            "directions (what the dashboard shows)."
        ),
        parameters=form_parameters(TrackedRequestFilterForm),
        responses={200: TrackedRequestSerializer, **LIST_ERRORS},
    ),
)
class TrackedRequestViewSet(MessageApiViewSet):
    """Tracked request items of the caller's NCB. GET only."""

    serializer_class = TrackedRequestSerializer
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        if self.fake_schema_view():
            return TrackedRequest.objects.none()
        form = TrackedRequestFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        filters = form.cleaned_data
        today = timezone.localdate()
        if filters.get("overdue"):
            requests = tracking.overdue_requests_for_user(user=self.request.user, today=today)
        else:
            requests = tracking.tracked_request_list_for_user(
                user=self.request.user, include_answered=True
            )
        if filters.get("direction"):
            requests = requests.filter(direction=filters["direction"])
        if filters.get("open") is not None:
            requests = (
                requests.filter(outcome="") if filters["open"] else requests.exclude(outcome="")
            )
        return requests.select_related("case").order_by("due_on", "id")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        context = {"today": timezone.localdate()}
        return self.get_paginated_response(
            TrackedRequestSerializer(page, many=True, context=context).data
        )
