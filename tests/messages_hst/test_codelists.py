"""The code lists and the schema's enumerations are one and the same."""

import re

from messages_hst import codelists
from messages_hst.schema import load_schema
from tests.messages_hst.examples import BUILDERS

# Lists that the schema does not enumerate on purpose: subsets, or open lists (languages).
NOT_ENUMERATED = {"CASE_MESSAGE_TYPES", "VICTIM_STATUSES", "LANGUAGES", "PALERMO_PURPOSES"}


def code_lists():
    return {
        name: value
        for name, value in vars(codelists).items()
        if name.isupper() and isinstance(value, tuple)
    }


def schema_enums(node, path="#"):
    """(path, values) of every enumeration outside the per-type rules (allOf / if / then)."""
    if isinstance(node, dict):
        if "enum" in node:
            yield path, tuple(node["enum"])
        if "const" in node and isinstance(node["const"], str) and "alg" in path:
            yield path, (node["const"],)
        for key, child in node.items():
            if key not in ("allOf", "if", "then"):
                yield from schema_enums(child, f"{path}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from schema_enums(child, f"{path}/{index}")


def test_every_enumeration_of_the_schema_is_a_code_list():
    # given
    lists = set(code_lists().values())

    # when
    strays = [
        (path, values) for path, values in schema_enums(load_schema()) if values not in lists
    ]

    # then
    assert strays == []


def test_every_code_list_is_enumerated_by_the_schema():
    # given
    enumerated = {values for _, values in schema_enums(load_schema())}

    # when
    missing = [
        name
        for name, values in code_lists().items()
        if name not in NOT_ENUMERATED and values not in enumerated
    ]

    # then
    assert missing == []


def test_code_lists_have_no_duplicate_codes():
    # given / when / then
    for name, values in code_lists().items():
        assert len(set(values)) == len(values), name


def test_codelists_version_fits_the_schema_pattern():
    # given
    pattern = load_schema()["properties"]["codelists_version"]["pattern"]

    # when / then
    assert re.fullmatch(pattern, codelists.CODELISTS_VERSION)


def test_there_is_an_example_of_every_message_type():
    # given / when / then
    assert tuple(BUILDERS) == codelists.MESSAGE_TYPES


def test_the_per_type_rules_name_only_known_message_types():
    # given
    rules = load_schema()["allOf"]

    # when
    named = set()
    for rule in rules:
        condition = rule["if"]["properties"]["message_type"]
        named.update(condition.get("enum", [condition.get("const")]))

    # then
    assert named == set(codelists.MESSAGE_TYPES)
