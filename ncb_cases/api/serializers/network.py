"""Shapes of a case's network: organised crime groups and members, route legs, vehicles, links.

Persons named here (members, travellers, holders) are shown by public id and display name,
which is the pseudonym of a protected person: these lists are not an identity reveal.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ncb_cases.api.schema import CodeField
from ncb_cases.choices import (
    BorderCrossingMethod,
    CaseLinkType,
    GroupMemberRole,
    OrganisationKind,
    RouteStage,
    TransportMode,
    VehicleType,
)
from ncb_cases.pseudonyms import person_display_name


class PersonRefSerializer(serializers.Serializer):
    """A person of the case, by public id and the name the caller may see."""

    public_id = serializers.UUIDField()
    display_name = serializers.SerializerMethodField()

    def get_display_name(self, person) -> str:
        return person_display_name(person, identity_visible=False)


# --- Organised crime groups -------------------------------------------------------------------


class GroupMemberSerializer(serializers.Serializer):
    """A member of a group; to add one (or change their role), send `person_id` and `role`."""

    person_id = serializers.UUIDField(
        source="person.public_id", help_text=_("A person of the case")
    )
    display_name = serializers.SerializerMethodField()
    role = CodeField(GroupMemberRole, default=GroupMemberRole.MEMBER)

    def get_display_name(self, membership) -> str:
        return person_display_name(membership.person, identity_visible=False)


class GroupSerializer(serializers.Serializer):
    """An organised crime group (or front company) as known in this case."""

    public_id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(max_length=150, help_text=_("Unique in the case"))
    kind = CodeField(OrganisationKind, default=OrganisationKind.ORGANISED_CRIME_GROUP)
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    members = GroupMemberSerializer(source="memberships.all", many=True, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


# --- Route ------------------------------------------------------------------------------------


class RouteLegSerializer(serializers.Serializer):
    """One leg of the route, read as the case shows it."""

    public_id = serializers.UUIDField()
    seq = serializers.IntegerField(help_text=_("1, 2, 3 … without gaps"))
    stage = CodeField(RouteStage)
    from_country = serializers.SerializerMethodField(help_text=_("ISO alpha-2"))
    from_place = serializers.CharField()
    to_country = serializers.SerializerMethodField(help_text=_("ISO alpha-2"))
    to_place = serializers.CharField()
    mode = CodeField(TransportMode)
    border_crossing_regular = serializers.BooleanField(allow_null=True)
    border_crossing_method = CodeField(BorderCrossingMethod, allow_blank=True)
    departed_on = serializers.DateField(allow_null=True)
    arrived_on = serializers.DateField(allow_null=True)
    notes = serializers.CharField()
    persons = PersonRefSerializer(source="persons.all", many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_from_country(self, leg) -> str | None:
        return leg.from_country.iso2 if leg.from_country_id else None

    def get_to_country(self, leg) -> str | None:
        return leg.to_country.iso2 if leg.to_country_id else None


class RouteLegWriteSerializer(serializers.Serializer):
    """A leg to add or change (a PATCH sends any subset)."""

    position = serializers.IntegerField(
        min_value=1, required=False, help_text=_("Where in the route (1 = first); default: last")
    )
    stage = CodeField(RouteStage)
    from_country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, allow_null=True, help_text=_("ISO alpha-2")
    )
    from_place = serializers.CharField(max_length=150, required=False, allow_blank=True)
    to_country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, allow_null=True, help_text=_("ISO alpha-2")
    )
    to_place = serializers.CharField(max_length=150, required=False, allow_blank=True)
    mode = CodeField(TransportMode)
    border_crossing_regular = serializers.BooleanField(required=False, allow_null=True)
    border_crossing_method = CodeField(BorderCrossingMethod, required=False, allow_blank=True)
    departed_on = serializers.DateField(required=False, allow_null=True)
    arrived_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Not before the departure")
    )
    notes = serializers.CharField(required=False, allow_blank=True)
    persons = serializers.ListField(
        child=serializers.UUIDField(), required=False, help_text=_("Persons of the case")
    )


# --- Vehicles ---------------------------------------------------------------------------------


class VehicleSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    vehicle_type = CodeField(VehicleType)
    plate = serializers.CharField()
    registration_country = serializers.SerializerMethodField(help_text=_("ISO alpha-2"))
    make = serializers.CharField()
    model = serializers.CharField()
    colour = serializers.CharField()
    description = serializers.CharField()
    holder = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_registration_country(self, vehicle) -> str | None:
        return vehicle.registration_country.iso2 if vehicle.registration_country_id else None

    @extend_schema_field(PersonRefSerializer(allow_null=True))
    def get_holder(self, vehicle) -> dict | None:
        return PersonRefSerializer(vehicle.holder).data if vehicle.holder_id else None


class VehicleWriteSerializer(serializers.Serializer):
    vehicle_type = CodeField(VehicleType, required=False)
    plate = serializers.CharField(max_length=20)
    registration_country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, allow_null=True, help_text=_("ISO alpha-2")
    )
    make = serializers.CharField(max_length=60, required=False, allow_blank=True)
    model = serializers.CharField(max_length=60, required=False, allow_blank=True)
    colour = serializers.CharField(max_length=30, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    holder = serializers.UUIDField(
        required=False, allow_null=True, help_text=_("A person of the case")
    )


# --- Links ------------------------------------------------------------------------------------


class CaseRefSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    reference = serializers.CharField()
    title = serializers.CharField()


class CaseLinkSerializer(serializers.Serializer):
    """A link between two cases, shown only to those who may see both."""

    public_id = serializers.UUIDField(read_only=True)
    from_case = CaseRefSerializer(read_only=True)
    to_case = CaseRefSerializer(read_only=True)
    to_case_id = serializers.UUIDField(
        write_only=True, help_text=_("The other case (one you may see)")
    )
    link_type = CodeField(CaseLinkType, default=CaseLinkType.RELATED)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
