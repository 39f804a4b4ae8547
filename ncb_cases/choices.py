"""Code lists of the case domain, named as in HST.md so messages need no translation tables.

Values are the HST 1.0 codes themselves (`SEXUAL`, `DEBT_BONDAGE`, `H2`, ...), spelled as in
`messages_hst/codelists.py` (which the HST JSON Schema repeats): a case's facts go into a
message unchanged. Labels are what a person reads. Lists HST does not have (case status, link
type, group member role) follow the same UPPER_SNAKE convention.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# --- The case ---------------------------------------------------------------------------------


class CaseStatus(models.TextChoices):
    """Workflow of a case; the allowed moves are `CASE_STATUS_TRANSITIONS`."""

    OPEN = "OPEN", _("Open")
    UNDER_INVESTIGATION = "UNDER_INVESTIGATION", _("Under investigation")
    REFERRED_TO_PROSECUTION = "REFERRED_TO_PROSECUTION", _("Referred to prosecution")
    IN_COURT = "IN_COURT", _("In court")
    CLOSED = "CLOSED", _("Closed")
    REOPENED = "REOPENED", _("Reopened")


# Closing is possible from every open state (a case can end with no further action at any
# stage); a prosecutor may send a referral back for more investigation; only a supervisor
# reopens a closed case (checked by the service, not by this table).
CASE_STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.OPEN: (CaseStatus.UNDER_INVESTIGATION, CaseStatus.CLOSED),
    CaseStatus.UNDER_INVESTIGATION: (CaseStatus.REFERRED_TO_PROSECUTION, CaseStatus.CLOSED),
    CaseStatus.REFERRED_TO_PROSECUTION: (
        CaseStatus.IN_COURT,
        CaseStatus.UNDER_INVESTIGATION,
        CaseStatus.CLOSED,
    ),
    CaseStatus.IN_COURT: (CaseStatus.CLOSED,),
    CaseStatus.CLOSED: (CaseStatus.REOPENED,),
    CaseStatus.REOPENED: (
        CaseStatus.UNDER_INVESTIGATION,
        CaseStatus.REFERRED_TO_PROSECUTION,
        CaseStatus.CLOSED,
    ),
}


class HstInvestigationStatus(models.TextChoices):
    """HST `case_summary.status_of_investigation`."""

    PRELIMINARY = "PRELIMINARY", _("Preliminary")
    ACTIVE = "ACTIVE", _("Active")
    JUDICIAL = "JUDICIAL", _("Judicial")
    CLOSED = "CLOSED", _("Closed")


CASE_STATUS_TO_HST: dict[str, str] = {
    CaseStatus.OPEN: HstInvestigationStatus.PRELIMINARY,
    CaseStatus.UNDER_INVESTIGATION: HstInvestigationStatus.ACTIVE,
    CaseStatus.REOPENED: HstInvestigationStatus.ACTIVE,
    CaseStatus.REFERRED_TO_PROSECUTION: HstInvestigationStatus.JUDICIAL,
    CaseStatus.IN_COURT: HstInvestigationStatus.JUDICIAL,
    CaseStatus.CLOSED: HstInvestigationStatus.CLOSED,
}


class CaseOutcome(models.TextChoices):
    """Why a case was closed; required when closing (the HST CLOSE reasons)."""

    INVESTIGATION_CONCLUDED = "INVESTIGATION_CONCLUDED", _("Investigation concluded")
    CONVICTION = "CONVICTION", _("Conviction")
    NO_FURTHER_ACTION = "NO_FURTHER_ACTION", _("No further action")
    MERGED_WITH_OTHER_CASE = "MERGED_WITH_OTHER_CASE", _("Merged with another case")
    OTHER = "OTHER", _("Other")


class OffenceType(models.TextChoices):
    """HST `case_summary.offence_type`; changes over time (smuggling becomes trafficking)."""

    THB = "THB", _("Trafficking in human beings")
    SMUGGLING = "SMUGGLING", _("Smuggling of migrants")
    THB_AND_SMUGGLING = "THB_AND_SMUGGLING", _("Trafficking and smuggling")
    UNDETERMINED = "UNDETERMINED", _("Undetermined")


class ExploitationForm(models.TextChoices):
    """HST `exploitation[].form` (Palermo Protocol art. 3 and IOM HTCDS)."""

    SEXUAL = "SEXUAL", _("Sexual exploitation")
    FORCED_LABOUR = "FORCED_LABOUR", _("Forced labour")
    DOMESTIC_SERVITUDE = "DOMESTIC_SERVITUDE", _("Domestic servitude")
    FORCED_BEGGING = "FORCED_BEGGING", _("Forced begging")
    FORCED_CRIMINALITY = "FORCED_CRIMINALITY", _("Forced criminality")
    FORCED_MARRIAGE = "FORCED_MARRIAGE", _("Forced marriage")
    ORGAN_REMOVAL = "ORGAN_REMOVAL", _("Organ removal")
    SLAVERY_OR_SIMILAR = "SLAVERY_OR_SIMILAR", _("Slavery or practices similar to slavery")
    CHILD_SOLDIERS = "CHILD_SOLDIERS", _("Child soldiers")
    ILLEGAL_ADOPTION = "ILLEGAL_ADOPTION", _("Illegal adoption")
    OTHER = "OTHER", _("Other")


class CountryRole(models.TextChoices):
    """The part a country plays in a case."""

    ORIGIN = "ORIGIN", _("Origin")
    TRANSIT = "TRANSIT", _("Transit")
    DESTINATION = "DESTINATION", _("Destination")


class PalermoAct(models.TextChoices):
    """HST `palermo_elements.acts` — Palermo Protocol art. 3(a), the action."""

    RECRUITMENT = "RECRUITMENT", _("Recruitment")
    TRANSPORTATION = "TRANSPORTATION", _("Transportation")
    TRANSFER = "TRANSFER", _("Transfer")
    HARBOURING = "HARBOURING", _("Harbouring")
    RECEIPT = "RECEIPT", _("Receipt of persons")


class PalermoMeans(models.TextChoices):
    """HST `palermo_elements.means` — Palermo Protocol art. 3(a), the means."""

    THREAT = "THREAT", _("Threat")
    USE_OF_FORCE = "USE_OF_FORCE", _("Use of force")
    OTHER_COERCION = "OTHER_COERCION", _("Other forms of coercion")
    ABDUCTION = "ABDUCTION", _("Abduction")
    FRAUD = "FRAUD", _("Fraud")
    DECEPTION = "DECEPTION", _("Deception")
    ABUSE_OF_POWER = "ABUSE_OF_POWER", _("Abuse of power")
    ABUSE_OF_VULNERABILITY = "ABUSE_OF_VULNERABILITY", _("Abuse of a position of vulnerability")
    PAYMENTS_OR_BENEFITS = (
        "PAYMENTS_OR_BENEFITS",
        _("Giving or receiving payments or benefits to a person having control"),
    )


# HST `palermo_elements.purposes`: the purposes of exploitation are the exploitation forms
# (national laws list more than art. 3 does), so they share one code list.
PalermoPurpose = ExploitationForm


class CaseLinkType(models.TextChoices):
    """Why two cases are related."""

    RELATED = "RELATED", _("Related")
    SAME_NETWORK = "SAME_NETWORK", _("Same network")
    SAME_ROUTE = "SAME_ROUTE", _("Same route")
    CONTINUATION = "CONTINUATION", _("Continuation")
    DUPLICATE = "DUPLICATE", _("Duplicate")


# --- Handling (HST §3) ------------------------------------------------------------------------


class ConfidentialityLevel(models.TextChoices):
    """HST `handling.confidentiality_level`, from the least to the most restricted."""

    INTERPOL_FOR_OFFICIAL_USE_ONLY = (
        "INTERPOL_FOR_OFFICIAL_USE_ONLY",
        _("INTERPOL for official use only"),
    )
    INTERPOL_RESTRICTED = "INTERPOL_RESTRICTED", _("INTERPOL restricted")
    INTERPOL_CONFIDENTIAL = "INTERPOL_CONFIDENTIAL", _("INTERPOL confidential")


# The strictest level: forced on a case as soon as it holds a child's data (HST §1.5).
STRICTEST_CONFIDENTIALITY = ConfidentialityLevel.INTERPOL_CONFIDENTIAL
CONFIDENTIALITY_RANK: dict[str, int] = {
    level: rank for rank, level in enumerate(ConfidentialityLevel.values)
}


class HandlingCode(models.TextChoices):
    """HST `handling.handling_codes` (Europol SIENA H0 to H3)."""

    H0 = "H0", _("H0 — for crime prevention and combat only")
    H1 = "H1", _("H1 — not for judicial proceedings without the provider's permission")
    H2 = "H2", _("H2 — no onward dissemination without permission")
    H3 = "H3", _("H3 — other restriction (see text)")


class SourceReliability(models.TextChoices):
    """HST `handling.source_reliability` (the 4x4 evaluation)."""

    A = "A", _("A — no doubt about the source")
    B = "B", _("B — source usually reliable")
    C = "C", _("C — source not usually reliable")
    X = "X", _("X — reliability cannot be assessed")


class InformationAccuracy(models.TextChoices):
    """HST `handling.information_accuracy` (the 4x4 evaluation), the strings "1" to "4"."""

    KNOWN_TRUE = "1", _("1 — known to be true without reservation")
    KNOWN_TO_SOURCE = "2", _("2 — known personally to the source")
    CORROBORATED = "3", _("3 — not known personally to the source but corroborated")
    CANNOT_BE_JUDGED = "4", _("4 — cannot be judged")


# --- Persons (HST §4 persons[]) ---------------------------------------------------------------


class PersonRole(models.TextChoices):
    """A person's role in a case."""

    SUSPECT = "SUSPECT", _("Suspect")
    OFFENDER = "OFFENDER", _("Offender")
    VICTIM = "VICTIM", _("Victim")
    POSSIBLE_VICTIM = "POSSIBLE_VICTIM", _("Possible victim")
    WITNESS = "WITNESS", _("Witness")
    SMUGGLED_MIGRANT = "SMUGGLED_MIGRANT", _("Smuggled migrant")
    FACILITATOR = "FACILITATOR", _("Facilitator")


# Roles whose identity is protected by the per-case victim-identity permission.
VICTIM_ROLES = frozenset({PersonRole.VICTIM, PersonRole.POSSIBLE_VICTIM})

# HST `persons[].status` for each role (an offender is a convicted person; a facilitator is a
# suspect until charged).
PERSON_ROLE_TO_HST_STATUS: dict[str, str] = {
    PersonRole.SUSPECT: "SUSPECT",
    PersonRole.OFFENDER: "CONVICTED",
    PersonRole.VICTIM: "VICTIM",
    PersonRole.POSSIBLE_VICTIM: "POSSIBLE_VICTIM",
    PersonRole.WITNESS: "WITNESS",
    PersonRole.SMUGGLED_MIGRANT: "SMUGGLED_MIGRANT",
    PersonRole.FACILITATOR: "SUSPECT",
}


class Sex(models.TextChoices):
    """HST `persons[].sex` (ICAO 9303: M, F, X; U unknown)."""

    M = "M", _("Male")
    F = "F", _("Female")
    X = "X", _("Unspecified")
    U = "U", _("Unknown")


class RoleInProcess(models.TextChoices):
    """HST `persons[].roles_in_process`: what an offender did in the trafficking chain."""

    RECRUITER = "RECRUITER", _("Recruiter")
    TRANSPORTER = "TRANSPORTER", _("Transporter")
    HARBOURER = "HARBOURER", _("Harbourer")
    EXPLOITER = "EXPLOITER", _("Exploiter")
    CONTROLLER = "CONTROLLER", _("Controller")
    SMUGGLER = "SMUGGLER", _("Smuggler")
    DOCUMENT_FORGER = "DOCUMENT_FORGER", _("Document forger")
    MONEY_LAUNDERER = "MONEY_LAUNDERER", _("Money launderer")
    ORGANISER = "ORGANISER", _("Organiser")
    FINANCIER = "FINANCIER", _("Financier")
    FACILITATOR = "FACILITATOR", _("Facilitator")
    OTHER = "OTHER", _("Other")


class RecruitmentMethod(models.TextChoices):
    """HST `victim_context.recruitment_method` (IOM HTCDS / CTDC recruitment types)."""

    JOB_OFFER = "JOB_OFFER", _("Job offer")
    ROMANTIC_RELATIONSHIP = "ROMANTIC_RELATIONSHIP", _("Romantic relationship")
    FAMILY_OR_FRIEND = "FAMILY_OR_FRIEND", _("Through family or friends")
    ABDUCTION = "ABDUCTION", _("Abduction")
    SOLD_BY_FAMILY = "SOLD_BY_FAMILY", _("Sold by family")
    ONLINE_CONTACT = "ONLINE_CONTACT", _("Online contact or advertisement")
    RECRUITMENT_AGENCY = "RECRUITMENT_AGENCY", _("Recruitment agency")
    EDUCATION_OFFER = "EDUCATION_OFFER", _("Education offer")
    MIGRATION_OFFER = "MIGRATION_OFFER", _("Travel or migration offer")
    OTHER = "OTHER", _("Other")


class MeansOfControl(models.TextChoices):
    """HST `victim_context.means_of_control` (IOM HTCDS / CTDC `meansOfControl*`)."""

    DEBT_BONDAGE = "DEBT_BONDAGE", _("Debt bondage")
    TAKES_EARNINGS = "TAKES_EARNINGS", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "RESTRICTS_FINANCIAL_ACCESS", _("Restricts financial access")
    THREATS = "THREATS", _("Threats")
    PHYSICAL_ABUSE = "PHYSICAL_ABUSE", _("Physical abuse")
    SEXUAL_ABUSE = "SEXUAL_ABUSE", _("Sexual abuse")
    FALSE_PROMISES = "FALSE_PROMISES", _("False promises")
    PSYCHOACTIVE_SUBSTANCES = "PSYCHOACTIVE_SUBSTANCES", _("Psychoactive substances")
    RESTRICTS_MOVEMENT = "RESTRICTS_MOVEMENT", _("Restricts movement")
    RESTRICTS_MEDICAL_CARE = "RESTRICTS_MEDICAL_CARE", _("Restricts medical care")
    EXCESSIVE_WORKING_HOURS = "EXCESSIVE_WORKING_HOURS", _("Excessive working hours")
    USES_CHILDREN = "USES_CHILDREN", _("Uses children")
    THREAT_OF_LAW_ENFORCEMENT = "THREAT_OF_LAW_ENFORCEMENT", _("Threat of law enforcement")
    WITHHOLDS_NECESSITIES = "WITHHOLDS_NECESSITIES", _("Withholds necessities")
    WITHHOLDS_DOCUMENTS = "WITHHOLDS_DOCUMENTS", _("Withholds documents")
    OTHER = "OTHER", _("Other")


class RelationshipToTrafficker(models.TextChoices):
    """HST `victim_context.relationship_to_trafficker`."""

    INTIMATE_PARTNER = "INTIMATE_PARTNER", _("Intimate partner")
    FAMILY = "FAMILY", _("Family")
    FRIEND_OR_ACQUAINTANCE = "FRIEND_OR_ACQUAINTANCE", _("Friend or acquaintance")
    EMPLOYER = "EMPLOYER", _("Employer")
    RECRUITER = "RECRUITER", _("Recruiter")
    STRANGER = "STRANGER", _("Stranger")
    OTHER = "OTHER", _("Other")
    UNKNOWN = "UNKNOWN", _("Unknown")


class PhoneKind(models.TextChoices):
    MOBILE = "MOBILE", _("Mobile")
    LANDLINE = "LANDLINE", _("Landline")
    SATELLITE = "SATELLITE", _("Satellite")
    UNKNOWN = "UNKNOWN", _("Unknown")


# --- Documents (HST §4 documents[], ICAO Doc 9303) ----------------------------------------------


class DocumentType(models.TextChoices):
    """HST `documents[].doc_type`."""

    PASSPORT = "PASSPORT", _("Passport")
    ID_CARD = "ID_CARD", _("Identity card")
    VISA = "VISA", _("Visa")
    RESIDENCE_PERMIT = "RESIDENCE_PERMIT", _("Residence permit")
    TRAVEL_DOCUMENT = "TRAVEL_DOCUMENT", _("Refugee or stateless travel document")
    DRIVING_LICENCE = "DRIVING_LICENCE", _("Driving licence")
    WORK_PERMIT = "WORK_PERMIT", _("Work permit")
    BIRTH_CERTIFICATE = "BIRTH_CERTIFICATE", _("Birth certificate")
    OTHER = "OTHER", _("Other")


class DocumentAuthenticity(models.TextChoices):
    """HST `documents[].authenticity`."""

    GENUINE = "GENUINE", _("Genuine")
    FORGED = "FORGED", _("Forged")
    COUNTERFEIT = "COUNTERFEIT", _("Counterfeit")
    STOLEN_BLANK = "STOLEN_BLANK", _("Stolen blank")
    ALTERED = "ALTERED", _("Altered")
    IMPOSTOR = "IMPOSTOR", _("Used by an impostor")
    UNKNOWN = "UNKNOWN", _("Unknown")


# --- Networks, vehicles and routes ------------------------------------------------------------


class OrganisationKind(models.TextChoices):
    """HST `organisations[].kind`."""

    ORGANISED_CRIME_GROUP = "ORGANISED_CRIME_GROUP", _("Organised crime group")
    FRONT_COMPANY = "FRONT_COMPANY", _("Front company")
    LEGITIMATE_BUSINESS = "LEGITIMATE_BUSINESS", _("Legitimate business")
    OTHER = "OTHER", _("Other")


class VehicleType(models.TextChoices):
    """HST `vehicles[].type`."""

    CAR = "CAR", _("Car")
    VAN = "VAN", _("Van")
    TRUCK = "TRUCK", _("Truck")
    BUS = "BUS", _("Bus")
    MOTORCYCLE = "MOTORCYCLE", _("Motorcycle")
    BOAT = "BOAT", _("Boat")
    AIRCRAFT = "AIRCRAFT", _("Aircraft")
    OTHER = "OTHER", _("Other")


class GroupMemberRole(models.TextChoices):
    """A person's place in an organised crime group."""

    LEADER = "LEADER", _("Leader")
    LIEUTENANT = "LIEUTENANT", _("Lieutenant")
    MEMBER = "MEMBER", _("Member")
    ASSOCIATE = "ASSOCIATE", _("Associate")
    UNKNOWN = "UNKNOWN", _("Unknown")


class RouteStage(models.TextChoices):
    """HST `route_legs[].stage`."""

    RECRUITMENT = "RECRUITMENT", _("Recruitment")
    ORIGIN = "ORIGIN", _("Origin")
    TRANSIT = "TRANSIT", _("Transit")
    DESTINATION = "DESTINATION", _("Destination")
    EXPLOITATION = "EXPLOITATION", _("Exploitation")
    RETURN = "RETURN", _("Return")


class TransportMode(models.TextChoices):
    """HST `route_legs[].mode`."""

    AIR = "AIR", _("Air")
    SEA = "SEA", _("Sea")
    ROAD = "ROAD", _("Road")
    RAIL = "RAIL", _("Rail")
    FOOT = "FOOT", _("On foot")


class BorderCrossingMethod(models.TextChoices):
    """HST `route_legs[].border_crossing.method`."""

    OFFICIAL_CROSSING_POINT = "OFFICIAL_CROSSING_POINT", _("Official border crossing point")
    FRAUDULENT_DOCUMENTS = "FRAUDULENT_DOCUMENTS", _("With fraudulent documents")
    CONCEALED_IN_VEHICLE = "CONCEALED_IN_VEHICLE", _("Concealed in a vehicle")
    IRREGULAR_LAND_CROSSING = "IRREGULAR_LAND_CROSSING", _("Irregular land crossing")
    IRREGULAR_SEA_CROSSING = "IRREGULAR_SEA_CROSSING", _("Irregular sea crossing")
    VISA_OVERSTAY = "VISA_OVERSTAY", _("Visa overstay")
    UNKNOWN = "UNKNOWN", _("Unknown")


# --- Sharing, timeline, audit -----------------------------------------------------------------


class ShareAccess(models.TextChoices):
    READ = "READ", _("Read only")
    READ_WRITE = "READ_WRITE", _("Read and write")


class NoteKind(models.TextChoices):
    """Timeline entries: notes written by people and entries written by the system."""

    NOTE = "NOTE", _("Note")
    CREATED = "CREATED", _("Case opened")
    STATUS_CHANGE = "STATUS_CHANGE", _("Status changed")
    OFFENCE_TYPE_CHANGE = "OFFENCE_TYPE_CHANGE", _("Offence type changed")
    CONFIDENTIALITY_CHANGE = "CONFIDENTIALITY_CHANGE", _("Confidentiality changed")
    SHARE = "SHARE", _("Shared")
    UNSHARE = "UNSHARE", _("Share revoked")
    SHARE_EXPIRED = "SHARE_EXPIRED", _("Share expired")
    VICTIM_IDENTITY_GRANT = "VICTIM_IDENTITY_GRANT", _("Victim identity access granted")
    VICTIM_IDENTITY_REVOKE = "VICTIM_IDENTITY_REVOKE", _("Victim identity access revoked")
    RETENTION = "RETENTION", _("Retention review")
    LINK = "LINK", _("Case linked")


class AuditAction(models.TextChoices):
    VIEW = "VIEW", _("View")
    CREATE = "CREATE", _("Create")
    UPDATE = "UPDATE", _("Update")
    DELETE = "DELETE", _("Remove")
    SHARE = "SHARE", _("Share")
    UNSHARE = "UNSHARE", _("Unshare")
    GRANT = "GRANT", _("Grant victim identity access")
    REVOKE = "REVOKE", _("Revoke victim identity access")
    EXPORT = "EXPORT", _("Export")
    SEND = "SEND", _("Send")
    APPROVE = "APPROVE", _("Approve")
    RECEIVE = "RECEIVE", _("Receive")
    VIEW_VICTIM_IDENTITY = "VIEW_VICTIM_IDENTITY", _("View victim identity")
    DENIED = "DENIED", _("Denied")


# --- Retention review (issue 7 item 5) ----------------------------------------------------------


class RetentionState(models.TextChoices):
    """Where a case stands in INTERPOL's retention rules: kept as recorded, anonymised, or
    deleted (its shell stays for the append-only custody log and audit trail)."""

    # A context of their own: the state agrees with "case" (feminine in French, masculine in
    # Spanish), where the plain "Active" is shared with organisations and contact points.
    ACTIVE = "ACTIVE", pgettext_lazy("case retention state", "Active")
    ANONYMISED = "ANONYMISED", pgettext_lazy("case retention state", "Anonymised")
    DELETED = "DELETED", pgettext_lazy("case retention state", "Deleted")


class RetentionDecision(models.TextChoices):
    """A supervisor's decision on a case due for its retention review."""

    RETAIN = "RETAIN", _("Retain")
    ANONYMISE = "ANONYMISE", _("Anonymise")
    DELETE = "DELETE", _("Delete")
    # Closed by the system: a substantial update moved the review date out of the window.
    SUPERSEDED = "SUPERSEDED", _("Superseded by a later update")


# What a supervisor may decide (SUPERSEDED is the system's).
RETENTION_SUPERVISOR_DECISIONS = (
    RetentionDecision.RETAIN,
    RetentionDecision.ANONYMISE,
    RetentionDecision.DELETE,
)


# --- Assets, victim support, meetings (issue 6) -------------------------------------------------


class AssetType(models.TextChoices):
    """Kinds of asset derived from trafficking; they map onto HST `financial[].kind`."""

    BANK_ACCOUNT = "BANK_ACCOUNT", _("Bank account")
    MONEY_TRANSFER = "MONEY_TRANSFER", _("Money transfer")
    CASH = "CASH", _("Cash")
    CRYPTO_ASSET = "CRYPTO_ASSET", _("Crypto-asset")
    REAL_ESTATE = "REAL_ESTATE", _("Real estate")
    VEHICLE = "VEHICLE", _("Vehicle")
    OTHER = "OTHER", _("Other asset")


class AssetStatus(models.TextChoices):
    """An asset's lifecycle, from traced to its final disposal."""

    TRACED = "TRACED", _("Traced")
    FROZEN = "FROZEN", _("Frozen")
    SEIZED = "SEIZED", _("Seized")
    CONFISCATED = "CONFISCATED", _("Confiscated")
    RETURNED = "RETURNED", _("Returned")
    VICTIM_COMPENSATION = "VICTIM_COMPENSATION", _("Allocated to victim compensation")


# Which status may follow which: a court may lift a freeze or a seizure (the asset is returned),
# and only a confiscated asset can be allocated to the victims' compensation.
ASSET_TRANSITIONS: dict[str, frozenset[str]] = {
    AssetStatus.TRACED: frozenset({AssetStatus.FROZEN, AssetStatus.SEIZED}),
    AssetStatus.FROZEN: frozenset({AssetStatus.SEIZED, AssetStatus.RETURNED}),
    AssetStatus.SEIZED: frozenset({AssetStatus.CONFISCATED, AssetStatus.RETURNED}),
    AssetStatus.CONFISCATED: frozenset({AssetStatus.RETURNED, AssetStatus.VICTIM_COMPENSATION}),
    AssetStatus.RETURNED: frozenset(),
    AssetStatus.VICTIM_COMPENSATION: frozenset(),
}


class ReferralStatus(models.TextChoices):
    REFERRED = "REFERRED", _("Referred")
    ACCEPTED = "ACCEPTED", _("Accepted")
    IN_CARE = "IN_CARE", _("In care")
    CLOSED = "CLOSED", _("Closed")


class RepatriationStatus(models.TextChoices):
    NOT_REQUESTED = "NOT_REQUESTED", _("Not requested")
    REQUESTED = "REQUESTED", _("Requested")
    RISK_ASSESSED = "RISK_ASSESSED", _("Risk assessed")
    TRAVEL_ARRANGED = "TRAVEL_ARRANGED", _("Travel arranged")
    RETURNED = "RETURNED", _("Returned")
    REINTEGRATED = "REINTEGRATED", _("Re-integrated")


class CourtRole(models.TextChoices):
    """The victim's role in the court process, as far as it has gone."""

    NOT_DISCUSSED = "NOT_DISCUSSED", _("Not discussed yet")
    NOT_WILLING = "NOT_WILLING", _("Not willing to testify")
    WILLING_TO_TESTIFY = "WILLING_TO_TESTIFY", _("Willing to testify")
    PROTECTIVE_MEASURES = "PROTECTIVE_MEASURES", _("Testifying under protective measures")
    TESTIFIED = "TESTIFIED", _("Testified")


class MeetingKind(models.TextChoices):
    WORKING = "WORKING", _("Working meeting")
    OPERATIONAL = "OPERATIONAL", _("Operational meeting")
