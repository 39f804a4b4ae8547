"""How a network is presented: JSON for `static/js/network-graph.js`, rows for the table.

Turns the `selectors.network_for_user` graph (and `ncb_cases.matching` matches) into what the
network pages show: links to the case, person and group pages, readable phone numbers,
translated facts, "also in" lines. `build_graph` adds no data of its own and runs no queries;
`case_graph` reads one case's network through the selectors. Persons keep the labels the
selector gave them (pseudonyms for protected persons).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from contacts.validators import format_phone_for_display
from ncb_cases import selectors
from ncb_cases.choices import PersonRole
from ncb_cases.matching import CaseMatch, case_matches_for_user
from ncb_cases.selectors import Network

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


def shown_value(match: CaseMatch) -> str:
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
            value=shown_value(match),
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
