"""`/api/v1/search/?q=` (or POST `{"q": …}`): one query across everything the caller may see.

Cases by title, summary, reference and names; persons by name and alias; and `q` read as a
phone number, a document number and a registration plate, through `ncb_cases.matching`.
A protected person's name, phone or document matches only in cases where the caller holds
the victim-identity permission, and persons are always shown masked.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ncb_cases import matching, selectors
from ncb_cases.api.schema import READ_ERRORS, VALIDATION_ERROR
from ncb_cases.api.serializers.cases import case_row
from ncb_cases.api.serializers.persons import (
    CaseMatchSerializer,
    PersonSerializer,
    SearchQuerySerializer,
    SearchResultSerializer,
)
from ncb_cases.api.views._common import CaseDataReadAccess, validated
from ncb_cases.api.views.cases import for_case_rows
from ncb_cases.pseudonyms import person_views

# Each list stops here (`truncated` says so): a search is a starting point, not an export.
SEARCH_LIMIT = 50


SEARCH_DESCRIPTION = _(
    "Cases (title, summary, reference, names), persons (name, alias) and the cases where `q` "
    "is known as a phone number, a document number or a registration plate. At most 50 of "
    "each; `truncated` tells when a list was cut. POST the term to keep it out of URLs and "
    "server logs (a name is personal data)."
)


class SearchView(APIView):
    permission_classes = [CaseDataReadAccess]

    @extend_schema(
        operation_id="search",
        summary=_("Search everything you may see"),
        description=SEARCH_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                required=True,
                description=_("What to look for (a name, a reference, +33 6 00 00 00 01 …)"),
            )
        ],
        responses={200: SearchResultSerializer, 400: VALIDATION_ERROR, **READ_ERRORS},
    )
    def get(self, request):
        return self._search(request.query_params)

    @extend_schema(
        operation_id="search_post",
        summary=_("Search everything you may see, the term in the body"),
        description=SEARCH_DESCRIPTION,
        request=SearchQuerySerializer,
        responses={200: SearchResultSerializer, 400: VALIDATION_ERROR, **READ_ERRORS},
    )
    def post(self, request):
        return self._search(request.data)

    def _search(self, params) -> Response:
        query = SearchQuerySerializer(data={"q": (params.get("q") or "").strip()})
        q = validated(query)["q"]
        user = self.request.user
        cases = list(
            for_case_rows(selectors.case_search_for_user(user=user, q=q))[: SEARCH_LIMIT + 1]
        )
        persons = list(selectors.person_search_for_user(user=user, q=q)[: SEARCH_LIMIT + 1])
        try:
            phones = matching.phone_matches_for_user(user=user, phone=q)
        except DjangoValidationError:
            phones = []  # not a phone number: nothing to match
        documents = matching.document_matches_for_user(user=user, number=q)
        vehicles = matching.vehicle_matches_for_user(user=user, plate=q)
        truncated = any(
            len(found) > SEARCH_LIMIT for found in (cases, persons, phones, documents, vehicles)
        )
        return Response(
            {
                "q": q,
                "cases": [case_row(case) for case in cases[:SEARCH_LIMIT]],
                "persons": PersonSerializer(
                    person_views(persons[:SEARCH_LIMIT], identity_visible=False), many=True
                ).data,
                "phone_matches": CaseMatchSerializer(phones[:SEARCH_LIMIT], many=True).data,
                "document_matches": CaseMatchSerializer(documents[:SEARCH_LIMIT], many=True).data,
                "vehicle_matches": CaseMatchSerializer(vehicles[:SEARCH_LIMIT], many=True).data,
                "truncated": truncated,
            }
        )
