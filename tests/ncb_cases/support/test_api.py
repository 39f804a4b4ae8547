"""/api/v1/cases/{id}/referrals/: the permission matrix, counts only without the
victim-identity permission, no address, audit, query counts."""

import pytest

from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.factories import share_case
from tests.ncb_cases.support.factories import consented, days_ago, make_referral


def url(case, referral=None, suffix=""):
    base = f"/api/v1/cases/{case.public_id}/referrals/"
    return f"{base}{referral.public_id}/{suffix}" if referral else base


def test_anonymous_callers_get_401(api_client_for, referral_fr):
    assert api_client_for(None).get(url(referral_fr.case)).status_code == 401


def test_the_identity_holder_lists_referrals_without_addresses(
    api_client_for, officer_fr, referral_fr
):
    # when
    response = api_client_for(officer_fr).get(url(referral_fr.case))

    # then
    body = response.json()
    assert response.status_code == 200
    assert body["identity_permitted"] is True
    assert body["count"] == 1
    assert body["results"][0]["victim"]["display_name"] == "Victim V-1"
    assert body["counts"]["by_status"]["REFERRED"] == 1
    assert b"Tilleuls" not in response.content
    assert b"Okafor" not in response.content
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW_VICTIM_IDENTITY, actor=officer_fr
    ).exists()


@pytest.mark.parametrize("who", ["supervisor_fr", "analyst_fr"])
def test_readers_without_the_permission_get_counts_only(request, api_client_for, who, referral_fr):
    # given
    client = api_client_for(request.getfixturevalue(who))

    # when
    listed = client.get(url(referral_fr.case))

    # then
    body = listed.json()
    assert body["identity_permitted"] is False
    assert body["results"] == []
    assert body["counts"]["total"] == 1
    assert referral_fr.organisation.name.encode() not in listed.content
    assert client.get(url(referral_fr.case, referral_fr)).status_code == 404


def test_a_shared_ncb_without_the_permission_gets_counts_and_404_for_a_referral(
    api_client_for, officer_de, referral_fr
):
    share_case(referral_fr.case, officer_de.officer.ncb)
    client = api_client_for(officer_de)

    assert client.get(url(referral_fr.case)).json()["counts"]["total"] == 1
    assert client.get(url(referral_fr.case, referral_fr)).status_code == 404
    patched = client.patch(url(referral_fr.case, referral_fr), {"notes": "x"}, format="json")
    assert patched.status_code == 404


@pytest.mark.parametrize("who", ["officer_de", "srb_europe"])
def test_other_ncbs_and_srb_monitors_get_404(request, api_client_for, who, referral_fr):
    client = api_client_for(request.getfixturevalue(who))

    assert client.get(url(referral_fr.case)).status_code == 404
    assert client.get(url(referral_fr.case, referral_fr)).status_code == 404


def test_analysts_may_not_write(api_client_for, analyst_fr, case_fr, victim_fr, shelter_fr):
    response = api_client_for(analyst_fr).post(
        url(case_fr), consented(victim_fr, shelter_fr), format="json"
    )

    assert response.status_code == 403


def test_create_refuses_a_referral_without_consent_with_field_errors(
    api_client_for, officer_fr, case_fr, victim_fr, shelter_fr
):
    client = api_client_for(officer_fr)

    refused = client.post(
        url(case_fr), consented(victim_fr, shelter_fr, consent_given=False), format="json"
    )
    created = client.post(url(case_fr), consented(victim_fr, shelter_fr), format="json")

    assert refused.status_code == 400
    assert "consent_given" in refused.json()
    assert created.status_code == 201
    assert created.json()["organisation"] == {
        "id": shelter_fr.pk,
        "name": shelter_fr.name,
        "kind": "SHELTER",
        "country": "FR",
    }


def test_steps_through_the_api(api_client_for, officer_fr, referral_fr, countries):
    client = api_client_for(officer_fr)

    accepted = client.post(
        url(referral_fr.case, referral_fr, "status/"),
        {"to_status": "ACCEPTED", "on": days_ago(1).isoformat()},
        format="json",
    )
    skipped = client.post(
        url(referral_fr.case, referral_fr, "repatriation/"),
        {"to_status": "RETURNED", "on": days_ago(1).isoformat()},
        format="json",
    )

    assert accepted.status_code == 200
    assert accepted.json()["allowed_next_statuses"] == ["IN_CARE", "CLOSED"]
    assert skipped.status_code == 400
    assert "to_status" in skipped.json()


def test_the_list_query_count_is_fixed(
    api_client_for, officer_fr, case_fr, victim_fr, shelter_fr, django_assert_max_num_queries
):
    client = api_client_for(officer_fr)
    make_referral(officer_fr, case_fr, victim_fr, shelter_fr)
    with django_assert_max_num_queries(20) as one:
        client.get(url(case_fr))
    for _index in range(10):
        make_referral(officer_fr, case_fr, victim_fr, shelter_fr)

    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url(case_fr)).json()["count"] == 11


def test_a_child_is_referred_without_consent_only_on_a_supervisors_override(
    api_client_for, officer_fr, supervisor_fr_with_identity, case_fr, child_fr, shelter_fr
):
    # given
    data = consented(
        child_fr,
        shelter_fr,
        consent_given=False,
        consent_on=None,
        consent_scope="",
        consent_override_reason="Unaccompanied child; the juvenile judge ordered a placement.",
    )

    # when
    by_officer = api_client_for(officer_fr).post(url(case_fr), data, format="json")
    by_supervisor = api_client_for(supervisor_fr_with_identity).post(
        url(case_fr), data, format="json"
    )

    # then
    assert by_officer.status_code == 400
    assert "consent_override_reason" in by_officer.json()
    assert by_supervisor.status_code == 201
    body = by_supervisor.json()
    assert body["victim_is_child"] is True
    assert body["consent_given"] is False
    assert body["consent_override_by"] == supervisor_fr_with_identity.get_username()
