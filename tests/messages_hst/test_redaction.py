"""Protected persons left out of a document for readers without the victim-identity
permission (`messages_hst.redaction`)."""

import copy

from messages_hst.redaction import document_without_victim_identity
from tests.messages_hst import examples
from tests.messages_hst.api.conftest import VICTIM_NAME, named_victim


def test_a_named_victim_keeps_only_ref_sex_year_of_birth_and_nationalities():
    # given
    document = named_victim(examples.request_message())
    document["body"]["documents"] = [
        {"ref": "D9", "holder_ref": "P2", "doc_type": "PASSPORT", "number": "TST000999"}
    ]
    original = copy.deepcopy(document)
    # when
    masked = document_without_victim_identity(document)
    # then
    victim = next(person for person in masked["body"]["persons"] if person["ref"] == "P2")
    assert {"family_name", "forenames"}.isdisjoint(victim)
    assert (victim["sex"], victim["date_of_birth"], victim["nationalities"]) == (
        "F",
        "1999",
        ["UTO"],
    )
    assert "number" not in masked["body"]["documents"][0]
    assert VICTIM_NAME not in str(masked)
    assert document == original


def test_suspects_keep_their_names():
    # given
    document = named_victim(examples.request_message())
    # when
    masked = document_without_victim_identity(document)
    # then
    suspect = next(person for person in masked["body"]["persons"] if person["ref"] == "P1")
    assert suspect["family_name"] == "DURAND-TEST"


def test_a_document_with_nothing_to_hide_is_returned_as_it_is():
    # given: the example's victim is already minimised
    document = examples.request_message()
    # when / then
    assert document_without_victim_identity(document) is document


def test_a_malformed_draft_is_returned_as_it_is():
    # given
    documents = [None, [], {"body": "free text"}, {"body": {"persons": "P1"}}]
    # when / then
    assert [document_without_victim_identity(document) for document in documents] == documents
