"""The plain-text rendering (HST.md §9) and its parser: layout, escaping, round trip, errors."""

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from messages_hst.formatting import WIDTH, render_text
from messages_hst.parsing import TextFormatError, parse_text
from messages_hst.signing import message_digest
from tests.messages_hst.examples import BUILDERS, example, request_message

GOLDEN = Path(__file__).parent / "golden" / "request.txt"


def round_trip(message):
    text = render_text(message)
    assert parse_text(text) == message
    return text


def reversed_keys(value):
    """The same JSON value with every object's keys in reverse order."""
    if isinstance(value, dict):
        return {key: reversed_keys(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [reversed_keys(item) for item in value]
    return value


def test_request_renders_exactly_as_the_golden_text():
    # given
    message = request_message()

    # when
    text = render_text(message)

    # then
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_golden_text_parses_back_to_the_request():
    # given
    text = GOLDEN.read_text(encoding="utf-8")

    # when / then
    assert parse_text(text) == request_message()


@pytest.mark.parametrize("message_type", list(BUILDERS))
def test_each_example_round_trips_within_80_columns(message_type):
    # given
    message = example(message_type)

    # when
    text = round_trip(message)

    # then
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= WIDTH
    assert not [line for line in lines if line != line.rstrip()]


@pytest.mark.parametrize("message_type", list(BUILDERS))
def test_banner_at_top_and_bottom_and_footer_with_id_and_digest(message_type):
    # given
    message = example(message_type)

    # when
    lines = render_text(message).splitlines()

    # then
    assert lines[:3] == lines[-3:]
    assert lines[0] == "=" * 80
    assert lines[-6:-3] == [
        "END OF MESSAGE",
        f"MESSAGE ID: {message['message_id']}",
        f"SHA-256: {message_digest(message)}",
    ]


@pytest.mark.parametrize(
    ("message_type", "banner"),
    [
        ("REQUEST", "INTERPOL RESTRICTED // RECIPIENT AGENCY // VICTIM DATA"),
        ("ALERT", "INTERPOL CONFIDENTIAL // RECIPIENTS ONLY // MINOR DATA"),
        ("RECEIPT", "INTERPOL FOR OFFICIAL USE ONLY // RECIPIENTS ONLY"),
    ],
)
def test_banner_states_confidentiality_dissemination_and_sensitive_data(message_type, banner):
    # given / when
    lines = render_text(example(message_type)).splitlines()

    # then
    assert lines[1] == banner


def test_headings_are_numbered_upper_case_sections():
    # given / when
    lines = render_text(request_message()).splitlines()

    # then
    headings = [line for line in lines if line[:1].isdigit() and ". " in line[:4]]
    assert headings == [
        "1. ENVELOPE",
        "2. HANDLING",
        "3. CASE SUMMARY",
        "4. PERSONS",
        "5. EXPLOITATION",
        "6. LOCATIONS",
        "7. ROUTE LEGS",
        "8. DOCUMENTS",
        "9. ORGANISATIONS",
        "10. VEHICLES",
        "11. COMMS",
        "12. FINANCIAL",
        "13. RELATIONSHIPS",
        "14. REQUESTS",
        "15. ATTACHMENTS",
    ]
    assert "4.1 P1" in lines
    assert "13.1 P1 RECRUITED P2" in lines
    assert "FAMILY NAME: DURAND-TEST" in lines


def test_rendering_is_deterministic_whatever_the_key_order():
    # given
    message = request_message()

    # when
    first, again, reordered = (
        render_text(message),
        render_text(copy.deepcopy(message)),
        render_text(reversed_keys(message)),
    )

    # then
    assert first == again == reordered


def test_long_text_wraps_at_spaces_and_loses_nothing():
    # given
    message = request_message()
    summary = " ".join(f"word{i}" for i in range(300))[:2000]
    message["body"]["case_summary"]["summary"] = summary

    # when
    text = round_trip(message)

    # then
    lines = text.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("SUMMARY: ")))
    assert lines[start + 1].startswith("    word")
    assert max(map(len, lines)) <= WIDTH


def test_a_word_longer_than_a_line_is_cut_with_a_plus_marker():
    # given
    message = request_message()
    message["body"]["persons"][0]["remarks"] = "See https://example.test/" + "x" * 120

    # when
    text = round_trip(message)

    # then
    assert "  + " + "x" * 20 in text


def test_line_breaks_and_blank_lines_of_a_value_are_kept():
    # given
    message = request_message()
    message["body"]["case_summary"]["summary"] = (
        "First paragraph.\n\nSecond paragraph.\n  Indented."
    )

    # when
    text = round_trip(message)

    # then
    assert "SUMMARY: First paragraph.\n  |\n  | Second paragraph.\n  |   Indented.\n" in text


def test_double_spaces_are_kept_as_typed():
    # given
    message = request_message()
    message["body"]["persons"][0]["remarks"] = "Arrested.  Released on bail."

    # when / then
    assert "REMARKS: Arrested.  Released on bail.\n" in round_trip(message)


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("=Camille", 'FORENAMES: ="=Camille"'),
        (" Camille", 'FORENAMES: =" Camille"'),
        ("Camille ", 'FORENAMES: ="Camille "'),
        ("Cam\tille", 'FORENAMES: ="Cam\\tille"'),
        ("Cam\u200bille", 'FORENAMES: ="Cam\\u200bille"'),
        ("Cam   ille", 'FORENAMES: ="Cam \\u0020\\u0020ille"'),
        ("", 'FORENAMES: =""'),
        ("2. HANDLING", "FORENAMES: 2. HANDLING"),
        ("SUBJECT: forged", "FORENAMES: SUBJECT: forged"),
        ("END OF MESSAGE", "FORENAMES: END OF MESSAGE"),
        ("YES", "FORENAMES: YES"),
        ("Ébène 山田 محمد", "FORENAMES: Ébène 山田 محمد"),
    ],
)
def test_text_that_could_be_misread_is_escaped_as_json(value, line):
    # given
    message = request_message()
    message["body"]["persons"][0]["forenames"] = value

    # when
    text = round_trip(message)

    # then
    assert line in text.splitlines()


def test_lists_of_codes_go_on_one_line_and_other_lists_are_numbered():
    # given
    message = request_message()
    message["body"]["persons"][0]["aliases"] = ["Cami", "Le Patron", ""]

    # when
    lines = round_trip(message).splitlines()

    # then
    assert "ROLES IN PROCESS: RECRUITER, ORGANISER" in lines
    index = lines.index("ALIASES:")
    assert lines[index + 1 : index + 4] == ["  1) Cami", "  2) Le Patron", '  3) =""']


def test_extension_values_and_unexpected_types_are_written_as_json():
    # given
    message = request_message()
    message["x_partner_ref"] = {"unit": "OCRTEH-TEST", "ids": [1, 2.5, None, True]}
    message["body"]["case_summary"]["counts"]["victims"] = "three"
    message["body"]["persons"][0]["aliases"] = []
    message["body"]["persons"][1]["victim_context"] = {}

    # when
    lines = round_trip(message).splitlines()

    # then
    assert 'X PARTNER REF: ={"ids": [1, 2.5, null, true], "unit": "OCRTEH-TEST"}' in lines
    assert '  VICTIMS: ="three"' in lines
    assert "ALIASES: =[]" in lines
    assert "VICTIM CONTEXT: ={}" in lines


def test_body_fields_that_are_not_entities_go_to_a_body_section():
    # given
    message = example("CANCEL")
    message["body"]["x_note"] = "for the file"

    # when
    lines = round_trip(message).splitlines()

    # then
    assert lines[lines.index("3. BODY") + 1] == 'X NOTE: ="for the file"'
    assert "4. CANCELLATION" in lines


def test_signature_gets_its_own_section():
    # given
    message = request_message()
    message["signature"] = {"alg": "EdDSA", "kid": "0123456789abcdef", "value": "Ab-_" * 21 + "AA"}

    # when
    lines = round_trip(message).splitlines()

    # then
    assert "16. SIGNATURE" in lines
    assert lines[lines.index("16. SIGNATURE") + 3].startswith("VALUE: Ab-_")


def test_a_malformed_draft_still_renders_and_parses():
    # given
    draft = {"message_type": "REQUEST", "handling": "?", "body": {}, "persons": [{"Bad Key": 1}]}

    # when
    text = round_trip(draft)

    # then
    assert text.splitlines()[1] == "UNMARKED // DISSEMINATION UNSET"
    assert "HST FORMATTED MESSAGE ? / REQUEST / PRIORITY ?" in text


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ([], "snake_case"),
        ({"Bad": 1}, "snake_case"),
        ({"a": float("nan")}, "NaN"),
        ({"a": 2**60}, "double precision"),
    ],
)
def test_render_text_refuses_what_has_no_canonical_text_form(message, says):
    # given / when / then
    with pytest.raises(ValueError, match=says):
        render_text(message)


def test_windows_line_endings_are_accepted():
    # given
    text = render_text(request_message()).replace("\n", "\r\n")

    # when / then
    assert parse_text(text) == request_message()


# --- the parser's errors ---------------------------------------------------------------------


def golden_lines():
    return GOLDEN.read_text(encoding="utf-8").splitlines()


def line_of(lines, text):
    return lines.index(text) + 1


def parse_error(lines):
    with pytest.raises(TextFormatError) as caught:
        parse_text("\n".join(lines) + "\n")
    return caught.value


def test_an_altered_value_is_caught_by_the_digest():
    # given
    lines = golden_lines()
    lines[lines.index("FORENAMES: Camille")] = "FORENAMES: Camilla"

    # when
    error = parse_error(lines)

    # then
    assert error.line == line_of(lines, next(x for x in lines if x.startswith("SHA-256: ")))
    assert "altered, added or lost" in str(error)
    assert str(error).startswith(f"line {error.line}: ")


@pytest.mark.parametrize(
    "lost",
    ["    hotel work, taken by coach through Munich to Lyon and forced into", "  2) NCB CODE: NL"],
)
def test_a_lost_line_is_caught(lost):
    # given
    lines = golden_lines()
    lines.remove(lost)

    # when / then
    assert isinstance(parse_error(lines), TextFormatError)


def edit(lines, old, new):
    lines[lines.index(old)] = new
    return lines.index(new) + 1


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("SEQ: 1", "SEQ: one", "expected a whole number"),
        ("  REGULAR: YES", "  REGULAR: maybe", "expected YES or NO"),
        ("SEX: F", " SEX: F", "unexpected indentation"),
        ("SEX: F", "sex: F", "expected 'KEY: value'"),
        ("SEX: F", "SEX:F", "expected 'KEY: value'"),
        ("NATIONALITIES: UTO", "SEX: X", "given twice"),
        ("SEX: F", "X NOTE: hello", "expected =JSON"),
        ("SEX: F", "X NOTE: ={oops", "not valid JSON"),
        ("SEX: F", "X NOTE: =NaN", "not valid JSON"),
        ("STATUS: VICTIM", "STATUS:", "needs a value on its line"),
        ("  2) NCB CODE: NL", "  3) NCB CODE: NL", "item 2) expected"),
        ("4.2 P2", "4.2 P9", "the heading should read 'P2'"),
        ("4.2 P2", "4.3 P2", "item 4.2 expected"),
        ("6. LOCATIONS", "7. LOCATIONS", "section 6 expected"),
        ("6. LOCATIONS", "6. WEATHER", "has no section 'weather'"),
        ("6. LOCATIONS", "6. locations", "expected a section heading"),
        ("PERSONS: P2, P3", "PERSONS: P2, , P3", "plain codes separated by ', '"),
    ],
)
def test_a_malformed_line_is_named_by_its_number(old, new, says):
    # given
    lines = golden_lines()
    number = edit(lines, old, new)

    # when
    error = parse_error(lines)

    # then
    assert says in str(error)
    assert error.line == number


@pytest.mark.parametrize(
    ("change", "says", "line"),
    [
        (
            lambda lines: lines.__setitem__(1, "INTERPOL CONFIDENTIAL // RECIPIENTS ONLY"),
            "banner",
            2,
        ),
        (lambda lines: lines.__setitem__(3, "HST FORMATTED MESSAGE 1.0"), "title", 4),
        (lambda lines: lines.pop(0), "banner rule", 1),
        (lambda lines: lines.append("PS: call me"), "nothing may follow", 264),
        (lambda lines: lines.__delitem__(slice(-8, None)), "ends too early", 256),
        (lambda lines: lines.__setitem__(-5, "MESSAGE ID: 00000000-0000"), "footer", 259),
        (lambda lines: lines.__setitem__(-4, "SHA-256: 1234"), "64 hex digits", 260),
    ],
)
def test_banners_title_and_footer_are_checked(change, says, line):
    # given
    lines = golden_lines()
    change(lines)

    # when
    error = parse_error(lines)

    # then
    assert says in str(error)
    assert error.line == line


def test_text_format_error_is_a_value_error_with_the_line():
    # given / when
    error = TextFormatError(12, "something is wrong")

    # then
    assert isinstance(error, ValueError)
    assert (error.line, error.problem, str(error)) == (
        12,
        "something is wrong",
        "line 12: something is wrong",
    )


def test_golden_file_is_plain_ascii_where_the_data_is():
    # given
    text = GOLDEN.read_text(encoding="utf-8")

    # when / then: nothing but the message itself (no tabs, no trailing spaces)
    assert "\t" not in text
    assert json.loads(json.dumps(text)) == text


EDITS = st.tuples(
    st.sampled_from(["delete", "duplicate", "replace", "insert"]),
    st.integers(0, 10_000),
    st.integers(0, 200),
    st.characters(blacklist_categories=("Cs",)) | st.sampled_from(" =:|+)\n0123456789"),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(EDITS, min_size=1, max_size=3))
def test_a_damaged_text_is_refused_with_a_line_number_or_read_correctly(edits):
    # given: the golden text damaged in transit (lines lost, repeated, characters changed)
    lines = golden_lines()
    for action, line_at, column, char in edits:
        index = line_at % len(lines)
        if action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "insert":
            lines.insert(index, char * (column % 5))
        else:
            line = lines[index]
            position = column % (len(line) + 1)
            lines[index] = line[:position] + char + line[position + 1 :]

    # when
    try:
        outcome = parse_text("\n".join(lines) + "\n")
    except TextFormatError as error:
        outcome = error

    # then: refused, naming a line of the text, or read as exactly the original message
    # (when the damage was only a blank line added or removed)
    if isinstance(outcome, TextFormatError):
        assert 1 <= outcome.line <= len(lines) + 1
    else:
        assert outcome == request_message()


@pytest.mark.parametrize("message_type", sorted(BUILDERS))
def test_a_digest_given_by_the_caller_renders_the_same_text(message_type):
    # given a message and its digest computed beforehand (as the pipeline has it)
    message = example(message_type)
    digest = message_digest(message)

    # when / then
    assert render_text(message, digest=digest) == render_text(message)


@pytest.mark.parametrize(
    "text",
    ["plain", "two  spaces", "three   spaces", "tab\there", "line\nbreak", "end ", "bell\a"],
)
def test_one_line_and_several_lines_are_judged_alike(text):
    # given the rule applied line by line (the slow path), then: the one-line shortcut agrees
    from messages_hst.formatting import is_plain_text

    by_lines = (
        bool(text)
        and not text[0].isspace()
        and text[0] != "="
        and not text[-1].isspace()
        and all(
            line.isprintable() and not line.endswith(" ") and "   " not in line
            for line in text.split("\n")
        )
    )
    assert is_plain_text(text) == by_lines


# --- the labels in the message's language --------------------------------------------------


def in_language(language):
    message = request_message()
    message["language"] = language
    return message


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "fr",
            [
                "INTERPOL RESTREINT // SERVICE DESTINATAIRE // DONNÉES DE VICTIMES",
                "MESSAGE FORMATÉ HST 1.0 / REQUEST / PRIORITÉ URGENT",
                "1. EN-TÊTE",
                "4. PERSONNES",
                "NOM DE FAMILLE: DURAND-TEST",
                "DONNÉES DE VICTIMES PRÉSENTES: OUI",
                "7.1 TRONÇON 1",
                "FIN DU MESSAGE",
            ],
        ),
        (
            "es",
            [
                "INTERPOL RESTRINGIDO // ORGANISMO DESTINATARIO // DATOS DE VÍCTIMAS",
                "MENSAJE NORMALIZADO HST 1.0 / REQUEST / PRIORIDAD URGENT",
                "1. ENCABEZAMIENTO",
                "4. PERSONAS",
                "APELLIDOS: DURAND-TEST",
                "CONTIENE DATOS DE VÍCTIMAS: SÍ",
                "7.1 TRAMO 1",
                "FIN DEL MENSAJE",
            ],
        ),
        (
            "ar",
            [
                "الإنتربول محدود التداول // الجهة المرسل إليها // بيانات ضحايا",
                "رسالة بنسق HST 1.0 / REQUEST / الأولوية URGENT",
                "1. رأس الرسالة",
                "4. الأشخاص",
                "اسم العائلة: DURAND-TEST",
                "يتضمن بيانات ضحايا: نعم",
                "7.1 المقطع 1",
                "نهاية الرسالة",
            ],
        ),
    ],
)
def test_a_message_renders_with_the_labels_of_its_language_and_parses_back(language, lines):
    # given
    message = in_language(language)

    # when
    text = round_trip(message)

    # then
    rendered = text.splitlines()
    assert all(line in rendered for line in lines)
    assert "FAMILY NAME: DURAND-TEST" not in rendered


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_numbering_dates_codes_and_the_digest_do_not_change_with_the_language(language):
    # given
    english, message = request_message(), in_language(language)

    # when
    lines, english_lines = render_text(message).splitlines(), render_text(english).splitlines()

    # then: 80 characters (not bytes) a line, the same numbered headings, the same values
    assert max(len(line) for line in lines) <= WIDTH
    numbering = [line.split(" ")[0] for line in lines if line[:1].isdigit()]
    assert numbering == [line.split(" ")[0] for line in english_lines if line[:1].isdigit()]
    assert lines[-4] == f"SHA-256: {message_digest(message)}"
    assert lines[-5].endswith(f": {message['message_id']}")
    assert lines.count(lines[-5]) == 2  # the footer's id line reads as the envelope's
    for value in (": 2025-03-14T09:30:00Z", ": INTERPOL_RESTRICTED", ": RECRUITER, ORGANISER"):
        assert any(line.endswith(value) for line in lines)


def test_the_80_columns_are_counted_in_characters_not_bytes():
    # given: an Arabic summary of 70 letters, 140 bytes in UTF-8
    message = in_language("ar")
    message["body"]["case_summary"]["summary"] = "ب" * 70

    # when
    lines = round_trip(message).splitlines()

    # then: one line (label, colon, space, 70 letters), not wrapped
    summary = next(line for line in lines if line.endswith("ب" * 70))
    assert summary == "الملخص: " + "ب" * 70
    assert len(summary) <= WIDTH < len(summary.encode())


def test_a_language_without_labels_renders_english_labels():
    # given
    message = in_language("de")

    # when
    text = round_trip(message)

    # then: the English text but for the language itself (and so the digest)
    english = render_text(request_message()).splitlines()
    differing = [
        pair for pair in zip(text.splitlines(), english, strict=True) if pair[0] != pair[1]
    ]
    assert differing == [
        ("LANGUAGE: de", "LANGUAGE: en"),
        (f"SHA-256: {message_digest(message)}", f"SHA-256: {message_digest(request_message())}"),
    ]


def test_a_message_whose_key_would_read_as_a_label_is_rendered_in_english():
    # given: `pays` is no schema key, but PAYS is the French label of `country`
    message = in_language("fr")
    message["x_partner"] = {"pays": "FR"}
    message["body"]["persons"][0]["pays"] = "FR"

    # when
    text = round_trip(message)

    # then
    assert 'PAYS: ="FR"' in text.splitlines()
    assert "HST FORMATTED MESSAGE 1.0 / REQUEST / PRIORITY URGENT" in text.splitlines()


def french_lines():
    return render_text(in_language("fr")).splitlines()


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            "NOM DE FAMILLE: DURAND-TEST",
            "FAMILY NAME: DURAND-TEST",
            "'FAMILY NAME' is a label in English, but this text's labels are in French",
        ),
        (
            "4. PERSONNES",
            "4. PERSONAS",
            "'PERSONAS' is a label in Spanish, but this text's labels are in French",
        ),
        ("QUALITÉ: SUSPECT", "الصفة: SUSPECT", "is a label in Arabic, but"),
        (
            "  ORIENTATION VERS L'ASSISTANCE: OUI",
            "  ORIENTATION VERS L'ASSISTANCE: YES",
            "OUI or NON",
        ),
        ("SEXE: F", "SEXO: F", "'SEXO' is a label in Spanish, but"),
        ("SEXE: F", "sexe: F", "expected 'KEY: value' with the key in French"),
    ],
)
def test_a_text_whose_labels_mix_two_languages_is_refused(old, new, says):
    # given
    lines = french_lines()
    number = edit(lines, old, new)

    # when
    error = parse_error(lines)

    # then
    assert says in str(error)
    assert error.line == number


def test_a_french_label_in_an_english_text_is_refused():
    # given
    lines = golden_lines()
    number = edit(lines, "FAMILY NAME: DURAND-TEST", "NOM DE FAMILLE: DURAND-TEST")

    # when
    error = parse_error(lines)

    # then
    assert "'NOM DE FAMILLE' is a label in French, but this text's labels are in English" in str(
        error
    )
    assert error.line == number


def test_a_key_without_a_label_that_reads_as_another_languages_label_round_trips():
    # given: `sexo` is no schema key; SEXO is the Spanish label of `sex`, not a French one
    message = in_language("fr")
    message["body"]["persons"][0]["sexo"] = "M"

    # when
    text = round_trip(message)

    # then: written in its derived form, its value as =JSON, as every key without a label
    assert 'SEXO: ="M"' in text.splitlines()
    assert "MESSAGE FORMATÉ HST 1.0 / REQUEST / PRIORITÉ URGENT" in text.splitlines()


def test_a_text_in_other_labels_than_its_message_language_calls_for_is_refused():
    # given: French labels, but the envelope says Spanish
    lines = french_lines()
    edit(lines, "LANGUE: fr", "LANGUE: es")

    # when
    error = parse_error(lines)

    # then
    assert "labels are in French" in str(error)
    assert "language 'es' is rendered with labels in Spanish" in str(error)
    assert error.line == 4


def test_a_title_in_no_known_language_is_refused():
    # given
    lines = golden_lines()
    lines[3] = "HST-NACHRICHT 1.0 / REQUEST / PRIORITÄT URGENT"

    # when
    error = parse_error(lines)

    # then
    assert "the title line should start with one of 'HST FORMATTED MESSAGE'" in str(error)
    assert error.line == 4
