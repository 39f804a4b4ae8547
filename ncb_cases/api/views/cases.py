"""`/api/v1/cases/`: list, read, open and edit cases, move them along their workflow.

Thin adapters: the list filters are parsed by `CaseFilterForm` (the one definition shared with
the browser) and applied by `selectors.case_list_for_user`; a detail is read through the
audited `selectors.case_detail_for_user`; every write is one service call.
"""

from collections import defaultdict

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from contacts.models import NationalCentralBureau
from ncb_cases import selectors, services
from ncb_cases.api.schema import (
    DETAIL_ERRORS,
    READ_ERRORS,
    VALIDATION_ERROR,
    WRITE_ERRORS,
    case_filter_parameters,
)
from ncb_cases.api.serializers.cases import (
    CaseDetailSerializer,
    CaseOffenceTypeChangeSerializer,
    CaseSerializer,
    CaseStatusChangeSerializer,
    CaseWriteSerializer,
    case_row_from_values,
)
from ncb_cases.api.views._common import CaseApiViewSet, user_by_username, validated
from ncb_cases.filtersets import CaseFilterForm
from ncb_cases.models import Case, CaseCountry, CaseExploitationForm

# What a case row shows besides the case itself: two queries per page, whatever its size.
# Plain lists (`to_attr`), as `case_row` reads them: a related manager per row and per list
# would clone a queryset each time, a tenth of the Python time of a page.
CASE_ROW_PREFETCH = (
    Prefetch(
        "countries",
        queryset=CaseCountry.objects.select_related("country"),
        to_attr="country_rows",
    ),
    Prefetch("exploitation_forms", to_attr="exploitation_form_rows"),
)
CASE_ROW_FIELDS = (
    "id",
    "public_id",
    "reference",
    "title",
    "status",
    "outcome",
    "offence_type",
    "owner_ncb_id",
    "lead_officer_id",
    "opened_on",
    "closed_on",
    "confidentiality_level",
    "handling_codes",
    "source_reliability",
    "information_accuracy",
    "minor_data_present",
    "created_at",
    "updated_at",
)


def for_case_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    """A selector's cases, fetched for `case_row`: four queries per page, whatever its size.

    The page query reads only the row's columns and joins only the lead officer: joined to
    the owner NCB and its country too, PostgreSQL joins every visible case before it keeps
    the newest 50 (10 to 15 ms more at 100,000 cases). The page's NCBs come in one query
    after it (always one, where a prefetched lead officer would be none on a page without
    any, and the query count would depend on the data).
    """
    return (
        cases.select_related(None)
        .select_related("lead_officer")
        .only(*CASE_ROW_FIELDS, "lead_officer__username")
        .prefetch_related(
            Prefetch("owner_ncb", queryset=NationalCentralBureau.objects.only("id", "code")),
            *CASE_ROW_PREFETCH,
        )
    )


def case_values(cases: QuerySet[Case]) -> QuerySet:
    """A selector's cases as the `.values()` rows `case_rows` turns into list rows.

    Plain rows, not model instances: building 50 instances and their prefetched relations
    was a fifth of the time of a list request at 100,000 cases. The query joins only the
    lead officer: joined to the owner NCB too, PostgreSQL joins every visible case before
    keeping the newest 50.
    """
    return cases.select_related(None).values(*CASE_ROW_FIELDS, "lead_officer__username")


def case_rows(page: list[dict]) -> list[dict]:
    """The list rows of a page of `case_values`: three queries (NCB codes, countries,
    exploitation forms) whatever the page size."""
    ids = [row["id"] for row in page]
    ncb_codes = dict(
        NationalCentralBureau.objects.filter(id__in={row["owner_ncb_id"] for row in page})
        .order_by()
        .values_list("id", "code")
    )
    countries = defaultdict(list)
    for case_id, iso2, role in CaseCountry.objects.filter(case_id__in=ids).values_list(
        "case_id", "country__iso2", "role"
    ):
        countries[case_id].append((iso2, role))
    forms = defaultdict(list)
    for case_id, form in CaseExploitationForm.objects.filter(case_id__in=ids).values_list(
        "case_id", "form"
    ):
        forms[case_id].append(form)
    return [
        case_row_from_values(
            row,
            owner_ncb=ncb_codes[row["owner_ncb_id"]],
            lead_officer=row["lead_officer__username"],
            countries=countries[row["id"]],
            exploitation_forms=forms[row["id"]],
        )
        for row in page
    ]


LEAD_OFFICER_REFUSED = _("The lead officer must be an officer of the NCB that owns the case.")


def form_errors(form) -> dict[str, list[str]]:
    """A Django form's errors in the API's shape (`__all__` becomes `non_field_errors`)."""
    return {
        ("non_field_errors" if field == "__all__" else field): [
            error["message"] for error in errors
        ]
        for field, errors in form.errors.get_json_data().items()
    }


def case_list_filters(query_params) -> dict[str, object]:
    """The validated filters of a case list (400 naming the parameter when invalid)."""
    params = query_params.copy()
    if params.get("search") and not params.get("q"):
        params["q"] = params["search"]
    form = CaseFilterForm(params)
    if not form.is_valid():
        raise ValidationError(form_errors(form))
    return form.selector_filters()


@extend_schema_view(
    list=extend_schema(
        summary=_("List the cases you may see"),
        description=_(
            "Your NCB's cases and those shared with it (admins: all), newest first unless "
            "`ordering` says otherwise. A victim's name finds a case only for holders of the "
            "case's victim-identity permission. Invalid parameters: 400 naming the parameter."
        ),
        parameters=case_filter_parameters(),
        responses={200: CaseSerializer, 400: VALIDATION_ERROR, **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("A case, with what you may do with it"),
        description=_("Every read is recorded in the audit trail."),
        responses={200: CaseDetailSerializer, 400: VALIDATION_ERROR, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary=_("Open a case"),
        description=_(
            "Opens a case for your NCB (admins name `owner_ncb`); its reference is numbered "
            "per NCB and year. You are granted the victim-identity permission on it."
        ),
        request=CaseWriteSerializer,
        responses={201: CaseDetailSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary=_("Edit a case"),
        description=_(
            "Changes the fields sent. Offence type and confidentiality changes go on the "
            "timeline. Needs the right to change the case (owner NCB, or a read-write share)."
        ),
        request=CaseWriteSerializer(partial=True),
        responses={200: CaseDetailSerializer, **WRITE_ERRORS},
    ),
)
class CaseViewSet(CaseApiViewSet):
    """Cases: need-to-know filtered, 404 for a case you may not see."""

    serializer_class = CaseSerializer

    def get_case(self) -> Case:
        return selectors.case_get_for_user(
            user=self.request.user, case_id=self.kwargs["public_id"]
        )

    def get_queryset(self):
        if self.fake_schema_view():
            return Case.objects.none()
        filters = case_list_filters(self.request.query_params)
        return for_case_rows(selectors.case_list_for_user(user=self.request.user, filters=filters))

    def list(self, request):
        filters = case_list_filters(request.query_params)
        cases = selectors.case_list_for_user(user=request.user, filters=filters)
        page = self.paginator.paginate_queryset(
            case_values(cases),
            request,
            view=self,
            count=selectors.case_count_for_user(user=request.user, filters=filters),
        )
        return self.get_paginated_response(case_rows(page))

    def retrieve(self, request, public_id):
        case = selectors.case_detail_for_user(user=request.user, case_id=public_id, ip=self.ip)
        return Response(self._detail(case))

    def create(self, request):
        data = validated(CaseWriteSerializer(data=request.data))
        owner_ncb = self._owner_ncb(data.pop("owner_ncb", None))
        case = services.case_create(
            actor=request.user, data=self._service_data(data), owner_ncb=owner_ncb
        )
        return Response(self._reread(case), status=status.HTTP_201_CREATED)

    def partial_update(self, request, public_id):
        case = self.get_case()
        data = validated(CaseWriteSerializer(data=request.data, partial=True))
        if "owner_ncb" in data:
            raise ValidationError({"owner_ncb": [_("The NCB that owns a case does not change.")]})
        case = services.case_update(actor=request.user, case=case, data=self._service_data(data))
        return Response(self._reread(case))

    @extend_schema(
        summary=_("Change a case's status"),
        description=_(
            "OPEN → UNDER_INVESTIGATION → REFERRED_TO_PROSECUTION → IN_COURT → CLOSED (with "
            "an outcome); REOPENED by a supervisor of the owner NCB with a reason. An illegal "
            "move is a 400 naming the allowed ones."
        ),
        request=CaseStatusChangeSerializer,
        responses={200: CaseDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def status(self, request, public_id):
        case = self.get_case()
        data = validated(CaseStatusChangeSerializer(data=request.data))
        case = services.case_change_status(
            actor=request.user,
            case=case,
            status=data["status"],
            outcome=data.get("outcome", ""),
            reason=data.get("reason", ""),
        )
        return Response(self._reread(case))

    @extend_schema(
        summary=_("Requalify a case"),
        description=_("Changes the offence type; the change and its reason go on the timeline."),
        request=CaseOffenceTypeChangeSerializer,
        responses={200: CaseDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="offence-type")
    def offence_type(self, request, public_id):
        case = self.get_case()
        data = validated(CaseOffenceTypeChangeSerializer(data=request.data))
        case = services.case_change_offence_type(
            actor=request.user,
            case=case,
            offence_type=data["offence_type"],
            reason=data.get("reason", ""),
        )
        return Response(self._reread(case))

    def _reread(self, case: Case) -> dict:
        # Through the selector again: the answer shows only what the caller may still see.
        return self._detail(
            selectors.case_get_for_user(user=self.request.user, case_id=case.public_id)
        )

    def _detail(self, case: Case) -> dict:
        prefetch_related_objects([case], *CASE_ROW_PREFETCH)
        permissions = selectors.case_permissions_for_user(user=self.request.user, case=case)
        return CaseDetailSerializer(case, context={"permissions": permissions}).data

    def _owner_ncb(self, code: str | None) -> NationalCentralBureau | None:
        if not code:
            return None
        ncb = NationalCentralBureau.objects.filter(code=code.strip().upper()).first()
        if ncb is None:
            raise ValidationError({"owner_ncb": [_("“%(code)s” is not an NCB.") % {"code": code}]})
        return ncb

    def _service_data(self, data: dict) -> dict:
        if "lead_officer" in data:
            data["lead_officer"] = user_by_username(
                data["lead_officer"], field="lead_officer", message=LEAD_OFFICER_REFUSED
            )
        if "countries" in data:
            data["countries"] = [dict(item) for item in data["countries"]]
        return data
