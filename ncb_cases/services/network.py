"""Writes of a case's network: organised crime groups and their members, route legs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction, GroupMemberRole, OrganisationKind
from ncb_cases.models import Case, GroupMembership, OrganisedCrimeGroup, Person, RouteLeg
from ncb_cases.services._common import (
    Errors,
    as_date,
    country,
    lock_editable_case,
    reject_unknown_fields,
    text_list,
)
from ncb_cases.services.persons import _person_of_case

GROUP_DATA_FIELDS = ("name", "kind", "aliases", "description")
ROUTE_LEG_DATA_FIELDS = (
    "stage",
    "from_country",
    "from_place",
    "to_country",
    "to_place",
    "mode",
    "border_crossing_regular",
    "border_crossing_method",
    "departed_on",
    "arrived_on",
    "notes",
    "persons",
)

# --- Organised crime groups -------------------------------------------------------------------


@transaction.atomic
def group_create(
    *, actor: AbstractBaseUser, case: Case, data: Mapping[str, Any]
) -> OrganisedCrimeGroup:
    """Record an organised crime group (or front company) in a case.

    `data`: `name` (required, unique in the case), `kind` (OrganisationKind, default
    ORGANISED_CRIME_GROUP), `aliases` (list), `description`. One CREATE audit row.
    """
    case = lock_editable_case(actor, case)
    group = OrganisedCrimeGroup(
        case=case, created_by=actor, kind=OrganisationKind.ORGANISED_CRIME_GROUP
    )
    _apply_group_data(group, data)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=group)
    return group


@transaction.atomic
def group_update(
    *, actor: AbstractBaseUser, group: OrganisedCrimeGroup, data: Mapping[str, Any]
) -> OrganisedCrimeGroup:
    """Change some of a group's fields (`data` as for `group_create`)."""
    lock_editable_case(actor, group.case)
    group = OrganisedCrimeGroup.objects.select_for_update().get(pk=group.pk)
    _apply_group_data(group, data)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=group, details={"fields": sorted(data)}
    )
    return group


def _apply_group_data(group: OrganisedCrimeGroup, data: Mapping) -> None:
    errors = Errors()
    reject_unknown_fields(data, GROUP_DATA_FIELDS, errors)
    for key in ("name", "kind", "description"):
        if key in data:
            setattr(group, key, str(data[key] or "").strip())
    if "aliases" in data:
        aliases = text_list(data, "aliases", errors)
        if aliases is not None:
            group.aliases = aliases
    try:
        group.full_clean(exclude=errors.fields())
    except ValidationError as exc:
        # The one rule spanning fields is the name being unique in the case: it belongs to
        # `name`, where the person typing it can act on it.
        for field, messages in exc.message_dict.items():
            errors.add("name" if field == NON_FIELD_ERRORS else field, *messages)
    errors.raise_if_any()
    group.save()


@transaction.atomic
def group_member_add(
    *,
    actor: AbstractBaseUser,
    group: OrganisedCrimeGroup,
    person: Person,
    role: str = GroupMemberRole.MEMBER,
) -> GroupMembership:
    """Make a person of the group's case a member (or change their role if already one)."""
    case = lock_editable_case(actor, group.case)
    if person.case_id != case.pk:
        raise ValidationError({"person": [_("Only persons of the group's case can join it.")]})
    if role not in GroupMemberRole.values:
        raise ValidationError(
            {
                "role": [
                    _("Choose one of: %(roles)s.") % {"roles": ", ".join(GroupMemberRole.values)}
                ]
            }
        )
    membership, created = GroupMembership.objects.get_or_create(
        group=group, person=person, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=group,
        details={"member": person.public_id, "role": role},
    )
    return membership


@transaction.atomic
def group_member_remove(
    *, actor: AbstractBaseUser, group: OrganisedCrimeGroup, person: Person
) -> None:
    """Remove a person from a group (nothing happens if they were not a member)."""
    lock_editable_case(actor, group.case)
    deleted, _details = GroupMembership.objects.filter(group=group, person=person).delete()
    if deleted:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=group,
            details={"removed_member": person.public_id},
        )


# --- Route legs -------------------------------------------------------------------------------


@transaction.atomic
def route_leg_add(
    *,
    actor: AbstractBaseUser,
    case: Case,
    data: Mapping[str, Any],
    position: int | None = None,
) -> RouteLeg:
    """Add a leg to a case's route, at the end or at `position` (1 = first; later legs move
    down one). `data` (ROUTE_LEG_DATA_FIELDS): `stage`, `mode` (required), `from_country` /
    `to_country` (ISO alpha-2) and/or `from_place` / `to_place`, `border_crossing_regular`
    (True / False / None), `border_crossing_method`, `departed_on`, `arrived_on` (not before
    departure), `notes`, `persons` (persons of the case or their public ids)."""
    case = lock_editable_case(actor, case)
    legs = list(RouteLeg.objects.filter(case=case).order_by("seq"))
    leg = RouteLeg(case=case, seq=len(legs) + 1)
    persons = _apply_leg_data(leg, data, case)
    leg.save()
    if persons is not None:
        leg.persons.set(persons)
    index = len(legs) if position is None else max(0, min(position - 1, len(legs)))
    legs.insert(index, leg)
    _renumber(case, legs)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=leg)
    return leg


@transaction.atomic
def route_leg_update(
    *,
    actor: AbstractBaseUser,
    leg: RouteLeg,
    data: Mapping[str, Any],
    position: int | None = None,
) -> RouteLeg:
    """Change some of a leg's fields, and move it to `position` if given."""
    case = lock_editable_case(actor, leg.case)
    leg = RouteLeg.objects.select_for_update().get(pk=leg.pk)
    persons = _apply_leg_data(leg, data, case)
    leg.save()
    if persons is not None:
        leg.persons.set(persons)
    if position is not None:
        legs = [
            other
            for other in RouteLeg.objects.filter(case=case).order_by("seq")
            if other.pk != leg.pk
        ]
        legs.insert(max(0, min(position - 1, len(legs))), leg)
        _renumber(case, legs)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=leg, details={"fields": sorted(data)})
    return leg


@transaction.atomic
def route_leg_remove(*, actor: AbstractBaseUser, leg: RouteLeg) -> None:
    """Remove a leg; the following legs move up so that the route stays 1, 2, 3 …"""
    case = lock_editable_case(actor, leg.case)
    audit_record(actor=actor, action=AuditAction.DELETE, obj=leg, case=case)
    RouteLeg.objects.filter(pk=leg.pk).delete()
    _renumber(case, list(RouteLeg.objects.filter(case=case).order_by("seq")))


def _renumber(case: Case, legs: list[RouteLeg]) -> None:
    # Two steps, because (case, seq) is unique: first out of the way, then 1..n.
    offset = 10_000
    RouteLeg.objects.filter(case=case).update(seq=F("seq") + offset)
    for number, leg in enumerate(legs, start=1):
        leg.seq = number
    RouteLeg.objects.bulk_update(legs, ["seq"])


def _apply_leg_data(leg: RouteLeg, data: Mapping, case: Case) -> list[Person] | None:
    errors = Errors()
    reject_unknown_fields(data, ROUTE_LEG_DATA_FIELDS, errors)
    for key in ("stage", "from_place", "to_place", "mode", "border_crossing_method", "notes"):
        if key in data:
            setattr(leg, key, str(data[key] or "").strip())
    if "border_crossing_regular" in data:
        value = data["border_crossing_regular"]
        if value not in (True, False, None):
            errors.add("border_crossing_regular", _("Answer yes, no, or leave it unknown."))
        else:
            leg.border_crossing_regular = value
    for key in ("from_country", "to_country"):
        if key in data:
            setattr(leg, key, country(data[key], key, errors))
    for key in ("departed_on", "arrived_on"):
        if key in data:
            setattr(leg, key, as_date(data[key], key, errors))
    persons = None
    if "persons" in data:
        persons = []
        for value in data["persons"] or []:
            person = _person_of_case(value, case, "persons", errors)
            if person is not None and person not in persons:
                persons.append(person)
    try:
        leg.full_clean(exclude=errors.fields())
    except ValidationError as exc:
        errors.add_exception(exc)
    errors.raise_if_any()
    return persons
