"""The Victim support tab and referral pages: the permission matrix, counts only without
the victim-identity permission, audit, query counts."""

import pytest
from django.urls import reverse

from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from ncb_cases.models.support import SupportReferral
from tests.factories import share_case
from tests.ncb_cases.support.factories import consented, days_ago, make_referral


def tab(case):
    return reverse("cases:support", args=[case.public_id])


def detail(referral):
    return reverse("cases:referral_detail", args=[referral.case.public_id, referral.public_id])


def test_anonymous_users_are_sent_to_sign_in(client_for, referral_fr):
    response = client_for(None).get(tab(referral_fr.case))

    assert response.status_code == 302


def test_the_identity_holder_sees_the_referrals_by_pseudonym_and_the_read_is_audited(
    client_for, officer_fr, referral_fr
):
    # when
    response = client_for(officer_fr).get(tab(referral_fr.case))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "Victim V-1" in content
    assert referral_fr.organisation.name in content
    assert "Okafor" not in content
    assert "Tilleuls" not in content
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW_VICTIM_IDENTITY, case=referral_fr.case, actor=officer_fr
    ).exists()


def test_a_reader_without_the_permission_sees_counts_only(client_for, supervisor_fr, referral_fr):
    # when
    response = client_for(supervisor_fr).get(tab(referral_fr.case))

    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert referral_fr.organisation.name not in content
    assert "Victim V-1" not in content
    assert "victim-identity permission" in content
    assert response.context["counts"].by_status["REFERRED"] == 1
    assert client_for(supervisor_fr).get(detail(referral_fr)).status_code == 404


def test_an_ncb_the_case_is_shared_with_sees_counts_only(client_for, officer_de, referral_fr):
    # given
    share_case(referral_fr.case, officer_de.officer.ncb)

    # when
    response = client_for(officer_de).get(tab(referral_fr.case))

    # then
    assert response.status_code == 200
    assert referral_fr.organisation.name not in response.content.decode()
    assert response.context["counts"].total == 1
    assert client_for(officer_de).get(detail(referral_fr)).status_code == 404


@pytest.mark.parametrize("who", ["officer_de", "srb_europe"])
def test_other_ncbs_and_srb_monitors_get_404_everywhere(request, client_for, who, referral_fr):
    # given
    client = client_for(request.getfixturevalue(who))
    case = referral_fr.case

    # when / then
    assert client.get(tab(case)).status_code == 404
    assert client.get(detail(referral_fr)).status_code == 404
    assert client.get(reverse("cases:referral_create", args=[case.public_id])).status_code == 404
    status_url = reverse("cases:referral_status", args=[case.public_id, referral_fr.public_id])
    assert client.post(status_url, {"to_status": "ACCEPTED"}).status_code == 404


def test_the_referral_page_is_audited_and_shows_no_address(client_for, officer_fr, referral_fr):
    # when
    response = client_for(officer_fr).get(detail(referral_fr))

    # then
    assert response.status_code == 200
    assert "Tilleuls" not in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="supportreferral", actor=officer_fr
    ).exists()


def test_a_refused_read_of_a_referral_is_audited_as_denied(client_for, officer_de, referral_fr):
    client_for(officer_de).get(detail(referral_fr))

    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=officer_de).exists()


def test_an_officer_refers_a_victim_through_the_form(
    client_for, officer_fr, case_fr, victim_fr, shelter_fr
):
    # given
    data = consented(victim_fr, shelter_fr)

    # when
    response = client_for(officer_fr).post(
        reverse("cases:referral_create", args=[case_fr.public_id]),
        {**data, "consent_given": "on", "court_role": "WILLING_TO_TESTIFY"},
    )

    # then
    assert response.status_code == 302
    referral = SupportReferral.objects.get()
    assert referral.court_role == "WILLING_TO_TESTIFY"
    assert referral.services_requested == ["ACCOMMODATION", "LEGAL"]


def test_a_referral_without_consent_is_refused_with_the_reason(
    client_for, officer_fr, case_fr, victim_fr, shelter_fr
):
    data = consented(victim_fr, shelter_fr)
    del data["consent_given"]

    response = client_for(officer_fr).post(
        reverse("cases:referral_create", args=[case_fr.public_id]),
        {**data, "court_role": "NOT_DISCUSSED"},
    )

    assert response.status_code == 400
    assert "No referral without the victim" in response.content.decode()
    assert not SupportReferral.objects.exists()


def test_status_and_repatriation_steps_through_the_page(
    client_for, officer_fr, referral_fr, countries
):
    client = client_for(officer_fr)
    ids = [referral_fr.case.public_id, referral_fr.public_id]

    accepted = client.post(
        reverse("cases:referral_status", args=ids),
        {"to_status": "ACCEPTED", "on": days_ago(3).isoformat()},
    )
    skipped = client.post(
        reverse("cases:referral_status", args=ids),
        {"to_status": "CLOSED", "on": days_ago(5).isoformat()},
    )
    requested = client.post(
        reverse("cases:referral_repatriation", args=ids),
        {"to_status": "REQUESTED", "on": days_ago(2).isoformat(), "receiving_country": "NG"},
    )

    assert accepted.status_code == 302
    assert skipped.status_code == 400  # dated before the acceptance
    assert requested.status_code == 302
    referral_fr.refresh_from_db()
    assert referral_fr.status == "ACCEPTED"
    assert referral_fr.repatriation_status == "REQUESTED"


def test_the_tab_query_count_does_not_grow_with_referrals(
    client_for, officer_fr, case_fr, victim_fr, shelter_fr, django_assert_max_num_queries
):
    # given
    client = client_for(officer_fr)
    make_referral(officer_fr, case_fr, victim_fr, shelter_fr)
    with django_assert_max_num_queries(40) as one:
        client.get(tab(case_fr))
    for _index in range(10):
        make_referral(officer_fr, case_fr, victim_fr, shelter_fr)

    # when / then
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(tab(case_fr))
    assert len(response.context["referrals"]) == 11


def test_the_referral_form_offers_only_the_cases_victims_by_pseudonym(
    client_for, officer_fr, case_fr, victim_fr, suspect_fr, child_fr, shelter_fr
):
    # when
    response = client_for(officer_fr).get(
        reverse("cases:referral_create", args=[case_fr.public_id])
    )

    # then
    choices = dict(response.context["form"].fields["victim"].choices)
    assert response.status_code == 200
    assert set(choices) == {"", str(victim_fr.public_id), str(child_fr.public_id)}
    assert choices[str(child_fr.public_id)].endswith("(child)")
    assert "Okafor" not in response.content.decode()
    assert "Moreau" not in response.content.decode()


def test_a_reader_without_the_permission_gets_404_on_the_referral_form(
    client_for, supervisor_fr, case_fr
):
    response = client_for(supervisor_fr).get(
        reverse("cases:referral_create", args=[case_fr.public_id])
    )

    assert response.status_code == 404


def test_a_refused_change_of_a_referral_is_audited_and_changes_nothing(
    client_for, officer_de, supervisor_fr, referral_fr
):
    ids = [referral_fr.case.public_id, referral_fr.public_id]
    for user in (officer_de, supervisor_fr):
        response = client_for(user).post(
            reverse("cases:referral_status", args=ids),
            {"to_status": "ACCEPTED", "on": days_ago(1).isoformat()},
        )
        assert response.status_code == 404
        assert AuditEvent.objects.filter(
            action=AuditAction.DENIED, actor=user, object_type="supportreferral"
        ).exists()
    referral_fr.refresh_from_db()
    assert referral_fr.status == "REFERRED"


def test_only_a_supervisor_is_offered_the_childs_override_field(
    client_for, officer_fr, supervisor_fr_with_identity, case_fr
):
    page = reverse("cases:referral_create", args=[case_fr.public_id])

    for_officer = client_for(officer_fr).get(page).content.decode()
    for_supervisor = client_for(supervisor_fr_with_identity).get(page).content.decode()

    assert 'name="consent_override_reason"' not in for_officer
    assert 'name="consent_override_reason"' in for_supervisor
