"""What hangs off one outgoing message: its deliveries (and their requeue), its plain-text
rendering and its validation. A mixin of `MessageViewSet`, so every part lives under
`/api/v1/messages/{message_id}/` and a message the caller may not see is a 404 for all of it.
"""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from messages_hst import formatting, selectors, services
from messages_hst import permissions as message_permissions
from messages_hst.api.serializers.deliveries import DeliverySerializer
from messages_hst.api.serializers.messages import ValidationResultSerializer, problem_counts
from messages_hst.api.views._common import (
    ACTION_ERRORS,
    DETAIL_ERRORS,
    problem_dicts,
    service_errors,
)
from messages_hst.choices import EDITABLE_STATUSES
from messages_hst.models import Delivery, HSTMessage
from messages_hst.pipeline import delivery_requeue
from messages_hst.redaction import (
    document_without_victim_identity,
    problems_without_victim_identity,
)
from messages_hst.validation import with_computed_flags
from ncb_cases import selectors as case_selectors
from ncb_cases.api.schema import PAGE_SIZE

RECIPIENT_PATTERN = r"^[A-Za-z0-9-]{2,12}$"
RECIPIENT = OpenApiParameter(
    "recipient",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=_("The recipient NCB's code (one delivery per recipient)"),
    pattern=RECIPIENT_PATTERN,
)
# Which text the rendering endpoint answered, in its `HST-Rendering` header.
RENDERING_SENT, RENDERING_DRAFT, RENDERING_MASKED = "sent", "draft", "masked"


class PlainTextRenderer(BaseRenderer):
    """text/plain for the rendering; an error answered to a text/plain client is its JSON."""

    media_type = "text/plain"
    format = "txt"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode(self.charset)
        return json.dumps(data, ensure_ascii=False).encode(self.charset)


class MessagePartsMixin:
    """Deliveries, requeue, rendering and validation of one message."""

    @extend_schema(
        summary=_("The deliveries of a message, one per recipient"),
        description=_(
            "Status, attempts (each try's time, outcome, HTTP status and reason), deadline, "
            "the recipient's signed RECEIPT and the verdict on its signature, and the "
            "recipient's business answer (RESPONSE) after triage."
        ),
        parameters=[PAGE_SIZE],
        responses={200: DeliverySerializer(many=True), **DETAIL_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, message_id):
        message = self._audited(message_id)
        rows = self._delivery_rows(message)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(
        summary=_("Put a dead or rejected delivery back in the queue"),
        description=_(
            "By a supervisor of the sender NCB (403 otherwise): the delivery is PENDING "
            "again with a new deadline, and is retried. Audited. A delivery in another "
            "state: 400 naming `status`."
        ),
        parameters=[RECIPIENT],
        request=None,
        responses={200: DeliverySerializer, **ACTION_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=rf"deliveries/(?P<recipient>{RECIPIENT_PATTERN[1:-1]})/requeue",
        url_name="delivery-requeue",
    )
    def requeue(self, request, message_id, recipient):
        message = self._changeable(message_id)
        delivery = next(
            (
                row
                for row in selectors.delivery_list_for_message(user=request.user, message=message)
                if row.recipient_ncb.code == recipient.upper()
            ),
            None,
        )
        if delivery is None:
            raise Http404
        delivery = selectors.delivery_get_for_user(
            user=request.user, delivery_id=delivery.pk, for_change=True
        )
        with service_errors():
            delivery_requeue(actor=request.user, delivery=delivery)
        row = next(row for row in self._delivery_rows(message) if row.pk == delivery.pk)
        return Response(DeliverySerializer(row).data)

    @extend_schema(
        summary=_("The plain-text rendering of a message (HST.md §9)"),
        description=_(
            "`text/plain`: for a signed message, the rendering of exactly what was sent; for "
            "a draft, the rendering of its document now (header `HST-Rendering: draft`). A "
            "reader without the case's victim-identity permission gets the rendering of the "
            "document with the victims' identities left out (`HST-Rendering: masked`); its "
            "footer's SHA-256 is then that of the masked text's message, not the sent one."
        ),
        responses={
            (200, "text/plain"): OpenApiResponse(
                OpenApiTypes.STR, description=_("The rendering, at most 80 columns")
            ),
            **DETAIL_ERRORS,
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[PlainTextRenderer, JSONRenderer])
    def rendering(self, request, message_id):
        message = self._audited(message_id)
        kind = RENDERING_SENT if message.rendering else RENDERING_DRAFT
        document = message.document or {}
        if not self.may_see_victims(message):
            masked = document_without_victim_identity(document)
            if masked is not document:
                document, kind = masked, RENDERING_MASKED
        text = message.rendering if kind == RENDERING_SENT else render_document(document)
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["HST-Rendering"] = kind
        return response

    @extend_schema(
        summary=_("The validation of a message (HST.md §8)"),
        description=_(
            "Every problem at once. A draft is validated now (against the messages your NCB "
            "sent and received, for references); a submitted or sent message answers the "
            "result stored when it was last saved."
        ),
        responses={200: ValidationResultSerializer, **DETAIL_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def validation(self, request, message_id):
        message = self._audited(message_id)
        checked_now = message.status in EDITABLE_STATUSES
        if checked_now:
            problems = problem_dicts(services.message_validate(message))
        else:
            problems = list(message.problems or ())
        problems = self.problems_shown(message)(problems)
        errors, warnings = problem_counts(problems)
        body = {
            "problems": problems,
            "errors": errors,
            "warnings": warnings,
            "checked_now": checked_now,
        }
        return Response(ValidationResultSerializer(body).data)

    # --- Helpers ------------------------------------------------------------------------------

    def problems_shown(self, message: HSTMessage):
        """`problems → problems` as the caller may read them: messages quoting a protected
        person's data withheld unless they hold the case's victim-identity permission."""
        if self.may_see_victims(message):
            return lambda problems: problems
        document = message.document
        return lambda problems: problems_without_victim_identity(problems, document)

    def may_see_victims(self, message: HSTMessage) -> bool:
        """Victims' identities only for holders of the case's permission (one query)."""
        if message.case_id is None:
            return False
        return case_selectors.victim_identity_permitted(user=self.request.user, case=message.case)

    def _delivery_rows(self, message: HSTMessage) -> list[Delivery]:
        rows = list(selectors.delivery_list_for_message(user=self.request.user, message=message))
        for row in rows:
            row.message = message
            row.requeue_allowed = row.status in REQUEUEABLE and message_permissions.can_requeue(
                self.request.user, row
            )
        return rows


REQUEUEABLE = ("DEAD", "REJECTED")


def render_document(document: dict) -> str:
    """The §9 rendering of an unsigned document, its flags computed as the composer would."""
    if not document:
        return ""
    return formatting.render_text(with_computed_flags(document))
