"""Hypothesis strategies for schema-valid HST messages, built from the code lists.

The free-text fields draw from all of Unicode (no lone surrogates: they have no UTF-8 form) and
from word salads full of things that look like the text format's own syntax (headings, markers,
`KEY:`, a leading `=`, fixed words and labels of the four label languages), so that the text
rendering is tested where it could break.
"""

import base64
import datetime as dt
import itertools

from hypothesis import strategies as st

from messages_hst import codelists as cl

UNICODE = st.characters(blacklist_categories=("Cs",))
TRICKY_WORDS = st.sampled_from(
    [
        "=",
        "=x",
        "1.",
        "4.1",
        "1)",
        "KEY:",
        "X:",
        "|",
        "+",
        "  ",
        "   ",
        "\n",
        "\t",
        "END OF MESSAGE",
        "FIN DU MESSAGE",
        "NOM DE FAMILLE:",
        "SÍ",
        "نهاية الرسالة",
        "اسم العائلة:",
    ]
)
UPPER, DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789"
# Composed strategies rather than st.from_regex, which would make up most of the run time.
WORDS = st.text("abcdefghijklmnopqrstuvwxyzÉéß文", min_size=1, max_size=14) | st.text(
    UPPER + DIGITS + "abcxyz", min_size=20, max_size=120
)


def text(max_size: int) -> st.SearchStrategy[str]:
    """1..max_size characters: arbitrary Unicode, or words (some tricky) joined by spaces."""
    salad = st.lists(WORDS | TRICKY_WORDS, min_size=1, max_size=40).map(" ".join)
    return (
        (st.text(UNICODE, min_size=1, max_size=max_size) | salad)
        .map(lambda value: value[:max_size])
        .filter(bool)
    )


def codes(values, max_size=None) -> st.SearchStrategy[list[str]]:
    return st.lists(
        st.sampled_from(values), min_size=1, max_size=max_size or len(values), unique=True
    )


DATES = st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
DATE_TIMES = st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 12, 31)).map(
    lambda moment: (
        moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds") + "Z"
    )
)
PARTIAL_DATES = DATES | DATES.map(lambda day: day[:7]) | DATES.map(lambda day: day[:4])
UUIDS = st.uuids().map(str)
COUNTRIES = st.text(UPPER, min_size=2, max_size=2)
ICAO = st.just("D") | st.text(UPPER, min_size=3, max_size=3)
NCB_CODES = COUNTRIES | st.text(UPPER + DIGITS, min_size=2, max_size=9).map("RB-".__add__)
SHA256 = st.binary(min_size=32, max_size=32).map(bytes.hex)
PHONES = st.integers(10**6, 10**15 - 1).map("+{}".format)
AMOUNTS = st.builds(
    "{}{}{}".format,
    st.sampled_from(["", "-"]),
    st.integers(0, 10**15 - 1),
    st.sampled_from(["", ".5", ".25", ".0001"]),
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(UNICODE, max_size=12),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(UNICODE, max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)
EXTENSIONS = st.dictionaries(
    st.text("abcxyz019", min_size=1, max_size=12).map("x_".__add__), JSON_VALUES, max_size=2
)


def fields(draw, required: dict, optional: dict) -> dict:
    """An object with every required field and a random subset of the optional ones."""
    chosen = {key: draw(strategy) for key, strategy in required.items()}
    for key, strategy in optional.items():
        if draw(st.booleans()):
            chosen[key] = draw(strategy)
    return chosen


def refs(pool: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True)


@st.composite
def messages(draw) -> dict:
    """A schema-valid HST message of any type, entities cross-referenced by their refs."""
    message_type = draw(st.sampled_from(cl.MESSAGE_TYPES))
    persons = [f"P{i}" for i in range(1, draw(st.integers(0, 3)) + 1)]
    locations = [f"L{i}" for i in range(1, draw(st.integers(0, 3)) + 1)]
    requests = [
        f"R{i}" for i in range(1, draw(st.integers(1 if message_type == "REQUEST" else 0, 2)) + 1)
    ]
    entity_pool = persons + locations

    body: dict = {}
    if draw(st.booleans()) or message_type in ("INFO", "ALERT"):
        body["case_summary"] = fields(
            draw,
            {"offence_type": st.sampled_from(cl.OFFENCE_TYPES), "summary": text(2000)},
            {
                "related_offences": st.lists(text(200), min_size=1, max_size=2),
                "period": st.fixed_dictionaries({"from": DATES}, optional={"to": DATES}),
                "status_of_investigation": st.sampled_from(cl.STATUS_OF_INVESTIGATION),
                "counts": st.fixed_dictionaries(
                    {}, optional={k: st.integers(0, 100000) for k in ("victims", "minors")}
                ),
                "palermo_elements": st.fixed_dictionaries(
                    {"acts": codes(cl.PALERMO_ACTS)},
                    optional={"purposes": codes(cl.PALERMO_PURPOSES, 3)},
                ),
            },
        )
    if persons:
        body["persons"] = [
            fields(
                draw,
                {"ref": st.just(ref), "status": st.sampled_from(cl.PERSON_STATUSES)},
                {
                    "family_name": text(100).map(str.upper).filter(lambda n: 0 < len(n) <= 100),
                    "forenames": text(100),
                    "aliases": st.lists(text(100), min_size=1, max_size=3),
                    "sex": st.sampled_from(cl.SEX),
                    "date_of_birth": PARTIAL_DATES,
                    "nationalities": st.lists(ICAO, min_size=1, max_size=2, unique=True),
                    "roles_in_process": codes(cl.ROLES_IN_PROCESS, 3),
                    "victim_context": st.fixed_dictionaries(
                        {},
                        optional={
                            "means_of_control": codes(cl.MEANS_OF_CONTROL, 4),
                            "referred_to_support": st.booleans(),
                            "age_at_exploitation": st.integers(0, 120),
                        },
                    ),
                    "handling": st.fixed_dictionaries(
                        {"confidentiality_level": st.sampled_from(cl.CONFIDENTIALITY_LEVELS)}
                    ),
                },
            )
            | draw(EXTENSIONS)
            for ref in persons
        ]
    if locations:
        body["locations"] = [
            fields(draw, {"ref": st.just(ref), "country": COUNTRIES}, {"place": text(200)})
            for ref in locations
        ]
    if len(locations) >= 2:
        body["route_legs"] = [
            fields(
                draw,
                {
                    "seq": st.just(seq),
                    "stage": st.sampled_from(cl.ROUTE_STAGES),
                    "from_ref": st.just(start),
                    "to_ref": st.just(end),
                },
                {
                    "mode": st.sampled_from(cl.TRANSPORT_MODES),
                    "border_crossing": st.fixed_dictionaries(
                        {"regular": st.booleans()},
                        optional={"method": st.sampled_from(cl.BORDER_CROSSING_METHODS)},
                    ),
                    "departure_date": DATES,
                    **({"persons": refs(persons)} if persons else {}),
                },
            )
            for seq, (start, end) in enumerate(itertools.pairwise(locations), 1)
        ]
    if persons and draw(st.booleans()):
        body["documents"] = [
            fields(
                draw,
                {"ref": st.just("D1"), "doc_type": st.sampled_from(cl.DOCUMENT_TYPES)},
                {
                    "holder_ref": st.sampled_from(persons),
                    "number": st.text(UPPER + DIGITS, min_size=6, max_size=9),
                    "issuing_state": ICAO,
                    "issue_date": DATES,
                    "authenticity": st.sampled_from(cl.DOCUMENT_AUTHENTICITY),
                    "mrz": st.lists(
                        st.text(UPPER + DIGITS + "<", min_size=44, max_size=44),
                        min_size=2,
                        max_size=2,
                    ),
                    "withheld_by_exploiter": st.booleans(),
                },
            )
        ]
    if persons and draw(st.booleans()):
        body["comms"] = [
            {
                "ref": "C1",
                "kind": "PHONE",
                "value": draw(PHONES),
            },
            {"ref": "C2", "kind": "MESSENGER", "value": draw(text(200)), "holder_ref": persons[0]},
        ]
    if draw(st.booleans()):
        body["financial"] = [
            fields(
                draw,
                {"ref": st.just("F1"), "kind": st.sampled_from(cl.FINANCIAL_KINDS)},
                {
                    "amount": AMOUNTS,
                    "silver_notice_candidate": st.booleans(),
                },
            )
        ]
        if "amount" in body["financial"][0]:
            body["financial"][0]["currency"] = draw(st.text(UPPER, min_size=3, max_size=3))
    if len(entity_pool) >= 2:
        body["relationships"] = [
            {
                "source_ref": draw(st.sampled_from(entity_pool)),
                "type": draw(st.sampled_from(cl.RELATIONSHIP_TYPES)),
                "target_ref": draw(st.sampled_from(entity_pool)),
            }
        ]
    if requests:
        body["requests"] = [
            fields(
                draw,
                {
                    "ref": st.just(ref),
                    "action": st.sampled_from(cl.REQUEST_ACTIONS),
                    "justification": text(2000),
                },
                {
                    "deadline": DATES,
                    **({"target_refs": refs(entity_pool)} if entity_pool else {}),
                },
            )
            for ref in requests
        ]
    if draw(st.booleans()):
        body["attachments"] = [
            {
                "id": "A1",
                "filename": draw(text(255)),
                "media_type": "application/pdf",
                "size": draw(st.integers(0, 10**9)),
                "sha256": draw(SHA256),
            }
        ]
    body.update(_type_body(draw, message_type))

    message = fields(
        draw,
        {
            "hst_version": st.just("1.0"),
            "codelists_version": st.just(cl.CODELISTS_VERSION),
            "message_id": UUIDS,
            "message_type": st.just(message_type),
            "created_at": DATE_TIMES,
            "priority": st.sampled_from(
                ("URGENT", "FLASH") if message_type == "ALERT" else cl.PRIORITIES
            ),
            "sender": st.fixed_dictionaries(
                {"ncb_code": NCB_CODES, "country": COUNTRIES}, optional={"unit": text(150)}
            ),
            "recipients": st.lists(
                st.fixed_dictionaries(
                    {"ncb_code": NCB_CODES, "role": st.sampled_from(cl.RECIPIENT_ROLES)}
                ),
                min_size=1,
                max_size=3,
            ),
            "subject": text(200),
            "language": st.sampled_from(cl.LANGUAGES)
            | st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=2),
            "handling": _handling(),
            "body": st.just(body),
        },
        {
            "related_interpol_refs": st.lists(
                st.fixed_dictionaries(
                    {"kind": st.sampled_from(cl.INTERPOL_REF_KINDS), "number": text(40)}
                ),
                min_size=1,
                max_size=2,
            ),
            "signature": st.fixed_dictionaries(
                {
                    "alg": st.just("EdDSA"),
                    "kid": st.binary(min_size=8, max_size=8).map(bytes.hex),
                    "value": st.binary(min_size=64, max_size=64).map(
                        lambda raw: base64.urlsafe_b64encode(raw).decode().rstrip("=")
                    ),
                }
            ),
        },
    )
    if message_type in cl.CASE_MESSAGE_TYPES:
        message["case"] = {"hst_case_id": draw(UUIDS)}
    message.update(_type_envelope(draw, message_type))
    return message | draw(EXTENSIONS)


@st.composite
def _handling(draw) -> dict:
    codes_drawn = draw(codes(cl.HANDLING_CODES))
    handling = fields(
        draw,
        {
            "confidentiality_level": st.sampled_from(cl.CONFIDENTIALITY_LEVELS),
            "dissemination": st.sampled_from(cl.DISSEMINATION),
            "handling_codes": st.just(codes_drawn),
            "permitted_actions": st.sampled_from(cl.PERMITTED_ACTIONS),
            "victim_data_present": st.booleans(),
            "minor_data_present": st.booleans(),
        },
        {
            "access_restrictions": st.fixed_dictionaries(
                {}, optional={"deny": st.lists(NCB_CODES, min_size=1, max_size=3, unique=True)}
            ),
            "purpose": codes(cl.PURPOSES, 3),
            "retention": st.fixed_dictionaries({"review_on": DATES}),
            "source_reliability": st.sampled_from(cl.SOURCE_RELIABILITY),
            "information_accuracy": st.sampled_from(cl.INFORMATION_ACCURACY),
        },
    )
    if "H3" in codes_drawn:
        handling["h3_text"] = draw(text(500))
    return handling


def _type_body(draw, message_type: str) -> dict:
    if message_type == "REPLY":
        return {
            "outcomes": [
                {"request_ref": "R1", "outcome": draw(st.sampled_from(cl.REPLY_OUTCOMES))}
            ]
        }
    if message_type == "CANCEL":
        return {"cancellation": {"instruction": draw(st.sampled_from(cl.CANCEL_INSTRUCTIONS))}}
    if message_type == "CLOSE":
        return {"closure": {"reason": draw(st.sampled_from(cl.CLOSE_REASONS))}}
    if message_type == "RECEIPT":
        return {
            "receipt": {
                "ref_message_id": draw(UUIDS),
                "received_digest": draw(SHA256),
                "received_at": draw(DATE_TIMES),
                "signature_valid": draw(st.booleans()),
                "schema_valid": draw(st.booleans()),
            }
        }
    if message_type == "RESPONSE":
        outcome = draw(st.sampled_from(cl.RESPONSE_OUTCOMES))
        response = {"ref_message_id": draw(UUIDS), "outcome": outcome}
        if outcome == "REJECTED":
            response["reason_codes"] = draw(codes(cl.RESPONSE_REASON_CODES, 3))
        return {"response": response}
    if message_type == "REMINDER":
        return {"reminder": {"request_refs": ["R1"]}}
    return {}


def _type_envelope(draw, message_type: str) -> dict:
    if message_type == "REQUEST":
        return {"response_due": draw(DATES)}
    if message_type in ("REPLY", "REMINDER"):
        return {"thread": {"in_reply_to": draw(UUIDS)}}
    if message_type == "UPDATE":
        return {"thread": {"references": [draw(UUIDS)], "sequence_no": draw(st.integers(1, 99))}}
    if message_type in ("CORRECTION", "CANCEL"):
        return {"thread": {"supersedes": draw(UUIDS)}}
    return {}
