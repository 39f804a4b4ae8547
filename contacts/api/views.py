"""REST API of the THB contact-point directory and personal API tokens (DESIGN.md §6).

Thin adapters: `get_queryset()` calls a selector, writes call a service. Every member of an NCB
(and every instance admin) reads the whole directory; only the NCB's own officers and
supervisors (and instance admins) change its contacts, and anyone else gets the same 404 as
for a missing record. History is never deleted, so there is no DELETE.
"""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from contacts import mfa, selectors, services
from contacts.api import serializers
from contacts.filtersets import ContactPointFilterSet, CountryFilterSet, NcbDirectoryFilterSet
from contacts.permissions import has_directory_access
from ncb_cases.api.pagination import StandardPagination

# Designations are addressed by their public UUID only; anything else is not even routed.
UUID_PATTERN = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"

COUNTRY_ORDERING = ["name", "iso2", "iso3"]
NCB_ORDERING = ["name", "code", "country__name"]
CONTACT_POINT_ORDERING = [
    "full_name",
    "role",
    "designated_from",
    "designated_to",
    "last_verified_at",
    "ncb__code",
    "ncb__country__name",
]


class CaseInsensitiveCodeLookupMixin:
    """Look objects up by an ISO code written in any case (`/countries/fr/` = `/FR/`)."""

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()


class HasDirectoryAccess(permissions.IsAuthenticated):
    """Members of an NCB and instance admins; anonymous callers get 401, anyone else 403."""

    message = _("Only members of an NCB may use the directory; ask your NCB's administrator.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and has_directory_access(request.user)


VALIDATION_ERROR = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=_('`{field: [messages]}` naming each field at fault, or `{"detail": ...}`.'),
    examples=[
        OpenApiExample(
            "Invalid 24/7 phone",
            value={"phone_24_7": ["“12” is not a valid phone number for its country."]},
            response_only=True,
        )
    ],
)
# One message for unknown users, wrong passwords and inactive accounts alike.
CREDENTIALS_REFUSED_MESSAGE = _("Unable to sign in with this username and password.")
CREDENTIALS_REFUSED = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=_("Wrong credentials, or a field missing or out of range, named."),
    examples=[
        OpenApiExample(
            "Wrong credentials",
            value={"non_field_errors": [CREDENTIALS_REFUSED_MESSAGE]},
            response_only=True,
        )
    ],
)
NOT_FOUND = OpenApiResponse(
    response=serializers.ErrorSerializer,
    description=_("Missing, or not yours to change: the two look the same."),
)
READ_RESPONSES = {
    401: serializers.ErrorSerializer,
    403: serializers.ErrorSerializer,
}


def list_parameters(*, search: str, ordering_fields: list[str]) -> list[OpenApiParameter]:
    """What `?search=`, `?ordering=` and `?page_size=` accept on one list endpoint."""
    return [
        OpenApiParameter("search", OpenApiTypes.STR, description=search),
        OpenApiParameter(
            "ordering",
            OpenApiTypes.STR,
            description=_("Sort by one of these fields; a leading `-` reverses the order."),
            enum=[order for field in ordering_fields for order in (field, f"-{field}")],
        ),
        OpenApiParameter(
            "page_size",
            OpenApiTypes.INT,
            description=format_lazy(
                _("Results per page: {default} by default, at most {max}."),
                default=StandardPagination.page_size,
                max=StandardPagination.max_page_size,
            ),
        ),
    ]


@extend_schema_view(
    list=extend_schema(
        summary=_("List countries"),
        description=_("ISO 3166-1 countries with their INTERPOL region and bureau."),
        parameters=list_parameters(
            search=_("Part of the name, or the exact ISO alpha-2 or alpha-3 code"),
            ordering_fields=COUNTRY_ORDERING,
        ),
        responses={200: serializers.CountrySerializer, **READ_RESPONSES},
    ),
    retrieve=extend_schema(
        summary=_("A country"),
        responses={200: serializers.CountrySerializer, **READ_RESPONSES, 404: NOT_FOUND},
    ),
)
class CountryViewSet(CaseInsensitiveCodeLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Countries and territories (ISO 3166-1), read-only."""

    serializer_class = serializers.CountrySerializer
    permission_classes = [HasDirectoryAccess]
    filterset_class = CountryFilterSet
    search_fields = ["name", "=iso2", "=iso3"]
    ordering_fields = COUNTRY_ORDERING
    lookup_field = "iso2"
    lookup_value_regex = "[A-Za-z]{2}"

    def get_queryset(self):
        return selectors.country_list()


@extend_schema_view(
    list=extend_schema(
        summary=_("List NCBs with their current contacts"),
        description=_(
            "One row per National Central Bureau: its country, region, sub-regional bureau and "
            "its current primary and deputy THB contact points (null when vacant)."
        ),
        parameters=list_parameters(
            search=_("Part of the NCB's or country's name, or the exact ISO code"),
            ordering_fields=NCB_ORDERING,
        ),
        responses={200: serializers.NcbSerializer, **READ_RESPONSES},
    ),
    retrieve=extend_schema(
        summary=_("An NCB with its current contacts"),
        responses={200: serializers.NcbSerializer, **READ_RESPONSES, 404: NOT_FOUND},
    ),
)
class NcbViewSet(CaseInsensitiveCodeLookupMixin, viewsets.ReadOnlyModelViewSet):
    """The directory: one row per NCB with its current contacts, read-only."""

    serializer_class = serializers.NcbSerializer
    permission_classes = [HasDirectoryAccess]
    filterset_class = NcbDirectoryFilterSet
    search_fields = ["name", "=code", "country__name", "=country__iso2", "=country__iso3"]
    ordering_fields = NCB_ORDERING
    lookup_field = "code"

    def get_queryset(self):
        return selectors.ncb_directory()


@extend_schema_view(
    list=extend_schema(
        summary=_("List designations"),
        description=_(
            "Every designation, current and past (filter `current=true` for today's). "
            "Phones are E.164, languages ISO 639-1 codes."
        ),
        parameters=list_parameters(
            search=_("Part of the contact's, NCB's or country's name, or the exact NCB code"),
            ordering_fields=CONTACT_POINT_ORDERING,
        ),
        responses={200: serializers.ContactPointSerializer, **READ_RESPONSES},
    ),
    retrieve=extend_schema(
        summary=_("A designation"),
        responses={200: serializers.ContactPointSerializer, **READ_RESPONSES, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary=_("Designate a contact point"),
        description=_(
            "Designates a person as the NCB's primary or deputy contact. The current holder of "
            "the role, if any, is closed the day the new designation starts; nothing is "
            "overwritten. Only the NCB's officers and supervisors (and admins) may: anyone "
            "else gets 404."
        ),
        request=serializers.ContactPointDesignateSerializer,
        responses={
            201: serializers.ContactPointSerializer,
            400: VALIDATION_ERROR,
            **READ_RESPONSES,
            404: NOT_FOUND,
        },
    ),
    update=extend_schema(
        summary=_("Correct a current designation"),
        description=_("Replaces the contact's details; editing also counts as verifying."),
        request=serializers.ContactDetailsInputSerializer,
        responses={
            200: serializers.ContactPointSerializer,
            400: VALIDATION_ERROR,
            **READ_RESPONSES,
            404: NOT_FOUND,
        },
    ),
    partial_update=extend_schema(
        summary=_("Correct some details of a current designation"),
        description=_("Changes the fields sent; editing also counts as verifying."),
        request=serializers.ContactDetailsInputSerializer(partial=True),
        responses={
            200: serializers.ContactPointSerializer,
            400: VALIDATION_ERROR,
            **READ_RESPONSES,
            404: NOT_FOUND,
        },
    ),
)
class ContactPointViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Designations, current and past: read by every member, changed by the NCB's own."""

    serializer_class = serializers.ContactPointSerializer
    permission_classes = [HasDirectoryAccess]
    filterset_class = ContactPointFilterSet
    search_fields = ["full_name", "ncb__name", "=ncb__code", "ncb__country__name"]
    ordering_fields = CONTACT_POINT_ORDERING
    lookup_field = "public_id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return selectors.contact_point_list()

    def create(self, request):
        payload = serializers.ContactPointDesignateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ncb = selectors.ncb_get_for_contact_management(
            user=request.user, iso2=payload.validated_data["ncb"]
        )
        contact = services.contact_point_designate(
            actor=request.user,
            ncb=ncb,
            role=payload.validated_data["role"],
            details=payload.to_details(),
            designated_from=payload.validated_data.get("designated_from"),
        )
        return self._designation_response(contact, status_code=status.HTTP_201_CREATED)

    def update(self, request, public_id, partial: bool = False):
        contact = self._contact_for_management(public_id)
        payload = serializers.ContactDetailsInputSerializer(data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        contact = services.contact_point_update(
            actor=request.user, contact_point=contact, details=payload.to_details(current=contact)
        )
        return self._designation_response(contact)

    def partial_update(self, request, public_id):
        return self.update(request, public_id, partial=True)

    @extend_schema(
        operation_id="contact_points_verify",
        summary=_("Confirm a designation's details"),
        description=_("Records that you confirmed the details today; clears staleness."),
        request=None,
        responses={
            200: serializers.ContactPointSerializer,
            400: VALIDATION_ERROR,
            **READ_RESPONSES,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, public_id):
        contact = self._contact_for_management(public_id)
        contact = services.contact_point_verify(actor=request.user, contact_point=contact)
        return self._designation_response(contact)

    @extend_schema(
        operation_id="contact_points_end",
        summary=_("End a designation"),
        description=_(
            "Ends the designation on `designated_to` (default today) without naming a "
            "successor; the role is then vacant. The record stays as history."
        ),
        request=serializers.ContactPointEndSerializer,
        responses={
            200: serializers.ContactPointSerializer,
            400: VALIDATION_ERROR,
            **READ_RESPONSES,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def end(self, request, public_id):
        contact = self._contact_for_management(public_id)
        payload = serializers.ContactPointEndSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contact = services.contact_point_end(
            actor=request.user,
            contact_point=contact,
            designated_to=payload.validated_data.get("designated_to"),
        )
        return self._designation_response(contact)

    def _contact_for_management(self, public_id):
        return selectors.contact_point_get_for_management(
            user=self.request.user, public_id=public_id
        )

    def _designation_response(self, contact, status_code=status.HTTP_200_OK) -> Response:
        # Re-read through the directory selector so the answer has what a listing shows.
        contact = selectors.contact_point_get(public_id=contact.public_id)
        serializer = serializers.ContactPointSerializer(
            contact, context=self.get_serializer_context()
        )
        return Response(serializer.data, status=status_code)


class ApiTokenCreateView(APIView):
    """Exchange a username and password (and, once enrolled, a one-time code) for a token.

    Open to anonymous callers (that is the point) and throttled per client address with the
    `token` scope. Wrong credentials, unknown users, inactive users and, for a user with a
    confirmed authenticator, a missing or wrong `otp_code` (TOTP code or recovery code) all
    get the same 400, so that the answer does not tell which usernames exist or which factor
    was wrong. Every failure counts towards the lockout (django-axes, `contacts.lockout`):
    after 5 the username is locked from that address for 15 minutes, even with the right
    password, and the 400 says so.
    """

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        summary=_("Create a personal API token"),
        description=_(
            "Send it back as `Authorization: Token <key>`. The key is shown once; only its "
            "hash is stored. Once you have set up an authenticator app (profile page), "
            "`otp_code` is required: its current six-digit code or one of your recovery "
            "codes. Wrong credentials and a missing or wrong code get the same 400. "
            "Throttled per client address; 5 failures lock the username from that address "
            "for 15 minutes."
        ),
        request=serializers.ApiTokenCreateSerializer,
        responses={
            201: serializers.ApiTokenSerializer,
            400: CREDENTIALS_REFUSED,
            429: serializers.ErrorSerializer,
        },
        auth=[],
    )
    def post(self, request):
        payload = serializers.ApiTokenCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=payload.validated_data["username"],
            password=payload.validated_data["password"],
        )
        # ModelBackend refuses inactive users too, so they get this same answer. (A locked-out
        # client's answer is replaced by django-axes' middleware with the lockout message.)
        if user is None:
            raise ValidationError({"non_field_errors": [CREDENTIALS_REFUSED_MESSAGE]})
        if mfa.has_mfa(user) and not self._second_factor_accepted(request, user, payload):
            raise ValidationError({"non_field_errors": [CREDENTIALS_REFUSED_MESSAGE]})
        token, key = services.api_token_create(
            user=user,
            name=payload.validated_data.get("name") or default_token_name(),
            expires_days=payload.validated_data.get("expires_days"),
        )
        body = serializers.ApiTokenSerializer(
            {"token": key, "name": token.name, "expires_at": token.expires_at}
        ).data
        return Response(body, status=status.HTTP_201_CREATED)

    @staticmethod
    def _second_factor_accepted(request, user, payload) -> bool:
        code = payload.validated_data.get("otp_code") or ""
        try:
            accepted = bool(code) and (
                mfa.mfa_verify(request=request._request, user=user, code=code) is not None
            )
        except mfa.MfaThrottled:
            accepted = False
        if not accepted:
            # Counted like a wrong password: repeated guesses of the code lock the sign-in.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": payload.validated_data["username"]},
                request=request._request,
            )
        return accepted


def default_token_name() -> str:
    return _("API token of %(date)s") % {"date": timezone.localdate().isoformat()}
