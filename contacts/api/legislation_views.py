"""REST API of the legislation tracker (issue 6, item 3), mounted at /api/v1/legislation/.

Every member of an NCB (and every instance admin) lists and reads every country's answers;
a country's NCB supervisors and instance admins record a new review with PUT or PATCH, and
anyone else gets the same 404 as for an unknown country. Reviews are never deleted.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from contacts import legislation_selectors as selectors
from contacts import legislation_services as services
from contacts.api.legislation_serializers import (
    CountryLegislationSerializer,
    LegislationReviewInputSerializer,
)
from contacts.api.serializers import ErrorSerializer
from contacts.api.views import (
    NOT_FOUND,
    READ_RESPONSES,
    VALIDATION_ERROR,
    CaseInsensitiveCodeLookupMixin,
    HasDirectoryAccess,
    list_parameters,
)
from contacts.legislation_filtersets import CountryLegislationFilterSet
from contacts.legislation_permissions import can_review_legislation

LEGISLATION_ORDERING = ["name", "iso2", "legislation__last_reviewed_on"]
REVIEW_DESCRIPTION = _(
    "Records a new review as the country's latest, dated `reviewed_on` (default today, never "
    "in the future), with you as reviewer. A `source_reference` is required when any answer "
    "is YES or PARTIAL. Only the supervisors of the country's NCB and instance admins may; "
    "for anyone else the country is not found."
)


@extend_schema_view(
    list=extend_schema(
        summary=_("List countries with their THB legislation"),
        description=_(
            "One row per country: whether its law makes assistance and incitement to "
            "trafficking punishable and provides for seizing and confiscating its proceeds "
            "(YES, PARTIAL, NO, UNKNOWN; UNKNOWN everywhere when never reviewed)."
        ),
        parameters=list_parameters(
            search=_("Part of the country's name, or the exact ISO alpha-2 or alpha-3 code"),
            ordering_fields=LEGISLATION_ORDERING,
        ),
        responses={200: CountryLegislationSerializer, **READ_RESPONSES},
    ),
    retrieve=extend_schema(
        summary=_("A country's THB legislation"),
        responses={200: CountryLegislationSerializer, **READ_RESPONSES, 404: NOT_FOUND},
    ),
    update=extend_schema(
        summary=_("Record a review of a country's THB legislation"),
        description=REVIEW_DESCRIPTION,
        request=LegislationReviewInputSerializer,
        responses={
            200: CountryLegislationSerializer,
            400: VALIDATION_ERROR,
            **READ_RESPONSES,
            404: OpenApiResponse(response=ErrorSerializer, description=_("Unknown, or not yours")),
        },
    ),
    partial_update=extend_schema(
        summary=_("Record a review, keeping the answers not given"),
        description=REVIEW_DESCRIPTION,
        request=LegislationReviewInputSerializer,
        responses={
            200: CountryLegislationSerializer,
            400: VALIDATION_ERROR,
            **READ_RESPONSES,
            404: OpenApiResponse(response=ErrorSerializer, description=_("Unknown, or not yours")),
        },
    ),
)
class LegislationViewSet(
    CaseInsensitiveCodeLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The legislation tracker: every country's answers to the resolution's asks."""

    serializer_class = CountryLegislationSerializer
    permission_classes = [HasDirectoryAccess]
    filterset_class = CountryLegislationFilterSet
    search_fields = ["name", "=iso2", "=iso3"]
    ordering_fields = LEGISLATION_ORDERING
    lookup_field = "iso2"
    lookup_value_regex = "[A-Za-z]{2}"
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.legislation_table()

    def update(self, request, iso2, partial: bool = False):
        country = selectors.legislation_country_get(iso2=iso2)
        if not can_review_legislation(request.user, country):
            raise Http404
        payload = LegislationReviewInputSerializer(data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        services.legislation_review_record(
            actor=request.user,
            country=country,
            review=payload.to_review(current=selectors.legislation_of(country)),
        )
        country = selectors.legislation_country_get(iso2=country.iso2)
        return Response(self.get_serializer(country).data)

    def partial_update(self, request, iso2):
        return self.update(request, iso2, partial=True)
