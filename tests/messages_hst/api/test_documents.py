"""The document of a message through the API: edits answer the full validation result,
problems come with their paths, the text rendering is text/plain, and victims' names reach
only holders of the case's victim-identity permission."""

import copy

import pytest

from messages_hst.choices import MessageStatus
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.messages_hst.api.conftest import VICTIM_NAME, named_victim

pytestmark = pytest.mark.django_db


def _broken(document: dict) -> dict:
    """`document` with an unknown sex code and a misspelt date of birth for P1."""
    document = copy.deepcopy(document)
    document["body"]["persons"][0]["sex"] = "Q"
    document["body"]["persons"][0]["date_of_birth"] = "17/05/1984"
    return document


def test_an_edit_is_saved_and_answers_every_problem_with_its_path(
    draft_fr, officer_fr, api_client_for, message_url
):
    # when
    response = api_client_for(officer_fr).patch(
        message_url(draft_fr), {"document": _broken(draft_fr.document)}, format="json"
    )
    # then: a draft may be incomplete; the answer says exactly what is wrong
    assert response.status_code == 200
    paths = {problem["path"] for problem in response.json()["problems"]}
    assert {"/body/persons/0/sex", "/body/persons/0/date_of_birth"} <= paths
    assert response.json()["errors"] >= 2
    assert all(
        set(problem) == {"path", "code", "severity", "message"}
        for problem in response.json()["problems"]
    )


def test_submitting_a_document_with_errors_is_a_400_listing_them_under_document(
    draft_fr, officer_fr, api_client_for, message_url
):
    # given
    client = api_client_for(officer_fr)
    client.patch(message_url(draft_fr), {"document": _broken(draft_fr.document)}, format="json")
    # when
    response = client.post(message_url(draft_fr, "submit"))
    # then
    assert response.status_code == 400
    problems = response.json()["document"]
    assert {"/body/persons/0/sex", "/body/persons/0/date_of_birth"} <= {
        problem["path"] for problem in problems
    }
    assert {problem["severity"] for problem in problems} == {"error"}
    draft_fr.refresh_from_db()
    assert draft_fr.status == MessageStatus.DRAFT


def test_a_document_that_is_not_an_object_is_a_400_naming_document(
    draft_fr, officer_fr, api_client_for, message_url
):
    # when
    response = api_client_for(officer_fr).patch(
        message_url(draft_fr), {"document": ["P1"]}, format="json"
    )
    # then
    assert (response.status_code, list(response.json())) == (400, ["document"])


def test_a_nul_character_is_a_400_naming_its_path_and_the_draft_is_unchanged(
    draft_fr, officer_fr, api_client_for, message_url
):
    # given
    before = copy.deepcopy(draft_fr.document)
    edited = copy.deepcopy(draft_fr.document)
    edited["subject"] = "Route via\u0000Lyon"
    # when
    response = api_client_for(officer_fr).patch(
        message_url(draft_fr), {"document": edited}, format="json"
    )
    # then
    assert response.status_code == 400
    assert "/subject" in response.json()["document"][0]
    draft_fr.refresh_from_db()
    assert draft_fr.document == before


def test_only_a_draft_is_edited(pending_fr, officer_fr, api_client_for, message_url):
    # when
    response = api_client_for(officer_fr).patch(
        message_url(pending_fr), {"document": pending_fr.document}, format="json"
    )
    # then
    assert (response.status_code, list(response.json())) == (400, ["status"])


def test_the_validation_of_a_draft_is_computed_now(
    draft_fr, analyst_fr, api_client_for, message_url
):
    # given: a document broken behind the API's back, its stored problems stale
    draft_fr.document = _broken(draft_fr.document)
    draft_fr.save()
    # when
    response = api_client_for(analyst_fr).get(message_url(draft_fr, "validation"))
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["checked_now"] is True
    assert body["errors"] >= 2
    assert "/body/persons/0/sex" in {problem["path"] for problem in body["problems"]}


def test_the_rendering_of_a_sent_message_is_the_stored_text_plain_rendering(
    sent_fr, supervisor_fr, api_client_for, message_url
):
    # when
    response = api_client_for(supervisor_fr).get(message_url(sent_fr, "rendering"))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["HST-Rendering"] == "sent"
    assert response.content.decode() == sent_fr.rendering
    assert max(len(line) for line in response.content.decode().splitlines()) <= 80


def test_the_rendering_of_a_draft_is_made_on_the_fly_even_for_a_text_client(
    draft_fr, officer_fr, api_client_for, message_url
):
    # when
    response = api_client_for(officer_fr).get(
        message_url(draft_fr, "rendering"), HTTP_ACCEPT="text/plain"
    )
    # then
    text = response.content.decode()
    assert (response.status_code, response["HST-Rendering"]) == (200, "draft")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "HST FORMATTED MESSAGE 1.0 / REQUEST" in text
    assert f"MESSAGE ID: {draft_fr.message_id}" in text


def test_the_rendering_speaks_the_message_language_not_the_reader_one(
    draft_fr, officer_fr, api_client_for, message_url
):
    # given a draft written in French, read by a client asking for Spanish
    draft_fr.document = {**draft_fr.document, "language": "fr"}
    draft_fr.save(update_fields=["document"])

    # when
    response = api_client_for(officer_fr).get(
        message_url(draft_fr, "rendering"), HTTP_ACCEPT="text/plain", HTTP_ACCEPT_LANGUAGE="es"
    )

    # then
    lines = response.content.decode().splitlines()
    assert response.status_code == 200
    assert "MESSAGE FORMATÉ HST 1.0 / REQUEST / PRIORITÉ URGENT" in lines
    assert f"IDENTIFIANT DU MESSAGE: {draft_fr.message_id}" in lines
    assert "FIN DU MESSAGE" in lines


def test_a_rendering_you_may_not_see_is_a_404_even_for_a_text_client(
    draft_fr, officer_de, api_client_for, message_url
):
    # when
    response = api_client_for(officer_de).get(
        message_url(draft_fr, "rendering"), HTTP_ACCEPT="text/plain"
    )
    # then
    assert response.status_code == 404


@pytest.fixture
def naming_draft(draft_fr):
    """draft_fr naming its victim P2 (composed by officer_fr, who holds the permission)."""
    draft_fr.document = named_victim(draft_fr.document)
    draft_fr.save()
    return draft_fr


def test_a_holder_of_the_victim_identity_permission_sees_the_victims_name(
    naming_draft, officer_fr, api_client_for, message_url
):
    # when
    client = api_client_for(officer_fr)
    detail = client.get(message_url(naming_draft)).json()
    rendering = client.get(message_url(naming_draft, "rendering"))
    # then
    persons = {person["ref"]: person for person in detail["document"]["body"]["persons"]}
    assert persons["P2"]["family_name"] == VICTIM_NAME
    assert VICTIM_NAME in rendering.content.decode()


@pytest.mark.parametrize("reader", ["supervisor_fr", "analyst_fr"])
def test_a_reader_without_the_permission_never_gets_the_victims_name(
    reader, request, naming_draft, api_client_for, message_url
):
    # given
    client = api_client_for(request.getfixturevalue(reader))
    # when
    detail = client.get(message_url(naming_draft))
    rendering = client.get(message_url(naming_draft, "rendering"))
    # then: the suspect keeps his name, the victim keeps her ref, sex and year of birth
    assert VICTIM_NAME not in detail.content.decode()
    assert VICTIM_NAME not in rendering.content.decode()
    assert rendering["HST-Rendering"] == "masked"
    persons = {person["ref"]: person for person in detail.json()["document"]["body"]["persons"]}
    assert persons["P1"]["family_name"] == "DURAND-TEST"
    assert (persons["P2"]["sex"], persons["P2"]["date_of_birth"]) == ("F", "1999")
    assert "forenames" not in persons["P2"]


def test_a_problem_that_quotes_a_victims_name_is_withheld_from_readers_without_permission(
    naming_draft, officer_fr, supervisor_fr, api_client_for, message_url
):
    # given: the validator quotes the family name it wants in capitals
    naming_draft.document["body"]["persons"][1]["family_name"] = "Okafor-test"
    naming_draft.save()
    # when
    holder = api_client_for(officer_fr).get(message_url(naming_draft, "validation"))
    other = api_client_for(supervisor_fr).get(message_url(naming_draft, "validation"))
    # then: same problems, same paths; only the holder reads what they say
    assert VICTIM_NAME in holder.content.decode()
    assert VICTIM_NAME not in other.content.decode().upper()
    assert [problem["path"] for problem in other.json()["problems"]] == [
        problem["path"] for problem in holder.json()["problems"]
    ]


def test_reading_a_part_of_a_message_is_audited(sent_fr, analyst_fr, api_client_for, message_url):
    # given
    client = api_client_for(analyst_fr)
    # when
    for part in ("deliveries", "rendering", "validation"):
        client.get(message_url(sent_fr, part))
    # then
    assert (
        AuditEvent.objects.filter(
            actor=analyst_fr, action=AuditAction.VIEW, object_public_id=sent_fr.message_id
        ).count()
        == 3
    )


def test_saving_a_masked_document_keeps_the_identity_the_writer_could_not_see(
    naming_draft, supervisor_fr, api_client_for, message_url
):
    # given: the document as a supervisor without the permission reads it
    client = api_client_for(supervisor_fr)
    document = client.get(message_url(naming_draft)).json()["document"]
    document["subject"] = "Identify the coach driver (edited, test)"
    # when
    response = client.patch(message_url(naming_draft), {"document": document}, format="json")
    # then: the edit is saved, the victim's identity is still there, still masked for them
    assert response.status_code == 200
    assert VICTIM_NAME not in response.content.decode()
    naming_draft.refresh_from_db()
    assert naming_draft.subject == "Identify the coach driver (edited, test)"
    victim = naming_draft.document["body"]["persons"][1]
    assert (victim["family_name"], victim["date_of_birth"]) == (VICTIM_NAME, "1999-07-02")
