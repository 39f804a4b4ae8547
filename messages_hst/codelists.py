"""The HST code lists (HST.md §2-§5), one tuple per list, spelled exactly as the spec spells them.

Pure Python: the JSON Schema (`schema/hst-1.0.json`) repeats these values for partners that only
read JSON, and `tests/messages_hst/test_codelists.py` keeps the two identical. A message states
the version it was written against in `codelists_version`; bump `CODELISTS_VERSION` whenever a
list changes, so that a receiver can tell "unknown code" from "newer list".

Where HST.md names a public list (IOM HTCDS / CTDC, Palermo protocols, ICAO 9303, SIENA), the
values follow it; where it leaves the list open ("…"), the additions are marked below.
Ordered lists (confidentiality, dissemination, priority) go from least to most restrictive or
urgent, and the validator relies on that order.
"""

CODELISTS_VERSION = "2025.1"

# --- Envelope (§2) ---------------------------------------------------------------------------
MESSAGE_TYPES = (
    "INFO",
    "ALERT",
    "REQUEST",
    "REPLY",
    "UPDATE",
    "CORRECTION",
    "CANCEL",
    "CLOSE",
    "RECEIPT",
    "RESPONSE",
    # Issue 5 item 7: "a REMINDER can be sent" for an overdue REQUEST.
    "REMINDER",
)
# Business messages belong to a case; RECEIPT and RESPONSE are about a message, not a case.
CASE_MESSAGE_TYPES = tuple(t for t in MESSAGE_TYPES if t not in ("RECEIPT", "RESPONSE"))
PRIORITIES = ("ROUTINE", "PRIORITY", "URGENT", "FLASH")  # lowest to highest
RECIPIENT_ROLES = ("TO", "CC")
LANGUAGES = ("ar", "en", "es", "fr")  # INTERPOL's working languages; any ISO 639-1 is allowed
INTERPOL_REF_KINDS = (
    "RED",
    "BLUE",
    "GREEN",
    "YELLOW",
    "BLACK",
    "PURPLE",
    "SILVER",
    "DIFFUSION",
)
SIGNATURE_ALGORITHMS = ("EdDSA",)

# --- Handling block (§3) ---------------------------------------------------------------------
CONFIDENTIALITY_LEVELS = (  # least to most restrictive
    "INTERPOL_FOR_OFFICIAL_USE_ONLY",
    "INTERPOL_RESTRICTED",
    "INTERPOL_CONFIDENTIAL",
)
DISSEMINATION = (  # narrowest to widest
    "RECIPIENTS_ONLY",
    "RECIPIENT_AGENCY",
    "NATIONAL_LE",
    "INTERPOL_COMMUNITY",
)
HANDLING_CODES = ("H0", "H1", "H2", "H3")
PERMITTED_ACTIONS = ("NO_DIRECT_ACTION", "DISCREET_CHECKS_ONLY", "ACTION_ALLOWED")
PURPOSES = (
    "criminal_investigation",
    "locate_person",
    "identify_person",
    "alert",
    "crime_analysis",
    "border_control",
    "victim_protection",
)
SOURCE_RELIABILITY = ("A", "B", "C", "X")
INFORMATION_ACCURACY = ("1", "2", "3", "4")

# --- Body (§4) -------------------------------------------------------------------------------
OFFENCE_TYPES = ("THB", "SMUGGLING", "THB_AND_SMUGGLING", "UNDETERMINED")
STATUS_OF_INVESTIGATION = ("PRELIMINARY", "ACTIVE", "JUDICIAL", "CLOSED")
# Palermo Protocol art. 3(a): the act, the means and the purpose of exploitation.
PALERMO_ACTS = ("RECRUITMENT", "TRANSPORTATION", "TRANSFER", "HARBOURING", "RECEIPT")
PALERMO_MEANS = (
    "THREAT",
    "USE_OF_FORCE",
    "OTHER_COERCION",
    "ABDUCTION",
    "FRAUD",
    "DECEPTION",
    "ABUSE_OF_POWER",
    "ABUSE_OF_VULNERABILITY",
    "PAYMENTS_OR_BENEFITS",
)
EXPLOITATION_FORMS = (
    "SEXUAL",
    "FORCED_LABOUR",
    "DOMESTIC_SERVITUDE",
    "FORCED_BEGGING",
    "FORCED_CRIMINALITY",
    "FORCED_MARRIAGE",
    "ORGAN_REMOVAL",
    "SLAVERY_OR_SIMILAR",
    "CHILD_SOLDIERS",
    "ILLEGAL_ADOPTION",
    "OTHER",
)
# The Palermo purposes are the exploitation forms (national laws list more than art. 3 does).
PALERMO_PURPOSES = EXPLOITATION_FORMS
SEX = ("M", "F", "X", "U")
PERSON_STATUSES = (
    "SUSPECT",
    "CHARGED",
    "CONVICTED",
    "WANTED",
    "WITNESS",
    "VICTIM",
    "POSSIBLE_VICTIM",
    "SMUGGLED_MIGRANT",
    "MISSING",
    "PERSON_OF_INTEREST",
)
VICTIM_STATUSES = ("VICTIM", "POSSIBLE_VICTIM")
ROLES_IN_PROCESS = (
    "RECRUITER",
    "TRANSPORTER",
    "HARBOURER",
    "EXPLOITER",
    "CONTROLLER",
    "SMUGGLER",
    "DOCUMENT_FORGER",
    "MONEY_LAUNDERER",
    "ORGANISER",
    # HST.md leaves the list open ("…"); these complete it.
    "FINANCIER",
    "FACILITATOR",
    "OTHER",
)
# IOM HTCDS / CTDC "type of recruitment" and "means of control" families.
RECRUITMENT_METHODS = (
    "JOB_OFFER",
    "ROMANTIC_RELATIONSHIP",
    "FAMILY_OR_FRIEND",
    "ABDUCTION",
    "SOLD_BY_FAMILY",
    "ONLINE_CONTACT",
    "RECRUITMENT_AGENCY",
    "EDUCATION_OFFER",
    "MIGRATION_OFFER",
    "OTHER",
)
MEANS_OF_CONTROL = (
    "DEBT_BONDAGE",
    "TAKES_EARNINGS",
    "RESTRICTS_FINANCIAL_ACCESS",
    "THREATS",
    "PHYSICAL_ABUSE",
    "SEXUAL_ABUSE",
    "FALSE_PROMISES",
    "PSYCHOACTIVE_SUBSTANCES",
    "RESTRICTS_MOVEMENT",
    "RESTRICTS_MEDICAL_CARE",
    "EXCESSIVE_WORKING_HOURS",
    "USES_CHILDREN",
    "THREAT_OF_LAW_ENFORCEMENT",
    "WITHHOLDS_NECESSITIES",
    "WITHHOLDS_DOCUMENTS",
    "OTHER",
)
RELATIONSHIP_TO_TRAFFICKER = (
    "INTIMATE_PARTNER",
    "FAMILY",
    "FRIEND_OR_ACQUAINTANCE",
    "EMPLOYER",
    "RECRUITER",
    "STRANGER",
    "OTHER",
    "UNKNOWN",
)
ROUTE_STAGES = ("RECRUITMENT", "ORIGIN", "TRANSIT", "DESTINATION", "EXPLOITATION", "RETURN")
TRANSPORT_MODES = ("AIR", "SEA", "ROAD", "RAIL", "FOOT")
BORDER_CROSSING_METHODS = (
    "OFFICIAL_CROSSING_POINT",
    "FRAUDULENT_DOCUMENTS",
    "CONCEALED_IN_VEHICLE",
    "IRREGULAR_LAND_CROSSING",
    "IRREGULAR_SEA_CROSSING",
    "VISA_OVERSTAY",
    "UNKNOWN",
)
DOCUMENT_TYPES = (
    "PASSPORT",
    "ID_CARD",
    "VISA",
    "RESIDENCE_PERMIT",
    "TRAVEL_DOCUMENT",
    "DRIVING_LICENCE",
    "WORK_PERMIT",
    "BIRTH_CERTIFICATE",
    "OTHER",
)
DOCUMENT_AUTHENTICITY = (
    "GENUINE",
    "FORGED",
    "COUNTERFEIT",
    "STOLEN_BLANK",
    "ALTERED",
    "IMPOSTOR",
    "UNKNOWN",
)
ORGANISATION_KINDS = ("ORGANISED_CRIME_GROUP", "FRONT_COMPANY", "LEGITIMATE_BUSINESS", "OTHER")
VEHICLE_TYPES = ("CAR", "VAN", "TRUCK", "BUS", "MOTORCYCLE", "BOAT", "AIRCRAFT", "OTHER")
COMMS_KINDS = ("PHONE", "EMAIL", "MESSENGER", "SOCIAL_MEDIA", "WEBSITE", "CRYPTO_WALLET")
FINANCIAL_KINDS = (
    "BANK_ACCOUNT",
    "MONEY_TRANSFER",
    "CASH",
    "CRYPTO_ASSET",
    "REAL_ESTATE",
    "VEHICLE_ASSET",
    "OTHER_ASSET",
)
RELATIONSHIP_TYPES = (
    "RECRUITED",
    "TRANSPORTED",
    "HARBOURED",
    "EXPLOITED",
    "CONTROLS",
    "SMUGGLED",
    "MEMBER_OF",
    "LEADS",
    "EMPLOYS",
    "FAMILY_OF",
    "PARTNER_OF",
    "ASSOCIATE_OF",
    "USES_PHONE",
    "USES_VEHICLE",
    "HOLDS_DOCUMENT",
    "HOLDS_ACCOUNT",
    "OWNS",
    "PAID",
    "LOCATED_AT",
)
REQUEST_ACTIONS = (
    "IDENTIFY_PERSON",
    "LOCATE_PERSON",
    "VERIFY_DOCUMENT",
    "CHECK_CRIMINAL_RECORD",
    "CHECK_TRAVEL_MOVEMENTS",
    "CHECK_PHONE_SUBSCRIBER",
    "CHECK_BANK_ACCOUNT",
    "VICTIM_SAFEGUARDING",
    "CONSIDER_NOTICE",
    "SEIZE_ASSETS",
    "JOINT_OPERATION",
    "OTHER",
)

# --- Message types (§5) ----------------------------------------------------------------------
REPLY_OUTCOMES = ("DONE", "PARTIAL", "NOT_POSSIBLE", "REFERRED")
CANCEL_INSTRUCTIONS = ("RESTRICT", "DELETE", "DISREGARD")
CLOSE_REASONS = (  # HST.md names CLOSE without a reason list; a closing NCB should say why.
    "INVESTIGATION_CONCLUDED",
    "CONVICTION",
    "NO_FURTHER_ACTION",
    "MERGED_WITH_OTHER_CASE",
    "OTHER",
)
RESPONSE_OUTCOMES = ("ACCEPTED", "ACCEPTED_MANUAL", "REJECTED")
RESPONSE_REASON_CODES = (
    "SCHEMA",
    "SIGNATURE",
    "UNKNOWN_CASE",
    "NOT_COMPETENT",
    "RESTRICTION_CONFLICT",
    "DUPLICATE_CONFLICT",
    "OTHER",
)
PROBLEM_SEVERITIES = ("error", "warning")
