"""The cases part of the demo (`manage.py seed_demo`): a dozen cases across the six demo NCBs.

Everything is written through `ncb_cases.services`, acting as the demo users of
`contacts.demo`, so the demo cases carry the timeline and audit trail a real case would
(who opened, shared, granted what, and when: at seeding time). The data is fictitious:
names carry a -TEST suffix, phone numbers are runs of zeros or 555 ranges, document numbers
are made up and their MRZs are computed here (valid check digits, no real document).

What the demo shows:

- victims (one of them a child, which raises her case to INTERPOL confidential), suspects,
  smuggled migrants and witnesses;
- the "Mama Joy" network, seen by France and by Italy: the same suspect (same name, date of
  birth, alias and phone number) and the same Libyan phone number appear in both cases, so
  cross-case matching says "also in ..."; the two cases are linked and shared both ways;
- a six-leg route Lagos → Agadez → Tripoli → Lampedusa → Rome → Paris;
- shares FR → DE and FR → IT read-only (one expiring in a few days), DE → FR read-write with
  a victim-identity grant to supervisor_fr, IT → FR read-only, and a few more;
- a smuggling case requalified as trafficking, cases along the whole workflow (one closed
  with a conviction), tasks and notes.

Idempotent: a demo case is recognised by its owner NCB and title; a case that exists is left
as it is (with whatever demo users did to it), a missing one is created whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contacts.models import NationalCentralBureau
from ncb_cases import services
from ncb_cases.choices import CaseStatus, GroupMemberRole, ShareAccess
from ncb_cases.models import Case, Person
from ncb_cases.validators import mrz_check_digit

# --- Fictitious documents -------------------------------------------------------------------


def td3_mrz(
    *,
    issuing_state: str,
    number: str,
    family_name: str,
    given_names: str,
    nationality: str,
    birth: date,
    sex: str,
    expiry: date,
) -> str:
    """The two-line passport MRZ (ICAO 9303 TD3) of a fictitious passport, check digits right."""

    def name(value: str) -> str:
        return "<".join(value.upper().replace("-", " ").split())

    line1 = f"P<{issuing_state:<<3}{name(family_name)}<<{name(given_names)}".ljust(44, "<")[:44]
    number_field = number.ljust(9, "<")
    birth_field, expiry_field = birth.strftime("%y%m%d"), expiry.strftime("%y%m%d")
    personal = "<" * 14
    line2 = (
        f"{number_field}{mrz_check_digit(number_field)}{nationality:<<3}"
        f"{birth_field}{mrz_check_digit(birth_field)}{sex}"
        f"{expiry_field}{mrz_check_digit(expiry_field)}{personal}<"
    )
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    return f"{line1}\n{line2}{mrz_check_digit(composite)}"


# --- The demo cases, as data ----------------------------------------------------------------

# Persons are dicts for `services.person_create`, plus "key" (how groups and route legs of the
# same case refer to them). Relative dates keep the demo looking current whenever it is seeded.


@dataclass(frozen=True)
class DemoShare:
    recipient: str  # NCB code
    access: str
    purpose: str
    days: int  # the share expires this many days after seeding


@dataclass(frozen=True)
class DemoCase:
    owner: str  # NCB code
    actor: str  # the officer who opens it (and so holds victim identity on it)
    title: str
    data: dict[str, Any]
    opened_days_ago: int
    persons: tuple[dict[str, Any], ...] = ()
    groups: tuple[dict[str, Any], ...] = ()  # name, description, aliases, members: (key, role)
    legs: tuple[dict[str, Any], ...] = ()  # route leg data; "persons": keys
    status_path: tuple[str, ...] = ()  # moves after opening, by the owner's supervisor
    outcome: str = ""
    requalify: tuple[str, str] | None = None  # (offence type, reason), by the actor
    tasks: tuple[dict[str, Any], ...] = ()  # title, description, assignee, due_in_days
    notes: tuple[str, ...] = ()
    shares: tuple[DemoShare, ...] = ()
    links_to: tuple[tuple[str, str, str], ...] = ()  # (owner, title, note) of earlier cases
    identity_grants: tuple[str, ...] = ()  # usernames granted victim identity by the owner
    # supervisor (after the shares, so that users of recipient NCBs may be granted too)


MAMA_JOY = {
    "key": "joy",
    "role": "SUSPECT",
    "family_name": "OSARUMWEN-TEST",
    "forenames": "Joy",
    "aliases": ["Mama Joy", "Madam J"],
    "sex": "F",
    "date_of_birth": "1979-04-12",
    "place_of_birth": "Benin City",
    "country_of_birth": "NG",
    "nationalities": ["NGA"],
    "roles_in_process": ["ORGANISER", "CONTROLLER", "MONEY_LAUNDERER"],
    "phones": ["+234 803 555 0101", "+33 6 00 00 00 01"],
    "documents": [
        {
            "doc_type": "PASSPORT",
            "issuing_state": "NGA",
            "issued_on": "2019-02-01",
            "expires_on": "2029-01-31",
            "authenticity": "GENUINE",
            "mrz": td3_mrz(
                issuing_state="NGA",
                number="A55501234",
                family_name="OSARUMWEN TEST",
                given_names="JOY",
                nationality="NGA",
                birth=date(1979, 4, 12),
                sex="F",
                expiry=date(2029, 1, 31),
            ),
        }
    ],
}
# The "connection house" keeper in Tripoli: the same Libyan number in the French and the
# Italian case.
TRIPOLI_KEEPER = {
    "key": "keeper",
    "role": "FACILITATOR",
    "family_name": "AL-MASRI-TEST",
    "forenames": "Khaled",
    "aliases": ["Captain K"],
    "sex": "M",
    "nationalities": ["LBY"],
    "roles_in_process": ["HARBOURER", "SMUGGLER"],
    "phones": ["+218 91 555 0101"],
}


def _days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


# fmt: off
DEMO_CASES: tuple[DemoCase, ...] = (
    DemoCase(
        owner="FR", actor="officer_fr", opened_days_ago=240,
        title="Mama Joy network: sexual exploitation of Nigerian women in Paris (fictitious)",
        data={
            "summary": "Fictitious demo case. Women recruited in Benin City with promises of "
                       "work as hairdressers, moved through Agadez, Tripoli and Lampedusa, "
                       "exploited in Paris under a debt of 35,000 euros and a juju oath.",
            "offence_type": "THB",
            "exploitation_forms": ["SEXUAL"],
            "countries": [("NG", "ORIGIN"), ("NE", "TRANSIT"), ("LY", "TRANSIT"),
                          ("IT", "TRANSIT"), ("FR", "DESTINATION")],
            "palermo_acts": ["RECRUITMENT", "TRANSPORTATION", "HARBOURING"],
            "palermo_means": ["DECEPTION", "THREAT", "ABUSE_OF_VULNERABILITY"],
            "palermo_purposes": ["SEXUAL"],
            "handling_codes": ["H1"],
            "source_reliability": "B",
            "information_accuracy": "2",
        },
        persons=(
            MAMA_JOY,
            TRIPOLI_KEEPER,
            {
                "key": "driver", "role": "SUSPECT", "family_name": "MAIGA-TEST",
                "forenames": "Abdoulaye", "sex": "M", "date_of_birth": "1985",
                "nationalities": ["NER"], "roles_in_process": ["TRANSPORTER"],
                "phones": ["+227 90 55 01 01"],
            },
            {
                "key": "victim", "role": "VICTIM", "family_name": "EDOSA-TEST",
                "forenames": "Blessing", "sex": "F", "date_of_birth": "1999-08-03",
                "nationalities": ["NGA"], "exploitation_started_on": _days_ago(500),
                "recruitment_methods": ["JOB_OFFER", "MIGRATION_OFFER"],
                "means_of_control": ["DEBT_BONDAGE", "THREATS", "WITHHOLDS_DOCUMENTS"],
                "relationship_to_trafficker": "RECRUITER", "referred_to_support": True,
                "phones": ["+33 6 00 00 00 21"],
                "documents": [{"doc_type": "PASSPORT", "number": "A55509876",
                               "issuing_state": "NGA", "authenticity": "GENUINE",
                               "withheld_by_exploiter": True}],
            },
            {
                # A child at the start of exploitation: the case becomes INTERPOL confidential.
                "key": "child", "role": "VICTIM", "family_name": "IDAHOSA-TEST",
                "forenames": "Precious", "sex": "F", "date_of_birth": "2009-01-20",
                "nationalities": ["NGA"], "exploitation_started_on": _days_ago(400),
                "recruitment_methods": ["FAMILY_OR_FRIEND"],
                "means_of_control": ["DEBT_BONDAGE", "RESTRICTS_MOVEMENT"],
                "referred_to_support": True,
                "documents": [{"doc_type": "PASSPORT", "number": "B55500042",
                               "issuing_state": "NGA", "authenticity": "IMPOSTOR",
                               "withheld_by_exploiter": True}],
            },
            {
                "key": "witness", "role": "WITNESS", "family_name": "LEROY-TEST",
                "forenames": "Martine", "sex": "F", "nationalities": ["FRA"],
                "phones": ["+33 6 00 00 00 31"],
            },
        ),
        groups=({
            "name": "Mama Joy network (fictitious)", "aliases": ["The Sisters"],
            "description": "Recruits in Edo State, moves women through Niger and Libya, "
                           "controls them in Paris through a debt and an oath.",
            "members": (("joy", "LEADER"), ("keeper", "ASSOCIATE"), ("driver", "MEMBER")),
        },),
        legs=(
            {"stage": "RECRUITMENT", "from_country": "NG", "from_place": "Lagos",
             "to_country": "NE", "to_place": "Agadez", "mode": "ROAD",
             "border_crossing_regular": True,
             "border_crossing_method": "OFFICIAL_CROSSING_POINT",
             "departed_on": _days_ago(540), "arrived_on": _days_ago(536),
             "persons": ["victim", "child", "driver"]},
            {"stage": "TRANSIT", "from_country": "NE", "from_place": "Agadez",
             "to_country": "LY", "to_place": "Tripoli", "mode": "ROAD",
             "border_crossing_regular": False,
             "border_crossing_method": "IRREGULAR_LAND_CROSSING",
             "departed_on": _days_ago(530), "arrived_on": _days_ago(522),
             "persons": ["victim", "child", "driver"]},
            {"stage": "TRANSIT", "from_country": "LY", "from_place": "Tripoli",
             "to_country": "IT", "to_place": "Lampedusa", "mode": "SEA",
             "border_crossing_regular": False,
             "border_crossing_method": "IRREGULAR_SEA_CROSSING",
             "departed_on": _days_ago(470), "arrived_on": _days_ago(469),
             "persons": ["victim", "child", "keeper"]},
            {"stage": "TRANSIT", "from_country": "IT", "from_place": "Lampedusa",
             "to_country": "IT", "to_place": "Rome", "mode": "SEA",
             "departed_on": _days_ago(460), "arrived_on": _days_ago(458),
             "persons": ["victim", "child"]},
            {"stage": "DESTINATION", "from_country": "IT", "from_place": "Rome",
             "to_country": "FR", "to_place": "Paris", "mode": "RAIL",
             "notes": "Travelled with Italian asylum seekers' papers supplied by the network.",
             "departed_on": _days_ago(430), "arrived_on": _days_ago(429),
             "persons": ["victim", "child"]},
            {"stage": "EXPLOITATION", "from_country": "FR", "from_place": "Paris",
             "to_country": "FR", "to_place": "Paris, Château-Rouge", "mode": "FOOT",
             "persons": ["victim", "child", "joy"]},
        ),
        status_path=(CaseStatus.UNDER_INVESTIGATION,),
        tasks=(
            {"title": "Request Nigerian civil registry check of the two victims",
             "assignee": "officer_fr", "due_in_days": 10},
            {"title": "Prepare the HST information exchange to NCB Abuja",
             "assignee": "supervisor_fr", "due_in_days": 3},
        ),
        notes=(
            "Both victims referred to a specialised NGO shelter; the child is placed with "
            "child protection services.",
            "Italian colleagues confirm the Libyan number in their Lampedusa case.",
        ),
        shares=(
            DemoShare("IT", ShareAccess.READ, "Joint work on the Mama Joy network with SCO "
                      "Rome (same suspects and phone numbers).", days=180),
            DemoShare("DE", ShareAccess.READ, "Money transfers of the network go through a "
                      "Frankfurt money service business.", days=90),
        ),
    ),
    DemoCase(
        owner="IT", actor="officer_it", opened_days_ago=470,
        title="Lampedusa landing: Tripoli smuggling cell behind a boat of 48 migrants "
              "(fictitious)",
        data={
            "summary": "Fictitious demo case. Opened as smuggling after a landing on "
                       "Lampedusa; interviews of the women on board showed they had been "
                       "recruited for exploitation in France.",
            "offence_type": "SMUGGLING",
            "countries": [("NG", "ORIGIN"), ("LY", "TRANSIT"), ("IT", "DESTINATION")],
            "palermo_acts": ["TRANSPORTATION", "TRANSFER"],
            "source_reliability": "B",
            "information_accuracy": "3",
        },
        persons=(
            {**MAMA_JOY, "phones": ["+234 803 555 0101"], "documents": []},
            TRIPOLI_KEEPER,
            {
                "key": "pilot", "role": "OFFENDER", "family_name": "DIALLO-TEST",
                "forenames": "Mamadou", "sex": "M", "date_of_birth": "1996",
                "nationalities": ["GIN"], "roles_in_process": ["TRANSPORTER"],
            },
            {
                "key": "migrant", "role": "SMUGGLED_MIGRANT", "family_name": "TRAORE-TEST",
                "forenames": "Ibrahim", "sex": "M", "date_of_birth": "2001",
                "nationalities": ["MLI"],
            },
            {
                "key": "victim", "role": "POSSIBLE_VICTIM", "family_name": "OSAGIE-TEST",
                "forenames": "Faith", "sex": "F", "date_of_birth": "2002-11-30",
                "nationalities": ["NGA"], "recruitment_methods": ["JOB_OFFER"],
                "means_of_control": ["DEBT_BONDAGE"],
            },
        ),
        groups=({
            "name": "Mama Joy network (fictitious)",
            "description": "Known to NCB Paris; organises the crossings from Tripoli.",
            "members": (("joy", "LEADER"), ("keeper", "LIEUTENANT")),
        },),
        legs=(
            {"stage": "TRANSIT", "from_country": "LY", "from_place": "Tripoli",
             "to_country": "IT", "to_place": "Lampedusa", "mode": "SEA",
             "border_crossing_regular": False,
             "border_crossing_method": "IRREGULAR_SEA_CROSSING",
             "departed_on": _days_ago(472), "arrived_on": _days_ago(471),
             "persons": ["pilot", "migrant", "victim"]},
        ),
        status_path=(CaseStatus.UNDER_INVESTIGATION, CaseStatus.REFERRED_TO_PROSECUTION),
        requalify=("THB", "Interviews show the women were recruited for sexual exploitation "
                          "in France under a debt: a trafficking case, not only smuggling."),
        notes=("The boat pilot was convicted of aiding illegal entry; the trafficking "
               "investigation continues.",),
        shares=(
            DemoShare("FR", ShareAccess.READ, "Same network as the Paris case of NCB France.",
                      days=180),
        ),
        links_to=(("FR", "Mama Joy network: sexual exploitation of Nigerian women in Paris "
                         "(fictitious)", "Same suspect, phones and route."),),
    ),
    DemoCase(
        owner="DE", actor="officer_de", opened_days_ago=150,
        title="Forced labour on construction sites near Hamburg (fictitious)",
        data={
            "summary": "Fictitious demo case. Workers recruited through a French "
                       "subcontractor, paid a fraction of the minimum wage, housed on site, "
                       "identity cards kept by the foreman.",
            "offence_type": "THB",
            "exploitation_forms": ["FORCED_LABOUR"],
            "countries": [("RO", "ORIGIN"), ("FR", "TRANSIT"), ("DE", "DESTINATION")],
            "palermo_acts": ["RECRUITMENT", "HARBOURING"],
            "palermo_means": ["FRAUD", "ABUSE_OF_VULNERABILITY"],
            "palermo_purposes": ["FORCED_LABOUR"],
        },
        persons=(
            {
                "key": "foreman", "role": "SUSPECT", "family_name": "KRAUSE-TEST",
                "forenames": "Dieter", "sex": "M", "date_of_birth": "1970-06-02",
                "nationalities": ["D"], "roles_in_process": ["EXPLOITER", "CONTROLLER"],
                "phones": ["+49 151 55500001"],
            },
            {
                "key": "agent", "role": "FACILITATOR", "family_name": "DUVAL-TEST",
                "forenames": "Marc", "sex": "M", "date_of_birth": "1981-12-09",
                "nationalities": ["FRA"], "roles_in_process": ["RECRUITER"],
                "phones": ["+33 6 00 00 00 41"],
            },
            {
                "key": "worker", "role": "VICTIM", "family_name": "POPESCU-TEST",
                "forenames": "Andrei", "sex": "M", "date_of_birth": "1990-03-15",
                "nationalities": ["ROU"], "recruitment_methods": ["RECRUITMENT_AGENCY"],
                "means_of_control": ["TAKES_EARNINGS", "WITHHOLDS_DOCUMENTS",
                                     "EXCESSIVE_WORKING_HOURS"],
                "documents": [{"doc_type": "ID_CARD", "number": "RX5550123",
                               "issuing_state": "ROU", "withheld_by_exploiter": True}],
            },
        ),
        status_path=(CaseStatus.UNDER_INVESTIGATION,),
        tasks=({"title": "Check the French subcontractor's registration",
                "assignee": "officer_fr", "due_in_days": 14},),
        shares=(
            DemoShare("FR", ShareAccess.READ_WRITE, "The recruiting subcontractor is in "
                      "Strasbourg: joint investigation with NCB France.", days=120),
        ),
        identity_grants=("supervisor_fr",),
    ),
    DemoCase(
        owner="FR", actor="officer_fr", opened_days_ago=60,
        title="Domestic servitude in a diplomatic household, Neuilly (fictitious)",
        data={
            "summary": "Fictitious demo case. A domestic worker's passport kept by her "
                       "employers, no days off, no pay for two years. The family has moved "
                       "to Berlin.",
            "offence_type": "THB",
            "exploitation_forms": ["DOMESTIC_SERVITUDE"],
            "countries": [("PH", "ORIGIN"), ("FR", "DESTINATION"), ("DE", "DESTINATION")],
            "palermo_means": ["ABUSE_OF_VULNERABILITY"],
        },
        persons=(
            {
                "key": "employer", "role": "SUSPECT", "family_name": "VASSEUR-TEST",
                "forenames": "Claire", "sex": "F", "date_of_birth": "1968-02-22",
                "nationalities": ["FRA"], "roles_in_process": ["EXPLOITER"],
                "phones": ["+33 6 00 00 00 51"],
            },
            {
                "key": "worker", "role": "VICTIM", "family_name": "SANTOS-TEST",
                "forenames": "Maria Luz", "sex": "F", "date_of_birth": "1987-07-07",
                "nationalities": ["PHL"], "means_of_control": ["WITHHOLDS_DOCUMENTS",
                                                                "RESTRICTS_MOVEMENT"],
                "relationship_to_trafficker": "EMPLOYER", "referred_to_support": True,
            },
        ),
        tasks=({"title": "Ask NCB Wiesbaden to locate the employers in Berlin",
                "assignee": "officer_fr", "due_in_days": 2},),
        shares=(
            # Ends in a few days: the demo of a share about to expire.
            DemoShare("DE", ShareAccess.READ, "Locate the employers, who moved to Berlin.",
                      days=3),
        ),
    ),
    DemoCase(
        owner="FR", actor="officer_fr", opened_days_ago=20,
        title="Children forced to pickpocket in the Paris metro (fictitious)",
        data={
            "summary": "Fictitious demo case. Three boys aged 12 to 15 arrested repeatedly "
                       "on line 1; their earnings collected every evening by an adult.",
            "offence_type": "THB",
            "exploitation_forms": ["FORCED_CRIMINALITY"],
            "countries": [("FR", "DESTINATION")],
        },
        persons=(
            {
                "key": "boy", "role": "VICTIM", "forenames": "Luka", "family_name": "N-TEST",
                "sex": "M", "date_of_birth": "2012", "referred_to_support": True,
            },
            {
                "key": "collector", "role": "SUSPECT", "family_name": "ROUX-TEST",
                "forenames": "Stéphane", "sex": "M", "date_of_birth": "1990-10-10",
                "nationalities": ["FRA"], "roles_in_process": ["CONTROLLER"],
                "phones": ["+33 6 00 00 00 61"],
            },
        ),
        notes=("Youth judge informed; the boys are in emergency care.",),
    ),
    DemoCase(
        owner="DE", actor="officer_de", opened_days_ago=700,
        title="Fake au pair agency in Frankfurt (fictitious)",
        data={
            "summary": "Fictitious demo case. Young women recruited online as au pairs and "
                       "exploited in private flats. The agency's owner was convicted.",
            "offence_type": "THB",
            "exploitation_forms": ["SEXUAL", "DOMESTIC_SERVITUDE"],
            "countries": [("UA", "ORIGIN"), ("PL", "TRANSIT"), ("DE", "DESTINATION")],
        },
        persons=(
            {
                "key": "owner", "role": "OFFENDER", "family_name": "BECKER-TEST",
                "forenames": "Holger", "sex": "M", "date_of_birth": "1975-01-30",
                "nationalities": ["D"], "roles_in_process": ["RECRUITER", "EXPLOITER"],
                "recruitment_platforms": ["aupair-dreams.example.org"],
                "phones": ["+49 151 55500002"],
            },
            {
                "key": "victim", "role": "VICTIM", "family_name": "KOVAL-TEST",
                "forenames": "Olena", "sex": "F", "date_of_birth": "2000-05-05",
                "nationalities": ["UKR"], "recruitment_methods": ["ONLINE_CONTACT"],
            },
        ),
        status_path=(CaseStatus.UNDER_INVESTIGATION, CaseStatus.REFERRED_TO_PROSECUTION,
                     CaseStatus.IN_COURT, CaseStatus.CLOSED),
        outcome="CONVICTION",
        notes=("Regional court of Frankfurt: four years and six months (fictitious).",),
    ),
    DemoCase(
        owner="NG", actor="officer_ng", opened_days_ago=300,
        title="Sham travel agency recruiting women in Benin City (fictitious)",
        data={
            "summary": "Fictitious demo case. A travel agency promising jobs in Europe, "
                       "linked by NAPTIP to departures towards Agadez.",
            "offence_type": "THB",
            "exploitation_forms": ["SEXUAL"],
            "countries": [("NG", "ORIGIN"), ("NE", "TRANSIT")],
            "palermo_acts": ["RECRUITMENT"],
            "palermo_means": ["DECEPTION", "FRAUD"],
        },
        persons=(
            {
                "key": "agent", "role": "SUSPECT", "family_name": "OMOREGIE-TEST",
                "forenames": "Samuel", "sex": "M", "date_of_birth": "1983-09-09",
                "nationalities": ["NGA"], "roles_in_process": ["RECRUITER", "DOCUMENT_FORGER"],
                "phones": ["+234 703 555 0144"],
            },
        ),
        status_path=(CaseStatus.UNDER_INVESTIGATION, CaseStatus.REFERRED_TO_PROSECUTION),
        shares=(
            DemoShare("FR", ShareAccess.READ, "Possible recruiter for the Mama Joy network.",
                      days=60),
        ),
    ),
    DemoCase(
        owner="TH", actor="officer_th", opened_days_ago=420,
        title="Forced labour on fishing vessels out of Samut Sakhon (fictitious)",
        data={
            "summary": "Fictitious demo case. Fishermen kept at sea for months, paid nothing, "
                       "beaten; transhipment at sea avoided port inspections.",
            "offence_type": "THB",
            "exploitation_forms": ["FORCED_LABOUR"],
            "countries": [("MM", "ORIGIN"), ("TH", "DESTINATION")],
        },
        persons=(
            {
                "key": "captain", "role": "SUSPECT", "family_name": "CHAIYAPORN-TEST",
                "forenames": "Somchai", "sex": "M", "date_of_birth": "1972-12-01",
                "nationalities": ["THA"], "roles_in_process": ["EXPLOITER"],
                "phones": ["+66 81 555 0101"],
            },
            {
                "key": "fisher", "role": "VICTIM", "family_name": "AUNG-TEST",
                "forenames": "Kyaw", "sex": "M", "date_of_birth": "1995",
                "nationalities": ["MMR"], "means_of_control": ["PHYSICAL_ABUSE",
                                                              "RESTRICTS_MOVEMENT"],
            },
        ),
        status_path=(CaseStatus.UNDER_INVESTIGATION, CaseStatus.REFERRED_TO_PROSECUTION,
                     CaseStatus.IN_COURT),
    ),
    DemoCase(
        owner="TH", actor="officer_th", opened_days_ago=45,
        title="Online scam compound recruiting through fake IT jobs (fictitious)",
        data={
            "summary": "Fictitious demo case. Graduates offered IT jobs in Bangkok, taken "
                       "across the border and forced to run online fraud.",
            "offence_type": "THB",
            "exploitation_forms": ["FORCED_CRIMINALITY"],
            "countries": [("TH", "TRANSIT"), ("MM", "DESTINATION")],
        },
        persons=(
            {
                "key": "recruiter", "role": "SUSPECT", "family_name": "WONG-TEST",
                "forenames": "Kevin", "aliases": ["HR Manager Kevin"], "sex": "M",
                "roles_in_process": ["RECRUITER"], "recruitment_platforms": ["Telegram"],
                "phones": ["+66 81 555 0199"],
            },
        ),
        shares=(
            DemoShare("BR", ShareAccess.READ, "Brazilian nationals among the recruits.",
                      days=90),
        ),
    ),
    DemoCase(
        owner="BR", actor="officer_br", opened_days_ago=200,
        title="Slave labour on cattle ranches in Pará (fictitious)",
        data={
            "summary": "Fictitious demo case. Labour inspectors freed 23 workers held by "
                       "debt at the ranch store.",
            "offence_type": "THB",
            "exploitation_forms": ["FORCED_LABOUR", "SLAVERY_OR_SIMILAR"],
            "countries": [("BR", "DESTINATION")],
        },
        persons=(
            {
                "key": "rancher", "role": "SUSPECT", "family_name": "MENDES-TEST",
                "forenames": "Joaquim", "sex": "M", "date_of_birth": "1960-04-04",
                "nationalities": ["BRA"], "roles_in_process": ["EXPLOITER"],
                "phones": ["+55 11 95555 0101"],
            },
            {
                "key": "worker", "role": "VICTIM", "family_name": "SILVA-TEST",
                "forenames": "José", "sex": "M", "date_of_birth": "1988",
                "nationalities": ["BRA"], "means_of_control": ["DEBT_BONDAGE"],
            },
        ),
        status_path=(CaseStatus.UNDER_INVESTIGATION,),
    ),
    DemoCase(
        owner="BR", actor="officer_br", opened_days_ago=90,
        title="Brazilian women exploited in massage parlours in Milan (fictitious)",
        data={
            "summary": "Fictitious demo case. Women recruited in Goiânia through a dating "
                       "app, sent to Milan via Lisbon.",
            "offence_type": "THB",
            "exploitation_forms": ["SEXUAL"],
            "countries": [("BR", "ORIGIN"), ("PT", "TRANSIT"), ("IT", "DESTINATION")],
        },
        persons=(
            {
                "key": "victim", "role": "POSSIBLE_VICTIM", "family_name": "PEREIRA-TEST",
                "forenames": "Ana Paula", "sex": "F", "date_of_birth": "1997-09-19",
                "nationalities": ["BRA"], "recruitment_methods": ["ROMANTIC_RELATIONSHIP"],
            },
        ),
        shares=(
            DemoShare("IT", ShareAccess.READ_WRITE, "The place of exploitation is in Milan.",
                      days=150),
        ),
    ),
    DemoCase(
        owner="IT", actor="officer_it", opened_days_ago=30,
        title="Gangmaster exploiting farm workers near Foggia (fictitious)",
        data={
            "summary": "Fictitious demo case. Tomato pickers paid by the crate, housed in a "
                       "shanty town, transported by the gangmaster's vans.",
            "offence_type": "UNDETERMINED",
            "countries": [("IT", "DESTINATION")],
        },
        persons=(
            {
                "key": "gangmaster", "role": "SUSPECT", "family_name": "RUSSO-TEST",
                "forenames": "Salvatore", "sex": "M", "date_of_birth": "1978-08-18",
                "nationalities": ["ITA"], "roles_in_process": ["EXPLOITER", "TRANSPORTER"],
                "phones": ["+39 333 000 0001"],
            },
        ),
        tasks=({"title": "Interview the workers with a cultural mediator",
                "assignee": "officer_it", "due_in_days": 7},),
    ),
)
# fmt: on


# --- Seeding ----------------------------------------------------------------------------------


@dataclass
class CasesDemoReport:
    cases_created: int = 0
    cases_present: int = 0
    persons_created: int = 0
    shares_created: int = 0
    created_references: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        return [
            f"Demo cases: {self.cases_created} cases created "
            f"({self.cases_present} already present), {self.persons_created} persons, "
            f"{self.shares_created} shares."
        ]


@transaction.atomic
def seed_cases_demo() -> CasesDemoReport:
    """Create the demo cases that do not exist yet (matched by owner NCB and title).

    Needs the contacts demo (its users and NCBs). Every write goes through the services as a
    demo user, so each case has its timeline and audit trail. Idempotent.
    """
    report = CasesDemoReport()
    existing = set(
        Case.objects.filter(title__in=[demo.title for demo in DEMO_CASES]).values_list(
            "owner_ncb__code", "title"
        )
    )
    missing = [demo for demo in DEMO_CASES if (demo.owner, demo.title) not in existing]
    report.cases_present = len(DEMO_CASES) - len(missing)
    if not missing:
        return report
    users = {user.username: user for user in get_user_model().objects.filter(is_active=True)}
    ncbs = {
        ncb.code: ncb
        for ncb in NationalCentralBureau.objects.select_related("country").filter(
            code__in={demo.owner for demo in DEMO_CASES}
        )
    }
    for demo in missing:
        _seed_case(demo, users=users, ncbs=ncbs, report=report)
    return report


def _seed_case(demo: DemoCase, *, users: dict, ncbs: dict, report: CasesDemoReport) -> Case:
    actor = users[demo.actor]
    supervisor = users[f"supervisor_{demo.owner.lower()}"]
    case = services.case_create(
        actor=actor,
        owner_ncb=ncbs[demo.owner],
        data={
            **demo.data,
            "title": demo.title,
            "opened_on": timezone.localdate() - timedelta(days=demo.opened_days_ago),
            "lead_officer": actor,
        },
    )
    persons: dict[str, Person] = {}
    for entry in demo.persons:
        data = {key: value for key, value in entry.items() if key != "key"}
        persons[entry["key"]] = services.person_create(actor=actor, case=case, data=data)
    report.persons_created += len(persons)
    for entry in demo.groups:
        group = services.group_create(
            actor=actor,
            case=case,
            data={key: entry[key] for key in ("name", "aliases", "description") if key in entry},
        )
        for key, role in entry["members"]:
            services.group_member_add(
                actor=actor, group=group, person=persons[key], role=GroupMemberRole(role)
            )
    for entry in demo.legs:
        data = {**entry, "persons": [persons[key] for key in entry.get("persons", [])]}
        services.route_leg_add(actor=actor, case=case, data=data)
    if demo.requalify:
        offence_type, reason = demo.requalify
        case = services.case_change_offence_type(
            actor=actor, case=case, offence_type=offence_type, reason=reason
        )
    for status in demo.status_path:
        case = services.case_change_status(
            actor=supervisor,
            case=case,
            status=status,
            outcome=demo.outcome if status == CaseStatus.CLOSED else "",
        )
    for share in demo.shares:
        services.case_share(
            actor=supervisor,
            case=case,
            recipient_ncb=ncbs[share.recipient],
            access=share.access,
            purpose=share.purpose,
            expires_at=timezone.now() + timedelta(days=share.days),
        )
        report.shares_created += 1
    for username in demo.identity_grants:
        services.victim_identity_grant(actor=supervisor, case=case, user=users[username])
    for entry in demo.tasks:
        services.task_create(
            actor=actor,
            case=case,
            title=entry["title"],
            description=entry.get("description", ""),
            assignee=users[entry["assignee"]],
            due_on=timezone.localdate() + timedelta(days=entry["due_in_days"]),
        )
    for text in demo.notes:
        services.case_note_add(actor=actor, case=case, text=text)
    for owner, title, note in demo.links_to:
        other = Case.objects.filter(owner_ncb__code=owner, title=title).first()
        if other is not None:
            services.case_link_create(
                actor=actor, from_case=case, to_case=other, link_type="SAME_NETWORK", note=note
            )
    report.cases_created += 1
    report.created_references.append(case.reference)
    return case
