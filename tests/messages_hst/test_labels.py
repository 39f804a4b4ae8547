"""The label sets of the text rendering: complete, unambiguous, printable within 80 columns."""

import itertools
import unicodedata

import pytest

from messages_hst import codelists
from messages_hst.formatting import WIDTH, banner
from messages_hst.labels import (
    ENGLISH,
    LABEL,
    LABELS,
    VOCABULARIES,
    WORDS,
    key_label,
    vocabulary_for,
    vocabulary_of_title,
)
from messages_hst.schema import shared_schema

LANGUAGES = sorted(VOCABULARIES)


def schema_keys(node):
    """Every property name anywhere in the schema."""
    if isinstance(node, dict):
        for key, child in node.items():
            if key == "properties":
                yield from child
            yield from schema_keys(child)
    elif isinstance(node, list):
        for child in node:
            yield from schema_keys(child)


def texts(vocabulary):
    return [*vocabulary.labels.values(), *vocabulary.words.values()]


def test_every_key_of_the_schema_has_a_label_and_nothing_else_has():
    # given / when
    keys = set(schema_keys(shared_schema())) | {"envelope"}

    # then
    assert set(LABELS) == keys


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_two_keys_share_a_label_in_one_language(language):
    # given
    labels = VOCABULARIES[language].labels

    # when / then
    assert len(set(labels.values())) == len(labels) == len(LABELS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_labels_and_words_are_upper_case_printable_and_precomposed(language):
    # given / when / then
    for text in texts(VOCABULARIES[language]):
        assert text == text.upper() == text.strip(), text
        assert text.isprintable(), text
        assert "  " not in text, text
        assert unicodedata.is_normalized("NFC", text), text
        assert not any(unicodedata.combining(char) for char in text), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_labels_cannot_be_read_as_anything_else_of_the_layout(language):
    # given
    vocabulary = VOCABULARIES[language]

    # when / then: no heading, item, =JSON or continuation; short enough for nested blocks
    for label in vocabulary.labels.values():
        assert ":" not in label, label
        assert not label[0].isdigit(), label
        assert label[0] not in "=|+", label
        assert len(label) <= 40, label
    assert vocabulary.words["footer"] not in vocabulary.keys


@pytest.mark.parametrize("language", LANGUAGES)
def test_yes_and_no_are_single_distinct_tokens(language):
    # given
    words = VOCABULARIES[language].words

    # when / then (a list of booleans goes on one line, separated by ", ")
    assert words["yes"] != words["no"]
    assert not any(char in words["yes"] + words["no"] for char in " ,=")


def test_the_title_names_one_language_only():
    # given
    phrases = [vocabulary.words["title"] for vocabulary in VOCABULARIES.values()]

    # when / then
    for one, other in itertools.permutations(phrases, 2):
        assert not (one + " ").startswith(other + " ")
    for vocabulary in VOCABULARIES.values():
        assert vocabulary_of_title(vocabulary.words["title"] + " 1.0 / INFO") is vocabulary
    assert vocabulary_of_title("HST MESSAGE 1.0") is None


def test_the_union_of_the_label_sets_is_ambiguous_so_the_title_names_one():
    # given: TYPE is French for `kind` and English for `type`; SEXO, Spanish for `sex`, is
    # also how a French or English text writes a key `sexo` that has no label of its own
    french, spanish = VOCABULARIES["fr"], VOCABULARIES["es"]

    # when / then
    assert (french.key("TYPE"), ENGLISH.key("TYPE")) == ("kind", "type")
    assert (spanish.key("SEXO"), french.key("SEXO"), ENGLISH.key("SEXO")) == (
        "sex",
        "sexo",
        "sexo",
    )


def test_english_labels_and_words_are_those_derived_from_the_keys_and_codes():
    # given / when / then: the English rendering is the one partners already parse
    assert all(ENGLISH.labels[key] == key_label(key) for key in LABELS)
    for code in (*codelists.CONFIDENTIALITY_LEVELS, *codelists.DISSEMINATION):
        assert ENGLISH.words[code] == code.replace("_", " ")
    assert set(WORDS) >= {*codelists.CONFIDENTIALITY_LEVELS, *codelists.DISSEMINATION}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_banner_fits_in_80_columns(language):
    # given
    vocabulary = VOCABULARIES[language]
    levels = (*codelists.CONFIDENTIALITY_LEVELS, None)
    spreads = (*codelists.DISSEMINATION, None)

    # when
    banners = [
        banner(
            {
                "handling": {
                    "confidentiality_level": level,
                    "dissemination": spread,
                    "minor_data_present": minor,
                    "victim_data_present": True,
                }
            },
            vocabulary,
        )
        for level, spread, minor in itertools.product(levels, spreads, (True, False))
    ]

    # then
    assert max(len(line) for line in banners) <= WIDTH


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_a_key_without_a_label_keeps_its_derived_form(language):
    # given
    vocabulary = VOCABULARIES[language]

    # when / then
    assert vocabulary.label("x_partner_ref") == "X PARTNER REF"
    assert vocabulary.key("X PARTNER REF") == "x_partner_ref"
    assert vocabulary.key(ENGLISH.label("family_name")) is None


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_no_written_label_reads_as_an_extension(language):
    # given: extensions are the only unknown keys a schema-valid message may hold
    vocabulary = VOCABULARIES[language]

    # when / then
    for label in vocabulary.labels.values():
        assert not (LABEL.fullmatch(label) and label.startswith("X ")), label


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ({"language": "fr"}, "fr"),
        ({"language": "es"}, "es"),
        ({"language": "ar"}, "ar"),
        ({"language": "en"}, "en"),
        ({"language": "de"}, "en"),
        ({"language": ["fr"]}, "en"),
        ({}, "en"),
    ],
)
def test_a_message_is_rendered_in_its_language_or_else_in_english(message, language):
    # given / when / then
    assert vocabulary_for(message).language == language


def test_a_key_that_would_read_as_a_label_sends_the_message_back_to_english():
    # given: `pays` (no schema key) would be written PAYS, the French label of `country`
    message = {"language": "fr", "sender": {"country": "FR"}, "x_more": [{"pays": 1}]}

    # when / then
    assert vocabulary_for(message) is ENGLISH
    assert vocabulary_for(message | {"language": "es"}) is VOCABULARIES["es"]
