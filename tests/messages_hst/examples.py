"""Realistic, plainly fictitious HST messages: one builder per message type.

Every builder returns a fresh dict, so a test may change it freely. The persons, passports,
phones (Ofcom's drama range +44 20 7946 0xxx) and e-mails (@example.test) are invented; the
victim is minimised (no name), as HST.md principle 5 asks.
"""

import copy

CASE_ID = "5f0c8a52-3c4e-4d0a-9a51-2b6f1f1e8c01"
REQUEST_ID = "0d0c6ad4-8b1e-4c47-9f0a-6a2e61b1f3a2"
INFO_ID = "3b9d2e7c-1f4a-4e88-8c2d-7a5b9e0f1d33"
NOW = "2025-06-01T12:00:00Z"
RECEIVED_DIGEST = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"

FR = {
    "ncb_code": "FR",
    "ncb_name": "INTERPOL Lyon (test)",
    "country": "FR",
    "unit": "THB point of contact (test)",
}
DE = {"ncb_code": "DE", "ncb_name": "INTERPOL Wiesbaden (test)", "country": "DE"}

# ICAO 9303 TD3 zone of the fictitious French passport of P1, check digits computed.
P1_MRZ = [
    "P<FRADURAND<TEST<<CAMILLE<<<<<<<<<<<<<<<<<<<",
    "24FT001230FRA8405173M3403015<<<<<<<<<<<<<<<4",
]


def handling(**changes):
    """A restricted handling block with the flags of a message that holds victim data."""
    block = {
        "confidentiality_level": "INTERPOL_RESTRICTED",
        "dissemination": "RECIPIENT_AGENCY",
        "handling_codes": ["H0", "H2"],
        "permitted_actions": "DISCREET_CHECKS_ONLY",
        "access_restrictions": {"deny": ["IT"]},
        "purpose": ["criminal_investigation", "identify_person"],
        "retention": {"review_on": "2030-03-14"},
        "source_reliability": "B",
        "information_accuracy": "2",
        "victim_data_present": True,
        "minor_data_present": False,
    }
    block.update(changes)
    return block


def no_personal_flags():
    return {"victim_data_present": False, "minor_data_present": False}


def envelope(message_type, message_id, *, sender=FR, recipients=("DE",), **fields):
    message = {
        "hst_version": "1.0",
        "codelists_version": "2025.1",
        "message_id": message_id,
        "message_type": message_type,
        "created_at": "2025-03-14T09:30:00Z",
        "priority": "ROUTINE",
        "sender": copy.deepcopy(sender),
        "recipients": [
            {"ncb_code": code, "role": "TO" if index == 0 else "CC"}
            for index, code in enumerate(recipients)
        ],
        "subject": f"{message_type.title()} about case FR-2025-0042 (test)",
        "language": "en",
        "case": {"hst_case_id": CASE_ID, "sender_case_ref": "FR-2025-0042"},
    }
    message.update(fields)
    return message


def request_message():
    """FR asks DE to identify a coach driver and a phone subscriber in a THB case."""
    return envelope(
        "REQUEST",
        REQUEST_ID,
        recipients=("DE", "NL"),
        priority="URGENT",
        subject="Identify the driver of a coach that carried three women recruited through a "
        "false job offer",
        originating_authority={
            "name": "Central office against trafficking (test)",
            "country": "FR",
            "national_ref": "OCT-2025-0042",
        },
        thread={"sequence_no": 1},
        related_interpol_refs=[{"kind": "BLUE", "number": "A-1234/5-2025"}],
        response_due="2025-04-14",
        handling=handling(),
        body={
            "case_summary": {
                "offence_type": "THB",
                "related_offences": ["Money laundering"],
                "summary": "Three women were recruited in Bucharest through a false job offer "
                "for hotel work, taken by coach through Munich to Lyon and forced into "
                "prostitution in rented flats. Their passports were taken on arrival and they "
                "were told they owed 4,500 euros each for the journey.",
                "period": {"from": "2025-01-10", "to": "2025-03-01"},
                "status_of_investigation": "ACTIVE",
                "counts": {"victims": 3, "suspects": 2},
                "palermo_elements": {
                    "acts": ["RECRUITMENT", "TRANSPORTATION"],
                    "means": ["DECEPTION", "ABUSE_OF_VULNERABILITY"],
                    "purposes": ["SEXUAL"],
                },
            },
            "persons": [
                {
                    "ref": "P1",
                    "family_name": "DURAND-TEST",
                    "forenames": "Camille",
                    "sex": "M",
                    "date_of_birth": "1984-05-17",
                    "nationalities": ["FRA"],
                    "status": "SUSPECT",
                    "roles_in_process": ["RECRUITER", "ORGANISER"],
                },
                {
                    "ref": "P2",
                    "sex": "F",
                    "date_of_birth": "1999",
                    "nationalities": ["UTO"],
                    "status": "VICTIM",
                    "victim_context": {
                        "recruitment_method": ["JOB_OFFER"],
                        "recruitment_platforms": ["Social network advert (test)"],
                        "means_of_control": ["DEBT_BONDAGE", "WITHHOLDS_DOCUMENTS"],
                        "relationship_to_trafficker": "STRANGER",
                        "referred_to_support": True,
                    },
                },
                {
                    "ref": "P3",
                    "family_name": "MUSTERMANN-TEST",
                    "forenames": "Erik",
                    "sex": "M",
                    "nationalities": ["D"],
                    "status": "PERSON_OF_INTEREST",
                    "roles_in_process": ["TRANSPORTER"],
                },
            ],
            "exploitation": [
                {
                    "form": "SEXUAL",
                    "sector": "Prostitution in rented flats",
                    "location_ref": "L3",
                    "period": {"from": "2025-02-01", "to": "2025-03-01"},
                    "victims": ["P2"],
                    "exploiters": ["P1"],
                }
            ],
            "locations": [
                {"ref": "L1", "country": "RO", "place": "Bucharest"},
                {"ref": "L2", "country": "DE", "place": "Munich, central coach station"},
                {"ref": "L3", "country": "FR", "place": "Lyon"},
            ],
            "route_legs": [
                {
                    "seq": 1,
                    "stage": "TRANSIT",
                    "from_ref": "L1",
                    "to_ref": "L2",
                    "mode": "ROAD",
                    "border_crossing": {"regular": True, "method": "OFFICIAL_CROSSING_POINT"},
                    "departure_date": "2025-01-28",
                    "arrival_date": "2025-01-29",
                    "persons": ["P2", "P3"],
                    "vehicle_ref": "V1",
                },
                {
                    "seq": 2,
                    "stage": "DESTINATION",
                    "from_ref": "L2",
                    "to_ref": "L3",
                    "mode": "ROAD",
                    "departure_date": "2025-01-30",
                    "arrival_date": "2025-01-31",
                    "persons": ["P2", "P3"],
                    "vehicle_ref": "V1",
                },
            ],
            "documents": [
                {
                    "ref": "D1",
                    "holder_ref": "P2",
                    "doc_type": "PASSPORT",
                    "issuing_state": "UTO",
                    "authenticity": "GENUINE",
                    "withheld_by_exploiter": True,
                },
                {
                    "ref": "D2",
                    "holder_ref": "P1",
                    "doc_type": "PASSPORT",
                    "number": "24FT00123",
                    "issuing_state": "FRA",
                    "issue_date": "2024-03-02",
                    "expiry_date": "2034-03-01",
                    "authenticity": "GENUINE",
                    "mrz": list(P1_MRZ),
                },
            ],
            "organisations": [
                {
                    "ref": "O1",
                    "name": "Lyon coach network (test)",
                    "kind": "ORGANISED_CRIME_GROUP",
                    "countries": ["FR", "RO"],
                    "members": ["P1", "P3"],
                }
            ],
            "vehicles": [
                {
                    "ref": "V1",
                    "vehicle_type": "BUS",
                    "make": "Testbus",
                    "colour": "white",
                    "registration": "M-TE 1234",
                    "registration_country": "DE",
                    "holder_ref": "P3",
                }
            ],
            "comms": [
                {"ref": "C1", "kind": "PHONE", "value": "+442079460123", "holder_ref": "P1"},
                {
                    "ref": "C2",
                    "kind": "EMAIL",
                    "value": "hotel.jobs@example.test",
                    "holder_ref": "P1",
                },
            ],
            "financial": [
                {
                    "ref": "F1",
                    "kind": "MONEY_TRANSFER",
                    "description": "Transfer of the victims' first earnings to the recruiter",
                    "holder_ref": "P1",
                    "institution": "Example Money Transfer (test)",
                    "country": "FR",
                    "amount": "4500.00",
                    "currency": "EUR",
                    "date": "2025-02-15",
                    "silver_notice_candidate": False,
                }
            ],
            "relationships": [
                {"source_ref": "P1", "type": "RECRUITED", "target_ref": "P2"},
                {"source_ref": "P3", "type": "USES_VEHICLE", "target_ref": "V1"},
                {"source_ref": "P1", "type": "USES_PHONE", "target_ref": "C1"},
            ],
            "requests": [
                {
                    "ref": "R1",
                    "action": "IDENTIFY_PERSON",
                    "target_refs": ["P3", "V1"],
                    "justification": "P3 drove the coach V1 registered in Germany; we need "
                    "his identity and address to question him as a witness or suspect.",
                    "deadline": "2025-04-10",
                },
                {
                    "ref": "R2",
                    "action": "CHECK_PHONE_SUBSCRIBER",
                    "target_refs": ["C1"],
                    "justification": "The recruiter used C1 to contact the victims.",
                },
            ],
            "attachments": [
                {
                    "id": "A1",
                    "filename": "coach-cctv-still.jpg",
                    "media_type": "image/jpeg",
                    "size": 48213,
                    "sha256": "9f2c4d1e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d",
                    "entity_refs": ["V1"],
                    "custody_ref": "FR-2025-0042/E3",
                }
            ],
        },
    )


def info_message():
    """FR informs DE of a smuggling route through a concealed compartment."""
    return envelope(
        "INFO",
        INFO_ID,
        created_at="2025-03-01T08:00:00Z",
        handling=handling(
            dissemination="NATIONAL_LE",
            purpose=["crime_analysis", "border_control"],
            retention={"review_on": "2028-03-01"},
            **no_personal_flags(),
        ),
        body={
            "case_summary": {
                "offence_type": "SMUGGLING",
                "summary": "Migrants are carried across the Alps hidden behind a false wall "
                "in delivery vans.",
                "counts": {"migrants": 12},
            },
            "persons": [
                {"ref": "P1", "family_name": "PASSEUR-TEST", "status": "SUSPECT"},
            ],
            "locations": [
                {"ref": "L1", "country": "IT", "place": "Ventimiglia"},
                {"ref": "L2", "country": "FR", "place": "Menton"},
            ],
            "route_legs": [
                {
                    "seq": 1,
                    "stage": "TRANSIT",
                    "from_ref": "L1",
                    "to_ref": "L2",
                    "mode": "ROAD",
                    "border_crossing": {"regular": False, "method": "CONCEALED_IN_VEHICLE"},
                    "persons": ["P1"],
                }
            ],
        },
    )


def alert_message():
    """FR alerts DE: a 16-year-old is about to be moved for forced begging (a minor: FLASH)."""
    return envelope(
        "ALERT",
        "8e1f0c2b-6d4a-4b3e-9f7c-5a2d1e0b9c84",
        priority="FLASH",
        handling=handling(
            confidentiality_level="INTERPOL_CONFIDENTIAL",
            dissemination="RECIPIENTS_ONLY",
            purpose=["victim_protection", "locate_person"],
            minor_data_present=True,
        ),
        body={
            "case_summary": {
                "offence_type": "THB",
                "summary": "A 16-year-old boy forced to beg in Lyon is to be moved to Munich "
                "by car tonight.",
            },
            "persons": [
                {
                    "ref": "P1",
                    "sex": "M",
                    "status": "VICTIM",
                    "victim_context": {"age_at_exploitation": 16},
                }
            ],
            "exploitation": [{"form": "FORCED_BEGGING", "victims": ["P1"]}],
        },
    )


def reply_message():
    """DE answers FR's REQUEST: the driver identified, the phone check partly done."""
    return envelope(
        "REPLY",
        "c4d5e6f7-0a1b-4c2d-8e3f-4a5b6c7d8e9f",
        sender=DE,
        recipients=("FR",),
        created_at="2025-04-02T14:05:00Z",
        thread={"in_reply_to": REQUEST_ID, "sequence_no": 2},
        handling=handling(access_restrictions={}, **no_personal_flags()),
        body={
            "persons": [
                {
                    "ref": "P1",
                    "family_name": "MUSTERMANN-TEST",
                    "forenames": "Erik",
                    "date_of_birth": "1979-11-02",
                    "nationalities": ["D"],
                    "status": "PERSON_OF_INTEREST",
                }
            ],
            "outcomes": [
                {
                    "request_ref": "R1",
                    "outcome": "DONE",
                    "details": "Identified from the coach company's duty roster.",
                    "entity_refs": ["P1"],
                },
                {
                    "request_ref": "R2",
                    "outcome": "PARTIAL",
                    "details": "The number is British; we passed the check to INTERPOL London.",
                },
            ],
        },
    )


def update_message():
    return envelope(
        "UPDATE",
        "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        created_at="2025-05-20T10:00:00Z",
        thread={"references": [REQUEST_ID], "sequence_no": 3},
        handling=handling(**no_personal_flags()),
        body={
            "case_summary": {
                "offence_type": "THB",
                "summary": "Two suspects were arrested in Lyon; the case is now before the "
                "investigating judge.",
                "status_of_investigation": "JUDICIAL",
                "counts": {"arrests": 2},
                "palermo_elements": {"purposes": ["SEXUAL"]},
            }
        },
    )


def correction_message():
    return envelope(
        "CORRECTION",
        "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
        created_at="2025-03-15T07:45:00Z",
        thread={"supersedes": REQUEST_ID},
        handling=handling(**no_personal_flags()),
        body={
            "persons": [
                {
                    "ref": "P1",
                    "family_name": "DURAND-TEST",
                    "forenames": "Camille",
                    "date_of_birth": "1984-05-18",
                    "status": "SUSPECT",
                    "remarks": "Date of birth corrected from 1984-05-17.",
                }
            ]
        },
    )


def cancel_message():
    return envelope(
        "CANCEL",
        "d3e4f5a6-b7c8-4d9e-8f0a-2b3c4d5e6f7a",
        created_at="2025-03-20T16:30:00Z",
        thread={"supersedes": INFO_ID},
        handling=handling(purpose=["crime_analysis"], **no_personal_flags()),
        body={
            "cancellation": {
                "instruction": "DISREGARD",
                "reason": "The vans belong to a lawful delivery firm; the lead was wrong.",
            }
        },
    )


def close_message():
    return envelope(
        "CLOSE",
        "e4f5a6b7-c8d9-4e0f-9a1b-3c4d5e6f7a8b",
        created_at="2025-05-30T09:00:00Z",
        handling=handling(**no_personal_flags()),
        body={"closure": {"reason": "CONVICTION", "remarks": "Both suspects were convicted."}},
    )


def receipt_message():
    """DE's automatic receipt for FR's REQUEST."""
    message = envelope(
        "RECEIPT",
        "f5a6b7c8-d9e0-4f1a-8b2c-4d5e6f7a8b9c",
        sender=DE,
        recipients=("FR",),
        created_at="2025-03-14T09:30:05Z",
        subject="Receipt",
        handling=handling(
            confidentiality_level="INTERPOL_FOR_OFFICIAL_USE_ONLY",
            dissemination="RECIPIENTS_ONLY",
            handling_codes=["H0"],
            permitted_actions="NO_DIRECT_ACTION",
            access_restrictions={},
            purpose=["criminal_investigation"],
            **no_personal_flags(),
        ),
        body={
            "receipt": {
                "ref_message_id": REQUEST_ID,
                "received_digest": RECEIVED_DIGEST,
                "received_at": "2025-03-14T09:30:04.250Z",
                "signature_valid": True,
                "schema_valid": True,
            }
        },
    )
    del message["case"]
    return message


def response_message():
    """DE's business answer after triage: accepted by hand into an existing case."""
    message = receipt_message()
    message.update(
        message_id="a6b7c8d9-e0f1-4a2b-9c3d-5e6f7a8b9c0d",
        message_type="RESPONSE",
        created_at="2025-03-14T11:02:00Z",
        subject="Response: accepted",
        body={
            "response": {
                "ref_message_id": REQUEST_ID,
                "outcome": "ACCEPTED_MANUAL",
                "comment": "Linked to our case DE-2025-0117.",
            }
        },
    )
    return message


def reminder_message():
    return envelope(
        "REMINDER",
        "b7c8d9e0-f1a2-4b3c-8d4e-6f7a8b9c0d1e",
        created_at="2025-04-15T08:00:00Z",
        thread={"in_reply_to": REQUEST_ID},
        handling=handling(**no_personal_flags()),
        body={"reminder": {"request_refs": ["R2"], "remarks": "R2 is overdue since 14 April."}},
    )


BUILDERS = {
    "INFO": info_message,
    "ALERT": alert_message,
    "REQUEST": request_message,
    "REPLY": reply_message,
    "UPDATE": update_message,
    "CORRECTION": correction_message,
    "CANCEL": cancel_message,
    "CLOSE": close_message,
    "RECEIPT": receipt_message,
    "RESPONSE": response_message,
    "REMINDER": reminder_message,
}


def example(message_type):
    return BUILDERS[message_type]()


def known_messages():
    """The earlier messages the thread examples point at."""
    return {REQUEST_ID: request_message(), INFO_ID: info_message()}
