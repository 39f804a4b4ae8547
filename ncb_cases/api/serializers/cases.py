"""Shapes of cases: the list row, the detail, the writable fields and the workflow actions.

The list row is built by hand (`case_row`) from what the list selector fetched and the view
prefetched: no field machinery, no query per row, for a page of 50 at 100,000 cases. The
declared fields are what the OpenAPI schema shows and what the writes validate; the
services decide what is allowed and their errors come back as 400 naming the field.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ncb_cases.api.schema import CodeField
from ncb_cases.choices import (
    CaseOutcome,
    CaseStatus,
    ConfidentialityLevel,
    CountryRole,
    ExploitationForm,
    HandlingCode,
    InformationAccuracy,
    OffenceType,
    PalermoAct,
    PalermoMeans,
    PalermoPurpose,
    SourceReliability,
)
from ncb_cases.models import Case

_DATETIME = serializers.DateTimeField()


def _datetime(value) -> str | None:
    # The same rendering as every DateTimeField of the API (ISO 8601, "Z" for UTC).
    return _DATETIME.to_representation(value) if value is not None else None


def _date(value) -> str | None:
    return value.isoformat() if value is not None else None


class CaseCountrySerializer(serializers.Serializer):
    """A country involved in a case and its role; the same shape is read and written."""

    country = serializers.CharField(
        min_length=2, max_length=2, help_text=_("ISO 3166-1 alpha-2 code")
    )
    role = CodeField(CountryRole)


class CasePermissionsSerializer(serializers.Serializer):
    """What the caller may do with this case (a convenience: every write is checked again)."""

    can_view = serializers.BooleanField()
    can_change = serializers.BooleanField(help_text=_("Edit the case and what hangs off it"))
    can_share = serializers.BooleanField(help_text=_("Share and unshare with other NCBs"))
    can_reopen = serializers.BooleanField()
    can_grant_victim_identity = serializers.BooleanField()
    can_reveal_victim_identity = serializers.BooleanField(
        help_text=_("Reveal protected persons' identity (with a stated purpose)")
    )
    can_view_full_audit_trail = serializers.BooleanField(
        help_text=_("Everyone's reads and changes of the case")
    )
    can_view_audit_trail = serializers.BooleanField(
        help_text=_("At least what your own NCB's people did with the case")
    )
    is_owner_ncb = serializers.BooleanField()


class CaseSerializer(serializers.Serializer):
    """A case as lists show it."""

    public_id = serializers.UUIDField(read_only=True)
    reference = serializers.CharField(read_only=True, help_text=_("<ISO2>-<year>-<number>"))
    title = serializers.CharField(read_only=True)
    status = CodeField(CaseStatus, read_only=True)
    outcome = CodeField(CaseOutcome, read_only=True, allow_blank=True)
    offence_type = CodeField(OffenceType, read_only=True)
    exploitation_forms = serializers.ListField(child=CodeField(ExploitationForm), read_only=True)
    countries = CaseCountrySerializer(many=True, read_only=True)
    owner_ncb = serializers.CharField(read_only=True, help_text=_("The owner NCB's code"))
    lead_officer = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("Username of the lead officer")
    )
    opened_on = serializers.DateField(read_only=True)
    closed_on = serializers.DateField(read_only=True, allow_null=True)
    confidentiality_level = CodeField(ConfidentialityLevel, read_only=True)
    handling_codes = serializers.ListField(child=CodeField(HandlingCode), read_only=True)
    source_reliability = CodeField(SourceReliability, read_only=True)
    information_accuracy = CodeField(InformationAccuracy, read_only=True)
    minor_data_present = serializers.BooleanField(
        read_only=True, help_text=_("The case holds a child's data (strictest handling)")
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, case: Case) -> dict:
        return case_row(case)


def case_row(case: Case) -> dict:
    """The list row of a case whose owner NCB and lead officer were fetched with it, and its
    countries (with their country) and exploitation forms prefetched as the lists
    `country_rows` and `exploitation_form_rows` (`ncb_cases.api.views.cases.for_case_rows`)."""
    return case_row_from_values(
        case.__dict__,
        owner_ncb=case.owner_ncb.code,
        lead_officer=case.lead_officer.get_username() if case.lead_officer_id else None,
        countries=[(item.country.iso2, item.role) for item in case.country_rows],
        exploitation_forms=[item.form for item in case.exploitation_form_rows],
    )


def case_row_from_values(
    values, *, owner_ncb: str, lead_officer: str | None, countries, exploitation_forms
) -> dict:
    """The list row from a case's column values (a model's `__dict__` or a `.values()` row)
    and what hangs off it: no model instance needed (`ncb_cases.api.views.cases.case_rows`)."""
    return {
        "public_id": str(values["public_id"]),
        "reference": values["reference"],
        "title": values["title"],
        "status": values["status"],
        "outcome": values["outcome"],
        "offence_type": values["offence_type"],
        "exploitation_forms": list(exploitation_forms),
        "countries": [{"country": iso2, "role": role} for iso2, role in countries],
        "owner_ncb": owner_ncb,
        "lead_officer": lead_officer,
        "opened_on": _date(values["opened_on"]),
        "closed_on": _date(values["closed_on"]),
        "confidentiality_level": values["confidentiality_level"],
        "handling_codes": list(values["handling_codes"]),
        "source_reliability": values["source_reliability"],
        "information_accuracy": values["information_accuracy"],
        "minor_data_present": values["minor_data_present"],
        "created_at": _datetime(values["created_at"]),
        "updated_at": _datetime(values["updated_at"]),
    }


class CaseDetailSerializer(CaseSerializer):
    """A case as its page shows it, with what the caller may do with it.

    Needs `context["permissions"]`: the caller's `CasePermissions` on the case.
    """

    summary = serializers.CharField(read_only=True)
    palermo_acts = serializers.ListField(child=CodeField(PalermoAct), read_only=True)
    palermo_means = serializers.ListField(child=CodeField(PalermoMeans), read_only=True)
    palermo_purposes = serializers.ListField(child=CodeField(PalermoPurpose), read_only=True)
    h3_text = serializers.CharField(read_only=True, help_text=_("The H3 restriction"))
    retention_review_on = serializers.DateField(read_only=True)
    owner_ncb_name = serializers.CharField(read_only=True, help_text=_("INTERPOL Paris"))
    created_by = serializers.CharField(
        read_only=True, help_text=_("Username of who opened the case")
    )
    permissions = CasePermissionsSerializer(read_only=True)

    def to_representation(self, case: Case) -> dict:
        return {
            **case_row(case),
            "summary": case.summary,
            "palermo_acts": list(case.palermo_acts),
            "palermo_means": list(case.palermo_means),
            "palermo_purposes": list(case.palermo_purposes),
            "h3_text": case.h3_text,
            "retention_review_on": _date(case.retention_review_on),
            "owner_ncb_name": case.owner_ncb.name,
            "created_by": case.created_by.get_username(),
            "permissions": CasePermissionsSerializer(self.context["permissions"]).data,
        }


def _codes(codes, help_text=None):
    return serializers.ListField(child=CodeField(codes), required=False, help_text=help_text)


class CaseWriteSerializer(serializers.Serializer):
    """The fields a case is opened or edited with (a PATCH sends any subset).

    Status and offence-type changes have their own actions; the timeline records them.
    """

    owner_ncb = serializers.CharField(
        max_length=20,
        required=False,
        help_text=_("Admins only, when opening: the owner NCB's code. Others: their own NCB."),
    )
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    offence_type = CodeField(OffenceType, required=False)
    exploitation_forms = _codes(ExploitationForm)
    countries = CaseCountrySerializer(many=True, required=False)
    palermo_acts = _codes(PalermoAct)
    palermo_means = _codes(PalermoMeans)
    palermo_purposes = _codes(PalermoPurpose)
    opened_on = serializers.DateField(required=False, help_text=_("Not in the future"))
    lead_officer = serializers.CharField(
        max_length=150,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=_("Username of an officer of the owner NCB; null to clear"),
    )
    confidentiality_level = CodeField(ConfidentialityLevel, required=False)
    handling_codes = _codes(HandlingCode, _("H3 needs `h3_text`"))
    h3_text = serializers.CharField(max_length=300, required=False, allow_blank=True)
    source_reliability = CodeField(SourceReliability, required=False)
    information_accuracy = CodeField(InformationAccuracy, required=False)
    retention_review_on = serializers.DateField(
        required=False,
        help_text=_(
            "At the latest five years after the case was recorded or last substantially updated"
        ),
    )


class CaseStatusChangeSerializer(serializers.Serializer):
    """Move a case along its workflow."""

    status = CodeField(CaseStatus)
    outcome = CodeField(
        CaseOutcome,
        required=False,
        allow_blank=True,
        help_text=_("Required when closing"),
    )
    reason = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text=_("Required when reopening (supervisors of the owner NCB only)"),
    )


class CaseOffenceTypeChangeSerializer(serializers.Serializer):
    """Requalify a case (smuggling cases become trafficking cases)."""

    offence_type = CodeField(OffenceType)
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)
