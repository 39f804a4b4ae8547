"""Search and list filters: never a victim's name without the victim-identity permission."""

import pytest
from django.core.exceptions import ValidationError

from ncb_cases import selectors, services
from ncb_cases.choices import CaseStatus
from tests.factories import share_case

pytestmark = pytest.mark.django_db


def _found(user, q):
    return list(selectors.case_search_for_user(user=user, q=q))


def test_a_suspects_name_finds_the_case_whatever_the_case_and_accents(
    case_fr, suspect_fr, supervisor_fr
):
    assert _found(supervisor_fr, "moreau test") == [case_fr]
    assert _found(supervisor_fr, "MORÉAU-TEST") == [case_fr]


def test_a_victims_name_or_alias_finds_nothing_without_the_permission(
    case_fr, victim_fr, supervisor_fr, analyst_fr, admin_user
):
    for user in (supervisor_fr, analyst_fr, admin_user):
        assert _found(user, "Okafor") == []
        assert _found(user, "Blessing") == []
        assert _found(user, "Jewel") == []
        assert list(selectors.person_search_for_user(user=user, q="Okafor")) == []


def test_a_holder_of_the_permission_finds_the_case_by_the_victims_name(
    case_fr, victim_fr, officer_fr
):
    assert _found(officer_fr, "okafor") == [case_fr]
    assert list(selectors.person_search_for_user(user=officer_fr, q="jewel")) == [victim_fr]


def test_the_permission_on_one_case_does_not_reveal_the_victim_in_another(
    case_fr, victim_fr, officer_fr, supervisor_fr, countries
):
    # given a second case opened by the supervisor, with a victim of the same name
    other = services.case_create(actor=supervisor_fr, data={"title": "Second salon"})
    services.person_create(
        actor=supervisor_fr, case=other, data={"role": "VICTIM", "family_name": "Okafor-Test"}
    )
    # then officer_fr (holder on case_fr only) finds case_fr only
    assert _found(officer_fr, "okafor") == [case_fr]


def test_a_childs_name_is_protected_like_a_victims(case_fr, officer_fr, supervisor_fr):
    # given
    services.person_create(
        actor=officer_fr,
        case=case_fr,
        data={"role": "WITNESS", "family_name": "Petit-Test", "date_of_birth": "2014"},
    )
    # then
    assert _found(supervisor_fr, "Petit") == []
    assert _found(officer_fr, "Petit") == [case_fr]


def test_reference_title_and_summary_are_searched(case_fr, supervisor_fr):
    assert _found(supervisor_fr, case_fr.reference) == [case_fr]
    assert _found(supervisor_fr, "NAIL BARS") == [case_fr]
    assert _found(supervisor_fr, "Benin City") == [case_fr]
    assert _found(supervisor_fr, "   ") == []


def test_a_recipient_without_the_permission_cannot_find_the_victim(
    case_fr, victim_fr, officer_de, ncb_de
):
    share_case(case_fr, ncb_de)
    assert _found(officer_de, "nail") == [case_fr]
    assert _found(officer_de, "okafor") == []


# --- List filters -----------------------------------------------------------------------------


def test_list_filters_by_code_lists_and_child_tables_without_repeating_rows(
    case_fr, case_de, supervisor_fr, officer_fr, ncb_de
):
    # given both cases visible to the French supervisor
    share_case(case_de, supervisor_fr.officer.ncb)

    def listed(**filters):
        return list(selectors.case_list_for_user(user=supervisor_fr, filters=filters))

    # then
    assert listed(offence_type="SMUGGLING") == [case_de]
    assert listed(exploitation_form=["SEXUAL", "FORCED_LABOUR"]) == [case_fr]
    assert listed(country="ng", country_role="ORIGIN") == [case_fr]
    assert listed(country="NG", country_role="DESTINATION") == []
    assert listed(owner_ncb="DE") == [case_de]
    assert listed(status=[CaseStatus.OPEN], ordering="reference") == [case_de, case_fr]
    assert listed(lead_officer="officer_fr") == []
    assert listed(q="Hamburg") == [case_de]


def test_unknown_filters_and_values_are_refused_naming_them(supervisor_fr):
    with pytest.raises(ValidationError) as raised:
        list(selectors.case_list_for_user(user=supervisor_fr, filters={"colour": "red"}))
    assert "colour" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        list(selectors.case_list_for_user(user=supervisor_fr, filters={"status": "ASLEEP"}))
    assert "status" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        list(selectors.case_list_for_user(user=supervisor_fr, filters={"opened_after": "May"}))
    assert "opened_after" in raised.value.message_dict


def test_the_case_list_is_one_query(case_fr, case_de, supervisor_fr, django_assert_num_queries):
    # given the officer membership already read, as a request would have it
    supervisor_fr.officer.ncb  # noqa: B018
    # when / then
    with django_assert_num_queries(1):
        cases = list(selectors.case_list_for_user(user=supervisor_fr))
        [(case.owner_ncb.country.iso2, case.lead_officer) for case in cases]
