"""The shipped reference data: INTERPOL's regions and bureaus, countries, capitals, membership.

Sources and assumptions (an administrator can correct any row in Django admin; the loader keeps
such corrections until the shipped version changes, see `contacts.reference.loader`):

- Countries are ISO 3166-1 as shipped by `pycountry`, plus Kosovo under the user-assigned code
  XK / XKX that the European Commission and most registries use (Kosovo is not in ISO 3166-1).
  Names are pycountry's common names ("Bolivia", "South Korea"), with the few inverted ISO names
  rewritten for a directory ("Palestine", "Democratic Republic of the Congo").
- Membership is INTERPOL's as of 2024: 196 member countries, that is the 193 UN member states
  except North Korea and Tuvalu, plus the State of Palestine (2017), the Vatican City State,
  and the Dutch Caribbean countries Aruba, Curaçao and Sint Maarten, which have their own NCBs.
  Micronesia (2021) and Palau (2023) are the latest members. Not members: North Korea, Tuvalu,
  Taiwan (since 1984), Kosovo (applications refused in 2018), Western Sahara, and dependent
  territories (Hong Kong and Macao are sub-bureaus of NCB Beijing; Puerto Rico, Gibraltar and
  the other territories are served by their sovereign's NCB).
- Regions follow INTERPOL's five regions as used for its regional conferences. Where we could not
  confirm INTERPOL's own grouping we used geography: Central Asia, Iran and Afghanistan are in
  Asia and South Pacific; Israel, Türkiye, Cyprus, Russia and the Caucasus in Europe; Sudan,
  Mauritania, Djibouti, Somalia and Comoros in Africa; the Arab states of North Africa and the
  Middle East in MENA. Territories take the region they lie in; uninhabited Antarctic and
  sub-Antarctic territories take the nearest one (Antarctica itself: Asia and South Pacific).
- Bureaus: the regional bureaus of Abidjan, Yaoundé, Nairobi and Harare (Africa), Buenos Aires
  and San Salvador (Americas), the Liaison Office in Bangkok (Asia), and a European Regional
  Bureau at Lyon for this system's European monitors. A member country is covered by the bureau
  of its sub-region (for countries in two regional police organisations, the one listed below);
  North America, Oceania, MENA and the territories have no covering bureau.
- Capitals are the official ones. An NCB is named "INTERPOL <capital>" except where its seat is
  well known to be elsewhere (`NCB_SEATS`), such as the Bundeskriminalamt's Wiesbaden.

Bump `REFERENCE_DATA_VERSION` whenever anything here changes, so that the loader applies it.
"""

REFERENCE_DATA_VERSION = "2024.1"


def codes(text: str) -> tuple[str, ...]:
    """ISO codes written as whitespace-separated text, which keeps long lists readable."""
    return tuple(text.split())


REGIONS: dict[str, str] = {
    "AF": "Africa",
    "AM": "Americas",
    "AP": "Asia and South Pacific",
    "EU": "Europe",
    "MENA": "Middle East and North Africa",
}

# code: (name, city, region)
BUREAUS: dict[str, tuple[str, str, str]] = {
    "RB-ABJ": ("Regional Bureau for West Africa", "Abidjan", "AF"),
    "RB-YAO": ("Regional Bureau for Central Africa", "Yaoundé", "AF"),
    "RB-NBO": ("Regional Bureau for Eastern Africa", "Nairobi", "AF"),
    "RB-HRE": ("Regional Bureau for Southern Africa", "Harare", "AF"),
    "RB-BUE": ("Regional Bureau for South America", "Buenos Aires", "AM"),
    "RB-SAL": ("Regional Bureau for Central America and the Caribbean", "San Salvador", "AM"),
    "LO-BKK": ("Liaison Office for Asia", "Bangkok", "AP"),
    "RB-EUR": ("European Regional Bureau", "Lyon", "EU"),
}

# Every country and territory, by region; members and non-members alike.
COUNTRIES_BY_REGION: dict[str, tuple[str, ...]] = {
    "AF": codes("""
        AO BF BI BJ BW CD CF CG CI CM CV DJ ER ET GA GH GM GN GQ GW KE KM LR LS MG ML MR MU
        MW MZ NA NE NG RW SC SD SL SN SO SS ST SZ TD TG TZ UG ZA ZM ZW
        BV IO RE SH TF YT
    """),
    "AM": codes("""
        AG AR BB BO BR BS BZ CA CL CO CR CU DM DO EC GD GT GY HN HT JM KN LC MX NI PA PE PY
        SR SV TT US UY VC VE AW CW SX
        AI BL BM BQ FK GF GL GP GS KY MF MQ MS PM PR TC VG VI
    """),
    "AP": codes("""
        AF AU BD BN BT CN FJ FM ID IN IR JP KG KH KI KR KZ LA LK MH MM MN MV MY NP NR NZ PG
        PH PK PW SB SG TH TJ TL TM TO UZ VN VU WS
        KP TV TW
        AQ AS CC CK CX GU HK HM MO MP NC NF NU PF PN TK UM WF
    """),
    "EU": codes("""
        AD AL AM AT AZ BA BE BG BY CH CY CZ DE DK EE ES FI FR GB GE GR HR HU IE IL IS IT LI
        LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SK SM TR UA VA
        XK AX FO GG GI IM JE SJ
    """),
    "MENA": codes("""
        AE BH DZ EG IQ JO KW LB LY MA OM PS QA SA SY TN YE
        EH
    """),
}

# INTERPOL's 196 member countries (2024), alphabetical by ISO code.
MEMBERS: frozenset[str] = frozenset(
    codes("""
        AD AE AF AG AL AM AO AR AT AU AW AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ
        CA CD CF CG CH CI CL CM CN CO CR CU CV CW CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI
        FJ FM FR GA GB GD GE GH GM GN GQ GR GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO
        JP KE KG KH KI KM KN KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML
        MM MN MR MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PS PT PW
        PY QA RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SX SY SZ TD TG TH TJ
        TL TM TN TO TR TT TZ UA UG US UY UZ VA VC VE VN VU WS YE ZA ZM ZW
    """)
)

# The bureau covering each member country of its sub-region.
BUREAU_COVERAGE: dict[str, tuple[str, ...]] = {
    "RB-ABJ": codes("BF BJ CI CV GH GM GN GW LR ML MR NE NG SL SN TG"),
    "RB-YAO": codes("CD CF CG CM GA GQ ST TD"),
    "RB-NBO": codes("BI DJ ER ET KE RW SD SO SS TZ UG"),
    "RB-HRE": codes("AO BW KM LS MG MU MW MZ NA SC SZ ZA ZM ZW"),
    "RB-BUE": codes("AR BO BR CL CO EC GY PE PY SR UY VE"),
    "RB-SAL": codes("AG AW BB BS BZ CR CU CW DM DO GD GT HN HT JM KN LC MX NI PA SV SX TT VC"),
    "LO-BKK": codes("""
        AF BD BN BT CN ID IN IR JP KG KH KR KZ LA LK MM MN MV MY NP PH PK SG TH TJ TL TM UZ
        VN
    """),
    "RB-EUR": codes("""
        AD AL AM AT AZ BA BE BG BY CH CY CZ DE DK EE ES FI FR GB GE GR HR HU IE IL IS IT LI
        LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SK SM TR UA VA
    """),
}

# Countries outside ISO 3166-1: (iso2, iso3, name).
EXTRA_COUNTRIES: tuple[tuple[str, str, str], ...] = (("XK", "XKX", "Kosovo"),)

# Inverted or long ISO names that read badly in a directory.
NAME_OVERRIDES: dict[str, str] = {
    "CD": "Democratic Republic of the Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "VG": "British Virgin Islands",
    "VI": "United States Virgin Islands",
}

# Where an NCB sits elsewhere than the capital, and we are sure of it.
NCB_SEATS: dict[str, str] = {
    "BO": "La Paz",  # seat of government; Sucre is the constitutional capital
    "CI": "Abidjan",  # seat of government; Yamoussoukro is the official capital
    "DE": "Wiesbaden",  # Bundeskriminalamt
    "GB": "Manchester",  # National Crime Agency's international crime bureau
    "LK": "Colombo",  # seat of the police; Sri Jayawardenepura Kotte is the capital
    "NL": "The Hague",
    "US": "Washington",  # the capital's name without ", D.C."
}

CAPITALS: dict[str, str] = {
    "AD": "Andorra la Vella",
    "AE": "Abu Dhabi",
    "AF": "Kabul",
    "AG": "Saint John's",
    "AI": "The Valley",
    "AL": "Tirana",
    "AM": "Yerevan",
    "AO": "Luanda",
    "AQ": "",
    "AR": "Buenos Aires",
    "AS": "Pago Pago",
    "AT": "Vienna",
    "AU": "Canberra",
    "AW": "Oranjestad",
    "AX": "Mariehamn",
    "AZ": "Baku",
    "BA": "Sarajevo",
    "BB": "Bridgetown",
    "BD": "Dhaka",
    "BE": "Brussels",
    "BF": "Ouagadougou",
    "BG": "Sofia",
    "BH": "Manama",
    "BI": "Gitega",
    "BJ": "Porto-Novo",
    "BL": "Gustavia",
    "BM": "Hamilton",
    "BN": "Bandar Seri Begawan",
    "BO": "Sucre",
    "BQ": "Kralendijk",
    "BR": "Brasília",
    "BS": "Nassau",
    "BT": "Thimphu",
    "BV": "",
    "BW": "Gaborone",
    "BY": "Minsk",
    "BZ": "Belmopan",
    "CA": "Ottawa",
    "CC": "West Island",
    "CD": "Kinshasa",
    "CF": "Bangui",
    "CG": "Brazzaville",
    "CH": "Bern",
    "CI": "Yamoussoukro",
    "CK": "Avarua",
    "CL": "Santiago",
    "CM": "Yaoundé",
    "CN": "Beijing",
    "CO": "Bogotá",
    "CR": "San José",
    "CU": "Havana",
    "CV": "Praia",
    "CW": "Willemstad",
    "CX": "Flying Fish Cove",
    "CY": "Nicosia",
    "CZ": "Prague",
    "DE": "Berlin",
    "DJ": "Djibouti",
    "DK": "Copenhagen",
    "DM": "Roseau",
    "DO": "Santo Domingo",
    "DZ": "Algiers",
    "EC": "Quito",
    "EE": "Tallinn",
    "EG": "Cairo",
    "EH": "Laayoune",
    "ER": "Asmara",
    "ES": "Madrid",
    "ET": "Addis Ababa",
    "FI": "Helsinki",
    "FJ": "Suva",
    "FK": "Stanley",
    "FM": "Palikir",
    "FO": "Tórshavn",
    "FR": "Paris",
    "GA": "Libreville",
    "GB": "London",
    "GD": "St. George's",
    "GE": "Tbilisi",
    "GF": "Cayenne",
    "GG": "Saint Peter Port",
    "GH": "Accra",
    "GI": "Gibraltar",
    "GL": "Nuuk",
    "GM": "Banjul",
    "GN": "Conakry",
    "GP": "Basse-Terre",
    "GQ": "Malabo",
    "GR": "Athens",
    "GS": "King Edward Point",
    "GT": "Guatemala City",
    "GU": "Hagåtña",
    "GW": "Bissau",
    "GY": "Georgetown",
    "HK": "Hong Kong",
    "HM": "",
    "HN": "Tegucigalpa",
    "HR": "Zagreb",
    "HT": "Port-au-Prince",
    "HU": "Budapest",
    "ID": "Jakarta",
    "IE": "Dublin",
    "IL": "Jerusalem",
    "IM": "Douglas",
    "IN": "New Delhi",
    "IO": "Diego Garcia",
    "IQ": "Baghdad",
    "IR": "Tehran",
    "IS": "Reykjavík",
    "IT": "Rome",
    "JE": "Saint Helier",
    "JM": "Kingston",
    "JO": "Amman",
    "JP": "Tokyo",
    "KE": "Nairobi",
    "KG": "Bishkek",
    "KH": "Phnom Penh",
    "KI": "Tarawa",
    "KM": "Moroni",
    "KN": "Basseterre",
    "KP": "Pyongyang",
    "KR": "Seoul",
    "KW": "Kuwait City",
    "KY": "George Town",
    "KZ": "Astana",
    "LA": "Vientiane",
    "LB": "Beirut",
    "LC": "Castries",
    "LI": "Vaduz",
    "LK": "Sri Jayawardenepura Kotte",
    "LR": "Monrovia",
    "LS": "Maseru",
    "LT": "Vilnius",
    "LU": "Luxembourg",
    "LV": "Riga",
    "LY": "Tripoli",
    "MA": "Rabat",
    "MC": "Monaco",
    "MD": "Chișinău",
    "ME": "Podgorica",
    "MF": "Marigot",
    "MG": "Antananarivo",
    "MH": "Majuro",
    "MK": "Skopje",
    "ML": "Bamako",
    "MM": "Naypyidaw",
    "MN": "Ulaanbaatar",
    "MO": "Macao",
    "MP": "Saipan",
    "MQ": "Fort-de-France",
    "MR": "Nouakchott",
    "MS": "Brades",
    "MT": "Valletta",
    "MU": "Port Louis",
    "MV": "Malé",
    "MW": "Lilongwe",
    "MX": "Mexico City",
    "MY": "Kuala Lumpur",
    "MZ": "Maputo",
    "NA": "Windhoek",
    "NC": "Nouméa",
    "NE": "Niamey",
    "NF": "Kingston",
    "NG": "Abuja",
    "NI": "Managua",
    "NL": "Amsterdam",
    "NO": "Oslo",
    "NP": "Kathmandu",
    "NR": "Yaren",
    "NU": "Alofi",
    "NZ": "Wellington",
    "OM": "Muscat",
    "PA": "Panama City",
    "PE": "Lima",
    "PF": "Papeete",
    "PG": "Port Moresby",
    "PH": "Manila",
    "PK": "Islamabad",
    "PL": "Warsaw",
    "PM": "Saint-Pierre",
    "PN": "Adamstown",
    "PR": "San Juan",
    "PS": "Ramallah",  # seat of the Palestinian Authority and of its NCB
    "PT": "Lisbon",
    "PW": "Ngerulmud",
    "PY": "Asunción",
    "QA": "Doha",
    "RE": "Saint-Denis",
    "RO": "Bucharest",
    "RS": "Belgrade",
    "RU": "Moscow",
    "RW": "Kigali",
    "SA": "Riyadh",
    "SB": "Honiara",
    "SC": "Victoria",
    "SD": "Khartoum",
    "SE": "Stockholm",
    "SG": "Singapore",
    "SH": "Jamestown",
    "SI": "Ljubljana",
    "SJ": "Longyearbyen",
    "SK": "Bratislava",
    "SL": "Freetown",
    "SM": "San Marino",
    "SN": "Dakar",
    "SO": "Mogadishu",
    "SR": "Paramaribo",
    "SS": "Juba",
    "ST": "São Tomé",
    "SV": "San Salvador",
    "SX": "Philipsburg",
    "SY": "Damascus",
    "SZ": "Mbabane",
    "TC": "Cockburn Town",
    "TD": "N'Djamena",
    "TF": "Port-aux-Français",
    "TG": "Lomé",
    "TH": "Bangkok",
    "TJ": "Dushanbe",
    "TK": "",
    "TL": "Dili",
    "TM": "Ashgabat",
    "TN": "Tunis",
    "TO": "Nuku'alofa",
    "TR": "Ankara",
    "TT": "Port of Spain",
    "TV": "Funafuti",
    "TW": "Taipei",
    "TZ": "Dodoma",
    "UA": "Kyiv",
    "UG": "Kampala",
    "UM": "",
    "US": "Washington, D.C.",
    "UY": "Montevideo",
    "UZ": "Tashkent",
    "VA": "Vatican City",
    "VC": "Kingstown",
    "VE": "Caracas",
    "VG": "Road Town",
    "VI": "Charlotte Amalie",
    "VN": "Hanoi",
    "VU": "Port Vila",
    "WF": "Mata-Utu",
    "WS": "Apia",
    "XK": "Pristina",
    "YE": "Sana'a",
    "YT": "Mamoudzou",
    "ZA": "Pretoria",
    "ZM": "Lusaka",
    "ZW": "Harare",
}
