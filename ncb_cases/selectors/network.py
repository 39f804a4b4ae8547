"""Reads of a case's network and work: crime groups, route, vehicles, tasks; the network graph."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from ncb_cases.models import (
    Case,
    CaseLink,
    GroupMembership,
    IdentityDocument,
    OrganisedCrimeGroup,
    Person,
    PersonPhone,
    RouteLeg,
    Task,
    Vehicle,
)
from ncb_cases.pseudonyms import person_display_name
from ncb_cases.selectors._common import as_uuid, denied
from ncb_cases.selectors.access import editable_cases, visible_cases

User = AbstractBaseUser | AnonymousUser


def _get(user: User, queryset: QuerySet, public_id, for_change: bool):
    """One object of `queryset`, or the 404 (a refused attempt audited as DENIED)."""
    public_id = as_uuid(public_id)
    try:
        return queryset.get(public_id=public_id)
    except queryset.model.DoesNotExist as exc:
        raise denied(user, queryset.model, public_id, for_change) from exc


def _cases(user: User, for_change: bool) -> QuerySet[Case]:
    return editable_cases(user) if for_change else visible_cases(user)


# --- Organised crime groups -------------------------------------------------------------------


def _groups() -> QuerySet[OrganisedCrimeGroup]:
    members = GroupMembership.objects.select_related("person__case").order_by("id")
    return OrganisedCrimeGroup.objects.select_related("case").prefetch_related(
        Prefetch("memberships", queryset=members)
    )


def group_list_for_case(*, user: User, case: Case) -> QuerySet[OrganisedCrimeGroup]:
    """The crime groups of a visible case with their memberships (present members through
    `ncb_cases.pseudonyms`). Two queries."""
    return _groups().filter(case=case, case__in=visible_cases(user))


def group_get_for_user(*, user: User, group_id, for_change: bool = False) -> OrganisedCrimeGroup:
    """A crime group whose case `user` may read (or change); Http404 otherwise."""
    return _get(user, _groups().filter(case__in=_cases(user, for_change)), group_id, for_change)


# --- Route ------------------------------------------------------------------------------------


def _legs() -> QuerySet[RouteLeg]:
    return RouteLeg.objects.select_related("case", "from_country", "to_country").prefetch_related(
        Prefetch("persons", queryset=Person.objects.select_related("case"))
    )


def route_leg_list_for_case(*, user: User, case: Case) -> QuerySet[RouteLeg]:
    """The route of a visible case in order (`seq` 1, 2, …). Two queries."""
    return _legs().filter(case=case, case__in=visible_cases(user)).order_by("seq")


def route_leg_get_for_user(*, user: User, leg_id, for_change: bool = False) -> RouteLeg:
    return _get(user, _legs().filter(case__in=_cases(user, for_change)), leg_id, for_change)


# --- Vehicles ---------------------------------------------------------------------------------


def vehicle_list_for_case(*, user: User, case: Case) -> QuerySet[Vehicle]:
    """The vehicles of a visible case (holders: present through `ncb_cases.pseudonyms`)."""
    return Vehicle.objects.select_related("case", "holder__case", "registration_country").filter(
        case=case, case__in=visible_cases(user)
    )


def vehicle_get_for_user(*, user: User, vehicle_id, for_change: bool = False) -> Vehicle:
    vehicles = Vehicle.objects.select_related("case", "holder__case", "registration_country")
    return _get(user, vehicles.filter(case__in=_cases(user, for_change)), vehicle_id, for_change)


# --- Tasks ------------------------------------------------------------------------------------


def _tasks() -> QuerySet[Task]:
    return Task.objects.select_related("case", "assignee", "done_by", "created_by")


def task_list_for_case(*, user: User, case: Case) -> QuerySet[Task]:
    """The tasks of a visible case: open ones first by due date, then done ones. One query."""
    return _tasks().filter(case=case, case__in=visible_cases(user))


def task_get_for_user(*, user: User, task_id, for_change: bool = False) -> Task:
    """A task of a case `user` may read (or change); Http404 otherwise."""
    return _get(user, _tasks().filter(case__in=_cases(user, for_change)), task_id, for_change)


def task_list_for_assignee(*, user: User, include_done: bool = False) -> QuerySet[Task]:
    """The user's own tasks, on cases they may still see (a revoked share hides its tasks)."""
    tasks = _tasks().filter(assignee_id=user.pk, case__in=visible_cases(user))
    return tasks if include_done else tasks.filter(done_at__isnull=True)


# --- The network graph ------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkNode:
    id: str  # "case:<uuid>", "person:<uuid>", "group:<uuid>", "phone:<e164>", …
    kind: str  # case, person, group, phone, document, vehicle
    label: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NetworkEdge:
    source: str
    target: str
    kind: str  # in_case, member_of, uses_phone, holds_document, uses_vehicle, linked_case


@dataclass(frozen=True)
class Network:
    nodes: tuple[NetworkNode, ...]
    edges: tuple[NetworkEdge, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "nodes": [asdict(node) for node in self.nodes],
            "edges": [asdict(edge) for edge in self.edges],
        }


NETWORK_MAX_CASES = 200


def network_for_user(*, user: User, case_ids=None, limit: int = NETWORK_MAX_CASES) -> Network:
    """The graph of persons, crime groups, phones, documents and vehicles across cases.

    Covers the cases with public ids `case_ids` that `user` may see (default: the `limit`
    most recent visible cases). A phone, document or vehicle appearing in several cases is
    one node, which is how a shared number shows up. Protected persons (victims, possible
    victims, children) appear under their pseudonym and without their phones or documents,
    whatever the reader's permissions: the graph is not an identity reveal. Seven queries.
    """
    cases_qs = visible_cases(user)
    if case_ids is not None:
        cases_qs = cases_qs.filter(public_id__in=[as_uuid(case_id) for case_id in case_ids])
    cases = list(cases_qs.order_by("-created_at", "-id")[:limit])
    case_pks = [case.pk for case in cases]
    nodes: dict[str, NetworkNode] = {}
    edges: set[NetworkEdge] = set()

    def add(node: NetworkNode) -> None:
        nodes.setdefault(node.id, node)

    for case in cases:
        add(
            NetworkNode(
                f"case:{case.public_id}",
                "case",
                case.reference,
                {"title": case.title, "public_id": str(case.public_id)},
            )
        )
    persons = list(Person.objects.filter(case_id__in=case_pks).select_related("case"))
    unprotected_ids = []
    for person in persons:
        person_node = f"person:{person.public_id}"
        add(
            NetworkNode(
                person_node,
                "person",
                person_display_name(person, identity_visible=False),
                {
                    "role": person.role,
                    "is_child": person.is_child,
                    "identity_protected": person.identity_protected,
                    "case_reference": person.case.reference,
                    "public_id": str(person.public_id),
                },
            )
        )
        edges.add(NetworkEdge(person_node, f"case:{person.case.public_id}", "in_case"))
        if not person.identity_protected:
            unprotected_ids.append(person.pk)
    person_nodes = {person.pk: f"person:{person.public_id}" for person in persons}

    for phone in PersonPhone.objects.filter(person_id__in=unprotected_ids):
        node_id = f"phone:{phone.number}"
        add(NetworkNode(node_id, "phone", phone.number))
        edges.add(NetworkEdge(person_nodes[phone.person_id], node_id, "uses_phone"))
    for document in IdentityDocument.objects.filter(person_id__in=unprotected_ids):
        node_id = f"document:{document.issuing_state}:{document.number_normalised}"
        label = f"{document.get_doc_type_display()} {document.number} {document.issuing_state}"
        add(NetworkNode(node_id, "document", label.strip()))
        edges.add(NetworkEdge(person_nodes[document.person_id], node_id, "holds_document"))
    for vehicle in Vehicle.objects.filter(case_id__in=case_pks).select_related("case"):
        node_id = f"vehicle:{vehicle.plate_normalised}"
        add(NetworkNode(node_id, "vehicle", vehicle.plate))
        source = person_nodes.get(vehicle.holder_id) or f"case:{vehicle.case.public_id}"
        edges.add(NetworkEdge(source, node_id, "uses_vehicle"))
    groups = OrganisedCrimeGroup.objects.filter(case_id__in=case_pks).select_related("case")
    for group in groups:
        group_node = f"group:{group.public_id}"
        add(NetworkNode(group_node, "group", group.name, {"case_reference": group.case.reference}))
        edges.add(NetworkEdge(group_node, f"case:{group.case.public_id}", "in_case"))
    memberships = GroupMembership.objects.filter(group__case_id__in=case_pks).select_related(
        "group"
    )
    for membership in memberships:
        edges.add(
            NetworkEdge(
                person_nodes[membership.person_id],
                f"group:{membership.group.public_id}",
                "member_of",
            )
        )
    links = CaseLink.objects.filter(
        Q(from_case_id__in=case_pks) & Q(to_case_id__in=case_pks)
    ).select_related("from_case", "to_case")
    for link in links:
        edges.add(
            NetworkEdge(
                f"case:{link.from_case.public_id}", f"case:{link.to_case.public_id}", "linked_case"
            )
        )
    return Network(
        nodes=tuple(nodes.values()),
        edges=tuple(sorted(edges, key=lambda edge: (edge.kind, edge.source, edge.target))),
    )
