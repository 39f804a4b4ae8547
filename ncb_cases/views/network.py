"""The network view (issue 3 items 5 and 6): "have we seen this phone number before?".

Two pages draw the same kind of graph with `static/js/network-graph.js`, and both print the
same data as a table for keyboard and screen-reader users (and browsers without JavaScript):

- `/cases/network/` — across every case the user may see. A search (POST only: search terms
  never go into URLs) finds the visible cases where a phone, document, plate or name is
  known and centres the graph on it; `?case=<id>` centres it on one case and the cases it
  shares something with.
- `/cases/<id>/network/` — one case's tab: its persons, groups, phones, documents and
  vehicles, the cases linked to it, and every value it shares with another visible case
  ("also in FR-2026-000041"), plus its organised crime groups.

Persons appear as `selectors.network_for_user` presents them: protected persons (victims,
possible victims, children) under their pseudonym and without phones or documents, whatever
the reader's permissions. Nothing here reads a person's identity fields.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contacts.validators import format_phone_for_display
from ncb_cases import permissions, selectors
from ncb_cases.audit import request_ip
from ncb_cases.choices import GroupMemberRole, OrganisationKind, PersonRole
from ncb_cases.forms.network import NetworkSearchForm
from ncb_cases.matching import (
    CaseMatch,
    case_matches_for_user,
    document_matches_for_user,
    phone_matches_for_user,
    vehicle_matches_for_user,
)
from ncb_cases.pseudonyms import person_display_name
from ncb_cases.selectors import Network

# The overview (no search) shows the most recent visible cases; a search shows the most
# recent cases where the value is known. Beyond ~50 cases a drawn graph stops being legible.
OVERVIEW_MAX_CASES = 20
SEARCH_MAX_CASES = 50

KIND_ORDER = ("case", "group", "person", "phone", "document", "vehicle")


def kind_labels() -> dict[str, str]:
    return {
        "case": _("Case"),
        "group": _("Organised crime group"),
        "person": _("Person"),
        "phone": _("Phone"),
        "document": _("Identity document"),
        "vehicle": _("Vehicle"),
    }


def edge_labels() -> dict[str, str]:
    return {
        "in_case": _("in case"),
        "member_of": _("member of"),
        "uses_phone": _("uses phone"),
        "holds_document": _("holds document"),
        "uses_vehicle": _("uses vehicle"),
        "linked_case": _("linked case"),
        "also_in": _("also in"),
    }


def _script_strings(focus_label: str) -> dict[str, str]:
    # The few words network-graph.js writes itself; everything else is in the templates.
    return {
        "connections": _("Connected to"),
        "open": _("Open"),
        "search": _("Look for it in all cases"),
        "graph": _(
            "Network graph of %(nodes)s items and %(edges)s links. Use the arrow keys to move "
            "between items and Enter to show one; the same data is in the table below."
        ),
        "node": _("%(kind)s: %(label)s, %(count)s links"),
        "focus": focus_label,
        "legend": _("Show or hide kinds of items"),
        "zoom_in": _("Zoom in"),
        "zoom_out": _("Zoom out"),
        "fit": _("Show everything"),
    }


# --- Presentation of a network: JSON for the script, rows for the table -----------------------


class PageUrls:
    """Reverse each URL name once with placeholder ids, then substitute ids (no per-node
    resolver work). A name another helper has not wired yet gives no link instead of a 500."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, tuple[str, ...]], str | None] = {}

    @staticmethod
    def _placeholders(args: tuple[str, ...]) -> dict[str, UUID]:
        return {arg: UUID(int=number) for number, arg in enumerate(args, start=1)}

    def url(self, name: str, **ids: Any) -> str | None:
        key = (name, tuple(sorted(ids)))
        placeholders = self._placeholders(key[1])
        if key not in self._cache:
            try:
                self._cache[key] = reverse(name, kwargs=placeholders)
            except NoReverseMatch:
                self._cache[key] = None
        url = self._cache[key]
        if url is None:
            return None
        for arg, placeholder in placeholders.items():
            url = url.replace(str(placeholder), str(ids[arg]))
        return url


def case_url(urls: PageUrls, case_public_id) -> str | None:
    return urls.url("cases:detail", case_id=case_public_id) or urls.url(
        "cases:case_network", case_id=case_public_id
    )


@dataclass(frozen=True)
class GraphNode:
    id: str
    kind: str
    label: str
    url: str | None
    facts: tuple[tuple[str, str], ...]
    context: str = ""  # the case reference of a person or group, to tell namesakes apart


@dataclass(frozen=True)
class TableRow:
    """One item of the graph as the table shows it, with what it is connected to."""

    node: GraphNode
    kind_label: str
    is_focus: bool
    neighbours: tuple[tuple[str, GraphNode], ...]  # (kind label, node)


@dataclass
class GraphView:
    """A network ready to render: `payload` for `json_script`, `rows` for the table."""

    payload: dict[str, Any]
    rows: list[TableRow]
    node_count: int
    edge_count: int
    focus_label: str  # what the focus is: "match", "this case"


def _facts(node) -> tuple[tuple[str, str], ...]:
    details = node.details or {}
    facts: list[tuple[str, str]] = []
    if node.kind == "case":
        if details.get("title"):
            facts.append((_("Title"), details["title"]))
    elif node.kind == "person":
        if details.get("role"):
            facts.append((_("Role"), str(PersonRole(details["role"]).label)))
        if details.get("is_child"):
            facts.append((_("Child"), _("yes")))
        if details.get("identity_protected"):
            facts.append((_("Identity"), _("protected (pseudonym)")))
    if details.get("case_reference") and node.kind != "case":
        facts.append((_("Case"), details["case_reference"]))
    return tuple(facts)


def build_graph(
    network: Network,
    *,
    focus: set[str] | frozenset[str] = frozenset(),
    extra_nodes: list[GraphNode] | None = None,
    extra_edges: list[tuple[str, str, str]] | None = None,
    search_enabled: bool = False,
    focus_label: str = "",
) -> GraphView:
    """Turn a selector's Network into what the templates and network-graph.js show.

    Adds links (case, person, group pages), readable phone numbers and translated facts;
    drops everything else of the selector's `details`. No queries.
    """
    urls = PageUrls()
    person_case: dict[str, str] = {}
    for edge in network.edges:
        if edge.kind == "in_case" and edge.source.startswith("person:"):
            person_case[edge.source] = edge.target.removeprefix("case:")
    group_case = {}
    for edge in network.edges:
        if edge.kind == "in_case" and edge.source.startswith("group:"):
            group_case[edge.source] = edge.target.removeprefix("case:")

    nodes: dict[str, GraphNode] = {}
    for node in network.nodes:
        label = node.label
        url = None
        if node.kind == "case":
            url = case_url(urls, node.details.get("public_id") or node.id.removeprefix("case:"))
        elif node.kind == "person" and node.id in person_case:
            url = urls.url(
                "cases:person_detail",
                case_id=person_case[node.id],
                person_id=node.id.removeprefix("person:"),
            )
        elif node.kind == "group" and node.id in group_case:
            url = urls.url(
                "cases:group_detail",
                case_id=group_case[node.id],
                group_id=node.id.removeprefix("group:"),
            )
        elif node.kind == "phone":
            label = format_phone_for_display(node.label) or node.label
        context = node.details.get("case_reference", "") if node.kind != "case" else ""
        nodes[node.id] = GraphNode(node.id, node.kind, label, url, _facts(node), context)
    for extra in extra_nodes or []:
        nodes.setdefault(extra.id, extra)

    edges = [(edge.source, edge.target, edge.kind) for edge in network.edges]
    edges += [edge for edge in extra_edges or [] if edge[0] in nodes and edge[1] in nodes]
    focus = {node_id for node_id in focus if node_id in nodes}

    kinds = kind_labels()
    adjacency: dict[str, list[str]] = defaultdict(list)
    for source, target, _kind in edges:
        adjacency[source].append(target)
        adjacency[target].append(source)

    def order(node: GraphNode):
        return (KIND_ORDER.index(node.kind), node.label.casefold(), node.id)

    rows = []
    for node in sorted(nodes.values(), key=order):
        neighbours = sorted({nodes[other] for other in adjacency[node.id]}, key=order)
        rows.append(
            TableRow(
                node=node,
                kind_label=kinds[node.kind],
                is_focus=node.id in focus,
                neighbours=tuple((kinds[other.kind], other) for other in neighbours),
            )
        )
    payload = {
        "nodes": [
            {
                "id": node.id,
                "kind": node.kind,
                "label": node.label,
                "url": node.url,
                "facts": [list(fact) for fact in node.facts],
                "context": node.context,
                "searchable": search_enabled and node.kind in ("phone", "document", "vehicle"),
            }
            for node in sorted(nodes.values(), key=order)
        ],
        "edges": [
            {"source": source, "target": target, "kind": kind} for source, target, kind in edges
        ],
        "focus": sorted(focus),
        "kinds": kinds,
        "edge_kinds": edge_labels(),
        "strings": _script_strings(focus_label or _("match")),
    }
    return GraphView(
        payload=payload,
        rows=rows,
        node_count=len(nodes),
        edge_count=len(edges),
        focus_label=focus_label or _("match"),
    )


# --- "Also in": cross-case matches ------------------------------------------------------------


@dataclass(frozen=True)
class AlsoIn:
    """One line of "also in": what of ours (a value, a person) is known in which other case."""

    kind_label: str
    value: str  # shown value; "" when it belongs to a protected person
    source_label: str  # the person or vehicle of ours it is about, as the graph labels it
    case_reference: str
    case_url: str | None


def _match_kind_labels() -> dict[str, str]:
    return {
        "person": _("Same person (name and date of birth)"),
        "phone": _("Phone"),
        "document": _("Identity document"),
        "vehicle": _("Vehicle plate"),
    }


def _shown_value(match: CaseMatch) -> str:
    if match.kind == "phone" and match.value:
        return format_phone_for_display(match.value)
    return match.value


def also_in_lines(matches: list[CaseMatch], labels: dict[str, str]) -> list[AlsoIn]:
    """`matches` for a page; `labels`: node labels by public id (pseudonyms for protected)."""
    urls = PageUrls()
    kinds = _match_kind_labels()
    return [
        AlsoIn(
            kind_label=kinds.get(match.kind, match.kind),
            value=_shown_value(match),
            source_label=labels.get(str(match.source_public_id), ""),
            case_reference=match.case_reference,
            case_url=case_url(urls, match.case_public_id),
        )
        for match in matches
    ]


def _match_node_id(match: CaseMatch, network: Network) -> str | None:
    """The node of our graph a match is about: the value's node if drawn, else our person."""
    person_node = f"person:{match.source_public_id}"
    if match.kind == "phone" and match.value:
        return f"phone:{match.value}"
    if match.kind == "vehicle" and match.value:
        return f"vehicle:{match.value}"
    if match.kind == "document" and match.value:
        suffix = f":{match.value}"
        for edge in network.edges:
            if edge.source == person_node and edge.target.endswith(suffix):
                return edge.target
    return person_node


def _matched_case_node(match: CaseMatch) -> GraphNode:
    urls = PageUrls()
    return GraphNode(
        id=f"case:{match.case_public_id}",
        kind="case",
        label=match.case_reference,
        url=case_url(urls, match.case_public_id),
        facts=(),
    )


def case_graph(*, user, case, search_enabled: bool = False):
    """The graph of one case with its linked cases and "also in" cases; and the matches.

    About twenty queries whatever the size of the case: the network (7), the matches (~10),
    the links (1).
    """
    network = selectors.network_for_user(user=user, case_ids=[case.public_id])
    matches = case_matches_for_user(user=user, case=case)
    links = list(selectors.case_link_list_for_case(user=user, case=case))
    urls = PageUrls()
    extra_nodes: list[GraphNode] = []
    extra_edges: list[tuple[str, str, str]] = []
    here = f"case:{case.public_id}"
    for link in links:
        other = link.to_case if link.from_case_id == case.pk else link.from_case
        extra_nodes.append(
            GraphNode(
                id=f"case:{other.public_id}",
                kind="case",
                label=other.reference,
                url=case_url(urls, other.public_id),
                facts=((_("Title"), other.title),),
            )
        )
        extra_edges.append((here, f"case:{other.public_id}", "linked_case"))
    for match in matches:
        extra_nodes.append(_matched_case_node(match))
        source = _match_node_id(match, network)
        if source is not None:
            extra_edges.append((source, f"case:{match.case_public_id}", "also_in"))
    # A value shared by two of our persons and seen in one other case is one edge.
    extra_edges = list(dict.fromkeys(extra_edges))
    graph = build_graph(
        network,
        focus={here},
        extra_nodes=extra_nodes,
        extra_edges=extra_edges,
        search_enabled=search_enabled,
        focus_label=_("this case"),
    )
    labels = {
        node.id.split(":", 1)[1]: node.label for node in network.nodes if node.kind == "person"
    }
    return graph, also_in_lines(matches, labels)


# --- Pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    """Where a searched value is known: the visible cases, and what matched in each."""

    case_reference: str
    case_url: str | None
    what: str  # e.g. the pseudonyms of the persons whose name matched


def _search(user, form: NetworkSearchForm):
    """Run a valid search. Returns (case public ids, focus node ids, results).

    Only visible cases are searched (the matching functions and the person search filter by
    need-to-know), so a value known only in a case the user may not see finds nothing.
    Raises ValidationError for a value that cannot be what it claims (a bad phone number).
    """
    kind = form.cleaned_data["kind"]
    value = form.cleaned_data["value"]
    urls = PageUrls()
    if kind == NetworkSearchForm.NAME:
        persons = list(selectors.person_search_for_user(user=user, q=value))
        by_case: dict[UUID, list] = defaultdict(list)
        for person in persons:
            by_case[person.case.public_id].append(person)
        results = [
            SearchResult(
                case_reference=found[0].case.reference,
                case_url=case_url(urls, case_public_id),
                what=", ".join(
                    person_display_name(person, identity_visible=False) for person in found
                ),
            )
            for case_public_id, found in by_case.items()
        ]
        focus = {f"person:{person.public_id}" for person in persons}
        return list(by_case), focus, sorted(results, key=lambda r: r.case_reference)

    if kind == NetworkSearchForm.PHONE:
        matches = phone_matches_for_user(user=user, phone=value)
    elif kind == NetworkSearchForm.DOCUMENT:
        matches = document_matches_for_user(
            user=user, number=value, issuing_state=form.cleaned_data["issuing_state"]
        )
    else:
        matches = vehicle_matches_for_user(user=user, plate=value)
    results = [
        SearchResult(
            case_reference=match.case_reference,
            case_url=case_url(urls, match.case_public_id),
            what=_shown_value(match),
        )
        for match in matches
    ]
    if kind == NetworkSearchForm.PHONE:
        focus = {f"phone:{match.value}" for match in matches}
    elif kind == NetworkSearchForm.VEHICLE:
        focus = {f"vehicle:{match.value}" for match in matches}
    else:
        focus = {f"document-number:{match.value}" for match in matches}
    return [match.case_public_id for match in matches], focus, results


def _document_focus(focus: set[str], network: Network) -> set[str]:
    # A document node is "document:<issuing state>:<number>"; a search may omit the state.
    numbers = {item.removeprefix("document-number:") for item in focus}
    return {
        node.id
        for node in network.nodes
        if node.kind == "document" and node.id.rsplit(":", 1)[-1] in numbers
    } | {item for item in focus if not item.startswith("document-number:")}


@require_http_methods(["GET", "POST"])
def network(request):
    """The cross-case graph, with the "have we seen this before?" search."""
    user = request.user
    context: dict[str, Any] = {"max_cases": SEARCH_MAX_CASES}
    if not permissions.can_read_cases(user):
        # SRB monitors and users of no NCB see no case data at all (DESIGN.md §5).
        return render(request, "ncb_cases/network.html", {"no_access": True}, status=403)

    if request.method == "GET" and request.GET.get("case"):
        # Only a case id in the URL, never a search term.
        centre_case = selectors.case_detail_for_user(
            user=user, case_id=request.GET["case"], ip=request_ip(request)
        )
        graph, also_in = case_graph(user=user, case=centre_case, search_enabled=True)
        context.update(
            form=NetworkSearchForm(), graph=graph, also_in=also_in, centre_case=centre_case
        )
        return render(request, "ncb_cases/network.html", context)

    form = NetworkSearchForm(request.POST if request.method == "POST" else None)
    focus: set[str] = set()
    searched = False
    if form.is_bound and form.is_valid():
        try:
            case_ids, focus, results = _search(user, form)
        except ValidationError as exc:
            form.add_error("value", exc.messages)
        else:
            searched = True
            context["results"] = results
            context["truncated"] = len(case_ids) > SEARCH_MAX_CASES
    if searched:
        network_data = selectors.network_for_user(
            user=user, case_ids=case_ids, limit=SEARCH_MAX_CASES
        )
    else:
        # No search yet, or one to correct: the most recent cases, as on arrival.
        network_data = selectors.network_for_user(user=user, limit=OVERVIEW_MAX_CASES)
        context["overview_max"] = OVERVIEW_MAX_CASES

    if any(item.startswith("document-number:") for item in focus):
        focus = _document_focus(focus, network_data)
    if not focus and searched:
        focus = {node.id for node in network_data.nodes if node.kind == "case"}
    graph = build_graph(network_data, focus=focus, search_enabled=True)
    context.update(form=form, graph=graph, searched=searched)
    return render(request, "ncb_cases/network.html", context)


def case_network(request, case_id):
    """A case's network tab: its graph, what it shares with other cases, its crime groups."""
    user = request.user
    case = selectors.case_detail_for_user(user=user, case_id=case_id, ip=request_ip(request))
    case_permissions = selectors.case_permissions_for_user(user=user, case=case)
    graph, also_in = case_graph(user=user, case=case)
    groups = []
    urls = PageUrls()
    for group in selectors.group_list_for_case(user=user, case=case):
        members = [
            {
                "label": person_display_name(membership.person, identity_visible=False),
                "role": GroupMemberRole(membership.role).label,
                "url": urls.url(
                    "cases:person_detail",
                    case_id=case.public_id,
                    person_id=membership.person.public_id,
                ),
            }
            for membership in group.memberships.all()
        ]
        groups.append(
            {
                "group": group,
                "kind_label": OrganisationKind(group.kind).label,
                "members": members,
            }
        )
    return render(
        request,
        "ncb_cases/case_network.html",
        {
            "active_tab": "network",
            "case": case,
            "case_permissions": case_permissions,
            "graph": graph,
            "also_in": also_in,
            "groups": groups,
        },
    )
