"""The network graph and the reads of groups, route and vehicles."""

import pytest

from ncb_cases import selectors, services
from tests.factories import share_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases_one_phone(case_fr, suspect_fr, victim_fr, officer_fr, countries):
    """case_fr's suspect and a suspect of a second case share a phone; a group in each."""
    second = services.case_create(actor=officer_fr, data={"title": "Grenoble"})
    other = services.person_create(
        actor=officer_fr,
        case=second,
        data={"role": "SUSPECT", "family_name": "Lambert-Test", "phones": ["+33199001001"]},
    )
    group = services.group_create(actor=officer_fr, case=case_fr, data={"name": "Red Axe-Test"})
    services.group_member_add(actor=officer_fr, group=group, person=suspect_fr)
    services.group_member_add(actor=officer_fr, group=group, person=victim_fr)
    return second, other


def test_a_shared_phone_joins_two_cases_in_one_node(
    two_cases_one_phone, suspect_fr, officer_fr, django_assert_max_num_queries
):
    # given
    _second, other = two_cases_one_phone
    # when
    with django_assert_max_num_queries(9):
        network = selectors.network_for_user(user=officer_fr)
    # then
    phone_edges = {(e.source, e.target) for e in network.edges if e.kind == "uses_phone"}
    assert (f"person:{suspect_fr.public_id}", "phone:+33199001001") in phone_edges
    assert (f"person:{other.public_id}", "phone:+33199001001") in phone_edges
    assert len([n for n in network.nodes if n.id == "phone:+33199001001"]) == 1


def test_victims_appear_in_the_graph_under_their_pseudonym_without_identity_data(
    two_cases_one_phone, victim_fr, officer_fr
):
    # when
    network = selectors.network_for_user(user=officer_fr)
    # then
    victim_node = next(n for n in network.nodes if n.id == f"person:{victim_fr.public_id}")
    assert victim_node.label == "Victim V-1"
    assert "OKAFOR" not in str(network.as_dict()).upper()
    assert "+2348030000001" not in str(network.as_dict())
    assert any(e.kind == "member_of" and e.source == victim_node.id for e in network.edges)


def test_the_graph_covers_only_visible_cases(two_cases_one_phone, officer_de, case_fr, ncb_de):
    # given nothing shared
    assert selectors.network_for_user(user=officer_de).nodes == ()
    # when one case is shared
    share_case(case_fr, ncb_de)
    # then the other case's suspect is not in it
    network = selectors.network_for_user(user=officer_de)
    assert "Lambert" not in str(network.as_dict())
    assert {n.kind for n in network.nodes} >= {"case", "person", "group", "phone"}


def test_groups_list_their_members(two_cases_one_phone, case_fr, officer_fr):
    groups = list(selectors.group_list_for_case(user=officer_fr, case=case_fr))
    assert [g.name for g in groups] == ["Red Axe-Test"]
    assert len(groups[0].memberships.all()) == 2


def test_the_route_is_listed_in_order(case_fr, officer_fr):
    services.route_leg_add(
        actor=officer_fr,
        case=case_fr,
        data={"stage": "ORIGIN", "from_place": "Benin City", "to_place": "Agadez", "mode": "ROAD"},
    )
    services.route_leg_add(
        actor=officer_fr,
        case=case_fr,
        data={"stage": "TRANSIT", "from_country": "LY", "to_country": "IT", "mode": "SEA"},
        position=1,
    )
    legs = list(selectors.route_leg_list_for_case(user=officer_fr, case=case_fr))
    assert [(leg.seq, leg.mode) for leg in legs] == [(1, "SEA"), (2, "ROAD")]
