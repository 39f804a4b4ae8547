"""`/api/v1/cases/{id}/persons/`: pseudonyms, nested documents and phones, matches, reveal."""

import pytest

from ncb_cases import services
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent, Person
from tests.factories import share_case

pytestmark = pytest.mark.django_db

TD3_SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)


def test_the_list_shows_a_victim_under_their_pseudonym_only(
    api_client_for, supervisor_fr, case_fr, victim_fr, suspect_fr, case_url
):
    # when
    response = api_client_for(supervisor_fr).get(case_url(case_fr, "persons"))
    # then
    assert response.status_code == 200
    victim, suspect = response.json()["results"]
    assert (victim["display_name"], victim["identity_masked"]) == ("Victim V-1", True)
    assert (victim["family_name"], victim["phones"], victim["documents"]) == ("", [], [])
    assert suspect["family_name"] == "Moreau-Test"
    assert suspect["phones"][0]["number"] == "+33199001001"
    assert "Okafor" not in response.content.decode()


def test_even_a_holder_of_victim_identity_reads_the_list_masked(
    api_client_for, officer_fr, case_fr, victim_fr, case_url
):
    # when: the identity comes only from the purposed, audited reveal
    response = api_client_for(officer_fr).get(case_url(case_fr, "persons"))
    # then
    assert "Okafor" not in response.content.decode()


@pytest.mark.parametrize("page_size", [5, 50])
def test_the_person_list_costs_the_same_queries_whatever_the_page_size(
    api_client_for, officer_fr, case_fr, case_url, page_size, django_assert_max_num_queries
):
    # given 60 persons with a phone and a document each
    for number in range(60):
        services.person_create(
            actor=officer_fr,
            case=case_fr,
            data={
                "role": "WITNESS" if number % 2 else "VICTIM",
                "family_name": f"Witness-Test {number}",
                "phones": [f"+33 1 99 00 {number:02d} 01"],
                "documents": [{"number": f"T{number:07d}", "issuing_state": "FRA"}],
            },
        )
    client = api_client_for(officer_fr)
    # when
    with django_assert_max_num_queries(20):
        response = client.get(case_url(case_fr, "persons"), {"page_size": page_size})
    # then
    assert len(response.json()["results"]) == page_size


def test_reading_a_person_is_audited_and_masked(
    api_client_for, supervisor_fr, case_fr, victim_fr, case_url
):
    # when
    response = api_client_for(supervisor_fr).get(case_url(case_fr, "persons", victim_fr))
    # then
    assert response.status_code == 200
    assert response.json()["display_name"] == "Victim V-1"
    assert "Okafor" not in response.content.decode()
    events = AuditEvent.objects.filter(actor=supervisor_fr, object_public_id=victim_fr.public_id)
    assert [event.action for event in events] == [AuditAction.VIEW]


def test_a_person_under_another_cases_url_is_a_404(
    api_client_for, officer_fr, case_fr, suspect_fr, countries, case_url
):
    # given
    other = services.case_create(actor=officer_fr, data={"title": "Another fictitious case"})
    # when
    response = api_client_for(officer_fr).get(case_url(other, "persons", suspect_fr))
    # then
    assert response.status_code == 404


def test_a_person_is_added_with_phones_and_a_document_read_from_its_mrz(
    api_client_for, officer_fr, case_fr, case_url
):
    # when
    response = api_client_for(officer_fr).post(
        case_url(case_fr, "persons"),
        {
            "role": "FACILITATOR",
            "family_name": "Eriksson-Test",
            "forenames": "Anna",
            "date_of_birth": "1974-08",
            "nationalities": ["UTO"],
            "phones": [
                {"number": "+33 6 00 00 00 41"},
                {"number": "+33 1 99 00 20 02", "kind": "LANDLINE"},
            ],
            "documents": [{"doc_type": "PASSPORT", "mrz": TD3_SPECIMEN}],
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["display_name"] == "ERIKSSON-TEST Anna"
    assert [phone["number"] for phone in body["phones"]] == ["+33600000041", "+33199002002"]
    assert body["documents"][0]["number"] == "L898902C3"
    assert body["documents"][0]["issuing_state"] == "UTO"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"role": "BYSTANDER"}, "role"),
        ({"sex": "Q"}, "sex"),
        ({"means_of_control": ["DEBT_BONDAGE", "HYPNOSIS"]}, "means_of_control.1"),
        ({"date_of_birth": "1990-02-30"}, "date_of_birth"),
        (
            {"date_of_birth": "2001", "exploitation_started_on": "2000-06-01"},
            "date_of_birth",
        ),
        ({"exploitation_started_on": "2024-13-01"}, "exploitation_started_on"),
        ({"country_of_birth": "QQ"}, "country_of_birth"),
        ({"phones": [{"number": "12"}]}, "phones.0"),
        ({"phones": [{"number": "+33600000041", "kind": "PAGER"}]}, "phones.0.kind"),
        (
            {"documents": [{"number": "L898902C3", "mrz": TD3_SPECIMEN.replace("C36", "C35")}]},
            "documents.0.mrz",
        ),
        (
            {
                "documents": [
                    {"number": "X1", "issued_on": "2020-01-01", "expires_on": "2019-01-01"}
                ]
            },
            "documents.0.expires_on",
        ),
        ({"documents": [{"number": "X1", "doc_type": "SCROLL"}]}, "documents.0.doc_type"),
    ],
)
def test_a_bad_person_is_refused_naming_the_field_and_nothing_is_written(
    api_client_for, officer_fr, case_fr, case_url, payload, field
):
    # given
    before = Person.objects.count()
    # when
    response = api_client_for(officer_fr).post(
        case_url(case_fr, "persons"), {"role": "SUSPECT", **payload}, format="json"
    )
    # then
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert Person.objects.count() == before


def test_an_update_replaces_the_phones(api_client_for, officer_fr, case_fr, suspect_fr, case_url):
    # when
    response = api_client_for(officer_fr).patch(
        case_url(case_fr, "persons", suspect_fr),
        {"phones": [{"number": "+33 6 00 00 00 77"}]},
        format="json",
    )
    # then
    assert response.status_code == 200
    assert [phone["number"] for phone in response.json()["phones"]] == ["+33600000077"]
    assert response.json()["family_name"] == "Moreau-Test"


def test_a_person_says_which_other_visible_case_knows_their_phone(
    api_client_for, officer_fr, case_fr, suspect_fr, countries, case_url
):
    # given the same number in a second French case
    other = services.case_create(actor=officer_fr, data={"title": "Fictitious second case"})
    services.person_create(
        actor=officer_fr, case=other, data={"role": "SUSPECT", "phones": ["+33 1 99 00 10 01"]}
    )
    client = api_client_for(officer_fr)
    # when
    listed = client.get(case_url(case_fr, "persons")).json()["results"][0]
    detail = client.get(case_url(case_fr, "persons", suspect_fr)).json()
    # then
    expected = {
        "kind": "phone",
        "case_reference": other.reference,
        "case_id": str(other.public_id),
        "value": "+33199001001",
    }
    assert listed["matches"] == [expected]
    assert expected in detail["matches"]


def test_a_match_in_a_case_the_reader_may_not_see_is_not_revealed(
    api_client_for, officer_fr, officer_de, case_fr, suspect_fr, case_de, case_url
):
    # given the suspect's number in the German case
    services.person_create(
        actor=officer_de, case=case_de, data={"role": "SUSPECT", "phones": ["+33 1 99 00 10 01"]}
    )
    # when
    response = api_client_for(officer_fr).get(case_url(case_fr, "persons", suspect_fr))
    # then
    assert response.json()["matches"] == []
    assert case_de.reference not in response.content.decode()


def test_a_holder_reveals_a_victims_identity_stating_a_purpose(
    api_client_for, officer_fr, case_fr, victim_fr, case_url
):
    # when
    response = api_client_for(officer_fr).get(
        case_url(case_fr, "persons", victim_fr, "identity"),
        HTTP_X_PURPOSE="Preparing the hearing of 12 May",
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["family_name"], body["identity_masked"]) == ("Okafor-Test", False)
    assert body["documents"][0]["number"] == "A00000001"
    event = AuditEvent.objects.get(actor=officer_fr, action=AuditAction.VIEW_VICTIM_IDENTITY)
    assert event.purpose == "Preparing the hearing of 12 May"
    assert event.object_public_id == victim_fr.public_id


def test_a_reveal_without_purpose_is_a_400_naming_the_header_and_is_audited(
    api_client_for, officer_fr, case_fr, victim_fr, case_url
):
    # when
    response = api_client_for(officer_fr).get(case_url(case_fr, "persons", victim_fr, "identity"))
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["X-Purpose"]
    assert "Okafor" not in response.content.decode()
    event = AuditEvent.objects.get(actor=officer_fr, action=AuditAction.DENIED)
    assert event.details["reason"] == "no_purpose"


def test_a_reveal_by_a_non_holder_is_a_404_and_is_audited(
    api_client_for, supervisor_fr, case_fr, victim_fr, case_url
):
    # when
    response = api_client_for(supervisor_fr).get(
        case_url(case_fr, "persons", victim_fr, "identity"), HTTP_X_PURPOSE="Curiosity, honestly"
    )
    # then
    assert response.status_code == 404
    assert "Okafor" not in response.content.decode()
    event = AuditEvent.objects.get(actor=supervisor_fr, action=AuditAction.DENIED)
    assert event.details["reason"] == "no_permission"


def test_a_reveal_attempt_on_a_case_of_another_ncb_is_audited_as_denied(
    api_client_for, officer_de, case_fr, victim_fr, case_url
):
    # when
    response = api_client_for(officer_de).get(
        case_url(case_fr, "persons", victim_fr, "identity"), HTTP_X_PURPOSE="Checking a lead"
    )
    # then
    assert response.status_code == 404
    assert AuditEvent.objects.filter(actor=officer_de, action=AuditAction.DENIED).count() == 1


def test_a_recipient_ncb_lists_persons_masked_and_cannot_add_with_a_read_share(
    api_client_for, officer_de, ncb_de, case_fr, victim_fr, suspect_fr, case_url
):
    # given
    share_case(case_fr, ncb_de, access="READ")
    client = api_client_for(officer_de)
    # when
    listed = client.get(case_url(case_fr, "persons"))
    added = client.post(case_url(case_fr, "persons"), {"role": "WITNESS"}, format="json")
    # then
    assert listed.status_code == 200
    assert "Okafor" not in listed.content.decode()
    assert added.status_code == 404
