"""/api/v1/legislation/: list with filters, retrieve by ISO code, a review by PUT or PATCH."""

import datetime

import pytest
from django.utils import timezone

from contacts.choices import LegislationStatus
from contacts.models import CountryLegislation
from ncb_cases.models import AuditEvent
from tests.contacts.legislation.factories import CountryLegislationFactory, days_ago, other_country

pytestmark = pytest.mark.django_db

LIST = "/api/v1/legislation/"


def detail(iso2):
    return f"/api/v1/legislation/{iso2}/"


def review_payload(**overrides):
    payload = {
        "assistance_punishable": "YES",
        "incitement_punishable": "YES",
        "asset_seizure": "PARTIAL",
        "asset_confiscation": "NO",
        "source_reference": "Penal Code (fictitious), art. 7",
    }
    payload.update(overrides)
    return payload


def test_anonymous_caller_gets_401(api_client_for, ncb_fr):
    # when
    response = api_client_for(None).get(LIST)
    # then
    assert response.status_code == 401


def test_user_of_no_ncb_gets_403(api_client_for, user_without_ncb):
    # when
    response = api_client_for(user_without_ncb).get(LIST)
    # then
    assert response.status_code == 403


def test_members_list_every_country_with_unreviewed_ones_as_unknown(
    api_client_for, officer_de, ncb_fr, ncb_de
):
    # given
    CountryLegislationFactory(country=ncb_fr.country, reviewed_by=officer_de)
    # when
    response = api_client_for(officer_de).get(LIST)
    # then
    assert response.status_code == 200
    rows = {row["country"]: row for row in response.json()["results"]}
    assert rows["FR"]["asset_confiscation"] == "PARTIAL"
    assert rows["FR"]["reviewed_by"] == "officer_de"
    assert rows["FR"]["is_stale"] is False
    assert rows["FR"]["url"].endswith(detail("FR"))
    assert rows["DE"]["assistance_punishable"] == "UNKNOWN"
    assert rows["DE"]["last_reviewed_on"] is None
    assert rows["DE"]["is_stale"] is True


def test_the_list_filters_by_bureau_and_review_age(api_client_for, officer_fr, ncb_fr, ncb_de):
    # given
    CountryLegislationFactory(
        country=ncb_fr.country,
        last_reviewed_on=days_ago(900),
    )
    other_country("NG", "Nigeria")
    client = api_client_for(officer_fr)
    # when
    europe = client.get(LIST, {"sub_regional_bureau": "RB-EUR"}).json()
    stale = client.get(LIST, {"review": "stale"}).json()
    # then
    assert [row["country"] for row in europe["results"]] == ["FR", "DE"]
    assert [row["country"] for row in stale["results"]] == ["FR"]


def test_an_unknown_filter_value_is_a_400_naming_it(api_client_for, officer_fr, ncb_fr):
    # when
    response = api_client_for(officer_fr).get(LIST, {"review": "someday"})
    # then
    assert response.status_code == 400
    assert "review" in response.json()


@pytest.mark.parametrize("count", [1, 15])
def test_the_list_runs_a_constant_number_of_queries(
    api_client_for, officer_fr, ncb_fr, count, django_assert_max_num_queries
):
    # given
    for index in range(count):
        country = other_country(f"Q{chr(65 + index)}", f"Testland {index} (fictitious)")
        CountryLegislationFactory(country=country, reviewed_by=officer_fr)
    client = api_client_for(officer_fr)
    # when
    with django_assert_max_num_queries(4):
        response = client.get(LIST)
    # then
    assert response.json()["count"] == count + 1


def test_retrieve_by_iso_code_in_any_case(api_client_for, officer_fr, ncb_fr):
    # when
    response = api_client_for(officer_fr).get(detail("fr"))
    # then
    assert response.status_code == 200
    assert response.json()["country_name"] == "France"


def test_an_unknown_country_is_404(api_client_for, officer_fr, ncb_fr):
    # when
    response = api_client_for(officer_fr).get(detail("ZZ"))
    # then
    assert response.status_code == 404


def test_supervisor_records_a_review_with_put(api_client_for, supervisor_fr, ncb_fr):
    # when
    response = api_client_for(supervisor_fr).put(detail("FR"), review_payload(), format="json")
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["asset_seizure"] == "PARTIAL"
    assert response.json()["last_reviewed_on"] == timezone.localdate().isoformat()
    assert response.json()["reviewed_by"] == "supervisor_fr"
    assert AuditEvent.objects.count() == 1


def test_patch_keeps_the_answers_not_given(api_client_for, supervisor_fr, ncb_fr):
    # given
    CountryLegislationFactory(country=ncb_fr.country, asset_seizure=LegislationStatus.NO)
    # when
    response = api_client_for(supervisor_fr).patch(
        detail("FR"), {"asset_confiscation": "YES"}, format="json"
    )
    # then
    assert response.status_code == 200, response.json()
    legislation = CountryLegislation.objects.get()
    assert legislation.asset_seizure == LegislationStatus.NO
    assert legislation.asset_confiscation == LegislationStatus.YES
    assert legislation.source_reference == "Penal Code (fictitious), art. 1-9"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (review_payload(source_reference=""), "source_reference"),
        (review_payload(asset_seizure="MAYBE"), "asset_seizure"),
        (review_payload(source_url="not a url"), "source_url"),
        (
            review_payload(
                reviewed_on=(timezone.localdate() + datetime.timedelta(days=2)).isoformat()
            ),
            "reviewed_on",
        ),
        ({"asset_seizure": "YES"}, "assistance_punishable"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(
    api_client_for, supervisor_fr, ncb_fr, payload, field
):
    # when
    response = api_client_for(supervisor_fr).put(detail("FR"), payload, format="json")
    # then
    assert response.status_code == 400
    assert field in response.json()
    assert not CountryLegislation.objects.exists()


@pytest.mark.parametrize("who", ["officer_fr", "analyst_fr", "srb_europe", "supervisor_de"])
def test_others_get_404_when_reviewing_france(api_client_for, request, who, ncb_fr):
    # when
    response = api_client_for(request.getfixturevalue(who)).put(
        detail("FR"), review_payload(), format="json"
    )
    # then
    assert response.status_code == 404
    assert not CountryLegislation.objects.exists()


def test_delete_is_not_allowed(api_client_for, admin_user, ncb_fr):
    # given
    CountryLegislationFactory(country=ncb_fr.country)
    # when
    response = api_client_for(admin_user).delete(detail("FR"))
    # then
    assert response.status_code == 405
    assert CountryLegislation.objects.exists()


def test_the_endpoints_are_in_the_openapi_schema(api_client_for, officer_fr):
    # when
    schema = api_client_for(officer_fr).get("/api/v1/schema/", {"format": "json"}).json()
    # then
    assert {"get"} <= set(schema["paths"]["/api/v1/legislation/"])
    assert {"get", "put", "patch"} <= set(schema["paths"]["/api/v1/legislation/{iso2}/"])
