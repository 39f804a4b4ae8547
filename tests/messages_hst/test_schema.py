"""Level 1: the JSON Schema accepts a realistic message of every type and rejects precise
violations at precise paths."""

import jsonschema
import pytest

from messages_hst.schema import load_schema, shared_schema
from messages_hst.validation import schema_problems
from tests.messages_hst.examples import BUILDERS, example


def test_schema_is_a_valid_draft_2020_12_schema():
    # given / when / then
    jsonschema.Draft202012Validator.check_schema(load_schema())
    assert load_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_load_schema_returns_a_copy_the_caller_may_change():
    # given
    schema = load_schema()

    # when
    schema["properties"].clear()

    # then
    assert shared_schema()["properties"]


def test_unknown_schema_version_is_refused():
    # given / when / then
    with pytest.raises(ValueError, match="no HST schema"):
        load_schema("0.9")


@pytest.mark.parametrize("message_type", list(BUILDERS))
def test_schema_accepts_the_example_of_each_message_type(message_type):
    # given
    message = example(message_type)

    # when / then
    assert schema_problems(message) == []


def test_schema_accepts_extension_fields_anywhere():
    # given
    message = example("REQUEST")
    message["x_national_file"] = {"system": "TEST", "ids": [1, 2]}
    message["body"]["persons"][0]["x_remarks_de"] = "Fahrer"
    message["handling"]["x_local_marking"] = True

    # when / then
    assert schema_problems(message) == []


def test_schema_accepts_an_unsigned_draft_and_a_signed_message():
    # given
    signed = example("REQUEST")
    signed["signature"] = {"alg": "EdDSA", "kid": "0123456789abcdef", "value": "A" * 86}

    # when / then
    assert "signature" not in example("REQUEST")
    assert schema_problems(signed) == []


def delete(path):
    def change(message):
        *parents, last = path
        target = message
        for part in parents:
            target = target[part]
        del target[last]

    return change


def put(path, value):
    def change(message):
        *parents, last = path
        target = message
        for part in parents:
            target = target[part]
        target[last] = value

    return change


VIOLATIONS = [
    # (message type, change, path, code)
    ("REQUEST", delete(["body", "requests"]), "/body/requests", "required"),
    ("REQUEST", put(["body", "requests"], []), "/body/requests", "too_few_items"),
    ("REQUEST", delete(["response_due"]), "/response_due", "required"),
    ("ALERT", put(["priority"], "ROUTINE"), "/priority", "not_in_code_list"),
    ("ALERT", delete(["body", "case_summary"]), "/body/case_summary", "required"),
    ("INFO", delete(["body", "case_summary"]), "/body/case_summary", "required"),
    ("REPLY", delete(["thread", "in_reply_to"]), "/thread/in_reply_to", "required"),
    ("REPLY", delete(["thread"]), "/thread", "required"),
    ("REPLY", delete(["body", "outcomes"]), "/body/outcomes", "required"),
    ("REPLY", put(["body", "outcomes", 0, "outcome"], "MAYBE"), "/body/outcomes/0/outcome",
     "not_in_code_list"),
    ("UPDATE", put(["thread", "references"], []), "/thread/references", "too_few_items"),
    ("CORRECTION", delete(["thread", "supersedes"]), "/thread/supersedes", "required"),
    ("CANCEL", delete(["thread", "supersedes"]), "/thread/supersedes", "required"),
    ("CANCEL", delete(["body", "cancellation", "instruction"]),
     "/body/cancellation/instruction", "required"),
    ("CANCEL", put(["body", "cancellation", "instruction"], "DESTROY"),
     "/body/cancellation/instruction", "not_in_code_list"),
    ("CLOSE", delete(["body", "closure"]), "/body/closure", "required"),
    ("RECEIPT", delete(["body", "receipt", "signature_valid"]),
     "/body/receipt/signature_valid", "required"),
    ("RECEIPT", put(["body", "receipt", "received_digest"], "A" * 64),
     "/body/receipt/received_digest", "invalid_format"),
    ("RECEIPT", put(["body", "receipt", "schema_valid"], "yes"),
     "/body/receipt/schema_valid", "wrong_type"),
    ("RESPONSE", put(["body", "response", "outcome"], "REJECTED"),
     "/body/response/reason_codes", "required"),
    ("RESPONSE", put(["body", "response", "reason_codes"], ["MAYBE"]),
     "/body/response/reason_codes/0", "not_in_code_list"),
    ("RESPONSE", put(["body", "response", "reason_codes"], ["SCHEMA", "SCHEMA"]),
     "/body/response/reason_codes", "duplicate_items"),
    ("REMINDER", delete(["thread"]), "/thread", "required"),
    ("INFO", delete(["case"]), "/case", "required"),
    ("REQUEST", put(["subject"], "x" * 201), "/subject", "too_long"),
    ("REQUEST", put(["subject"], ""), "/subject", "empty"),
    ("REQUEST", put(["body", "case_summary", "summary"], "x" * 2001),
     "/body/case_summary/summary", "too_long"),
    ("REQUEST", put(["message_id"], "not-a-uuid"), "/message_id", "invalid_format"),
    ("REQUEST", put(["message_id"], "0D0C6AD4-8B1E-4C47-9F0A-6A2E61B1F3A2"), "/message_id",
     "invalid_format"),
    ("REQUEST", put(["created_at"], "2025-03-14T09:30:00+01:00"), "/created_at",
     "invalid_format"),
    ("REQUEST", put(["created_at"], "2025-02-30T09:30:00Z"), "/created_at", "invalid_format"),
    ("REQUEST", put(["response_due"], "2025-02-30"), "/response_due", "invalid_format"),
    ("REQUEST", put(["body", "persons", 0, "date_of_birth"], "1984-13"),
     "/body/persons/0/date_of_birth", "invalid_format"),
    ("REQUEST", put(["body", "locations", 0, "country"], "ROU"), "/body/locations/0/country",
     "invalid_format"),
    ("REQUEST", put(["body", "persons", 0, "nationalities"], ["fr"]),
     "/body/persons/0/nationalities/0", "invalid_format"),
    ("REQUEST", put(["language"], "eng"), "/language", "invalid_format"),
    ("REQUEST", put(["body", "financial", 0, "currency"], "euro"),
     "/body/financial/0/currency", "invalid_format"),
    ("REQUEST", delete(["body", "financial", 0, "currency"]), "/body/financial/0/currency",
     "required"),
    ("REQUEST", put(["body", "financial", 0, "amount"], "4,500"), "/body/financial/0/amount",
     "invalid_format"),
    ("REQUEST", put(["body", "comms", 0, "value"], "0033 1 23 45 67 89"),
     "/body/comms/0/value", "invalid_format"),
    ("REQUEST", put(["body", "comms", 1, "value"], "not an address"), "/body/comms/1/value",
     "invalid_format"),
    ("REQUEST", put(["body", "persons", 0, "ref"], "X1"), "/body/persons/0/ref",
     "invalid_format"),
    ("REQUEST", put(["body", "documents", 0, "holder_ref"], "L1"),
     "/body/documents/0/holder_ref", "invalid_format"),
    ("REQUEST", put(["body", "attachments", 0, "sha256"], "9F" * 32),
     "/body/attachments/0/sha256", "invalid_format"),
    ("REQUEST", put(["body", "documents", 1, "mrz"], ["P<FRA"]), "/body/documents/1/mrz",
     "too_few_items"),
    ("REQUEST", put(["body", "persons", 0, "nickname"], "Cam"), "/body/persons/0/nickname",
     "unknown_field"),
    ("REQUEST", put(["X_upper"], 1), "/X_upper", "unknown_field"),
    ("REQUEST", put(["hst_version"], "2.0"), "/hst_version", "invalid_value"),
    ("REQUEST", put(["recipients"], []), "/recipients", "too_few_items"),
    ("REQUEST", put(["recipients", 0, "ncb_code"], "Germany"), "/recipients/0/ncb_code",
     "invalid_format"),
    ("REQUEST", put(["body", "case_summary", "counts", "victims"], -1),
     "/body/case_summary/counts/victims", "out_of_range"),
    ("REQUEST", put(["body", "case_summary", "counts", "victims"], "3"),
     "/body/case_summary/counts/victims", "wrong_type"),
    ("REQUEST", put(["handling", "handling_codes"], ["H0", "H3"]), "/handling/h3_text",
     "required"),
    ("REQUEST", put(["handling", "handling_codes"], ["H5"]), "/handling/handling_codes/0",
     "not_in_code_list"),
    ("REQUEST", delete(["handling", "victim_data_present"]), "/handling/victim_data_present",
     "required"),
    ("REQUEST", put(["body", "persons", 0, "handling"], {}), "/body/persons/0/handling", "empty"),
    ("REQUEST", put(["signature"], {"alg": "EdDSA", "kid": "KID", "value": "A" * 86}),
     "/signature/kid", "invalid_format"),
    ("REQUEST", put(["signature"], {"alg": "RS256", "kid": "0" * 16, "value": "A" * 86}),
     "/signature/alg", "invalid_value"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("message_type", "change", "path", "code"),
    VIOLATIONS,
    ids=[f"{v[0]}:{v[2]}:{v[3]}" for v in VIOLATIONS],
)
def test_schema_rejects_a_violation_at_its_exact_path(message_type, change, path, code):
    # given
    message = example(message_type)
    change(message)

    # when
    problems = schema_problems(message)

    # then
    assert (path, code) in [(p.path, p.code) for p in problems], problems
    assert all(p.severity == "error" for p in problems)


def test_per_type_requirement_names_the_message_type():
    # given
    message = example("REQUEST")
    del message["body"]["requests"]

    # when
    [problem] = schema_problems(message)

    # then
    assert problem.message == "body.requests is required in a REQUEST message"


def test_code_list_problem_lists_the_allowed_codes():
    # given
    message = example("CANCEL")
    message["body"]["cancellation"]["instruction"] = "DESTROY"

    # when
    [problem] = schema_problems(message)

    # then
    assert "RESTRICT, DELETE, DISREGARD" in problem.message


def test_pattern_problem_says_what_was_expected():
    # given
    message = example("REQUEST")
    message["body"]["locations"][0]["country"] = "ROU"

    # when
    [problem] = schema_problems(message)

    # then
    assert problem.message == (
        "body.locations[0].country: 'ROU' is not valid: expected an ISO 3166-1 alpha-2 country "
        "code (FR)"
    )


def test_every_violation_is_reported_at_once():
    # given
    message = example("REQUEST")
    message["subject"] = "x" * 201
    message["language"] = "eng"
    del message["body"]["requests"]

    # when
    problems = schema_problems(message)

    # then
    assert [(p.path, p.code) for p in problems] == [
        ("/body/requests", "required"),
        ("/language", "invalid_format"),
        ("/subject", "too_long"),
    ]


@pytest.mark.parametrize("value", [None, [], "text", 3])
def test_a_message_that_is_not_an_object_is_one_problem(value):
    # given / when / then
    assert [(p.path, p.code) for p in schema_problems(value)] == [("", "wrong_type")]
