"""The structured editor's mapping document ↔ forms (`messages_hst.forms.editor`): a round
trip through the forms gives back the original for every example message, edits land where
they belong, what the forms do not show is kept, bad input is an error on the right field."""

import copy

import pytest
from django import forms

from messages_hst.forms.editor import MessageEditor
from messages_hst.forms.editor.compose import ComposeForm
from tests.messages_hst import examples


def editor_post_data(editor: MessageEditor) -> dict:
    """What a browser posts for an unbound editor left as it is (management forms included)."""
    data = {}
    for section, form in editor:
        rows = [form]
        if section.is_list:
            for field in form.management_form:
                data[field.html_name] = field.value()
            rows = form.forms
        for row in rows:
            for field in row:
                value = field.value()
                if value is None:  # a browser sends nothing for an empty multiple select
                    value = [] if isinstance(field.field, forms.MultipleChoiceField) else ""
                data[field.html_name] = value
    return data


def round_trip(document: dict, change=None, **kwargs) -> tuple[MessageEditor, dict | None]:
    """Read `document` into the editor, post it back (after `change(data)`), rebuild."""
    data = editor_post_data(MessageEditor(document, **kwargs))
    if change is not None:
        change(data)
    bound = MessageEditor(document, data, **kwargs)
    return bound, bound.document() if bound.is_valid() else None


@pytest.mark.parametrize("message_type", sorted(examples.BUILDERS))
def test_round_trip_through_the_forms_gives_back_the_original(message_type):
    # given an example message of each type
    document = examples.example(message_type)
    # when it is read into the forms and posted back unchanged
    editor, rebuilt = round_trip(document)
    # then the document is the original, key for key
    assert editor.error_problems() == []
    assert rebuilt == document


def test_extensions_entity_overrides_and_sections_not_shown_are_kept_on_an_edit():
    # given a request with x_ keys at every level, an entity handling override and a section
    # the editor does not show (attachments: evidence referenced by hash)
    document = examples.request_message()
    document["x_national_flag"] = "keep me"
    document["handling"]["x_local_code"] = 7
    document["body"]["x_note"] = {"a": [1, 2]}
    document["body"]["persons"][0]["x_interpreter"] = True
    document["body"]["persons"][0]["handling"] = {"handling_codes": ["H1"]}
    document["body"]["persons"][0]["aliases"] = ["CAMI"]
    document["body"]["case_summary"]["x_source"] = "test"
    original = copy.deepcopy(document)

    # when the officer changes the subject and the suspect's forenames
    def change(data):
        data["envelope-subject"] = "A shorter subject (test)"
        data["persons-0-forenames"] = "Camille Jean"

    editor, rebuilt = round_trip(document, change)
    # then only those two values changed
    assert rebuilt["subject"] == "A shorter subject (test)"
    assert rebuilt["body"]["persons"][0]["forenames"] == "Camille Jean"
    expected = copy.deepcopy(original)
    expected["subject"] = "A shorter subject (test)"
    expected["body"]["persons"][0]["forenames"] = "Camille Jean"
    assert rebuilt == expected
    assert editor.kept_body_keys() == ["attachments", "x_note"]


def test_a_removed_row_disappears_and_a_new_row_holds_only_what_was_typed():
    document = examples.request_message()

    # given the third person removed and a new location added
    def change(data):
        data["persons-2-DELETE"] = "on"
        data["locations-TOTAL_FORMS"] = "4"
        data.update(
            {"locations-3-ref": "l4", "locations-3-country": "nl", "locations-3-place": "Utrecht"}
        )

    # when the forms are saved
    _editor, rebuilt = round_trip(document, change)
    # then P3 is gone, the others untouched, and L4 is appended as typed (codes upper-cased)
    assert [p["ref"] for p in rebuilt["body"]["persons"]] == ["P1", "P2"]
    assert rebuilt["body"]["persons"] == document["body"]["persons"][:2]
    assert rebuilt["body"]["locations"][-1] == {"ref": "L4", "country": "NL", "place": "Utrecht"}


def test_a_list_of_codes_keeps_its_order_unless_its_items_change():
    document = examples.request_message()
    document["handling"]["handling_codes"] = ["H2", "H0"]

    # given the browser posting the same codes in the code list's order
    def same(data):
        data["handling-handling_codes"] = ["H0", "H2"]

    _editor, rebuilt = round_trip(document, same)
    # then the original order is kept
    assert rebuilt["handling"]["handling_codes"] == ["H2", "H0"]

    # when a code is added, the new list is stored as posted
    def more(data):
        data["handling-handling_codes"] = ["H0", "H1", "H2"]

    _editor, rebuilt = round_trip(document, more)
    assert rebuilt["handling"]["handling_codes"] == ["H0", "H1", "H2"]


def test_emptied_nested_values_go_but_an_empty_object_that_was_there_stays():
    document = examples.reply_message()  # its handling has access_restrictions {}
    document["body"]["case_summary"] = {
        "offence_type": "THB",
        "summary": "Test.",
        "period": {"from": "2025-01-01", "to": "2025-02-01"},
    }

    def clear_period(data):
        data["summary-period_from"] = ""
        data["summary-period_to"] = ""

    _editor, rebuilt = round_trip(document, clear_period)
    assert "period" not in rebuilt["body"]["case_summary"]
    assert rebuilt["handling"]["access_restrictions"] == {}


def test_booleans_distinguish_no_from_unstated():
    document = examples.request_message()

    def change(data):
        data["documents-0-withheld_by_exploiter"] = ""  # was True
        data["financial-0-silver_notice_candidate"] = "true"  # was False

    _editor, rebuilt = round_trip(document, change)
    assert "withheld_by_exploiter" not in rebuilt["body"]["documents"][0]
    assert rebuilt["body"]["financial"][0]["silver_notice_candidate"] is True


@pytest.mark.parametrize(
    ("field", "value", "error_id"),
    [
        ("envelope-response_due", "14/04/2025", "id_envelope-response_due"),
        ("envelope-priority", "VERY_URGENT", "id_envelope-priority"),
        ("handling-review_on", "2030-02-30", "id_handling-review_on"),
        ("persons-1-date_of_birth", "1999-13", "id_persons-1-date_of_birth"),
        ("persons-0-nationalities", "FRA, France", "id_persons-0-nationalities"),
        ("persons-0-status", "BYSTANDER", "id_persons-0-status"),
        ("persons-0-ref", "", "id_persons-0-ref"),
        ("documents-1-holder_ref", "X1", "id_documents-1-holder_ref"),
        ("comms-0-value", "07946 0123", "id_comms-0-value"),
        ("financial-0-currency", "", "id_financial-0-currency"),
        ("requests-0-action", "ARREST", "id_requests-0-action"),
        ("exploitation-0-victims", "V1", "id_exploitation-0-victims"),
        ("vehicles-0-vin", "IOQ", "id_vehicles-0-vin"),
        ("relationships-0-type", "KNOWS", "id_relationships-0-type"),
    ],
)
def test_bad_input_is_an_error_on_its_field(field, value, error_id):
    # given a request whose posted field holds a bad value
    def change(data):
        data[field] = value

    # when the forms are checked
    editor, rebuilt = round_trip(examples.request_message(), change)
    # then nothing is built and the error names that input
    assert rebuilt is None
    assert error_id in {problem["field"] for problem in editor.error_problems()}


def test_a_new_row_without_its_ref_is_refused_on_the_ref():
    def change(data):
        data["persons-TOTAL_FORMS"] = "4"
        data.update({"persons-3-family_name": "NEW-TEST", "persons-3-status": "SUSPECT"})

    editor, rebuilt = round_trip(examples.request_message(), change)
    assert rebuilt is None
    problems = editor.error_problems()
    assert [p["field"] for p in problems] == ["id_persons-3-ref"]
    assert problems[0]["where"] == "Ref"


def test_h3_needs_its_text():
    def change(data):
        data["handling-handling_codes"] = ["H0", "H3"]

    editor, rebuilt = round_trip(examples.request_message(), change)
    assert rebuilt is None
    assert [p["field"] for p in editor.error_problems()] == ["id_handling-h3_text"]


def test_problems_of_the_document_link_to_the_input_that_shows_them():
    document = examples.request_message()
    # given the unbound editor of the stored document
    editor = MessageEditor(document)
    # then pointers resolve to the input, a row, a section, or nothing (sections not shown)
    assert editor.field_id("/subject") == "id_envelope-subject"
    assert editor.field_id("/handling/retention/review_on") == "id_handling-review_on"
    assert editor.field_id("/body/persons/1/date_of_birth") == "id_persons-1-date_of_birth"
    assert editor.field_id("/body/persons/1/victim_context/means_of_control") == (
        "id_persons-1-means_of_control"
    )
    assert editor.field_id("/body/route_legs/0/border_crossing") == "id_route_legs-0-seq"
    assert editor.field_id("/body/persons/1/handling") == "id_persons-1-ref"
    assert editor.field_id("/body/persons") == "section-persons"
    assert editor.field_id("/body/exploitation/0/form") == "id_exploitation-0-form"
    assert editor.field_id("/body/attachments/0/sha256") == ""


def test_after_a_removal_the_pointers_follow_the_rows_that_remain():
    def change(data):
        data["persons-0-DELETE"] = "on"

    editor, rebuilt = round_trip(examples.request_message(), change)
    # the second row is now /body/persons/0
    assert rebuilt["body"]["persons"][0]["ref"] == "P2"
    assert editor.field_id("/body/persons/0/sex") == "id_persons-1-sex"


def test_a_hidden_identity_is_neither_shown_nor_overwritten():
    # given a request naming its victim P2, edited by someone who may not see victims' identity
    document = examples.request_message()
    document["body"]["persons"][1].update(family_name="VICTIM-TEST", forenames="Vera")
    hidden = frozenset({"P2"})
    editor = MessageEditor(document, hidden_person_refs=hidden)
    row = editor.part("persons").forms[1]
    # then the row has no identity fields
    assert row.identity_hidden
    assert "family_name" not in row.fields
    assert "status" not in row.fields
    assert "VICTIM-TEST" not in str(editor.part("persons"))

    # when a crafted post tries to change them
    def change(data):
        data["persons-1-family_name"] = "CHANGED"
        data["persons-1-status"] = "SUSPECT"
        data["persons-1-sex"] = "X"

    _editor, rebuilt = round_trip(document, change, hidden_person_refs=hidden)
    # then the identity and status are kept, the fields shown did change
    person = rebuilt["body"]["persons"][1]
    assert (person["family_name"], person["status"], person["sex"]) == (
        "VICTIM-TEST",
        "VICTIM",
        "X",
    )


def test_requests_show_for_a_request_and_outcomes_for_a_reply():
    keys = lambda document: {s.key for s, _form in MessageEditor(document)}  # noqa: E731
    assert "cancellation" in keys(examples.cancel_message())
    assert "closure" in keys(examples.close_message())
    assert "reminder" in keys(examples.reminder_message())
    assert not {"cancellation", "closure", "reminder"} & keys(examples.request_message())
    assert "requests" in keys(examples.request_message())
    assert "outcomes" not in keys(examples.request_message())
    assert "outcomes" in keys(examples.reply_message())
    assert "requests" not in keys(examples.info_message())


def test_a_new_document_list_is_created_only_when_a_row_is_typed():
    document = examples.info_message()  # no comms

    def change(data):
        data["comms-TOTAL_FORMS"] = "1"
        data.update(
            {"comms-0-ref": "C1", "comms-0-kind": "PHONE", "comms-0-value": "+44 20 7946 0999"}
        )

    _editor, rebuilt = round_trip(document, change)
    assert rebuilt["body"]["comms"] == [{"ref": "C1", "kind": "PHONE", "value": "+442079460999"}]
    _editor, untouched = round_trip(document)
    assert "comms" not in untouched["body"]


def test_compose_form_splits_recipients_and_refuses_a_routine_alert():
    cases = [("5f0c8a52-3c4e-4d0a-9a51-2b6f1f1e8c01", "FR-2025-0042 — Test")]
    data = {
        "case": cases[0][0],
        "message_type": "ALERT",
        "recipients_to": "de nl",
        "recipients_cc": "GS",
        "priority": "ROUTINE",
        "language": "en",
    }
    form = ComposeForm(data, cases=cases)
    assert not form.is_valid()
    assert list(form.errors) == ["priority"]
    form = ComposeForm({**data, "priority": "FLASH"}, cases=cases)
    assert form.is_valid(), form.errors
    assert form.recipients() == [
        {"ncb_code": "DE", "role": "TO"},
        {"ncb_code": "NL", "role": "TO"},
        {"ncb_code": "GS", "role": "CC"},
    ]
    form = ComposeForm({**data, "priority": "FLASH", "recipients_cc": "DE"}, cases=cases)
    assert not form.is_valid()
    assert list(form.errors) == ["recipients_cc"]
