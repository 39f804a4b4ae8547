"""Shapes of victims' support referrals: the referral, its input, a care-status change, a
repatriation step, and the list's envelope with the counts every reader of the case gets.

A victim is shown by public id and pseudonym ("Victim V-3"); an organisation by id, name,
kind and country, never by address.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from contacts.choices import SupportOrganisationKind, SupportService
from ncb_cases.api.schema import CodeField
from ncb_cases.api.serializers.network import PersonRefSerializer
from ncb_cases.choices import CourtRole, ReferralStatus, RepatriationStatus
from ncb_cases.services.support import allowed_next_statuses, next_repatriation_step


class ReferralOrganisationSerializer(serializers.Serializer):
    """The organisation a victim is referred to, without its address."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = CodeField(SupportOrganisationKind)
    country = serializers.CharField(source="country.iso2", help_text=_("ISO alpha-2"))


class ReferralSerializer(serializers.Serializer):
    """A victim's referral with its consent, care status, repatriation and court role."""

    public_id = serializers.UUIDField()
    victim = PersonRefSerializer()
    victim_is_child = serializers.BooleanField(source="victim.is_child")
    organisation = ReferralOrganisationSerializer()
    services_requested = serializers.ListField(child=CodeField(SupportService))
    referred_on = serializers.DateField()
    status = CodeField(ReferralStatus)
    status_changed_on = serializers.DateField(allow_null=True)
    allowed_next_statuses = serializers.SerializerMethodField()
    consent_given = serializers.BooleanField()
    consent_on = serializers.DateField(allow_null=True)
    consent_scope = serializers.CharField()
    consent_override_reason = serializers.CharField()
    consent_override_by = serializers.SerializerMethodField()
    repatriation_status = CodeField(RepatriationStatus)
    next_repatriation_step = serializers.SerializerMethodField()
    repatriation_country = serializers.SerializerMethodField(help_text=_("ISO alpha-2"))
    repatriation_requested_on = serializers.DateField(allow_null=True)
    risk_assessed_on = serializers.DateField(allow_null=True)
    travel_arranged_on = serializers.DateField(allow_null=True)
    returned_on = serializers.DateField(allow_null=True)
    reintegrated_on = serializers.DateField(allow_null=True)
    court_role = CodeField(CourtRole)
    testified_on = serializers.DateField(allow_null=True)
    notes = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=CodeField(ReferralStatus)))
    def get_allowed_next_statuses(self, referral) -> list[str]:
        return allowed_next_statuses(referral.status)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_next_repatriation_step(self, referral) -> str | None:
        return next_repatriation_step(referral.repatriation_status)

    def get_consent_override_by(self, referral) -> str | None:
        user = referral.consent_override_by
        return user.get_username() if user is not None else None

    def get_repatriation_country(self, referral) -> str | None:
        country = referral.repatriation_country
        return country.iso2 if country is not None else None


class ReferralCountsSerializer(serializers.Serializer):
    """What every reader of the case learns: how many referrals, per care status."""

    total = serializers.IntegerField()
    by_status = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("Every ReferralStatus code, in order")
    )
    repatriations = serializers.IntegerField(
        help_text=_("Referrals with a repatriation requested or further")
    )


@extend_schema_serializer(many=False)
class ReferralListSerializer(serializers.Serializer):
    """The list: a page of referrals for holders of the case's victim-identity permission;
    for every other reader of the case an empty page (`identity_permitted` false) and the
    counts."""

    identity_permitted = serializers.BooleanField()
    counts = ReferralCountsSerializer()
    count = serializers.IntegerField(help_text=_("Referrals in `results` over all pages"))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReferralSerializer(many=True)


class ReferralInputSerializer(serializers.Serializer):
    """A new referral. Consent (`consent_given`, `consent_on`, `consent_scope`) is required,
    except for a child referred by a supervisor with `consent_override_reason`."""

    victim = serializers.UUIDField(help_text=_("Public id of a victim of this case"))
    organisation = serializers.IntegerField(help_text=_("Id of a support organisation"))
    services_requested = serializers.ListField(child=CodeField(SupportService), required=False)
    referred_on = serializers.DateField()
    consent_given = serializers.BooleanField(required=False, default=False)
    consent_on = serializers.DateField(required=False, allow_null=True)
    consent_scope = serializers.CharField(max_length=300, required=False, allow_blank=True)
    consent_override_reason = serializers.CharField(required=False, allow_blank=True)
    court_role = CodeField(CourtRole, required=False)
    testified_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class ReferralUpdateSerializer(serializers.Serializer):
    """What changes on a referral besides its steps."""

    services_requested = serializers.ListField(child=CodeField(SupportService), required=False)
    court_role = CodeField(CourtRole, required=False)
    testified_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class ReferralStatusInputSerializer(serializers.Serializer):
    to_status = CodeField(ReferralStatus)
    on = serializers.DateField()


class RepatriationStepInputSerializer(serializers.Serializer):
    to_status = CodeField(RepatriationStatus, help_text=_("The next step, and only that one"))
    on = serializers.DateField()
    receiving_country = serializers.CharField(
        max_length=2,
        required=False,
        allow_blank=True,
        help_text=_("ISO alpha-2; required with the first step, REQUESTED"),
    )
