"""`/api/v1/dossiers/{id}/`: the status of a court-dossier export started by
`POST /api/v1/evidence/{id}/dossier/`, and the finished ZIP.

An export is visible to the person who asked for it while they may still see its case;
anyone else gets 404, like a missing one. Each download is audited as an export, with the
purpose stated when the export was asked for.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers
from rest_framework.decorators import action
from rest_framework.response import Response

from contacts.api.serializers import ErrorSerializer
from evidence import dossiers, selectors
from evidence.api.serializers import DossierExportSerializer
from evidence.models import DossierExport
from ncb_cases.api.schema import DETAIL_ERRORS, VALIDATION_ERROR, path_id
from ncb_cases.api.views._common import CaseApiViewSet

NOT_READY = _("The dossier is not built yet: follow its status until it is DONE.")


class ZipRenderer(renderers.BaseRenderer):
    """Lets a client ask for `application/zip`; the ZIP itself is streamed by FileResponse."""

    media_type = "application/zip"
    format = "zip"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return renderers.JSONRenderer().render(data)


@extend_schema(parameters=[path_id("public_id", _("dossier export"))])
class DossierViewSet(CaseApiViewSet):
    """Dossier exports: their progress, and when done their size, SHA-256 and content."""

    serializer_class = DossierExportSerializer
    queryset = DossierExport.objects.none()

    @extend_schema(
        summary=_("The status of a dossier export"),
        description=_(
            "Pending, being built (with `progress` in percent), ready (with the ZIP's size "
            "and SHA-256) or failed (with what went wrong)."
        ),
        responses={200: DossierExportSerializer, 400: VALIDATION_ERROR, **DETAIL_ERRORS},
    )
    def retrieve(self, request, public_id):
        export = selectors.dossier_get_for_user(user=request.user, dossier_id=public_id)
        return Response(DossierExportSerializer(export, context={"request": request}).data)

    @extend_schema(
        summary=_("Download a finished dossier"),
        description=_(
            "The ZIP, streamed. Each download is recorded in the audit trail as an export, "
            "with the purpose stated when the export was asked for. Not built yet: 409."
        ),
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            400: VALIDATION_ERROR,
            **DETAIL_ERRORS,
            409: OpenApiResponse(ErrorSerializer, description=NOT_READY),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[renderers.JSONRenderer, ZipRenderer],
    )
    def download(self, request, public_id):
        export = selectors.dossier_get_for_user(user=request.user, dossier_id=public_id)
        try:
            handle = dossiers.dossier_download(actor=request.user, export=export, ip=self.ip)
        except dossiers.DossierNotReady:
            return Response({"detail": str(NOT_READY)}, status=409)
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=dossiers.dossier_filename(export),
            content_type="application/zip",
        )
