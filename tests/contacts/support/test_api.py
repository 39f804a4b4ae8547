"""/api/v1/support-organisations/: read by every member, never an address."""

import pytest

from contacts.models import SupportOrganisation
from tests.contacts.support.factories import make_organisation

URL = "/api/v1/support-organisations/"


def test_anonymous_callers_get_401(api_client_for, db):
    assert api_client_for(None).get(URL).status_code == 401


def test_users_of_no_ncb_get_403(api_client_for, user_without_ncb):
    assert api_client_for(user_without_ncb).get(URL).status_code == 403


@pytest.mark.parametrize("who", ["officer_fr", "admin_user", "srb_europe"])
def test_no_answer_carries_an_address(request, api_client_for, who, shelter_fr, legal_aid_it):
    # given
    client = api_client_for(request.getfixturevalue(who))

    # when
    listed = client.get(URL)
    one = client.get(f"{URL}{shelter_fr.pk}/")

    # then
    assert listed.status_code == 200
    assert listed.json()["count"] == 2
    for body in (listed.content, one.content):
        assert b"Tilleuls" not in body
        assert b"Via dei Fiori" not in body
        assert b'"address"' not in body


def test_the_list_filters_and_reports_bad_filters(
    api_client_for, officer_fr, shelter_fr, legal_aid_it
):
    client = api_client_for(officer_fr)

    assert [row["name"] for row in client.get(URL, {"language": "yo"}).json()["results"]] == [
        legal_aid_it.name
    ]
    assert client.get(URL, {"service": "ACCOMMODATION", "country": "FR"}).json()["count"] == 1
    bad = client.get(URL, {"service": "MASSAGE"})
    assert bad.status_code == 400
    assert "service" in bad.json()


def test_the_list_query_count_is_fixed(
    api_client_for, officer_fr, france, django_assert_max_num_queries
):
    client = api_client_for(officer_fr)
    make_organisation(france, name="One-Test (fictitious)")
    with django_assert_max_num_queries(10) as one:
        client.get(URL)
    for index in range(20):
        make_organisation(france, name=f"Many-Test {index} (fictitious)")

    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(URL).json()["count"] == 21


def test_a_supervisor_records_an_organisation_with_every_error_at_once(
    api_client_for, supervisor_fr
):
    client = api_client_for(supervisor_fr)

    bad = client.post(
        URL,
        {"country": "FR", "name": "X-Test", "kind": "NGO", "languages": ["xx"], "phone": "1"},
        format="json",
    )
    good = client.post(
        URL,
        {
            "country": "FR",
            "name": "IOM Paris-Test (fictitious)",
            "kind": "IOM_OFFICE",
            "services": ["REPATRIATION", "REINTEGRATION"],
            "languages": ["fr", "en"],
        },
        format="json",
    )

    assert bad.status_code == 400
    assert set(bad.json()) == {"languages", "phone"}
    assert good.status_code == 201
    assert good.json()["services"] == ["REPATRIATION", "REINTEGRATION"]


@pytest.mark.parametrize("who", ["supervisor_de", "officer_fr"])
def test_others_cannot_write_an_organisation_of_france(
    request, api_client_for, who, shelter_fr, ncb_de
):
    client = api_client_for(request.getfixturevalue(who))

    created = client.post(URL, {"country": "FR", "name": "X-Test", "kind": "NGO"}, format="json")
    changed = client.patch(f"{URL}{shelter_fr.pk}/", {"city": "Nowhere"}, format="json")

    assert created.status_code == 404
    assert changed.status_code == 404
    assert SupportOrganisation.objects.count() == 1
