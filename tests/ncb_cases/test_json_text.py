"""`unstorable_text_path`: the strings jsonb and I-JSON cannot hold, found wherever they are."""

import json

import pytest

from ncb_cases.json_text import unstorable_text_path


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"subject": "fine", "persons": [{"name": "Fictitious"}]}', None),
        ('{"emoji": "\\ud83d\\ude00"}', None),  # a surrogate pair is one character
        ('{"subject": "a\\u0000b"}', "/subject"),
        ('{"persons": [{"name": "x"}, {"name": "\\udb96"}]}', "/persons/1/name"),
        ('{"a/b": {"c~d": "\\ud800"}}', "/a~1b/c~0d"),
        ('{"outer": {"\\u0000key": 1}}', "/outer"),
        ('"\\u0000"', ""),
    ],
)
def test_finds_nul_and_lone_surrogates_with_their_pointer(text, path):
    assert unstorable_text_path(json.loads(text)) == path


def test_deep_documents_do_not_exhaust_the_stack():
    deep = json.loads("[" * 900 + '"\\u0000"' + "]" * 900)
    assert unstorable_text_path(deep) == "/0" * 900
