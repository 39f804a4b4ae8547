"""RFC 8785 (JSON Canonicalization Scheme) test vectors for ncb_cases.canonical.

The HST signatures and digests are only as good as these bytes: a partner's JCS implementation
must produce the same ones, so the RFC's own examples are the contract.
"""

import json
import math
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ncb_cases import canonical
from ncb_cases.canonical import CanonicalizationError, canonical_json, canonical_json_bytes

# RFC 8785 Appendix B: IEEE 754 bit patterns and the text ECMAScript writes for them.
APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]

# RFC 8785 §3.2.2: the sample input (numbers, a string full of escapes, literals) ...
SECTION_3_2_2_INPUT = r"""{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"""
# ... §3.2.3: its canonical text ...
SECTION_3_2_3_OUTPUT = (
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
    '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
)
# ... and §3.2.4: the same as UTF-8 bytes, in the RFC's hexadecimal listing.
SECTION_3_2_4_BYTES = """
7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d
"""


def double(bits: str) -> float:
    return struct.unpack(">d", bytes.fromhex(bits))[0]


@pytest.mark.parametrize(("bits", "expected"), APPENDIX_B)
def test_appendix_b_numbers_are_written_as_ecmascript_writes_them(bits, expected):
    # given / when / then
    assert canonical_json(double(bits)) == expected


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_appendix_b_nan_and_infinity_have_no_canonical_form(bits):
    # given
    value = double(bits)
    assert math.isnan(value) or math.isinf(value)

    # when / then
    with pytest.raises(CanonicalizationError):
        canonical_json({"n": [1, value]})


def test_section_3_2_2_numbers_are_serialized_as_in_section_3_2_3():
    # given
    numbers = json.loads(SECTION_3_2_2_INPUT)["numbers"]

    # when
    text = canonical_json(numbers)

    # then
    assert text == "[333333333.3333333,1e+30,4.5,0.002,1e-27]"


def test_section_3_2_2_sample_gives_the_section_3_2_3_text():
    # given
    value = json.loads(SECTION_3_2_2_INPUT)

    # when
    text = canonical_json(value)

    # then
    assert text == SECTION_3_2_3_OUTPUT


def test_section_3_2_2_sample_gives_exactly_the_section_3_2_4_bytes():
    # given
    value = json.loads(SECTION_3_2_2_INPUT)

    # when
    data = canonical_json_bytes(value)

    # then
    assert data == bytes.fromhex("".join(SECTION_3_2_4_BYTES.split()))


def test_section_3_2_3_properties_are_sorted_by_utf16_code_units():
    # given: the RFC's sorting example (UTF-8 byte order would put the emoji last)
    value = json.loads(
        '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", '
        '"\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", '
        '"\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", '
        '"\\u00f6": "Latin Small Letter O With Diaeresis"}'
    )

    # when
    order = list(json.loads(canonical_json(value), object_pairs_hook=lambda pairs: pairs))

    # then
    assert [name for _, name in order] == [
        "Carriage Return",
        "One",
        "Control",
        "Latin Small Letter O With Diaeresis",
        "Euro Sign",
        "Emoji: Grinning Face",
        "Hebrew Letter Dalet With Dagesh",
    ]


def test_canonical_form_ignores_key_order_and_whitespace():
    # given
    first = json.loads('{"b": [1, {"y": 2, "x": 1}], "a": "é"}')
    second = json.loads('{ "a" : "é" , "b" : [ 1 , { "x" : 1 , "y" : 2 } ] }')

    # when / then
    assert canonical_json_bytes(first) == canonical_json_bytes(second)
    assert canonical_json(first) == '{"a":"é","b":[1,{"x":1,"y":2}]}'


# The fast path (json.dumps for float-free values) must write exactly what the RFC 8785
# serializer writes, astral keys and edge integers included.
JSON_WITHOUT_FLOATS = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.text(st.characters(codec="utf-8"), max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=4), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSON_WITHOUT_FLOATS)
def test_the_fast_path_writes_the_bytes_of_the_rfc_serializer(value):
    # given: what the RFC serializer writes
    slow: list[str] = []
    canonical._serialize(value, slow)

    # when / then
    assert canonical_json(value) == "".join(slow)


@pytest.mark.parametrize(
    "value",
    [
        {"\U0001f600": 1, "\ufb33": 2},  # astral key: UTF-16 order differs from code points
        {"n": 2**53 + 1},  # beyond double precision: refused, not printed
        {"x": 1.5},
        {"flag": True, "count": 0, "nested": [None, "é"]},
    ],
)
def test_values_outside_the_fast_path_still_get_their_rfc_form(value):
    # given
    slow: list[str] = []
    try:
        canonical._serialize(value, slow)
    except CanonicalizationError:
        expected = None
    else:
        expected = "".join(slow)

    # when / then
    if expected is None:
        with pytest.raises(CanonicalizationError):
            canonical_json(value)
    else:
        assert canonical_json(value) == expected
