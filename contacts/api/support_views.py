"""REST API of the directory of victim-support organisations (issue 6, item 2), mounted at
/api/v1/support-organisations/.

Every member of an NCB (and every instance admin) lists and reads the directory; a country's
NCB supervisors and instance admins record and change its organisations, and anyone else gets
the same 404 as for an unknown organisation. No answer carries a street address (a shelter's
is protected); addresses are kept in the browser.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from contacts import support_selectors as selectors
from contacts import support_services as services
from contacts.api.support_serializers import (
    SupportOrganisationSerializer,
    SupportOrganisationWriteSerializer,
)
from contacts.api.views import NOT_FOUND, READ_RESPONSES, VALIDATION_ERROR, HasDirectoryAccess
from contacts.choices import SupportOrganisationKind, SupportService
from contacts.models import SupportOrganisation
from ncb_cases.api.views._common import validated

FILTERS = [
    OpenApiParameter("country", OpenApiTypes.STR, description=_("ISO alpha-2 country code")),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=SupportOrganisationKind.values),
    OpenApiParameter(
        "service",
        OpenApiTypes.STR,
        enum=SupportService.values,
        description=_("Organisations offering this service"),
    ),
    OpenApiParameter(
        "language",
        OpenApiTypes.STR,
        description=_("Organisations assisting in this language (ISO 639-1)"),
    ),
    OpenApiParameter("search", OpenApiTypes.STR, description=_("Part of the name or the city")),
    OpenApiParameter(
        "active",
        OpenApiTypes.STR,
        enum=["yes", "no", "all"],
        description=_("Organisations taking referrals (yes, the default), not, or all"),
    ),
]
WRITE_RESPONSES = {400: VALIDATION_ERROR, **READ_RESPONSES, 404: NOT_FOUND}


@extend_schema_view(
    list=extend_schema(
        summary=_("List victim-support organisations"),
        description=_(
            "Shelters, NGOs, IOM offices, legal aid and health services per country, without "
            "street addresses. Invalid filters are a 400 naming the filter."
        ),
        parameters=FILTERS,
        responses={200: SupportOrganisationSerializer, 400: VALIDATION_ERROR, **READ_RESPONSES},
    ),
    retrieve=extend_schema(
        summary=_("A victim-support organisation"),
        responses={200: SupportOrganisationSerializer, **READ_RESPONSES, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary=_("Record a victim-support organisation"),
        description=_(
            "Supervisors of the country's NCB and instance admins only; for anyone else the "
            "country is refused as not found. Services are SupportService codes, languages "
            "ISO 639-1 codes; every error at once."
        ),
        request=SupportOrganisationWriteSerializer,
        responses={201: SupportOrganisationSerializer, **WRITE_RESPONSES},
    ),
    partial_update=extend_schema(
        summary=_("Change a victim-support organisation"),
        description=_("Changes the fields sent. Same permission as for recording one."),
        request=SupportOrganisationWriteSerializer(partial=True),
        responses={200: SupportOrganisationSerializer, **WRITE_RESPONSES},
    ),
)
class SupportOrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The directory of organisations that take referrals of trafficking victims."""

    serializer_class = SupportOrganisationSerializer
    permission_classes = [HasDirectoryAccess]
    filter_backends: list = []
    lookup_field = "id"
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SupportOrganisation.objects.none()
        if self.action != "list":
            return selectors.support_organisation_list(filters={"active": "all"})
        params = self.request.query_params
        filters = {
            "country": params.get("country"),
            "kind": params.get("kind"),
            "service": params.get("service"),
            "language": params.get("language"),
            "q": params.get("search"),
            "active": params.get("active"),
        }
        try:
            return selectors.support_organisation_list(filters=filters)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc

    def create(self, request, *args, **kwargs):
        data = validated(SupportOrganisationWriteSerializer(data=request.data))
        organisation = services.support_organisation_create(actor=request.user, data=data)
        organisation = selectors.support_organisation_get(organisation_id=organisation.pk)
        return Response(
            SupportOrganisationSerializer(organisation).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request, *args, **kwargs):
        organisation = self.get_object()
        if not services.can_manage_support_organisations(request.user, organisation.country):
            raise Http404
        data = validated(SupportOrganisationWriteSerializer(data=request.data, partial=True))
        services.support_organisation_update(
            actor=request.user, organisation=organisation, data=data
        )
        organisation = selectors.support_organisation_get(organisation_id=organisation.pk)
        return Response(SupportOrganisationSerializer(organisation).data)
