"""`/api/v1/evidence/`: evidence items, their files, their custody log, verification, dossiers.

Thin adapters over `evidence.selectors` (which go through the case selectors: an item is
visible exactly to those who may see its case) and `evidence.services`. Reads of one item
(its detail, its custody log, its files, its verification) go through the audited
`evidence_detail_for_user`: one VIEW row per call, DENIED for a refused attempt. Writes
address the item with `for_change=True`, so an item whose case the caller may not change is
a 404 before the request body is even read; the services check again under the item lock.
Custody events are append-only: the custody log answers GET and POST only (405 otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import renderers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from evidence import dossiers, downloads, selectors, services, storage, verification
from evidence.api.serializers import (
    CustodyEventCreateSerializer,
    CustodyEventRecordedSerializer,
    CustodyEventSerializer,
    CustodyVerificationSerializer,
    DossierExportSerializer,
    DossierRequestSerializer,
    EvidenceFileSerializer,
    EvidenceFileUploadSerializer,
    EvidenceItemCreateSerializer,
    EvidenceItemDetailSerializer,
    EvidenceItemSerializer,
    EvidenceItemUpdateSerializer,
)
from evidence.choices import EvidenceKind, EvidenceState
from evidence.models import EvidenceItem
from ncb_cases import selectors as case_selectors
from ncb_cases.api.schema import (
    DETAIL_ERRORS,
    PAGE_SIZE,
    READ_ERRORS,
    VALIDATION_ERROR,
    WRITE_ERRORS,
    path_id,
)
from ncb_cases.api.views._common import CaseApiViewSet, validated

ITEM_ID = path_id("public_id", _("evidence item"))
FILE_ID = path_id("file_id", _("evidence file"))
CASE_REFUSED = _("No case you may add evidence to has this id.")
CUSTODY_RECORD = _("This is part of the custody record: record a custody event instead.")


def evidence_list_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "case", OpenApiTypes.STR, description=_("The case's public id or reference")
        ),
        OpenApiParameter("kind", OpenApiTypes.STR, enum=EvidenceKind.values),
        OpenApiParameter("state", OpenApiTypes.STR, enum=EvidenceState.values),
        OpenApiParameter(
            "integrity_failed",
            OpenApiTypes.BOOL,
            description=_("Only items with (true) or without (false) a recorded failure"),
        ),
        OpenApiParameter(
            "search",
            OpenApiTypes.STR,
            description=_("In item number, description, seal number and storage location"),
        ),
        OpenApiParameter(
            "ordering",
            OpenApiTypes.STR,
            enum=sorted(selectors.EVIDENCE_ORDERINGS),
            description=_("Default: newest first"),
        ),
        PAGE_SIZE,
    ]


def evidence_list_filters(query_params) -> dict[str, str]:
    """The list's query parameters as `evidence_list_for_user` filters (`search` is `q`)."""
    filters = {
        key: query_params[key]
        for key in selectors.EVIDENCE_FILTER_KEYS
        if query_params.get(key, "").strip()
    }
    if query_params.get("search", "").strip() and "q" not in filters:
        filters["q"] = query_params["search"]
    return filters


# Room for the multipart envelope and the small fields around the file.
MULTIPART_OVERHEAD = 64 * 1024


def _refuse_oversized_body(request) -> None:
    """Refuse a body announced larger than the evidence file limit before reading any of it
    (a token-authenticated script's upload is parsed only when `request.data` is read)."""
    max_size = storage.max_size_setting()
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if max_size is not None and announced > max_size + MULTIPART_OVERHEAD:
        raise ValidationError(storage.size_limit_error(max_size).message_dict)


class OctetStreamRenderer(renderers.BaseRenderer):
    """Lets a client ask for bytes; the file itself is streamed by a FileResponse."""

    media_type = "application/octet-stream"
    format = "bin"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return renderers.JSONRenderer().render(data)


@extend_schema(parameters=[ITEM_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("List the evidence items you may see"),
        description=_(
            "The items of every case you may read, newest first unless `ordering` says "
            "otherwise. Invalid parameters: 400 naming the parameter."
        ),
        parameters=evidence_list_parameters(),
        responses={200: EvidenceItemSerializer, 400: VALIDATION_ERROR, **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("An evidence item, its files, and what may be recorded now"),
        description=_("Every read is recorded in the audit trail."),
        responses={200: EvidenceItemDetailSerializer, 400: VALIDATION_ERROR, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary=_("Register an evidence item"),
        description=_(
            "For a case you may change (otherwise 400 naming `case`, whether the case is "
            "missing or not yours). Its custody log opens with a COLLECTED event, at the "
            "server's time; `collected_at` is kept as the claimed time."
        ),
        request=EvidenceItemCreateSerializer,
        responses={201: EvidenceItemDetailSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary=_("Correct an item's description or storage location"),
        description=_(
            "Everything else is part of the custody record and changes only by recording a "
            "custody event."
        ),
        request=EvidenceItemUpdateSerializer,
        responses={200: EvidenceItemDetailSerializer, **WRITE_ERRORS},
    ),
)
class EvidenceViewSet(CaseApiViewSet):
    """Evidence items: visible exactly to those who may see the case, 404 otherwise."""

    serializer_class = EvidenceItemSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.fake_schema_view():
            return EvidenceItem.objects.none()
        filters = evidence_list_filters(self.request.query_params)
        return selectors.evidence_list_for_user(user=self.request.user, filters=filters)

    # --- Items --------------------------------------------------------------------------------

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EvidenceItemSerializer(page, many=True).data)

    def retrieve(self, request, public_id):
        item = selectors.evidence_detail_for_user(user=request.user, item_id=public_id, ip=self.ip)
        return Response(self._detail(item))

    def create(self, request):
        data = validated(EvidenceItemCreateSerializer(data=request.data))
        try:
            case = case_selectors.case_get_for_user(
                user=request.user, case_id=data.pop("case"), for_change=True
            )
        except Http404 as exc:
            raise ValidationError({"case": [CASE_REFUSED]}) from exc
        if "custodian" in data:
            data["custodian"] = dict(data["custodian"])
        try:
            item = services.evidence_item_create(
                actor=request.user, case=case, data=data, ip=self.ip
            )
        except PermissionDenied as exc:  # the case stopped being changeable meanwhile
            raise ValidationError({"case": [CASE_REFUSED]}) from exc
        return Response(self._reread(item), status=status.HTTP_201_CREATED)

    def partial_update(self, request, public_id):
        item = self._changeable(public_id)
        serializer = EvidenceItemUpdateSerializer(data=request.data, partial=True)
        sent = request.data if isinstance(request.data, Mapping) else {}
        fixed = sorted(set(sent) - set(serializer.fields))
        if fixed:
            # Silently ignored, a changed seal number would look recorded: say it is not.
            raise ValidationError({key: [CUSTODY_RECORD] for key in fixed})
        data = validated(serializer)
        item = services.evidence_item_update(actor=request.user, item=item, data=data, ip=self.ip)
        return Response(self._reread(item))

    # --- Custody ------------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary=_("The custody log of an item"),
        description=_(
            "Every event in sequence order, with its hash, the previous event's hash, the "
            "server's time and the time claimed by whoever recorded it (flagged when they "
            "differ by more than 5 minutes), and the canonical bytes that were hashed. "
            "Every read is recorded in the audit trail."
        ),
        parameters=[PAGE_SIZE],
        responses={200: CustodyEventSerializer(many=True), **DETAIL_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Record a custody event"),
        description=_(
            "Appends one event to the item's chain (never changes one). The action must be "
            "allowed in the item's state (the item's `allowed_actions`): accepting needs an "
            "item in transit, and a returned or destroyed item takes none. A transfer to "
            "another country needs its `legal_authority`. Hashes are 64 hexadecimal "
            "characters. Each refusal is a 400 naming the field, and nothing is written. "
            "A re-computed file hash that does not match, or a broken seal, appends an "
            "INTEGRITY_FAILURE event right after and flags the item."
        ),
        request=CustodyEventCreateSerializer,
        responses={201: CustodyEventRecordedSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"])
    def custody(self, request, public_id):
        if request.method == "POST":
            return self._custody_append(request, public_id)
        item = selectors.evidence_detail_for_user(user=request.user, item_id=public_id, ip=self.ip)
        events = selectors.custody_event_list_for_item(user=request.user, item=item)
        page = self.paginate_queryset(events)
        return self.get_paginated_response(CustodyEventSerializer(page, many=True).data)

    def _custody_append(self, request, public_id):
        item = self._changeable(public_id)
        data = validated(CustodyEventCreateSerializer(data=request.data))
        custody_action = data.pop("action")
        if data.get("to_custodian") is not None:
            data["to_custodian"] = dict(data["to_custodian"])
        event = services.custody_event_append(
            actor=request.user, item=item, action=custody_action, data=data, ip=self.ip
        )
        return Response(CustodyEventRecordedSerializer(event).data, status=status.HTTP_201_CREATED)

    # --- Files --------------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary=_("The files of an item"),
        description=_(
            "Originals and derived copies, with their SHA-256. Every read is recorded in the "
            "audit trail."
        ),
        parameters=[PAGE_SIZE],
        responses={200: EvidenceFileSerializer(many=True), **DETAIL_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Attach a file to an item"),
        description=_(
            "multipart/form-data. The file is streamed into the content-addressed store and "
            "hashed on the way; give `sha256` to have a cut or altered transfer refused. A "
            "derived copy names its `parent` and `derivation_method` and records a COPIED "
            "custody event. On any refusal no file and no row remain."
        ),
        request={"multipart/form-data": EvidenceFileUploadSerializer},
        responses={201: EvidenceFileSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
    def files(self, request, public_id):
        if request.method == "POST":
            return self._file_add(request, public_id)
        item = selectors.evidence_detail_for_user(user=request.user, item_id=public_id, ip=self.ip)
        files = selectors.evidence_file_list_for_item(user=request.user, item=item)
        page = self.paginate_queryset(files)
        return self.get_paginated_response(EvidenceFileSerializer(page, many=True).data)

    def _file_add(self, request, public_id):
        item = self._changeable(public_id)
        _refuse_oversized_body(request)
        data = validated(EvidenceFileUploadSerializer(data=request.data))
        upload = data["file"]
        parent = None
        if "parent" in data:
            parent = next(
                (
                    candidate
                    for candidate in selectors.evidence_file_list_for_item(
                        user=request.user, item=item
                    )
                    if candidate.public_id == data["parent"]
                ),
                None,
            )
            if parent is None:
                raise ValidationError({"parent": [_("This item has no file with this id.")]})
        try:
            evidence_file = services.evidence_file_add(
                actor=request.user,
                item=item,
                content=upload,
                original_name=upload.name or "",
                media_type=data.get("media_type") or upload.content_type or "",
                expected_sha256=data["sha256"].lower() if data.get("sha256") else None,
                parent=parent,
                derivation_method=data.get("derivation_method", ""),
                ip=self.ip,
            )
        finally:
            upload.close()
        return Response(EvidenceFileSerializer(evidence_file).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Download a file of an item"),
        description=_(
            "The stored content, streamed, always as an attachment "
            "(`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`) with the "
            "media type sniffed from its bytes when it was added (else "
            "`application/octet-stream`); the file name is the cleaned original name. Each "
            "download is recorded in the audit trail as an export."
        ),
        parameters=[FILE_ID],
        responses={(200, "*/*"): OpenApiTypes.BINARY, **DETAIL_ERRORS},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"files/(?P<file_id>[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
        r"[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})/download",
        url_name="file-download",
        renderer_classes=[renderers.JSONRenderer, OctetStreamRenderer],
    )
    def file_download(self, request, public_id, file_id):
        return downloads.evidence_file_response(
            user=request.user, item_id=public_id, file_id=file_id, ip=self.ip
        )

    # --- Verification and dossier -------------------------------------------------------------

    @extend_schema(
        summary=_("Verify an item's custody chain and the latest checkpoint"),
        description=_(
            "Recomputes the hash of every event of the item from its stored canonical bytes "
            "and checks each link, then recomputes the Merkle root of the latest signed "
            "checkpoint over the whole log. Answers OK, or the first broken link: item, "
            "event sequence, expected and actual hash; and whether the checkpoint still "
            "matches. The read is recorded in the audit trail."
        ),
        responses={200: CustodyVerificationSerializer, **DETAIL_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def verify(self, request, public_id):
        item = selectors.evidence_detail_for_user(user=request.user, item_id=public_id, ip=self.ip)
        report = verification.custody_verify_item(item=item)
        body = {**report.as_dict(), "item_number": item.item_number, "summary": str(report)}
        return Response(CustodyVerificationSerializer(body).data)

    @extend_schema(
        summary=_("Export a court dossier of an item"),
        description=_(
            "Starts building the dossier (a ZIP with a PDF for people, the signed manifest, "
            "the inclusion proofs and the latest checkpoint, and the files if asked) and "
            "answers 202 with the export and its `status_url` (also in `Location`) to poll. "
            "The export is recorded in the audit trail with its stated `purpose` (required: "
            "400 naming `purpose`)."
        ),
        request=DossierRequestSerializer,
        responses={
            202: OpenApiResponse(
                DossierExportSerializer, description=_("Started; poll `status_url`.")
            ),
            **WRITE_ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def dossier(self, request, public_id):
        item = self._changeable(public_id)
        data = validated(DossierRequestSerializer(data=request.data))
        export = dossiers.dossier_export_request(
            actor=request.user,
            case=item.case,
            item=item,
            purpose=data["purpose"],
            include_files=data["include_files"],
            ip=self.ip,
        )
        body = DossierExportSerializer(export, context={"request": request}).data
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]}
        )

    # --- Helpers ------------------------------------------------------------------------------

    def _changeable(self, public_id) -> EvidenceItem:
        return selectors.evidence_get_for_user(
            user=self.request.user, item_id=public_id, for_change=True
        )

    def _reread(self, item: EvidenceItem) -> dict:
        # Through the selector: the answer shows what the caller may still see.
        item = selectors.evidence_get_for_user(user=self.request.user, item_id=item.public_id)
        return self._detail(item)

    def _detail(self, item: EvidenceItem) -> dict:
        user = self.request.user
        item.file_rows = list(selectors.evidence_file_list_for_item(user=user, item=item))
        changeable = case_selectors.editable_cases(user).filter(pk=item.case_id).exists()
        item.actions_now = list(services.allowed_actions(item)) if changeable else []
        return EvidenceItemDetailSerializer(item).data
