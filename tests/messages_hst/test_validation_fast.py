"""The compiled schema check (`validation.schema_is_valid_fast`) only ever short-cuts jsonschema:
it must never accept a message jsonschema rejects (else a receiver would skip listing a
problem), and it should accept the valid messages (else it saves nothing)."""

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from messages_hst.validation import schema_is_valid_fast, schema_problems
from messages_hst.validation.schema import _validator
from tests.messages_hst.examples import BUILDERS, example
from tests.messages_hst.strategies import JSON_VALUES, messages

# Values that sit just past a schema rule: empty, padded, a trailing newline (`$` in a pattern),
# too long, wrong types that look right, bad dates and ids.
NEAR_MISSES = st.sampled_from(
    [
        "",
        " ",
        "x",
        "\n",
        "X" * 5000,
        0,
        -1,
        1.5,
        True,
        None,
        [],
        {},
        [None],
        ["", ""],
        "2025-02-30",
        "2025-06-01T12:00:00",
        "2025-06-01T25:00:00Z",
        "2025-13",
        "0d0c6ad4-8b1e-4c47-9f0a-6a2e61b1f3a2\n",
        "0D0C6AD4-8B1E-4C47-9F0A-6A2E61B1F3A2",
        "FR\n",
        "fr",
        "H9",
    ]
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


@st.composite
def mutated(draw, base):
    """`base` with one to three nodes deleted, replaced, or given an unknown member."""
    message = copy.deepcopy(draw(base))
    for _ in range(draw(st.integers(1, 3))):
        paths = [path for path in _paths(message) if path]
        if not paths:
            break
        *parents, last = draw(st.sampled_from(paths))
        target = message
        for part in parents:
            target = target[part]
        action = draw(st.sampled_from(["delete", "replace", "near", "extra"]))
        if action == "delete":
            del target[last]
        elif action == "extra" and isinstance(target[last], dict):
            key = draw(st.sampled_from(["zz", "x_ok", "x_", "notes", "ref"]))
            target[last][key] = copy.deepcopy(draw(JSON_VALUES))
        else:
            # A copy: a later "extra" must not add members to a value the strategy holds,
            # which would change what it draws next time (Hypothesis: flaky strategy).
            target[last] = copy.deepcopy(draw(JSON_VALUES if action == "replace" else NEAR_MISSES))
    return message


def jsonschema_errors(message):
    return list(_validator().iter_errors(message))


def test_every_example_message_is_accepted_by_both():
    # given the example of every message type
    for message_type in BUILDERS:
        message = example(message_type)

        # then both checks accept it
        assert jsonschema_errors(message) == [], message_type
        assert schema_is_valid_fast(message), message_type


def test_a_constant_the_schema_fixes_is_refused_by_both():
    # given messages differing from a valid one only in a value the schema fixes with `const`
    # (which the fast check compiles as a one-value enum): the version, the signature's
    # algorithm, and an INFO without the case summary its type's `if`/`then` rule requires
    wrong_version = {**example("INFO"), "hst_version": "1.1"}
    wrong_algorithm = example("INFO")
    wrong_algorithm["signature"] = {"alg": "RS256", "kid": "fr-2026", "value": "A" * 86}
    info_without_summary = example("INFO")
    del info_without_summary["body"]["case_summary"]

    for message in (wrong_version, wrong_algorithm, info_without_summary):
        # then jsonschema names a problem and the fast check does not say valid
        assert jsonschema_errors(message) != []
        assert not schema_is_valid_fast(message)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(messages())
def test_generated_valid_messages_agree(message):
    # given a message the strategies build to be schema-valid
    # when both checks look at it
    # then the fast check says valid exactly when jsonschema finds nothing
    assert schema_is_valid_fast(message) == (jsonschema_errors(message) == [])


# The examples are built once: each call stamps a fresh time and ids, and Hypothesis must see
# the same structure when it replays a failing example.
EXAMPLES = [example(message_type) for message_type in sorted(BUILDERS)]


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated(messages() | st.sampled_from(EXAMPLES)))
def test_fast_check_never_accepts_what_jsonschema_rejects(message):
    # given a valid message broken in one to three places
    # when the fast check accepts it
    if schema_is_valid_fast(message):
        # then jsonschema finds no problem either
        assert jsonschema_errors(message) == []


def test_a_rejected_message_still_lists_every_problem():
    # given a REQUEST with two schema problems
    message = example("REQUEST")
    message["priority"] = "SOON"
    del message["subject"]

    # when level 1 runs (the fast check refuses, jsonschema lists)
    problems = schema_problems(message)

    # then both problems are named
    assert {(p.path, p.code) for p in problems} >= {
        ("/priority", "not_in_code_list"),
        ("/subject", "required"),
    }
