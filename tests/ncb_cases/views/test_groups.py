"""Organised crime group pages: detail, create / edit, members added and removed."""

import pytest
from django.urls import reverse

from ncb_cases import services
from ncb_cases.choices import AuditAction, GroupMemberRole
from ncb_cases.models import AuditEvent, GroupMembership, OrganisedCrimeGroup
from tests.ncb_cases.views import network_scenarios
from tests.ncb_cases.views.network_scenarios import EDITORS, MATRIX, NOT_EDITORS

pytestmark = pytest.mark.django_db

reader = network_scenarios.reader  # the fixture, shared with test_network.py

VICTIM_IDENTITY = ("okafor", "blessing", "jewel")


@pytest.fixture
def group(case_fr, officer_fr, suspect_fr, victim_fr):
    group = services.group_create(
        actor=officer_fr,
        case=case_fr,
        data={"name": "Red Axe-Test", "aliases": ["Axemen-Test"], "description": "Fictitious."},
    )
    services.group_member_add(
        actor=officer_fr, group=group, person=suspect_fr, role=GroupMemberRole.LEADER
    )
    services.group_member_add(actor=officer_fr, group=group, person=victim_fr)
    return group


def detail_url(group):
    return reverse(
        "cases:group_detail", kwargs={"case_id": group.case.public_id, "group_id": group.public_id}
    )


def create_url(case):
    return reverse("cases:group_create", kwargs={"case_id": case.public_id})


def edit_url(group):
    return reverse(
        "cases:group_edit", kwargs={"case_id": group.case.public_id, "group_id": group.public_id}
    )


def member_add_url(group):
    return reverse(
        "cases:group_member_add",
        kwargs={"case_id": group.case.public_id, "group_id": group.public_id},
    )


def member_remove_url(group, person):
    return reverse(
        "cases:group_member_remove",
        kwargs={
            "case_id": group.case.public_id,
            "group_id": group.public_id,
            "person_id": person.public_id,
        },
    )


def members(group):
    return set(
        GroupMembership.objects.filter(group=group).values_list("person__public_id", "role")
    )


# --- Permission matrix ------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", list(MATRIX))
def test_the_group_page_answers_each_reader_as_the_matrix_says(
    scenario, reader, client_for, group
):
    # given
    user = reader(scenario)
    # when
    response = client_for(user).get(detail_url(group))
    # then
    status, may_change = MATRIX[scenario]
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))
    if status == 200:
        content = response.content.decode()
        assert "Red Axe-Test" in content
        assert (edit_url(group) in content) is may_change
        assert (member_add_url(group) in content) is may_change
        assert response.context["active_tab"] == "network"


@pytest.mark.parametrize("scenario", EDITORS)
def test_editors_get_the_group_forms(scenario, reader, client_for, group):
    # given
    client = client_for(reader(scenario))
    # then
    for url in (create_url(group.case), edit_url(group), member_add_url(group)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("scenario", NOT_EDITORS)
def test_everyone_else_gets_404_for_the_group_forms(scenario, reader, client_for, group):
    # given
    client = client_for(reader(scenario))
    # then
    for url in (create_url(group.case), edit_url(group), member_add_url(group)):
        assert client.get(url).status_code == 404


def test_anonymous_users_are_sent_to_sign_in_from_the_group_forms(client_for, group):
    # given
    client = client_for(None)
    # then
    for url in (create_url(group.case), edit_url(group), member_add_url(group)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("scenario", NOT_EDITORS)
def test_readers_who_may_not_change_the_case_cannot_write_to_its_groups(
    scenario, reader, client_for, group, suspect_fr, case_fr
):
    # given
    client = client_for(reader(scenario))
    before = members(group)
    # when
    answers = [
        client.post(create_url(case_fr), {"name": "Blue Hand-Test", "kind": "FRONT_COMPANY"}),
        client.post(edit_url(group), {"name": "Renamed-Test", "kind": "OTHER"}),
        client.post(
            member_add_url(group), {"person": str(suspect_fr.public_id), "role": "MEMBER"}
        ),
        client.post(member_remove_url(group, suspect_fr)),
    ]
    # then
    assert [answer.status_code for answer in answers] == [404, 404, 404, 404]
    assert list(OrganisedCrimeGroup.objects.values_list("name", flat=True)) == ["Red Axe-Test"]
    assert members(group) == before


# --- Reading ----------------------------------------------------------------------------------


def test_each_view_of_a_group_writes_one_view_audit_row(client_for, officer_fr, group):
    # given
    views = AuditEvent.objects.filter(case=group.case, actor=officer_fr, action=AuditAction.VIEW)
    before = views.count()
    # when
    client_for(officer_fr).get(detail_url(group))
    # then
    assert views.count() == before + 1


@pytest.mark.parametrize("scenario", ["owner_officer", "shared_read_write"])
def test_the_group_page_shows_victims_under_their_pseudonym_only(
    scenario, reader, client_for, group
):
    # given officer_fr holds the case's victim-identity grant; officer_de does not
    user = reader(scenario)
    # when
    response = client_for(user).get(detail_url(group))
    # then: neither in the member list nor in the "add a member" choices
    content = response.content.decode()
    assert "Victim V-1" in content
    assert "MOREAU-TEST Didier" in content
    for fragment in VICTIM_IDENTITY:
        assert fragment not in content.lower()


def test_a_group_is_not_found_under_another_cases_address(
    client_for, officer_fr, group, countries
):
    # given
    other = services.case_create(actor=officer_fr, data={"title": "Another case"})
    url = reverse(
        "cases:group_detail", kwargs={"case_id": other.public_id, "group_id": group.public_id}
    )
    # then
    assert client_for(officer_fr).get(url).status_code == 404


@pytest.mark.parametrize("size", [1, 10])
def test_the_group_page_costs_the_same_queries_whatever_the_number_of_members(
    size, client_for, officer_fr, case_fr, django_assert_max_num_queries
):
    # given
    group = services.group_create(actor=officer_fr, case=case_fr, data={"name": "Big-Test"})
    for n in range(size):
        person = services.person_create(
            actor=officer_fr,
            case=case_fr,
            data={
                "role": "SUSPECT" if n % 2 else "VICTIM",
                "family_name": f"Member{n}-Test",
                "phones": [f"+33 1 99 00 50 {n:02d}"],
            },
        )
        services.group_member_add(actor=officer_fr, group=group, person=person)
    client = client_for(officer_fr)
    # when: 17 at both sizes today
    with django_assert_max_num_queries(19):
        response = client.get(detail_url(group))
    # then
    assert len(response.context["members"]) == size


# --- Writing ----------------------------------------------------------------------------------


def test_an_editor_records_a_group_and_lands_on_its_page(client_for, officer_fr, case_fr):
    # when
    response = client_for(officer_fr).post(
        create_url(case_fr),
        {
            "name": "Blue Hand-Test",
            "kind": "FRONT_COMPANY",
            "aliases": "Manos Azules-Test\nBH-Test",
            "description": "A fictitious employment agency.",
        },
    )
    # then
    group = OrganisedCrimeGroup.objects.get(case=case_fr, name="Blue Hand-Test")
    assert response.status_code == 302
    assert response["Location"] == detail_url(group)
    assert group.kind == "FRONT_COMPANY"
    assert group.aliases == ["Manos Azules-Test", "BH-Test"]
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_public_id=group.public_id, actor=officer_fr
    ).exists()


def test_a_read_write_share_lets_the_other_ncb_record_a_group(reader, client_for, case_fr):
    # given
    user = reader("shared_read_write")
    # when
    response = client_for(user).post(create_url(case_fr), {"name": "Joint-Test", "kind": "OTHER"})
    # then
    assert response.status_code == 302
    assert OrganisedCrimeGroup.objects.filter(case=case_fr, name="Joint-Test").exists()


def test_a_second_group_of_the_same_name_is_refused_on_the_name_field(
    client_for, officer_fr, group, case_fr
):
    # when
    response = client_for(officer_fr).post(
        create_url(case_fr), {"name": "Red Axe-Test", "kind": "ORGANISED_CRIME_GROUP"}
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert OrganisedCrimeGroup.objects.filter(case=case_fr).count() == 1


def test_an_unknown_kind_is_a_form_error(client_for, officer_fr, case_fr):
    # when
    response = client_for(officer_fr).post(create_url(case_fr), {"name": "X-Test", "kind": "GANG"})
    # then
    assert response.context["form"].errors["kind"]
    assert not OrganisedCrimeGroup.objects.filter(case=case_fr).exists()


def test_the_edit_form_starts_from_the_group_and_saves_changes(client_for, officer_fr, group):
    # given
    client = client_for(officer_fr)
    assert client.get(edit_url(group)).context["form"].initial["aliases"] == "Axemen-Test"
    # when
    response = client.post(
        edit_url(group),
        {
            "name": "Red Axe Crew-Test",
            "kind": "ORGANISED_CRIME_GROUP",
            "aliases": "",
            "description": "",
        },
    )
    # then
    group.refresh_from_db()
    assert response.status_code == 302
    assert (group.name, group.aliases, group.description) == ("Red Axe Crew-Test", [], "")


def test_an_editor_adds_a_member_with_a_role(client_for, officer_fr, case_fr, group):
    # given
    witness = services.person_create(
        actor=officer_fr, case=case_fr, data={"role": "WITNESS", "family_name": "Petit-Test"}
    )
    # when
    response = client_for(officer_fr).post(
        member_add_url(group), {"person": str(witness.public_id), "role": "ASSOCIATE"}
    )
    # then
    assert response.status_code == 302
    assert (witness.public_id, "ASSOCIATE") in members(group)


def test_adding_a_member_again_changes_the_role(client_for, officer_fr, group, suspect_fr):
    # when
    client_for(officer_fr).post(
        member_add_url(group), {"person": str(suspect_fr.public_id), "role": "LIEUTENANT"}
    )
    # then
    assert (suspect_fr.public_id, "LIEUTENANT") in members(group)
    assert GroupMembership.objects.filter(group=group, person=suspect_fr).count() == 1


def test_a_person_of_another_case_cannot_join_the_group(client_for, officer_fr, group, countries):
    # given
    other_case = services.case_create(actor=officer_fr, data={"title": "Another case"})
    outsider = services.person_create(
        actor=officer_fr, case=other_case, data={"role": "SUSPECT", "family_name": "Roux-Test"}
    )
    before = members(group)
    # when
    response = client_for(officer_fr).post(
        member_add_url(group), {"person": str(outsider.public_id), "role": "MEMBER"}
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["person"]
    assert members(group) == before


def test_the_member_choices_show_victims_under_their_pseudonym(client_for, officer_fr, group):
    # when
    response = client_for(officer_fr).get(member_add_url(group))
    # then
    labels = [label for _value, label in response.context["form"].fields["person"].choices]
    assert "Victim V-1 — Victim" in labels
    for fragment in VICTIM_IDENTITY:
        assert fragment not in response.content.decode().lower()


def test_an_editor_removes_a_member(client_for, officer_fr, group, victim_fr):
    # when
    response = client_for(officer_fr).post(member_remove_url(group, victim_fr))
    # then
    assert response.status_code == 302
    assert victim_fr.public_id not in {person for person, _role in members(group)}
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE,
        object_public_id=group.public_id,
        details__removed_member=str(victim_fr.public_id),
    ).exists()


def test_removing_a_member_needs_a_post(client_for, officer_fr, group, victim_fr):
    # when
    response = client_for(officer_fr).get(member_remove_url(group, victim_fr))
    # then
    assert response.status_code == 405
    assert victim_fr.public_id in {person for person, _role in members(group)}
