"""OpenAPI pieces shared by the case API: error answers, path and header parameters, filters.

Error shape (DESIGN.md §6): `{"detail": ...}` for 401, 403, 404, or a 400 whose keys name each
field at fault. Nested fields are named by their path with dots, whatever layer found the
problem: `documents.0.mrz`, `phones.1`, `countries.0.role`; `non_field_errors` for a problem
of the request as a whole. The query-parameter and header errors name the parameter
(`status`, `X-Purpose`).
"""

from django import forms
from django.db.models import TextChoices
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from contacts.api.serializers import ErrorSerializer
from ncb_cases.api.pagination import StandardPagination
from ncb_cases.filtersets import CaseFilterForm

# Public ids only; anything else is not even routed (a 404 like a missing object).
UUID_PATTERN = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"

VALIDATION_ERROR = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=_(
        "`{field: [messages]}` naming every field at fault; nested fields by their dotted "
        "path (`documents.0.mrz`, `phones.1`, `countries.0.role`), problems of the whole "
        '`non_field_errors`; or `{"detail": ...}`. Nothing was written.'
    ),
    examples=[
        OpenApiExample(
            "Bad MRZ check digit",
            value={"documents.0.mrz": ["Check digit of the document number is wrong."]},
            response_only=True,
        ),
        OpenApiExample(
            "Unknown code",
            value={"offence_type": ["“PIRACY” is not a valid choice."]},
            response_only=True,
        ),
    ],
)
NOT_FOUND = OpenApiResponse(
    response=ErrorSerializer,
    description=_("Missing, or not yours to see or change: the two look the same."),
)
NOT_ALLOWED = OpenApiResponse(
    response=ErrorSerializer,
    description=_(
        "Your role reads no case data (SRB monitors, users of no NCB), or does not write "
        "(analysts)."
    ),
)
NOT_AUTHENTICATED = OpenApiResponse(
    response=ErrorSerializer, description=_("No valid token or session.")
)
READ_ERRORS = {401: NOT_AUTHENTICATED, 403: NOT_ALLOWED}
DETAIL_ERRORS = {**READ_ERRORS, 404: NOT_FOUND}
WRITE_ERRORS = {400: VALIDATION_ERROR, **DETAIL_ERRORS}

CASE_ID = OpenApiParameter(
    "case_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description=_("The case's public id"),
)


def path_id(name: str, what) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        OpenApiTypes.UUID,
        OpenApiParameter.PATH,
        description=format_lazy(_("The public id of the {what}"), what=what),
    )


PUBLIC_ID = OpenApiParameter(
    "public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description=_("A public id")
)

PURPOSE_HEADER = "X-Purpose"
X_PURPOSE = OpenApiParameter(
    PURPOSE_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=_(
        "Why you need to see this identity (a few words, recorded in the audit trail). "
        "Missing or too short: 400 naming `X-Purpose`, and the attempt is audited."
    ),
)

PAGE_SIZE = OpenApiParameter(
    "page_size",
    OpenApiTypes.INT,
    description=format_lazy(
        _("Results per page: {default} by default, at most {max}."),
        default=StandardPagination.page_size,
        max=StandardPagination.max_page_size,
    ),
)


def _form_field_parameter(name: str, field: forms.Field) -> OpenApiParameter:
    description = format_lazy(
        "{label}{sep}{help}",
        label=field.label,
        sep=". " if field.help_text else "",
        help=field.help_text or "",
    )
    choices = [value for value, _label in getattr(field, "choices", []) if value != ""]
    if isinstance(field, forms.MultipleChoiceField):
        return OpenApiParameter(
            name,
            OpenApiTypes.STR,
            many=True,
            explode=True,
            enum=choices,
            description=format_lazy(
                "{description} " + str(_("(repeat the parameter for several values)")),
                description=description,
            ),
        )
    if isinstance(field, forms.ChoiceField):
        return OpenApiParameter(name, OpenApiTypes.STR, enum=choices, description=description)
    if isinstance(field, forms.DateField):
        return OpenApiParameter(name, OpenApiTypes.DATE, description=description)
    return OpenApiParameter(name, OpenApiTypes.STR, description=description)


def case_filter_parameters() -> list[OpenApiParameter]:
    """Every query parameter of the case list, straight from `CaseFilterForm`."""
    parameters = [
        _form_field_parameter(name, field) for name, field in CaseFilterForm.base_fields.items()
    ]
    parameters.append(
        OpenApiParameter(
            "search",
            OpenApiTypes.STR,
            description=_("Same as `q` (the common `?search=` of list endpoints)."),
        )
    )
    parameters.append(PAGE_SIZE)
    return parameters


class CodeField(serializers.ChoiceField):
    """A choice among the codes of a `TextChoices` list, documented as `<List>Enum`.

    Why not a plain ChoiceField: drf-spectacular names an inline enum after its field, so two
    code lists behind fields of the same name (a person's `role`, a country's `role`, a
    contact point's `role`) collide, and one list behind two names (exploitation forms are
    the Palermo purposes) gets two names; both are schema warnings. Named after its code
    list, each enum is one component whatever the fields that use it.
    """

    def __init__(self, codes: type[TextChoices], **kwargs):
        self.codes = codes
        super().__init__(choices=codes.choices, **kwargs)


class CodeFieldExtension(OpenApiSerializerFieldExtension):
    target_class = CodeField

    def get_name(self) -> str | None:
        # A field that may also be blank ("no outcome yet") stays inline, so that its enum
        # can hold "" without changing the shared component; its field name is unique.
        return None if self.target.allow_blank else f"{self.target.codes.__name__}Enum"

    def map_serializer_field(self, auto_schema, direction) -> dict:
        codes = self.target.codes
        return {
            "type": "string",
            "enum": [*codes.values, *([""] if self.target.allow_blank else [])],
            "description": "\n".join(f"* `{value}` - {label}" for value, label in codes.choices),
        }
