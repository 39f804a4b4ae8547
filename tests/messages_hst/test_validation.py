"""Levels 2-4 of HST.md §8: each rule has a failing case and a passing near miss."""

import copy
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings

from messages_hst.validation import (
    Problem,
    compute_flags,
    has_errors,
    protected_person_refs,
    validate_message,
    with_computed_flags,
)
from tests.messages_hst.examples import BUILDERS, INFO_ID, REQUEST_ID, example, known_messages
from tests.messages_hst.strategies import JSON_VALUES

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
OTHER_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
FINGER_TEMPLATE = (
    "Rk1SACAyMAAAAAFiAAABAAGQAMUAxQEAAAAoJ0CNQUJDREVG"  # base64 of an ISO 19794-2 record
)


def findings(message, *, known=True):
    problems = validate_message(
        message, known_messages=known_messages() if known else None, now=NOW
    )
    return [(p.path, p.code, p.severity) for p in problems]


def at(message, path):
    *parents, last = path
    for part in parents:
        message = message[part]
    return message, last


def put(path, value):
    def change(message):
        target, last = at(message, path)
        target[last] = copy.deepcopy(value)

    return change


def drop(*paths):
    def change(message):
        for path in paths:
            target, last = at(message, path)
            del target[last]

    return change


def same(message):
    return None


def both(*changes):
    def change(message):
        for one in changes:
            one(message)

    return change


B, H = "body", "handling"
RULES = [
    # rule, message type, breaking change, passing near miss, expected (path, code, severity)
    # --- level 2: references
    ("duplicate_ref", "REQUEST", put([B, "persons", 1, "ref"], "P1"), same,
     ("/body/persons/1/ref", "duplicate_ref", "error")),
    ("unresolved single ref", "REQUEST", put([B, "documents", 1, "holder_ref"], "P9"),
     put([B, "documents", 1, "holder_ref"], "P3"),
     ("/body/documents/1/holder_ref", "unresolved_ref", "error")),
    ("unresolved ref in a list", "REQUEST", put([B, "exploitation", 0, "victims"], ["P2", "P7"]),
     put([B, "exploitation", 0, "victims"], ["P2", "P3"]),
     ("/body/exploitation/0/victims/1", "unresolved_ref", "error")),
    ("unresolved relationship", "REQUEST", put([B, "relationships", 1, "target_ref"], "V9"), same,
     ("/body/relationships/1/target_ref", "unresolved_ref", "error")),
    ("unresolved attachment ref", "REQUEST", put([B, "attachments", 0, "entity_refs"], ["D9"]),
     put([B, "attachments", 0, "entity_refs"], ["D2"]),
     ("/body/attachments/0/entity_refs/0", "unresolved_ref", "error")),
    ("unresolved request target", "REQUEST", put([B, "requests", 1, "target_refs"], ["C3"]),
     put([B, "requests", 1, "target_refs"], ["C2"]),
     ("/body/requests/1/target_refs/0", "unresolved_ref", "error")),
    ("route legs ordered", "REQUEST", put([B, "route_legs", 1, "seq"], 1),
     put([B, "route_legs", 1, "seq"], 5),
     ("/body/route_legs/1/seq", "route_not_ordered", "error")),
    ("route legs contiguous", "REQUEST", put([B, "route_legs", 1, "from_ref"], "L1"), same,
     ("/body/route_legs/1/from_ref", "route_not_contiguous", "error")),
    ("distinct recipients", "REQUEST", put(["recipients", 1, "ncb_code"], "DE"),
     put(["recipients", 1, "ncb_code"], "BE"),
     ("/recipients/1/ncb_code", "duplicate_recipient", "error")),
    ("sender not a recipient", "REQUEST", put(["recipients", 1, "ncb_code"], "FR"),
     put(["recipients", 1, "ncb_code"], "BE"),
     ("/recipients/1/ncb_code", "sender_is_recipient", "error")),
    ("no self reference", "CORRECTION",
     put(["thread", "supersedes"], "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"), same,
     ("/thread/supersedes", "refers_to_itself", "error")),
    ("REPLY answers a known message", "REPLY", put(["thread", "in_reply_to"], OTHER_ID), same,
     ("/thread/in_reply_to", "reply_to_unknown_message", "error")),
    ("REPLY answers a REQUEST", "REPLY", put(["thread", "in_reply_to"], INFO_ID), same,
     ("/thread/in_reply_to", "reply_to_non_request", "error")),
    ("REPLY answers the REQUEST's requests", "REPLY",
     put([B, "outcomes", 1, "request_ref"], "R3"), put([B, "outcomes", 1, "request_ref"], "R1"),
     ("/body/outcomes/1/request_ref", "unknown_request_ref", "error")),
    ("REPLY from an addressee", "REPLY", put(["sender", "ncb_code"], "BE"),
     put(["sender", "ncb_code"], "NL"),
     ("/sender/ncb_code", "reply_from_non_recipient", "warning")),
    ("REMINDER names the REQUEST's requests", "REMINDER",
     put([B, "reminder", "request_refs"], ["R5"]), put([B, "reminder", "request_refs"], ["R1"]),
     ("/body/reminder/request_refs/0", "unknown_request_ref", "error")),
    ("REMINDER by the requester", "REMINDER", put(["sender", "ncb_code"], "NL"), same,
     ("/sender/ncb_code", "reminder_from_other_sender", "error")),
    ("REMINDER about a known REQUEST", "REMINDER", put(["thread", "in_reply_to"], OTHER_ID), same,
     ("/thread/in_reply_to", "reply_to_unknown_message", "error")),
    ("CORRECTION of a known message", "CORRECTION", put(["thread", "supersedes"], OTHER_ID), same,
     ("/thread/supersedes", "supersedes_unknown_message", "error")),
    ("CANCEL of the same sender's message", "CANCEL",
     both(put(["sender", "ncb_code"], "DE"), put(["recipients", 0, "ncb_code"], "FR")), same,
     ("/thread/supersedes", "supersedes_other_sender", "error")),
    # --- level 3: meaning
    ("not created in the future", "REQUEST", put(["created_at"], "2025-06-01T12:06:00Z"),
     put(["created_at"], "2025-06-01T12:04:00Z"),
     ("/created_at", "created_in_future", "error")),
    ("same code lists", "REQUEST", put(["codelists_version"], "2024.1"), same,
     ("/codelists_version", "codelists_version_differs", "warning")),
    ("family name in capitals", "REQUEST", put([B, "persons", 0, "family_name"], "Durand-Test"),
     put([B, "persons", 0, "family_name"], "ÇELIK-TEST"),
     ("/body/persons/0/family_name", "family_name_not_in_capitals", "error")),
    ("born before creation", "REQUEST", put([B, "persons", 0, "date_of_birth"], "2025-03-15"),
     put([B, "persons", 0, "date_of_birth"], "1984-05"),
     ("/body/persons/0/date_of_birth", "birth_after_creation", "error")),
    ("events before creation", "REQUEST", put([B, "financial", 0, "date"], "2025-03-15"),
     put([B, "financial", 0, "date"], "2025-03-14"),
     ("/body/financial/0/date", "event_after_creation", "error")),
    ("events after birth", "REQUEST", put([B, "documents", 1, "issue_date"], "1984-05-16"),
     put([B, "documents", 1, "issue_date"], "1984-05-17"),
     ("/body/documents/1/issue_date", "event_before_birth", "error")),
    ("travel after birth", "REQUEST", put([B, "persons", 1, "date_of_birth"], "2025-02"),
     put([B, "persons", 1, "date_of_birth"], "2025-01"),
     ("/body/route_legs/0/departure_date", "event_before_birth", "error")),
    ("case period in order", "REQUEST", put([B, "case_summary", "period", "to"], "2025-01-09"),
     put([B, "case_summary", "period", "to"], "2025-01-10"),
     ("/body/case_summary/period/to", "dates_reversed", "error")),
    ("exploitation period in order", "REQUEST",
     put([B, "exploitation", 0, "period", "to"], "2025-01-31"), same,
     ("/body/exploitation/0/period/to", "dates_reversed", "error")),
    ("arrival after departure", "REQUEST", put([B, "route_legs", 0, "arrival_date"], "2025-01-27"),
     put([B, "route_legs", 0, "arrival_date"], "2025-01-28"),
     ("/body/route_legs/0/arrival_date", "dates_reversed", "error")),
    ("issue before expiry", "REQUEST", put([B, "documents", 1, "expiry_date"], "2024-03-02"),
     put([B, "documents", 1, "expiry_date"], "2024-03-03"),
     ("/body/documents/1/expiry_date", "expiry_not_after_issue", "error")),
    ("MRZ check digits", "REQUEST",
     put([B, "documents", 1, "mrz", 1], "24FT001230FRA8405174M3403015<<<<<<<<<<<<<<<4"), same,
     ("/body/documents/1/mrz/1", "mrz_check_digit", "error")),
    ("response due after creation", "REQUEST", put(["response_due"], "2025-03-13"),
     put(["response_due"], "2025-03-14"),
     ("/response_due", "response_due_before_creation", "error")),
    ("deadline after creation", "REQUEST", put([B, "requests", 0, "deadline"], "2025-03-13"),
     put([B, "requests", 0, "deadline"], "2025-03-14"),
     ("/body/requests/0/deadline", "deadline_before_creation", "error")),
    ("deadline by the response due date", "REQUEST",
     put([B, "requests", 0, "deadline"], "2025-04-15"),
     put([B, "requests", 0, "deadline"], "2025-04-14"),
     ("/body/requests/0/deadline", "deadline_after_response_due", "warning")),
    ("THB needs exploitation", "REQUEST",
     drop([B, "exploitation"], [B, "case_summary", "palermo_elements", "purposes"]),
     drop([B, "exploitation"]),
     ("/body/case_summary/offence_type", "thb_without_exploitation", "error")),
    ("smuggling needs a border crossing", "INFO", drop([B, "route_legs", 0, "border_crossing"]),
     same, ("/body/case_summary/offence_type", "smuggling_without_border_crossing", "error")),
    ("smuggling crosses irregularly", "INFO",
     put([B, "route_legs", 0, "border_crossing", "regular"], True), same,
     ("/body/case_summary/offence_type", "smuggling_only_regular_crossings", "warning")),
    ("victim flag set", "REQUEST", put([H, "victim_data_present"], False), same,
     ("/handling/victim_data_present", "victim_data_present_not_set", "error")),
    ("victim flag explained", "UPDATE", put([H, "victim_data_present"], True), same,
     ("/handling/victim_data_present", "victim_data_present_unexplained", "warning")),
    ("minor flag set", "ALERT", put([H, "minor_data_present"], False), same,
     ("/handling/minor_data_present", "minor_data_present_not_set", "error")),
    ("minor flag explained", "REQUEST", put([H, "minor_data_present"], True), same,
     ("/handling/minor_data_present", "minor_data_present_unexplained", "warning")),
    ("minors for recipients only", "ALERT", put([H, "dissemination"], "RECIPIENT_AGENCY"), same,
     ("/handling/dissemination", "minor_requires_recipients_only", "error")),
    # --- level 4: policy
    ("recipient not denied", "REQUEST", put([H, "access_restrictions", "deny"], ["NL"]), same,
     ("/recipients/1/ncb_code", "recipient_denied", "error")),
    ("recipient allowed", "REQUEST", put([H, "access_restrictions", "allow_only"], ["DE"]),
     put([H, "access_restrictions", "allow_only"], ["DE", "NL"]),
     ("/recipients/1/ncb_code", "recipient_not_allowed", "error")),
    ("confidentiality covers the overrides", "REQUEST",
     put([B, "persons", 0, "handling"], {"confidentiality_level": "INTERPOL_CONFIDENTIAL"}),
     put([B, "persons", 0, "handling"], {"confidentiality_level": "INTERPOL_RESTRICTED"}),
     ("/handling/confidentiality_level", "confidentiality_below_override", "error")),
    ("overrides only narrow", "REQUEST",
     put([B, "documents", 1, "handling"], {"dissemination": "NATIONAL_LE"}),
     put([B, "documents", 1, "handling"], {"dissemination": "RECIPIENTS_ONLY"}),
     ("/body/documents/1/handling/dissemination", "override_widens_dissemination", "error")),
    ("retention set", "REQUEST", drop([H, "retention"]), same,
     ("/handling/retention", "retention_not_set", "warning")),
    ("retention within 5 years", "REQUEST", put([H, "retention", "review_on"], "2030-03-15"),
     put([H, "retention", "review_on"], "2030-03-14"),
     ("/handling/retention/review_on", "retention_too_long", "error")),
    ("retention after creation", "REQUEST", put([H, "retention", "review_on"], "2025-03-13"),
     put([H, "retention", "review_on"], "2025-03-14"),
     ("/handling/retention/review_on", "retention_in_past", "error")),
    ("purpose present", "REQUEST", drop([H, "purpose"]), same,
     ("/handling/purpose", "purpose_missing", "error")),
    ("purpose not empty", "REQUEST", put([H, "purpose"], []), same,
     ("/handling/purpose", "purpose_missing", "error")),
    ("victims minimised", "REQUEST", put([B, "persons", 1, "family_name"], "POPESCU-TEST"), same,
     ("/body/persons/1", "victim_identity_disclosed", "warning")),
    ("no inline image", "REQUEST",
     put([B, "persons", 0, "remarks"], "Photo: data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQ"),
     put([B, "persons", 0, "remarks"], "Photo: attachment A1, data from the national file"),
     ("/body/persons/0/remarks", "inline_binary_data", "error")),
    ("no inline template", "REQUEST", put(["x_fmr"], FINGER_TEMPLATE), put(["x_fmr"], "Rk1SAC"),
     ("/x_fmr", "inline_binary_data", "error")),
    ("no long base64", "REQUEST", put(["x_blob"], "QUJD" * 60), put(["x_blob"], "QUJD" * 40),
     ("/x_blob", "inline_binary_data", "error")),
    ("no biometric fields", "REQUEST", put(["x_fingerprint_ref"], "A2"),
     put(["x_partner_ref"], "A2"), ("/x_fingerprint_ref", "possible_biometric_field", "warning")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("message_type", "breaking", "expected"),
    [(r[1], r[2], r[4]) for r in RULES],
    ids=[r[0] for r in RULES],
)
def test_rule_reports_a_broken_message(message_type, breaking, expected):
    # given
    message = example(message_type)
    breaking(message)

    # when
    found = findings(message)

    # then
    assert expected in found, found


@pytest.mark.parametrize(
    ("message_type", "near_miss", "expected"),
    [(r[1], r[3], r[4]) for r in RULES],
    ids=[r[0] for r in RULES],
)
def test_rule_passes_its_near_miss(message_type, near_miss, expected):
    # given
    message = example(message_type)
    near_miss(message)

    # when
    found = findings(message)

    # then
    assert expected[1] not in [code for _, code, _ in found], found


@pytest.mark.parametrize("message_type", list(BUILDERS))
def test_the_example_of_each_type_has_no_problem_at_any_level(message_type):
    # given / when / then
    assert findings(example(message_type)) == []


def test_thread_checks_are_skipped_without_known_messages():
    # given
    message = example("REPLY")
    message["thread"]["in_reply_to"] = OTHER_ID

    # when / then
    assert findings(message, known=False) == []


def test_known_messages_may_be_a_lookup_function():
    # given
    message = example("REPLY")
    asked = []

    def lookup(message_id):
        asked.append(message_id)
        return None

    # when
    problems = validate_message(message, known_messages=lookup, now=NOW)

    # then
    assert asked == [REQUEST_ID]
    assert [p.code for p in problems] == ["reply_to_unknown_message"]


def test_problems_of_all_four_levels_come_at_once():
    # given
    message = example("REQUEST")
    message["subject"] = ""  # syntax
    message["body"]["route_legs"][1]["from_ref"] = "L3"  # references
    message["body"]["documents"][1]["expiry_date"] = "2020-01-01"  # meaning
    del message["handling"]["purpose"]  # policy

    # when
    found = findings(message)

    # then
    assert [code for _, code, _ in found] == [
        "empty",
        "route_not_contiguous",
        "expiry_not_after_issue",
        "purpose_missing",
    ]


def test_problems_have_a_plain_dict_form():
    # given
    problem = Problem("/subject", "too_long", "error", "subject: too long")

    # when / then
    assert problem.as_dict() == {
        "path": "/subject",
        "code": "too_long",
        "severity": "error",
        "message": "subject: too long",
    }


def test_warnings_alone_do_not_block_sending():
    # given
    message = example("REQUEST")
    del message["handling"]["retention"]

    # when
    problems = validate_message(message, now=NOW)

    # then
    assert [p.severity for p in problems] == ["warning"]
    assert not has_errors(problems)
    assert has_errors([*problems, Problem("", "x", "error", "x")])


def test_without_now_the_current_time_is_used():
    # given
    message = example("INFO")
    message["created_at"] = "2999-01-01T00:00:00Z"

    # when
    problems = validate_message(message)

    # then
    assert "created_in_future" in [p.code for p in problems]


def test_json_pointers_escape_slashes_and_tildes():
    # given
    message = example("REQUEST")
    message["body"]["persons"][0]["a/b~c"] = 1

    # when
    [problem] = validate_message(message, now=NOW)

    # then
    assert problem.path == "/body/persons/0/a~1b~0c"


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(JSON_VALUES)
def test_validation_never_raises_on_arbitrary_json(value):
    # given: arbitrary JSON as the message, and grafted into a real message
    grafted = example("REQUEST")
    grafted["body"]["persons"] = [value, {"ref": value, "victim_context": value}]
    grafted["handling"]["retention"] = value
    grafted["body"]["route_legs"][0] = value

    # when
    problems = validate_message(value, now=NOW) + validate_message(grafted, now=NOW)

    # then
    assert all(isinstance(problem, Problem) for problem in problems)


# --- computed flags --------------------------------------------------------------------------


def message_with(persons, *, exploitation=None, period=None):
    message = example("INFO")
    message["body"]["persons"] = persons
    message["body"].pop("route_legs")
    if exploitation is not None:
        message["body"]["exploitation"] = exploitation
    if period is not None:
        message["body"]["case_summary"]["period"] = period
    return message


@pytest.mark.parametrize(
    "person",
    [
        {"ref": "P1", "status": "VICTIM"},
        {"ref": "P1", "status": "POSSIBLE_VICTIM"},
        {"ref": "P1", "status": "WITNESS", "victim_context": {"referred_to_support": True}},
    ],
)
def test_a_victim_person_flags_victim_data(person):
    # given / when / then
    assert compute_flags(message_with([person]))["victim_data_present"] is True


def test_a_person_named_as_exploited_flags_victim_data():
    # given
    message = message_with(
        [{"ref": "P1", "status": "WITNESS"}],
        exploitation=[{"form": "FORCED_LABOUR", "victims": ["P1"]}],
    )

    # when / then
    assert compute_flags(message)["victim_data_present"] is True


def test_suspects_alone_flag_nothing():
    # given / when / then
    assert compute_flags(message_with([{"ref": "P1", "status": "SUSPECT"}])) == {
        "victim_data_present": False,
        "minor_data_present": False,
    }


@pytest.mark.parametrize(("age", "minor"), [(17, True), (18, False), (0, True)])
def test_age_at_exploitation_decides_when_the_birth_date_is_withheld(age, minor):
    # given
    person = {"ref": "P1", "status": "VICTIM", "victim_context": {"age_at_exploitation": age}}

    # when / then
    assert compute_flags(message_with([person]))["minor_data_present"] is minor


@pytest.mark.parametrize(
    ("born", "exploited_from", "minor"),
    [
        ("2007-03-02", "2025-03-01", True),  # the day before the 18th birthday
        ("2007-03-01", "2025-03-01", False),  # the 18th birthday
        ("2007", "2025-06-01", True),  # born in 2007: maybe in December, so maybe 17
        ("2006", "2025-01-01", False),  # 18 at the latest on 31 December 2024
        ("2007-05", "2025-05-30", True),  # maybe born on 31 May
        ("2007-05", "2025-05-31", False),
        ("2008-02-29", "2026-02-28", True),
        ("2008-02-29", "2026-03-01", False),
    ],
)
def test_birth_date_decides_at_the_start_of_exploitation(born, exploited_from, minor):
    # given
    message = message_with(
        [{"ref": "P1", "status": "VICTIM", "date_of_birth": born}],
        exploitation=[{"form": "SEXUAL", "victims": ["P1"], "period": {"from": exploited_from}}],
    )
    message["created_at"] = "2026-06-01T00:00:00Z"

    # when / then
    assert compute_flags(message)["minor_data_present"] is minor


def test_without_own_dates_the_case_period_then_the_creation_date_decide():
    # given: born in June 2007, the case ran from 2025-01-01; the message is from 2026
    person = {"ref": "P1", "status": "WITNESS", "date_of_birth": "2007-06-15"}
    with_period = message_with([person], period={"from": "2025-01-01"})
    without_period = message_with([copy.deepcopy(person)])
    with_period["created_at"] = without_period["created_at"] = "2026-01-10T00:00:00Z"

    # when / then
    assert compute_flags(with_period)["minor_data_present"] is True
    assert compute_flags(without_period)["minor_data_present"] is False


def test_with_computed_flags_returns_a_flagged_copy():
    # given
    message = example("ALERT")
    message["handling"]["minor_data_present"] = False
    before = copy.deepcopy(message)

    # when
    flagged = with_computed_flags(message)

    # then
    assert message == before
    assert flagged["handling"]["minor_data_present"] is True
    assert flagged["handling"]["victim_data_present"] is True
    assert findings(flagged) == []


@pytest.mark.parametrize("value", [None, "text", [1, 2]])
def test_compute_flags_of_something_that_is_not_a_message_is_all_false(value):
    # given / when / then
    assert compute_flags(value) == {"victim_data_present": False, "minor_data_present": False}


def test_protected_person_refs_are_the_victims_and_the_minors():
    # given: P2 is a victim; P3 becomes a minor by a date of birth 10 years before the period
    message = example("REQUEST")
    message["body"]["persons"][2]["date_of_birth"] = "2015"

    # when
    refs = protected_person_refs(message)

    # then
    assert refs == {"P2", "P3"}
    assert protected_person_refs({"body": {"persons": "not a list"}}) == set()
