"""Serializers of the support-organisation directory API (issue 6, item 2).

No serializer here has an `address` field: a shelter's address never leaves the instance
through the API, and other organisations' addresses are left out with it so that no client
can tell a shelter by a missing field.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from contacts.choices import SupportOrganisationKind, SupportService
from contacts.models import SupportOrganisation
from ncb_cases.api.schema import CodeField


class SupportOrganisationSerializer(serializers.ModelSerializer):
    """An organisation as every member of an NCB reads it (no street address)."""

    country = serializers.CharField(source="country.iso2", read_only=True)
    country_name = serializers.CharField(source="country.name", read_only=True)
    kind = CodeField(SupportOrganisationKind, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    services = serializers.ListField(child=CodeField(SupportService), read_only=True)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=2),
        read_only=True,
        help_text=_("ISO 639-1 codes"),
    )
    # Plain strings: empty when not recorded, which an `email` or `uri` format would refuse.
    email = serializers.CharField(read_only=True, help_text=_("An e-mail address, or empty"))
    website = serializers.CharField(read_only=True, help_text=_("A URL, or empty"))

    class Meta:
        model = SupportOrganisation
        fields = [
            "id",
            "country",
            "country_name",
            "name",
            "kind",
            "kind_display",
            "services",
            "languages",
            "city",
            "phone",
            "phone_24_7",
            "email",
            "website",
            "contact_person",
            "notes",
            "is_active",
            "updated_at",
        ]
        read_only_fields = fields


class SupportOrganisationWriteSerializer(serializers.Serializer):
    """What a supervisor of the country's NCB (or an admin) sends to record or change an
    organisation. The address is recorded in the browser only."""

    country = serializers.CharField(max_length=2, help_text=_("ISO alpha-2"))
    name = serializers.CharField(max_length=200)
    kind = CodeField(SupportOrganisationKind)
    services = serializers.ListField(child=CodeField(SupportService), required=False)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=8), required=False, help_text=_("ISO 639-1")
    )
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    phone_24_7 = serializers.BooleanField(required=False)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    website = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_person = serializers.CharField(max_length=150, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
