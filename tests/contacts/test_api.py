"""The directory API (/api/v1/countries/, /ncbs/, /contact-points/): who may read and change
what, how bad input is answered, what a row shows, filters, and the cost of a page."""

import datetime
import string

import pytest
from django.utils import timezone

from contacts.choices import ContactRole
from contacts.models import ContactPoint
from tests.factories import (
    ContactPointFactory,
    CountryFactory,
    NcbFactory,
    language,
    officer_user,
)

pytestmark = pytest.mark.django_db

READERS = ["officer_fr", "supervisor_fr", "analyst_fr", "srb_europe", "officer_de", "admin_user"]
MANAGERS_OF_FR = ["officer_fr", "supervisor_fr", "admin_user"]
READERS_WHO_MAY_NOT_CHANGE_FR = ["analyst_fr", "srb_europe", "officer_de", "supervisor_de"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Each named user costs a full PBKDF2 hash otherwise; no test here is about hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _languages(db):
    for code in ("en", "fr", "de"):
        language(code)


@pytest.fixture
def designating_officer(ncb_fr):
    return officer_user("designating_officer_fr", ncb_fr)


@pytest.fixture
def fr_primary(ncb_fr, designating_officer):
    return ContactPointFactory(
        ncb=ncb_fr,
        role=ContactRole.PRIMARY,
        full_name="Camille DURAND-TEST",
        designated_from=timezone.localdate() - datetime.timedelta(days=400),
        designated_by=designating_officer,
        last_verified_by=designating_officer,
    )


@pytest.fixture
def de_primary(ncb_de, designating_officer):
    return ContactPointFactory(
        ncb=ncb_de,
        designated_by=designating_officer,
        last_verified_by=designating_officer,
        role=ContactRole.PRIMARY,
        full_name="Jonas BECKER-TEST",
        phone_24_7="+49611000002",
        secure_email="thb@ncb-de.example.test",
        time_zone="Europe/Berlin",
        languages=["de", "en"],
    )


def contact_details(**overrides) -> dict:
    """A valid body for PUT: every detail of a contact point."""
    body = {
        "full_name": "Élise MARTIN-TEST",
        "title": "Capitaine",
        "unit": "THB liaison desk",
        "phone": "+33 1 72 00 00 03",
        "phone_24_7": "+33 1 72 00 00 04",
        "secure_email": "thb.deputy@ncb-fr.example.test",
        "languages": ["fr", "en"],
        "time_zone": "Europe/Paris",
    }
    body.update(overrides)
    return body


def designation(**overrides) -> dict:
    """A valid body for POST /api/v1/contact-points/: France's deputy."""
    return {"ncb": "FR", "role": ContactRole.DEPUTY, **contact_details(**overrides)}


def detail_url(contact: ContactPoint) -> str:
    return f"/api/v1/contact-points/{contact.public_id}/"


# --- Reading ---------------------------------------------------------------------------------


def read_paths(contact: ContactPoint) -> list[str]:
    return [
        "/api/v1/countries/",
        "/api/v1/countries/FR/",
        "/api/v1/ncbs/",
        "/api/v1/ncbs/FR/",
        "/api/v1/contact-points/",
        detail_url(contact),
    ]


@pytest.mark.parametrize("reader", READERS)
def test_every_member_of_an_ncb_and_admins_read_every_endpoint(
    request, api_client_for, fr_primary, reader
):
    # given
    client = api_client_for(request.getfixturevalue(reader))
    # when
    statuses = {path: client.get(path).status_code for path in read_paths(fr_primary)}
    # then
    assert set(statuses.values()) == {200}, statuses


def test_anonymous_caller_gets_401_on_every_endpoint(api_client_for, fr_primary):
    # given
    client = api_client_for(None)
    paths = [*read_paths(fr_primary), "/api/v1/"]
    # when
    statuses = {path: client.get(path).status_code for path in paths}
    # then
    assert set(statuses.values()) == {401}, statuses


def test_user_of_no_ncb_gets_403_saying_whom_to_ask(api_client_for, user_without_ncb, fr_primary):
    # given
    client = api_client_for(user_without_ncb)
    # when
    responses = {path: client.get(path) for path in read_paths(fr_primary)}
    # then
    assert {path: r.status_code for path, r in responses.items()} == dict.fromkeys(responses, 403)
    assert "ask your NCB" in responses["/api/v1/countries/"].json()["detail"]


def test_api_root_lists_the_directory_endpoints(api_client_for, officer_fr):
    # when
    response = api_client_for(officer_fr).get("/api/v1/")
    # then
    assert response.status_code == 200
    assert set(response.json()) >= {"countries", "ncbs", "contact-points"}


def test_unknown_country_ncb_and_contact_point_are_404(api_client_for, officer_fr):
    # given
    client = api_client_for(officer_fr)
    paths = [
        "/api/v1/countries/ZZ/",
        "/api/v1/ncbs/ZZ/",
        "/api/v1/contact-points/6f1c1d8e-8d1a-4b9e-9a53-0d8a4c1f0b7e/",
        "/api/v1/contact-points/1/",
    ]
    # when
    statuses = {path: client.get(path).status_code for path in paths}
    # then
    assert set(statuses.values()) == {404}, statuses


def test_country_and_ncb_are_found_by_lowercase_code(api_client_for, officer_fr):
    # given
    client = api_client_for(officer_fr)
    # when
    country = client.get("/api/v1/countries/fr/")
    ncb = client.get("/api/v1/ncbs/fr/")
    # then
    assert country.json()["name"] == "France"
    assert ncb.json()["name"] == "INTERPOL Paris"


def test_contact_point_shows_e164_phones_language_codes_and_who_acted(
    api_client_for, officer_de, fr_primary, supervisor_fr
):
    # given
    ContactPoint.objects.filter(pk=fr_primary.pk).update(
        phone="+33172000009", designated_by=supervisor_fr, last_verified_by=supervisor_fr
    )
    # when
    body = api_client_for(officer_de).get(detail_url(fr_primary)).json()
    # then
    assert body["public_id"] == str(fr_primary.public_id)
    assert "id" not in body
    assert body["url"].endswith(detail_url(fr_primary))
    assert body["phone"] == "+33172000009"
    assert body["phone_24_7"] == "+33172000002"
    assert sorted(body["languages"]) == ["en", "fr"]
    assert body["ncb"]["code"] == "FR"
    assert body["ncb"]["country"]["iso2"] == "FR"
    assert body["is_current"] is True
    assert body["is_stale"] is False
    assert body["designated_by"] == "supervisor_fr"
    assert body["last_verified_by"] == "supervisor_fr"
    assert body["last_verified_at"]


def test_contact_not_verified_for_180_days_is_stale(api_client_for, officer_fr, fr_primary):
    # given
    ContactPoint.objects.filter(pk=fr_primary.pk).update(
        last_verified_at=timezone.now() - datetime.timedelta(days=181)
    )
    # when
    body = api_client_for(officer_fr).get(detail_url(fr_primary)).json()
    # then
    assert body["is_stale"] is True


def test_ncb_row_nests_its_current_primary_and_deputy(api_client_for, officer_de, fr_primary):
    # given
    ContactPointFactory(
        ncb=fr_primary.ncb,
        role=ContactRole.PRIMARY,
        full_name="Former HOLDER-TEST",
        designated_from=timezone.localdate() - datetime.timedelta(days=900),
        designated_to=fr_primary.designated_from,
    )
    # when
    body = api_client_for(officer_de).get("/api/v1/ncbs/FR/").json()
    # then
    assert body["code"] == "FR"
    assert body["country"] == {"iso2": "FR", "iso3": "FRA", "name": "France"}
    assert body["region"]["code"] == "EU"
    assert body["sub_regional_bureau"]["code"] == "RB-EUR"
    assert body["primary"]["full_name"] == "Camille DURAND-TEST"
    assert body["primary"]["public_id"] == str(fr_primary.public_id)
    assert body["deputy"] is None


def test_country_without_a_bureau_shows_null(api_client_for, officer_fr, europe):
    # given
    territory = CountryFactory(
        iso2="QQ", iso3="QQQ", name="Testland QQ", region=europe, sub_regional_bureau=None
    )
    contact = ContactPointFactory(ncb=NcbFactory(country=territory), time_zone="UTC")
    client = api_client_for(officer_fr)
    # when
    country = client.get("/api/v1/countries/QQ/").json()
    ncb = client.get("/api/v1/ncbs/QQ/").json()
    contact_row = client.get(detail_url(contact)).json()
    # then
    assert country["sub_regional_bureau"] is None
    assert ncb["sub_regional_bureau"] is None
    assert contact_row["ncb"]["sub_regional_bureau"] is None


# --- Filters, search, ordering, pagination --------------------------------------------------


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_countries_are_searched_by_name_and_exact_iso_codes(api_client_for, officer_fr, ncb_de):
    # given
    client = api_client_for(officer_fr)
    # when
    by_name = results(client.get("/api/v1/countries/", {"search": "germ"}))
    by_iso3 = results(client.get("/api/v1/countries/", {"search": "fra"}))
    by_iso2 = results(client.get("/api/v1/countries/", {"search": "de"}))
    # then
    assert [c["iso2"] for c in by_name] == ["DE"]
    assert [c["iso2"] for c in by_iso3] == ["FR"]
    assert [c["iso2"] for c in by_iso2] == ["DE"]


def test_countries_are_filtered_by_region_and_ordered(api_client_for, officer_fr, ncb_de):
    # given
    client = api_client_for(officer_fr)
    # when
    europe = results(client.get("/api/v1/countries/", {"region": "eu", "ordering": "-iso2"}))
    elsewhere = results(client.get("/api/v1/countries/", {"region": "AF"}))
    # then
    assert [c["iso2"] for c in europe] == ["FR", "DE"]
    assert elsewhere == []


def test_ncbs_are_filtered_by_vacancy_and_language(api_client_for, officer_fr, fr_primary, ncb_de):
    # given
    client = api_client_for(officer_fr)
    # when
    vacant = results(client.get("/api/v1/ncbs/", {"without_contact": "true"}))
    french_speaking = results(client.get("/api/v1/ncbs/", {"language": "fr"}))
    # then
    assert [n["code"] for n in vacant] == ["DE"]
    assert [n["code"] for n in french_speaking] == ["FR"]


def test_ncbs_are_searched_by_country_and_contact_name(
    api_client_for, officer_fr, fr_primary, ncb_de
):
    # given
    client = api_client_for(officer_fr)
    # when
    by_country = results(client.get("/api/v1/ncbs/", {"search": "germany"}))
    by_contact = results(client.get("/api/v1/ncbs/", {"q": "durand"}))
    # then
    assert [n["code"] for n in by_country] == ["DE"]
    assert [n["code"] for n in by_contact] == ["FR"]


def test_contact_points_are_searched_by_name_country_and_ncb(
    api_client_for, officer_fr, fr_primary, de_primary
):
    # given
    client = api_client_for(officer_fr)
    # when
    by_name = results(client.get("/api/v1/contact-points/", {"search": "becker"}))
    by_country = results(client.get("/api/v1/contact-points/", {"search": "france"}))
    by_ncb = results(client.get("/api/v1/contact-points/", {"search": "Wiesbaden"}))
    # then
    assert [c["full_name"] for c in by_name] == ["Jonas BECKER-TEST"]
    assert [c["full_name"] for c in by_country] == ["Camille DURAND-TEST"]
    assert [c["full_name"] for c in by_ncb] == ["Jonas BECKER-TEST"]


def test_contact_points_are_filtered_by_country_language_and_currency(
    api_client_for, officer_fr, fr_primary, de_primary
):
    # given
    ContactPointFactory(
        ncb=fr_primary.ncb,
        role=ContactRole.PRIMARY,
        full_name="Former HOLDER-TEST",
        designated_from=timezone.localdate() - datetime.timedelta(days=900),
        designated_to=fr_primary.designated_from,
    )
    client = api_client_for(officer_fr)
    # when
    french = results(client.get("/api/v1/contact-points/", {"country": "fr"}))
    current_french = results(
        client.get("/api/v1/contact-points/", {"country": "FR", "current": "true"})
    )
    german_speaking = results(client.get("/api/v1/contact-points/", {"language": "de"}))
    # then
    assert {c["full_name"] for c in french} == {"Camille DURAND-TEST", "Former HOLDER-TEST"}
    assert [c["full_name"] for c in current_french] == ["Camille DURAND-TEST"]
    assert [c["full_name"] for c in german_speaking] == ["Jonas BECKER-TEST"]


def test_stale_filter_finds_current_contacts_not_verified_for_180_days(
    api_client_for, officer_fr, fr_primary, de_primary
):
    # given
    ContactPoint.objects.filter(pk=de_primary.pk).update(
        last_verified_at=timezone.now() - datetime.timedelta(days=200)
    )
    # when
    stale = results(api_client_for(officer_fr).get("/api/v1/contact-points/", {"stale": "true"}))
    # then
    assert [c["full_name"] for c in stale] == ["Jonas BECKER-TEST"]


def test_contact_points_are_ordered_on_request(api_client_for, officer_fr, fr_primary, de_primary):
    # given
    client = api_client_for(officer_fr)
    # when
    ascending = results(client.get("/api/v1/contact-points/", {"ordering": "full_name"}))
    descending = results(client.get("/api/v1/contact-points/", {"ordering": "-full_name"}))
    # then
    assert [c["full_name"] for c in ascending] == ["Camille DURAND-TEST", "Jonas BECKER-TEST"]
    assert [c["full_name"] for c in descending] == ["Jonas BECKER-TEST", "Camille DURAND-TEST"]


def test_list_is_paginated_with_page_size_capped_at_200(api_client_for, officer_fr, ncb_de):
    # given
    client = api_client_for(officer_fr)
    # when
    first = client.get("/api/v1/countries/", {"page_size": 1}).json()
    second = client.get("/api/v1/countries/", {"page_size": 1, "page": 2}).json()
    oversized = client.get("/api/v1/countries/", {"page_size": 10_000})
    # then
    assert first["count"] == 2
    assert [c["iso2"] for c in first["results"] + second["results"]] == ["FR", "DE"]
    assert "page=2" in first["next"]
    assert oversized.status_code == 200


def make_ncbs(count: int) -> list:
    """`count` plainly fictitious countries (QA, QB, ... XA ...), each with its NCB."""
    ncbs = []
    for index in range(count):
        iso2 = "QXZ"[index // 26] + string.ascii_uppercase[index % 26]
        country = CountryFactory(
            iso2=iso2, iso3=f"{iso2}Q", name=f"Testland {iso2}", capital=f"Capital {iso2}"
        )
        ncbs.append(NcbFactory(country=country))
    return ncbs


@pytest.fixture
def populated_directory(officer_fr):
    """55 NCBs, 30 of them with a primary and a deputy: more rows than the biggest page."""
    ncbs = make_ncbs(55)
    for ncb in ncbs[:30]:
        for role in ContactRole.values:
            ContactPointFactory(
                ncb=ncb,
                role=role,
                full_name=f"{role.title()} OF-{ncb.code}-TEST",
                designated_by=officer_fr,
                last_verified_by=officer_fr,
            )
    return ncbs


# A page costs: the officer's membership, the count, the rows, and one query per prefetch.
PAGE_QUERY_BUDGET = {
    "/api/v1/countries/": 3,
    "/api/v1/ncbs/": 5,
    "/api/v1/contact-points/": 4,
}


@pytest.mark.parametrize("path", PAGE_QUERY_BUDGET)
@pytest.mark.parametrize("page_size", [5, 50])
def test_a_page_costs_the_same_number_of_queries_whatever_its_size(
    api_client_for, officer_fr, populated_directory, django_assert_max_num_queries, path, page_size
):
    # given
    client = api_client_for(officer_fr)
    # when
    with django_assert_max_num_queries(PAGE_QUERY_BUDGET[path]):
        response = client.get(path, {"page_size": page_size})
    # then
    assert len(results(response)) == page_size


# --- Changing the directory: permission matrix ----------------------------------------------


def designate(client, contact):
    return client.post("/api/v1/contact-points/", designation(), format="json")


def replace(client, contact):
    return client.put(detail_url(contact), contact_details(), format="json")


def correct(client, contact):
    return client.patch(detail_url(contact), {"title": "Commissaire"}, format="json")


def verify(client, contact):
    return client.post(f"{detail_url(contact)}verify/")


def end(client, contact):
    return client.post(
        f"{detail_url(contact)}end/",
        {"designated_to": timezone.localdate().isoformat()},
        format="json",
    )


WRITES = {
    "designate": designate,
    "replace": replace,
    "correct": correct,
    "verify": verify,
    "end": end,
}
SUCCESS = {"designate": 201, "replace": 200, "correct": 200, "verify": 200, "end": 200}


@pytest.mark.parametrize("manager", MANAGERS_OF_FR)
@pytest.mark.parametrize("write", WRITES)
def test_own_ncb_officers_supervisors_and_admins_change_fr_contacts(
    request, api_client_for, fr_primary, manager, write
):
    # given
    client = api_client_for(request.getfixturevalue(manager))
    # when
    response = WRITES[write](client, fr_primary)
    # then
    assert response.status_code == SUCCESS[write], response.content


@pytest.mark.parametrize("reader", READERS_WHO_MAY_NOT_CHANGE_FR)
@pytest.mark.parametrize("write", WRITES)
def test_analysts_monitors_and_other_ncbs_get_404_changing_fr_contacts(
    request, api_client_for, fr_primary, reader, write
):
    # given
    client = api_client_for(request.getfixturevalue(reader))
    before = list(ContactPoint.objects.values())
    # when
    response = WRITES[write](client, fr_primary)
    # then
    assert response.status_code == 404, response.content
    assert list(ContactPoint.objects.values()) == before


@pytest.mark.parametrize("write", WRITES)
def test_user_of_no_ncb_gets_403_changing_contacts(
    api_client_for, user_without_ncb, fr_primary, write
):
    # when
    response = WRITES[write](api_client_for(user_without_ncb), fr_primary)
    # then
    assert response.status_code == 403


@pytest.mark.parametrize("write", WRITES)
def test_anonymous_caller_gets_401_changing_contacts(api_client_for, fr_primary, write):
    # when
    response = WRITES[write](api_client_for(None), fr_primary)
    # then
    assert response.status_code == 401


@pytest.mark.parametrize("user", [None, "officer_fr", "admin_user"])
def test_designations_are_never_deleted(request, api_client_for, fr_primary, user):
    # given
    client = api_client_for(request.getfixturevalue(user) if user else None)
    # when
    response = client.delete(detail_url(fr_primary))
    # then
    assert response.status_code == (401 if user is None else 405)
    assert ContactPoint.objects.filter(pk=fr_primary.pk).exists()


# --- Changing the directory: what happens ---------------------------------------------------


def test_designation_answers_the_new_record_in_e164_with_the_designating_officer(
    api_client_for, officer_fr, ncb_fr
):
    # when
    response = api_client_for(officer_fr).post(
        "/api/v1/contact-points/", designation(ncb="fr"), format="json"
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    contact = ContactPoint.objects.get(public_id=body["public_id"])
    assert contact.ncb == ncb_fr
    assert body["role"] == ContactRole.DEPUTY
    assert body["phone"] == "+33172000003"
    assert body["phone_24_7"] == "+33172000004"
    assert sorted(body["languages"]) == ["en", "fr"]
    assert body["designated_from"] == timezone.localdate().isoformat()
    assert body["designated_by"] == body["last_verified_by"] == "officer_fr"


def test_designating_a_new_primary_closes_the_previous_record(
    api_client_for, officer_fr, fr_primary
):
    # when
    response = api_client_for(officer_fr).post(
        "/api/v1/contact-points/", designation(role=ContactRole.PRIMARY), format="json"
    )
    # then
    assert response.status_code == 201, response.content
    fr_primary.refresh_from_db()
    assert fr_primary.designated_to == timezone.localdate()
    assert fr_primary.full_name == "Camille DURAND-TEST"


def test_admin_designates_for_any_ncb(api_client_for, admin_user, ncb_de):
    # when
    response = api_client_for(admin_user).post(
        "/api/v1/contact-points/",
        designation(ncb="DE", phone="", phone_24_7="+49 611 000003", time_zone="Europe/Berlin"),
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    assert response.json()["ncb"]["code"] == "DE"


def test_designation_for_an_unknown_ncb_is_404(api_client_for, officer_fr, ncb_fr):
    # when
    response = api_client_for(officer_fr).post(
        "/api/v1/contact-points/", designation(ncb="ZZ"), format="json"
    )
    # then
    assert response.status_code == 404


def test_partial_correction_keeps_the_other_details_and_counts_as_verifying(
    api_client_for, supervisor_fr, fr_primary
):
    # given
    ContactPoint.objects.filter(pk=fr_primary.pk).update(
        last_verified_at=timezone.now() - datetime.timedelta(days=200)
    )
    # when
    response = api_client_for(supervisor_fr).patch(
        detail_url(fr_primary), {"title": "Commissaire"}, format="json"
    )
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Commissaire"
    assert body["full_name"] == "Camille DURAND-TEST"
    assert sorted(body["languages"]) == ["en", "fr"]
    assert body["last_verified_by"] == "supervisor_fr"
    assert body["is_stale"] is False


def test_replacing_details_requires_every_mandatory_field(api_client_for, officer_fr, fr_primary):
    # when
    response = api_client_for(officer_fr).put(
        detail_url(fr_primary), {"title": "Commissaire"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert {"full_name", "phone_24_7", "secure_email", "languages", "time_zone"} <= set(
        response.json()
    )


def test_replacing_details_blanks_the_optional_fields_left_out(
    api_client_for, officer_fr, fr_primary
):
    # given
    body = contact_details()
    del body["title"], body["unit"], body["phone"]
    # when
    response = api_client_for(officer_fr).put(detail_url(fr_primary), body, format="json")
    # then
    assert response.status_code == 200, response.content
    replaced = response.json()
    assert replaced["full_name"] == "Élise MARTIN-TEST"
    assert [replaced["title"], replaced["unit"], replaced["phone"]] == ["", "", ""]


def test_verifying_records_who_confirmed_and_clears_staleness(
    api_client_for, supervisor_fr, fr_primary
):
    # given
    ContactPoint.objects.filter(pk=fr_primary.pk).update(
        last_verified_at=timezone.now() - datetime.timedelta(days=200)
    )
    # when
    response = api_client_for(supervisor_fr).post(f"{detail_url(fr_primary)}verify/")
    # then
    assert response.status_code == 200
    assert response.json()["is_stale"] is False
    assert response.json()["last_verified_by"] == "supervisor_fr"


def test_ending_a_designation_keeps_it_as_history(api_client_for, officer_fr, fr_primary):
    # given
    last_day = timezone.localdate() - datetime.timedelta(days=1)
    # when
    response = api_client_for(officer_fr).post(
        f"{detail_url(fr_primary)}end/", {"designated_to": last_day.isoformat()}, format="json"
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json()["is_current"] is False
    assert response.json()["designated_to"] == last_day.isoformat()
    assert ContactPoint.objects.filter(pk=fr_primary.pk).exists()


def test_ended_designation_cannot_be_edited(api_client_for, officer_fr, fr_primary):
    # given
    ContactPoint.objects.filter(pk=fr_primary.pk).update(designated_to=timezone.localdate())
    # when
    response = api_client_for(officer_fr).patch(
        detail_url(fr_primary), {"title": "Commissaire"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert "history" in response.json()["detail"]


# --- Bad input names the field --------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone_24_7": "12"}, "phone_24_7"),
        ({"phone": "not a number"}, "phone"),
        ({"secure_email": "thb-desk-at-example.test"}, "secure_email"),
        ({"languages": ["xx"]}, "languages"),
        ({"languages": []}, "languages"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"role": "CHIEF"}, "role"),
        ({"full_name": ""}, "full_name"),
        ({"designated_from": "2999-01-01"}, "designated_from"),
        ({"designated_from": "yesterday"}, "designated_from"),
    ],
)
def test_bad_designation_is_400_naming_the_field(
    api_client_for, officer_fr, ncb_fr, overrides, field
):
    # when
    response = api_client_for(officer_fr).post(
        "/api/v1/contact-points/", designation(**overrides), format="json"
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not ContactPoint.objects.exists()


def test_several_bad_details_are_reported_together(api_client_for, officer_fr, ncb_fr):
    # when
    response = api_client_for(officer_fr).post(
        "/api/v1/contact-points/",
        designation(phone_24_7="12", time_zone="Nowhere", languages=["xx"]),
        format="json",
    )
    # then
    assert response.status_code == 400
    assert set(response.json()) == {"phone_24_7", "time_zone", "languages"}


def test_overlapping_designation_is_refused_naming_the_holder(
    api_client_for, officer_fr, fr_primary
):
    # given
    before_holder = fr_primary.designated_from - datetime.timedelta(days=10)
    # when
    response = api_client_for(officer_fr).post(
        "/api/v1/contact-points/",
        designation(role=ContactRole.PRIMARY, designated_from=before_holder.isoformat()),
        format="json",
    )
    # then
    assert response.status_code == 400
    assert "Camille DURAND-TEST" in response.json()["designated_from"][0]


def test_bad_phone_in_a_correction_is_400_naming_the_field(api_client_for, officer_fr, fr_primary):
    # when
    response = api_client_for(officer_fr).patch(
        detail_url(fr_primary), {"phone_24_7": "+33 12"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["phone_24_7"]


def test_ending_before_the_start_is_400_naming_the_field(api_client_for, officer_fr, fr_primary):
    # given
    too_early = fr_primary.designated_from - datetime.timedelta(days=1)
    # when
    response = api_client_for(officer_fr).post(
        f"{detail_url(fr_primary)}end/", {"designated_to": too_early.isoformat()}, format="json"
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["designated_to"]
