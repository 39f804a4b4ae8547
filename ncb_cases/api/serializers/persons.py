"""Shapes of persons: what a reader sees (a `PersonView`, masked unless revealed) and what a
writer sends (the same fields, with phones and identity documents nested).

Output always goes through `ncb_cases.pseudonyms.PersonView`: a protected person (victim,
possible victim, child) has empty identity fields, no phones, no documents, and the
`display_name` "Victim V-3", unless the view came from the audited identity reveal.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ncb_cases.api.schema import CodeField
from ncb_cases.api.serializers.cases import CaseSerializer
from ncb_cases.choices import (
    DocumentAuthenticity,
    DocumentType,
    MeansOfControl,
    PersonRole,
    PhoneKind,
    RecruitmentMethod,
    RelationshipToTrafficker,
    RoleInProcess,
    Sex,
)
from ncb_cases.matching import CaseMatch
from ncb_cases.pseudonyms import PersonView


class CaseMatchSerializer(serializers.Serializer):
    """Another case the caller may see where the same value appears: "also in <reference>"."""

    kind = serializers.ChoiceField(
        choices=[
            ("person", _("Same name and date of birth")),
            ("phone", _("Same phone number")),
            ("document", _("Same identity document")),
            ("vehicle", _("Same registration plate")),
        ]
    )
    case_reference = serializers.CharField()
    case_id = serializers.UUIDField(source="case_public_id")
    value = serializers.CharField(
        help_text=_("The matching value; empty when it belongs to a protected person")
    )


class PhoneSerializer(serializers.Serializer):
    number = serializers.CharField(
        max_length=40, help_text=_("Any common notation in; E.164 out (+33600000001)")
    )
    display = serializers.CharField(read_only=True, help_text=_("International format"))
    kind = CodeField(PhoneKind, default=PhoneKind.MOBILE)


class DocumentSerializer(serializers.Serializer):
    """An identity or travel document (ICAO 9303). An MRZ must pass its check digits; it
    fills the number and issuing state when they are left out."""

    public_id = serializers.UUIDField(
        required=False,
        help_text=_("When updating a person: the document to change (omit for a new one)"),
    )
    doc_type = CodeField(DocumentType, default=DocumentType.PASSPORT)
    number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    issuing_state = serializers.CharField(
        max_length=3, required=False, allow_blank=True, help_text=_("ICAO code (NGA, D, UTO)")
    )
    issued_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("After the date of issue")
    )
    authenticity = CodeField(DocumentAuthenticity, default=DocumentAuthenticity.UNKNOWN)
    mrz = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Machine-readable zone, lines separated")
    )
    withheld_by_exploiter = serializers.BooleanField(default=False)


def _codes(codes):
    return serializers.ListField(child=CodeField(codes), required=False)


def _texts(help_text):
    return serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, help_text=help_text
    )


class PersonSerializer(serializers.Serializer):
    """A person in a case. Written with the editable fields; read as a `PersonView`.

    Protected persons are read masked: `identity_masked` is true and the identity fields
    (names, aliases, date and place of birth, addresses, phones, documents) are empty.
    """

    # Read only: who and where.
    public_id = serializers.UUIDField(read_only=True)
    case_id = serializers.UUIDField(source="case_public_id", read_only=True)
    case_reference = serializers.CharField(read_only=True)
    display_name = serializers.CharField(
        read_only=True, help_text=_("The name, or the pseudonym of a protected person")
    )
    pseudonym = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("V-3 for a protected person")
    )
    identity_protected = serializers.BooleanField(
        read_only=True, help_text=_("Victim, possible victim or child")
    )
    identity_masked = serializers.BooleanField(
        read_only=True, help_text=_("The identity fields are empty on purpose")
    )
    is_child = serializers.BooleanField(
        read_only=True, help_text=_("Under 18 when exploitation started (computed)")
    )
    # Written and read.
    role = CodeField(PersonRole)
    family_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    forenames = serializers.CharField(max_length=150, required=False, allow_blank=True)
    name_original_script = serializers.CharField(max_length=300, required=False, allow_blank=True)
    aliases = _texts(_("Other names used"))
    sex = CodeField(Sex, required=False)
    date_of_birth = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD; not after the start of exploitation"),
    )
    place_of_birth = serializers.CharField(max_length=150, required=False, allow_blank=True)
    country_of_birth = serializers.CharField(
        max_length=2, required=False, allow_blank=True, help_text=_("ISO 3166-1 alpha-2")
    )
    nationalities = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, help_text=_("ICAO codes")
    )
    addresses = serializers.CharField(
        required=False, allow_blank=True, help_text=_("One address per line")
    )
    roles_in_process = _codes(RoleInProcess)
    recruitment_methods = _codes(RecruitmentMethod)
    recruitment_platforms = _texts(_("Websites, apps or networks used to recruit"))
    means_of_control = _codes(MeansOfControl)
    relationship_to_trafficker = CodeField(
        RelationshipToTrafficker, required=False, allow_blank=True
    )
    referred_to_support = serializers.BooleanField(required=False)
    exploitation_started_on = serializers.DateField(required=False, allow_null=True)
    phones = PhoneSerializer(
        many=True, required=False, help_text=_("When updating: replaces the list")
    )
    documents = DocumentSerializer(
        many=True,
        required=False,
        help_text=_(
            "When updating: replaces the list (entries with a `public_id` change that "
            "document, others are added, documents left out are removed)"
        ),
    )
    # Read only: cross-case matches and times.
    matches = serializers.SerializerMethodField(
        help_text=_(
            "Other cases you may see where this person, a phone, a document or a vehicle of "
            "theirs appears (empty in an identity reveal)"
        )
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(CaseMatchSerializer(many=True))
    def get_matches(self, view: PersonView) -> list[dict]:
        # `context["matches"]`: {person public id: [CaseMatch]}, computed once per request.
        matches: list[CaseMatch] = self.context.get("matches", {}).get(view.public_id, [])
        return CaseMatchSerializer(matches, many=True).data


class SearchQuerySerializer(serializers.Serializer):
    """A search term, in the query string (GET) or the body (POST: kept out of URLs and logs)."""

    q = serializers.CharField(
        max_length=200, help_text=_("What to look for (a name, a reference, +33 6 00 00 00 01 …)")
    )


class SearchResultSerializer(serializers.Serializer):
    """What `/api/v1/search/?q=` found in the cases the caller may see."""

    q = serializers.CharField()
    cases = CaseSerializer(many=True, help_text=_("By title, summary, reference, names"))
    persons = PersonSerializer(
        many=True, help_text=_("By name or alias; protected persons only with the permission")
    )
    phone_matches = CaseMatchSerializer(
        many=True, help_text=_("Cases where `q`, read as a phone number, is known")
    )
    document_matches = CaseMatchSerializer(
        many=True, help_text=_("Cases where `q`, read as a document number, is known")
    )
    vehicle_matches = CaseMatchSerializer(
        many=True, help_text=_("Cases where `q`, read as a registration plate, is known")
    )
    truncated = serializers.BooleanField(
        help_text=_("Some lists were cut at their limit; refine the query")
    )
