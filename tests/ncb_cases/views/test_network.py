"""The network pages: /cases/network/ (across cases) and a case's network tab."""

import json
import re

import pytest
from django.urls import reverse

from ncb_cases import services
from ncb_cases.choices import AuditAction, PersonRole
from ncb_cases.models import AuditEvent
from tests.factories import share_case
from tests.ncb_cases.views import network_scenarios
from tests.ncb_cases.views.network_scenarios import MATRIX

pytestmark = pytest.mark.django_db

reader = network_scenarios.reader  # the fixture, shared with test_groups.py

SHARED_PHONE = "+33 1 99 00 10 01"  # suspect_fr's phone (a fictitious French range)
VICTIM_IDENTITY = ("okafor", "blessing", "jewel", "2348030000001", "803 000 0001", "a00000001")


def network_url():
    return reverse("cases:network")


def tab_url(case):
    return reverse("cases:case_network", kwargs={"case_id": case.public_id})


def graph_json(response):
    match = re.search(
        r'<script id="network-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page carries the graph as json_script"
    return json.loads(match.group(1))


def assert_no_victim_identity(response):
    content = response.content.decode().lower()
    for fragment in VICTIM_IDENTITY:
        assert fragment not in content


def grow(case, actor, size, *, offset=0):
    """Add `size` suspects (each with a phone and a passport), `size` victims (also with
    phones), a group holding them all, and a vehicle per suspect: a graph of ~5·size nodes."""
    group = services.group_create(
        actor=actor, case=case, data={"name": f"Network-Test {offset}-{size}"}
    )
    for n in range(size):
        number = offset + n
        suspect = services.person_create(
            actor=actor,
            case=case,
            data={
                "role": PersonRole.SUSPECT,
                "family_name": f"Suspect{number}-Test",
                "phones": [f"+33 1 99 00 {20 + number // 100:02d} {number % 100:02d}"],
                "documents": [
                    {"doc_type": "PASSPORT", "number": f"X{number:07d}", "issuing_state": "FRA"}
                ],
            },
        )
        victim = services.person_create(
            actor=actor,
            case=case,
            data={
                "role": PersonRole.VICTIM,
                "family_name": f"Victimname{number}-Test",
                "phones": [f"+33 1 99 00 {40 + number // 100:02d} {number % 100:02d}"],
            },
        )
        services.group_member_add(actor=actor, group=group, person=suspect)
        services.group_member_add(actor=actor, group=group, person=victim)
        services.vehicle_add(
            actor=actor,
            case=case,
            data={"vehicle_type": "VAN", "plate": f"TS-{number:03d}-XX", "holder": suspect},
        )


@pytest.fixture
def second_case_fr(officer_fr, countries):
    """Another French case whose suspect uses suspect_fr's phone."""
    case = services.case_create(actor=officer_fr, data={"title": "Grenoble car washes"})
    services.person_create(
        actor=officer_fr,
        case=case,
        data={"role": "SUSPECT", "family_name": "Lambert-Test", "phones": [SHARED_PHONE]},
    )
    return case


@pytest.fixture
def german_case_same_phone(officer_de, countries):
    """A German case, not shared with France, whose suspect uses the same phone."""
    case = services.case_create(actor=officer_de, data={"title": "Hamburg building sites"})
    services.person_create(
        actor=officer_de,
        case=case,
        data={"role": "SUSPECT", "family_name": "Schulz-Test", "phones": [SHARED_PHONE]},
    )
    return case


@pytest.fixture
def network_fr(case_fr, suspect_fr, victim_fr, officer_fr):
    """case_fr with a group holding its suspect and its victim."""
    group = services.group_create(actor=officer_fr, case=case_fr, data={"name": "Red Axe-Test"})
    services.group_member_add(actor=officer_fr, group=group, person=suspect_fr)
    services.group_member_add(actor=officer_fr, group=group, person=victim_fr)
    return case_fr


def search(client, kind, value, **extra):
    return client.post(network_url(), {"kind": kind, "value": value, **extra})


# --- The case's network tab -------------------------------------------------------------------


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_the_network_tab_answers_each_reader_as_the_matrix_says(
    scenario, reader, client_for, network_fr
):
    # given
    user = reader(scenario)
    # when
    response = client_for(user).get(tab_url(network_fr))
    # then
    status, may_change = MATRIX[scenario]
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))
    if status == 200:
        assert "Red Axe-Test" in response.content.decode()
        create_url = reverse("cases:group_create", kwargs={"case_id": network_fr.public_id})
        assert (create_url in response.content.decode()) is may_change


def test_the_network_tab_marks_itself_as_the_current_tab(client_for, officer_fr, network_fr):
    # when
    response = client_for(officer_fr).get(tab_url(network_fr))
    # then
    assert response.context["active_tab"] == "network"
    assert response.context["case_permissions"].can_change


def test_each_view_of_the_network_tab_writes_one_view_audit_row(
    client_for, officer_fr, network_fr
):
    # given
    client = client_for(officer_fr)
    views = AuditEvent.objects.filter(case=network_fr, actor=officer_fr, action=AuditAction.VIEW)
    before = views.count()
    # when
    for _ in range(3):
        client.get(tab_url(network_fr))
    # then
    assert views.count() == before + 3


def test_a_refused_network_tab_is_recorded_as_denied(client_for, officer_de, network_fr):
    # when
    response = client_for(officer_de).get(tab_url(network_fr))
    # then
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        case=network_fr, actor=officer_de, action=AuditAction.DENIED
    ).exists()


@pytest.mark.parametrize("scenario", ["owner_officer", "shared_read"])
def test_the_network_tab_never_shows_a_victims_identity(
    scenario, reader, client_for, network_fr, victim_fr
):
    # given officer_fr opened the case and so holds the victim-identity grant; officer_de not
    user = reader(scenario)
    # when
    response = client_for(user).get(tab_url(network_fr))
    # then
    assert response.status_code == 200
    assert_no_victim_identity(response)
    labels = {node["label"] for node in graph_json(response)["nodes"]}
    assert "Victim V-1" in labels
    assert "Victim V-1" in response.content.decode()


def test_the_network_tab_draws_persons_groups_phones_and_documents_of_the_case(
    client_for, officer_fr, network_fr, suspect_fr
):
    # when
    data = graph_json(client_for(officer_fr).get(tab_url(network_fr)))
    # then
    nodes = {node["id"]: node for node in data["nodes"]}
    assert {node["kind"] for node in nodes.values()} >= {"case", "person", "group", "phone"}
    assert nodes["phone:+33199001001"]["label"] == "+33 1 99 00 10 01"
    suspect = nodes[f"person:{suspect_fr.public_id}"]
    assert suspect["url"] == reverse(
        "cases:person_detail",
        kwargs={"case_id": network_fr.public_id, "person_id": suspect_fr.public_id},
    )
    assert data["focus"] == [f"case:{network_fr.public_id}"]


def test_the_network_tab_says_where_else_a_phone_is_known(
    client_for, officer_fr, network_fr, second_case_fr
):
    # when
    response = client_for(officer_fr).get(tab_url(network_fr))
    # then
    lines = response.context["also_in"]
    assert [(line.kind_label, line.case_reference) for line in lines] == [
        ("Phone", second_case_fr.reference)
    ]
    data = graph_json(response)
    assert {
        "source": "phone:+33199001001",
        "target": f"case:{second_case_fr.public_id}",
        "kind": "also_in",
    } in data["edges"]


def test_the_network_tab_never_reveals_a_match_in_a_case_the_reader_may_not_see(
    client_for, officer_fr, network_fr, german_case_same_phone
):
    # when
    response = client_for(officer_fr).get(tab_url(network_fr))
    # then
    assert response.context["also_in"] == []
    content = response.content.decode()
    assert german_case_same_phone.reference not in content
    assert str(german_case_same_phone.public_id) not in content
    assert "Schulz" not in content


def test_the_network_tab_shows_linked_cases_the_reader_may_see(
    client_for, officer_fr, network_fr, second_case_fr
):
    # given
    services.case_link_create(actor=officer_fr, from_case=network_fr, to_case=second_case_fr)
    # when
    data = graph_json(client_for(officer_fr).get(tab_url(network_fr)))
    # then
    assert {
        "source": f"case:{network_fr.public_id}",
        "target": f"case:{second_case_fr.public_id}",
        "kind": "linked_case",
    } in data["edges"]


def test_the_network_tab_loads_its_scripts_only_from_files(client_for, officer_fr, network_fr):
    # when
    content = client_for(officer_fr).get(tab_url(network_fr)).content.decode()
    # then: no inline script code or handlers, so a nonce-based CSP can be added later
    for tag in re.findall(r"<script\b[^>]*>", content):
        assert "src=" in tag or 'type="application/json"' in tag
    assert not re.search(r"\son[a-z]+=", content)
    assert "js/network-graph.js" in content


@pytest.mark.parametrize("size", [1, 8])
def test_the_network_tab_costs_the_same_queries_whatever_the_size_of_the_case(
    size, client_for, officer_fr, network_fr, second_case_fr, django_assert_max_num_queries
):
    # given
    grow(network_fr, officer_fr, size)
    services.case_link_create(actor=officer_fr, from_case=network_fr, to_case=second_case_fr)
    client = client_for(officer_fr)
    # when: 33 at both sizes today (session, audit row, permissions, graph 7, matches ~10);
    # the bound leaves room for a context processor, not for a query per person
    with django_assert_max_num_queries(35):
        response = client.get(tab_url(network_fr))
    # then
    assert response.status_code == 200
    assert len(graph_json(response)["nodes"]) >= 5 * size


# --- /cases/network/ across cases -------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client_for):
    # when
    response = client_for(None).get(network_url())
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("user_fixture", ["srb_europe", "user_without_ncb"])
def test_users_without_case_access_get_no_case_data(user_fixture, request, client_for, network_fr):
    # given
    user = request.getfixturevalue(user_fixture)
    # when
    response = client_for(user).get(network_url())
    searched = search(client_for(user), "phone", SHARED_PHONE)
    # then
    for answer in (response, searched):
        assert answer.status_code == 403
        assert network_fr.reference not in answer.content.decode()
        assert "network-data" not in answer.content.decode()


@pytest.mark.parametrize("scenario", ["analyst", "owner_officer", "admin", "shared_read"])
def test_readers_see_the_recent_cases_they_may_see(scenario, reader, client_for, network_fr):
    # given
    user = reader(scenario)
    # when
    response = client_for(user).get(network_url())
    # then
    assert response.status_code == 200
    ids = {node["id"] for node in graph_json(response)["nodes"]}
    assert f"case:{network_fr.public_id}" in ids


@pytest.mark.parametrize("scenario", ["other_ncb", "expired_share"])
def test_the_overview_leaves_out_cases_the_reader_may_not_see(
    scenario, reader, client_for, network_fr
):
    # given
    user = reader(scenario)
    # when
    response = client_for(user).get(network_url())
    # then
    assert response.status_code == 200
    assert network_fr.reference not in response.content.decode()


def test_the_search_form_sends_its_terms_by_post_not_in_the_url(client_for, officer_fr):
    # when
    response = client_for(officer_fr).get(network_url())
    # then
    form = re.search(
        r'<form method="(\w+)" action="([^"]*)" class="network-search__form"',
        response.content.decode(),
    )
    assert form.groups() == ("post", network_url())


def test_search_terms_in_a_url_are_ignored(client_for, officer_fr, network_fr, second_case_fr):
    # when
    response = client_for(officer_fr).get(network_url(), {"kind": "phone", "value": SHARED_PHONE})
    # then
    assert response.status_code == 200
    assert response.context["searched"] is False


def test_a_phone_search_says_which_visible_cases_know_the_number(
    client_for, officer_fr, network_fr, second_case_fr
):
    # when
    response = search(client_for(officer_fr), "phone", "+33 (0)1 99 00 10 01")
    # then
    assert response.status_code == 200
    references = [result.case_reference for result in response.context["results"]]
    assert references == sorted([network_fr.reference, second_case_fr.reference])
    assert f'href="{reverse("cases:detail", kwargs={"case_id": second_case_fr.public_id})}"' in (
        response.content.decode()
    )
    data = graph_json(response)
    assert data["focus"] == ["phone:+33199001001"]
    assert {node["id"] for node in data["nodes"]} >= {
        f"case:{network_fr.public_id}",
        f"case:{second_case_fr.public_id}",
    }


def test_a_phone_search_never_reveals_a_case_of_another_ncb(
    client_for, officer_fr, network_fr, german_case_same_phone
):
    # when
    response = search(client_for(officer_fr), "phone", SHARED_PHONE)
    # then
    references = [result.case_reference for result in response.context["results"]]
    assert references == [network_fr.reference]
    content = response.content.decode()
    assert german_case_same_phone.reference not in content
    assert str(german_case_same_phone.public_id) not in content
    assert "Schulz" not in content


def test_the_same_search_by_the_other_ncb_finds_only_its_own_case(
    client_for, officer_de, network_fr, german_case_same_phone
):
    # when
    response = search(client_for(officer_de), "phone", SHARED_PHONE)
    # then
    references = [result.case_reference for result in response.context["results"]]
    assert references == [german_case_same_phone.reference]
    assert network_fr.reference not in response.content.decode()


def test_a_shared_case_is_found_by_the_ncb_it_is_shared_with(
    client_for, officer_de, ncb_de, network_fr, german_case_same_phone
):
    # given
    share_case(network_fr, ncb_de)
    # when
    response = search(client_for(officer_de), "phone", SHARED_PHONE)
    # then
    references = {result.case_reference for result in response.context["results"]}
    assert references == {german_case_same_phone.reference, network_fr.reference}


def test_an_unknown_value_finds_nothing_and_draws_nothing(client_for, officer_fr, network_fr):
    # when
    response = search(client_for(officer_fr), "vehicle", "ZZ-999-ZZ")
    # then
    assert response.context["results"] == []
    assert "Not known in any case you may see." in response.content.decode()
    assert "network-data" not in response.content.decode()


def test_an_invalid_phone_is_a_form_error_on_the_value(client_for, officer_fr, network_fr):
    # when
    response = search(client_for(officer_fr), "phone", "12")
    # then: the error, and the recent cases as on arrival
    assert response.status_code == 200
    assert response.context["form"].errors["value"]
    assert response.context["searched"] is False
    assert f"case:{network_fr.public_id}" in {node["id"] for node in graph_json(response)["nodes"]}


def test_a_document_search_centres_on_the_document(client_for, officer_fr, network_fr, countries):
    # given
    grow(network_fr, officer_fr, 1)
    # when
    response = search(client_for(officer_fr), "document", "x0000000", issuing_state="fra")
    # then
    assert [r.case_reference for r in response.context["results"]] == [network_fr.reference]
    assert graph_json(response)["focus"] == ["document:FRA:X0000000"]


def test_a_plate_search_centres_on_the_vehicle(client_for, officer_fr, network_fr):
    # given
    grow(network_fr, officer_fr, 1)
    # when
    response = search(client_for(officer_fr), "vehicle", "ts 000 xx")
    # then
    assert graph_json(response)["focus"] == ["vehicle:TS000XX"]


def test_a_name_search_finds_suspects(client_for, officer_fr, network_fr, suspect_fr):
    # when
    response = search(client_for(officer_fr), "name", "moreau")
    # then
    assert [r.case_reference for r in response.context["results"]] == [network_fr.reference]
    assert graph_json(response)["focus"] == [f"person:{suspect_fr.public_id}"]


def test_a_victims_name_finds_nothing_for_a_reader_without_the_identity_grant(
    client_for, officer_de, ncb_de, network_fr, victim_fr
):
    # given
    share_case(network_fr, ncb_de)
    # when
    response = search(client_for(officer_de), "name", "Okafor")
    # then
    assert response.context["results"] == []
    assert network_fr.reference not in response.content.decode()


def test_a_victim_found_by_name_is_still_shown_under_the_pseudonym(
    client_for, officer_fr, network_fr, victim_fr
):
    # given officer_fr holds the victim-identity grant of the case they opened
    # when
    response = search(client_for(officer_fr), "name", "Okafor")
    # then
    assert [r.what for r in response.context["results"]] == ["Victim V-1"]
    data = graph_json(response)
    assert data["focus"] == [f"person:{victim_fr.public_id}"]
    assert "okafor" not in json.dumps(data).lower()


def test_centring_on_a_case_by_id_shows_the_cases_it_shares_something_with(
    client_for, officer_fr, network_fr, second_case_fr
):
    # when
    response = client_for(officer_fr).get(network_url(), {"case": str(network_fr.public_id)})
    # then
    assert response.status_code == 200
    ids = {node["id"] for node in graph_json(response)["nodes"]}
    assert f"case:{second_case_fr.public_id}" in ids


@pytest.mark.parametrize("scenario", ["other_ncb", "expired_share", "shared_read"])
def test_centring_on_a_case_follows_the_matrix(scenario, reader, client_for, network_fr):
    # given
    user = reader(scenario)
    # when
    response = client_for(user).get(network_url(), {"case": str(network_fr.public_id)})
    # then
    assert response.status_code == MATRIX[scenario][0]


@pytest.mark.parametrize("size", [1, 8])
def test_the_overview_costs_the_same_queries_whatever_the_size_of_the_graph(
    size, client_for, officer_fr, network_fr, second_case_fr, django_assert_max_num_queries
):
    # given
    grow(network_fr, officer_fr, size)
    grow(second_case_fr, officer_fr, size, offset=500)
    client = client_for(officer_fr)
    # when: 13 at both sizes today
    with django_assert_max_num_queries(15):
        response = client.get(network_url())
    # then
    assert len(graph_json(response)["nodes"]) >= 10 * size


@pytest.mark.parametrize("size", [1, 8])
def test_a_search_costs_the_same_queries_whatever_the_size_of_the_graph(
    size, client_for, officer_fr, network_fr, second_case_fr, django_assert_max_num_queries
):
    # given
    grow(network_fr, officer_fr, size)
    grow(second_case_fr, officer_fr, size, offset=500)
    client = client_for(officer_fr)
    # when: 14 at both sizes today
    with django_assert_max_num_queries(16):
        response = search(client, "phone", SHARED_PHONE)
    # then
    assert len(response.context["results"]) == 2
    assert len(graph_json(response)["nodes"]) >= 10 * size


def test_centring_on_a_case_is_an_audited_read_of_it(client_for, officer_fr, network_fr):
    # given
    views = AuditEvent.objects.filter(case=network_fr, actor=officer_fr, action=AuditAction.VIEW)
    before = views.count()
    # when
    client_for(officer_fr).get(network_url(), {"case": str(network_fr.public_id)})
    # then
    assert views.count() == before + 1


def test_a_malformed_case_id_is_a_404(client_for, officer_fr):
    # when
    response = client_for(officer_fr).get(network_url(), {"case": "not-a-uuid"})
    # then
    assert response.status_code == 404
