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
from django.views.decorators.http import require_http_methods

from ncb_cases import permissions, selectors
from ncb_cases.audit import request_ip
from ncb_cases.choices import GroupMemberRole, OrganisationKind
from ncb_cases.forms.network import NetworkSearchForm
from ncb_cases.matching import (
    document_matches_for_user,
    phone_matches_for_user,
    vehicle_matches_for_user,
)
from ncb_cases.pseudonyms import person_display_name
from ncb_cases.selectors import Network
from ncb_cases.views.network_graph import (
    PageUrls,
    build_graph,
    case_graph,
    case_url,
    shown_value,
)

# The overview (no search) shows the most recent visible cases; a search shows the most
# recent cases where the value is known. Beyond ~50 cases a drawn graph stops being legible.
OVERVIEW_MAX_CASES = 20
SEARCH_MAX_CASES = 50

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
            what=shown_value(match),
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
