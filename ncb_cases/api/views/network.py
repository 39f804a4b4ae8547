"""`/cases/{case_id}/groups/`, `/route/`, `/vehicles/` and `/links/`: a case's network."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ncb_cases import selectors, services
from ncb_cases.api.schema import (
    CASE_ID,
    DETAIL_ERRORS,
    PAGE_SIZE,
    VALIDATION_ERROR,
    WRITE_ERRORS,
    path_id,
)
from ncb_cases.api.serializers.network import (
    CaseLinkSerializer,
    GroupMemberSerializer,
    GroupSerializer,
    RouteLegSerializer,
    RouteLegWriteSerializer,
    VehicleSerializer,
    VehicleWriteSerializer,
)
from ncb_cases.api.views._common import CaseChildViewSet, validated
from ncb_cases.models import CaseLink, OrganisedCrimeGroup, RouteLeg, Vehicle


def _read(serializer, **more):
    return extend_schema(
        responses={200: serializer, 400: VALIDATION_ERROR, **DETAIL_ERRORS}, **more
    )


def _write(request, response, code=200, **more):
    return extend_schema(request=request, responses={code: response, **WRITE_ERRORS}, **more)


def _remove(**more):
    return extend_schema(responses={204: None, **WRITE_ERRORS}, **more)


# --- Organised crime groups -------------------------------------------------------------------


@extend_schema(parameters=[CASE_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("List a case's organised crime groups"),
        parameters=[PAGE_SIZE],
        responses={200: GroupSerializer, **DETAIL_ERRORS},
    ),
    retrieve=_read(GroupSerializer, summary=_("An organised crime group")),
    create=_write(GroupSerializer, GroupSerializer, 201, summary=_("Record a group")),
    partial_update=_write(
        GroupSerializer(partial=True), GroupSerializer, summary=_("Edit a group")
    ),
)
class GroupViewSet(CaseChildViewSet):
    """Organised crime groups (and front companies) of a case, with their members."""

    serializer_class = GroupSerializer

    def get_queryset(self):
        if self.fake_schema_view():
            return OrganisedCrimeGroup.objects.none()
        return selectors.group_list_for_case(user=self.request.user, case=self.get_case())

    def list(self, request, case_id):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(GroupSerializer(page, many=True).data)

    def retrieve(self, request, case_id, public_id):
        return Response(GroupSerializer(self._group(public_id)).data)

    def create(self, request, case_id):
        case = self.get_case()
        data = validated(GroupSerializer(data=request.data))
        group = services.group_create(actor=request.user, case=case, data=data)
        return Response(self._reread(group), status=status.HTTP_201_CREATED)

    def partial_update(self, request, case_id, public_id):
        group = self._group(public_id)
        data = validated(GroupSerializer(data=request.data, partial=True))
        group = services.group_update(actor=request.user, group=group, data=data)
        return Response(self._reread(group))

    @_write(
        GroupMemberSerializer,
        GroupSerializer,
        summary=_("Add a member to a group"),
        description=_("Adds a person of the case, or changes the role of a member."),
    )
    @action(detail=True, methods=["post"])
    def members(self, request, case_id, public_id):
        group = self._group(public_id)
        data = validated(GroupMemberSerializer(data=request.data))
        person = self._person_of_case(data["person"]["public_id"])
        services.group_member_add(
            actor=request.user, group=group, person=person, role=data["role"]
        )
        return Response(self._reread(group))

    @_remove(
        summary=_("Remove a member from a group"),
        parameters=[path_id("person_id", _("person"))],
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"members/(?P<person_id>[0-9a-fA-F-]{32,36})",
    )
    def remove_member(self, request, case_id, public_id, person_id):
        group = self._group(public_id)
        person = self._person_of_case(person_id)
        services.group_member_remove(actor=request.user, group=group, person=person)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _group(self, public_id) -> OrganisedCrimeGroup:
        group = selectors.group_get_for_user(user=self.request.user, group_id=public_id)
        self.check_in_case(group.case_id)
        return group

    def _person_of_case(self, person_id):
        person = selectors.person_get_for_user(user=self.request.user, person_id=person_id)
        self.check_in_case(person.case_id)
        return person

    def _reread(self, group) -> dict:
        return GroupSerializer(self._group(group.public_id)).data


# --- Route ------------------------------------------------------------------------------------


@extend_schema(parameters=[CASE_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("The route of a case, leg by leg"),
        parameters=[PAGE_SIZE],
        responses={200: RouteLegSerializer, **DETAIL_ERRORS},
    ),
    retrieve=_read(RouteLegSerializer, summary=_("A leg of the route")),
    create=_write(RouteLegWriteSerializer, RouteLegSerializer, 201, summary=_("Add a leg")),
    partial_update=_write(
        RouteLegWriteSerializer(partial=True),
        RouteLegSerializer,
        summary=_("Edit or move a leg"),
    ),
    destroy=_remove(summary=_("Remove a leg; the following legs move up")),
)
class RouteLegViewSet(CaseChildViewSet):
    """The ordered legs of a case's route (`seq` 1, 2, 3 …)."""

    serializer_class = RouteLegSerializer

    def get_queryset(self):
        if self.fake_schema_view():
            return RouteLeg.objects.none()
        return selectors.route_leg_list_for_case(user=self.request.user, case=self.get_case())

    def list(self, request, case_id):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RouteLegSerializer(page, many=True).data)

    def retrieve(self, request, case_id, public_id):
        return Response(RouteLegSerializer(self._leg(public_id)).data)

    def create(self, request, case_id):
        case = self.get_case()
        data = validated(RouteLegWriteSerializer(data=request.data))
        position = data.pop("position", None)
        leg = services.route_leg_add(actor=request.user, case=case, data=data, position=position)
        return Response(self._reread(leg), status=status.HTTP_201_CREATED)

    def partial_update(self, request, case_id, public_id):
        leg = self._leg(public_id)
        data = validated(RouteLegWriteSerializer(data=request.data, partial=True))
        position = data.pop("position", None)
        leg = services.route_leg_update(actor=request.user, leg=leg, data=data, position=position)
        return Response(self._reread(leg))

    def destroy(self, request, case_id, public_id):
        services.route_leg_remove(actor=request.user, leg=self._leg(public_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _leg(self, public_id) -> RouteLeg:
        leg = selectors.route_leg_get_for_user(user=self.request.user, leg_id=public_id)
        self.check_in_case(leg.case_id)
        return leg

    def _reread(self, leg) -> dict:
        return RouteLegSerializer(self._leg(leg.public_id)).data


# --- Vehicles ---------------------------------------------------------------------------------


@extend_schema(parameters=[CASE_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("The vehicles of a case"),
        parameters=[PAGE_SIZE],
        responses={200: VehicleSerializer, **DETAIL_ERRORS},
    ),
    retrieve=_read(VehicleSerializer, summary=_("A vehicle")),
    create=_write(VehicleWriteSerializer, VehicleSerializer, 201, summary=_("Add a vehicle")),
    partial_update=_write(
        VehicleWriteSerializer(partial=True), VehicleSerializer, summary=_("Edit a vehicle")
    ),
    destroy=_remove(summary=_("Remove a vehicle")),
)
class VehicleViewSet(CaseChildViewSet):
    """Vehicles used in a case; their plates are matched across the cases you may see."""

    serializer_class = VehicleSerializer

    def get_queryset(self):
        if self.fake_schema_view():
            return Vehicle.objects.none()
        return selectors.vehicle_list_for_case(user=self.request.user, case=self.get_case())

    def list(self, request, case_id):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(VehicleSerializer(page, many=True).data)

    def retrieve(self, request, case_id, public_id):
        return Response(VehicleSerializer(self._vehicle(public_id)).data)

    def create(self, request, case_id):
        case = self.get_case()
        data = validated(VehicleWriteSerializer(data=request.data))
        vehicle = services.vehicle_add(actor=request.user, case=case, data=data)
        return Response(self._reread(vehicle), status=status.HTTP_201_CREATED)

    def partial_update(self, request, case_id, public_id):
        vehicle = self._vehicle(public_id)
        data = validated(VehicleWriteSerializer(data=request.data, partial=True))
        vehicle = services.vehicle_update(actor=request.user, vehicle=vehicle, data=data)
        return Response(self._reread(vehicle))

    def destroy(self, request, case_id, public_id):
        services.vehicle_remove(actor=request.user, vehicle=self._vehicle(public_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _vehicle(self, public_id) -> Vehicle:
        vehicle = selectors.vehicle_get_for_user(user=self.request.user, vehicle_id=public_id)
        self.check_in_case(vehicle.case_id)
        return vehicle

    def _reread(self, vehicle) -> dict:
        return VehicleSerializer(self._vehicle(vehicle.public_id)).data


# --- Links ------------------------------------------------------------------------------------


@extend_schema(parameters=[CASE_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("Cases related to this one"),
        description=_("Only links whose other end you may see too."),
        parameters=[PAGE_SIZE],
        responses={200: CaseLinkSerializer, **DETAIL_ERRORS},
    ),
    create=_write(CaseLinkSerializer, CaseLinkSerializer, 201, summary=_("Relate two cases")),
    destroy=_remove(summary=_("Remove a link (from the case it starts from)")),
)
class CaseLinkViewSet(CaseChildViewSet):
    serializer_class = CaseLinkSerializer

    def get_queryset(self):
        if self.fake_schema_view():
            return CaseLink.objects.none()
        return selectors.case_link_list_for_case(user=self.request.user, case=self.get_case())

    def list(self, request, case_id):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CaseLinkSerializer(page, many=True).data)

    def create(self, request, case_id):
        from_case = self.get_case()
        data = validated(CaseLinkSerializer(data=request.data))
        try:
            to_case = selectors.case_get_for_user(user=request.user, case_id=data["to_case_id"])
        except Http404 as exc:
            raise ValidationError({"to_case_id": [_("No such case.")]}) from exc
        try:
            link = services.case_link_create(
                actor=request.user,
                from_case=from_case,
                to_case=to_case,
                link_type=data["link_type"],
                note=data.get("note", ""),
            )
        except DjangoValidationError as exc:
            # The service names the other case `to_case`; this API's field is `to_case_id`.
            errors = exc.message_dict
            errors["to_case_id"] = errors.pop("to_case", [])
            raise ValidationError({key: value for key, value in errors.items() if value}) from exc
        link = selectors.case_link_get_for_user(user=request.user, link_id=link.public_id)
        return Response(CaseLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, case_id, public_id):
        link = selectors.case_link_get_for_user(
            user=request.user, link_id=public_id, for_change=True
        )
        self.check_in_case(link.from_case_id)
        services.case_link_remove(actor=request.user, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)
