"""Property tests: rendering then parsing gives back the same message, deterministically."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from messages_hst.formatting import WIDTH, render_text
from messages_hst.labels import ENGLISH, VOCABULARIES, vocabulary_for
from messages_hst.parsing import parse_text
from messages_hst.signing import message_digest
from messages_hst.validation import schema_problems
from ncb_cases.canonical import canonical_json
from tests.messages_hst.examples import request_message
from tests.messages_hst.strategies import JSON_VALUES, messages, text

BOUNDED = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# The four label languages and one without labels (English labels): 5 x 15 examples.
LANGUAGES = ["ar", "en", "es", "fr", "de"]
PER_LANGUAGE = settings(BOUNDED, max_examples=15)


def shuffled(value, rng):
    """The same JSON value with every object's keys in a random order."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [shuffled(item, rng) for item in value]
    return value


def all_keys(value):
    """Every key of every object in `value` (generated messages are shallow: recursion is fine)."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield key
            yield from all_keys(child)
    elif isinstance(value, list):
        for child in value:
            yield from all_keys(child)


@pytest.mark.parametrize("language", LANGUAGES)
@PER_LANGUAGE
@given(message=messages(), rng=st.randoms(use_true_random=False))
def test_generated_messages_round_trip_through_the_text(language, message, rng):
    # given
    message["language"] = language
    assert schema_problems(message) == []

    # when
    text = render_text(message)
    parsed = parse_text(text)

    # then
    assert parsed == message
    assert canonical_json(parsed) == canonical_json(message)  # True == 1 in Python, not here
    assert render_text(message) == text
    assert render_text(shuffled(message, random.Random(rng.random()))) == text
    lines = text.split("\n")
    assert all(len(line) <= WIDTH and line == line.rstrip() for line in lines)
    assert lines[:3] == lines[-4:-1]
    # the title in the message's language, or in English only when a key inside an extension
    # reads as one of that language's labels (test_labels.py)
    own = VOCABULARIES.get(language, ENGLISH)
    shadowed = any(own.shadows(key) for key in all_keys(message))
    assert vocabulary_for(message) is (ENGLISH if shadowed else own)
    assert lines[3].startswith(vocabulary_for(message).words["title"] + " ")
    assert lines[-5] == f"SHA-256: {message_digest(message)}"


@BOUNDED
@given(text(2000), text(100), JSON_VALUES)
def test_any_text_and_any_extension_survive_the_round_trip(summary, name, extension):
    # given
    message = request_message()
    message["body"]["case_summary"]["summary"] = summary
    message["body"]["persons"][0]["forenames"] = name
    message["body"]["persons"][0]["aliases"] = [name, summary[:100]]
    message["body"]["persons"][0]["x_anything"] = extension

    # when
    parsed = parse_text(render_text(message))

    # then
    assert canonical_json(parsed) == canonical_json(message)
