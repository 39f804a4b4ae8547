"""Data generator of the case-list benchmark (`bench.case_list`); a helper, not a scenario.

At scale 1.0 (DESIGN.md §7, issue 3): 100,000 cases across 50 NCBs, 500,000 persons, 20,000
shares, with each case's countries and exploitation forms, in the dedicated PostgreSQL
database `ncb_thb_bench` (or NCB_BENCH_DATABASE; created and migrated on first use). The
rows are the ones the services would write, loaded in bulk:

- the guardian grants of every open share exactly as `services.case_share` writes them:
  `view_case` for the recipient NCB's group, plus `change_case` for READ_WRITE; ended shares
  (revoked, or expired and processed) keep no grant; a few shares are past their expiry but
  not yet processed by the beat task, so their grants are still there and only the
  `CaseShare.expires_at` test of the selector hides them;
- the creator's personal `view_victim_identity` grant on each case (`services.case_create`);
- victims numbered V-1, V-2 … per case; children flagged; search names and name keys derived
  as `Person.refresh_derived_fields` derives them; reference counters that continue the
  numbering where the generated references stop.

One NCB, the *bench NCB* (France), owns 8% of the cases and receives 10% of the shares, so
that its officers see about 10% of all cases (the scenario of DESIGN.md §7). The other 49
share the rest evenly.

Loading uses COPY on PostgreSQL (a few seconds per 100,000 rows) and batched INSERTs
elsewhere (the test suite's SQLite, at tiny scales). Idempotent: a marker row records the
scale of the dataset; the same scale is not generated twice.
"""

from __future__ import annotations

import io
import os
import random
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

# NCB_BENCH_DATABASE names another database (one per checkout or person on a shared server).
BENCH_DATABASE = os.environ.get("NCB_BENCH_DATABASE", "ncb_thb_bench")
BENCH_SERVER = "postgres://postgres@127.0.0.1:5432"
BENCH_DATABASE_URL = f"{BENCH_SERVER}/{BENCH_DATABASE}"

FULL_CASES = 100_000
FULL_PERSONS = 500_000
FULL_SHARES = 20_000
NCB_COUNT = 50
BENCH_NCB = "FR"
BENCH_NCB_CASE_SHARE = 0.08  # of all cases, owned by the bench NCB
BENCH_NCB_SHARE_SHARE = 0.10  # of all shares, made to the bench NCB
ENDED_SHARES = 0.15  # revoked or expired and processed: history, no grant
UNPROCESSED_EXPIRED_SHARES = 0.01  # past expiry, grant not yet removed by the beat task
READ_WRITE_SHARES = 0.30
BENCH_OFFICER = "bench_fr_officer"
MARKER_TABLE = "bench_dataset"

SEED = 20260427
BATCH = 50_000


@dataclass(frozen=True)
class DatasetSize:
    cases: int
    persons: int
    shares: int

    @classmethod
    def at(cls, scale: float) -> DatasetSize:
        cases = max(20, round(FULL_CASES * scale))
        return cls(
            cases=cases,
            persons=max(cases, round(FULL_PERSONS * scale)),
            shares=max(10, round(FULL_SHARES * scale)),
        )

    def label(self) -> str:
        return f"{self.cases} cases, {self.persons} persons, {self.shares} shares"


# --- The dedicated database -------------------------------------------------------------------


def use_bench_database() -> None:
    """Point this process's Django at the bench database (created if missing), set Django up.

    Must run before Django is configured. DEBUG off (the settings' default) as in production:
    no query log slowing every request down.
    """
    import psycopg

    server = psycopg.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=5432)
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    server.close()
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ncb_cases.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-insecure-secret-key-" + "x" * 40)
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.conf import settings

    # The scenario requests through Django's test client, whose host is "testserver".
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --- Generation -------------------------------------------------------------------------------


def dataset_scale() -> float | None:
    """The scale of the dataset in the current database, None if there is none."""
    from django.db import connection

    with connection.cursor() as cursor:
        if MARKER_TABLE not in connection.introspection.table_names(cursor):
            return None
        cursor.execute(f"SELECT scale FROM {MARKER_TABLE}")
        row = cursor.fetchone()
    return row[0] if row else None


def ensure_dataset(*, scale: float, log=print) -> DatasetSize:
    """Generate the dataset at `scale` in the current database unless it is already there.

    A dataset of another scale is removed first (the generated rows, not the reference data).
    """
    size = DatasetSize.at(scale)
    present = dataset_scale()
    if present is not None and abs(present - scale) < 1e-9:
        log(f"  dataset at scale {scale:g} already generated ({size.label()})")
        return size
    if present is not None:
        log(f"  removing the dataset at scale {present:g}")
        remove_dataset()
    started = time.perf_counter()
    generate(size, log=log)
    log(f"  generated {size.label()} in {time.perf_counter() - started:.1f} s")
    return size


def remove_dataset() -> None:
    """Delete the generated rows (the bench users stay, so their ids do not change).

    Evidence generated on these cases (`bench.evidence_data`) goes first: it protects them.
    """
    from django.db import connection, transaction

    from bench.evidence_data import evidence_dataset, remove_evidence_dataset

    if evidence_dataset() is not None:
        remove_evidence_dataset()

    from ncb_cases.models import (
        Case,
        CaseCountry,
        CaseExploitationForm,
        CaseGroupObjectPermission,
        CaseReferenceCounter,
        CaseShare,
        CaseUserObjectPermission,
        Person,
        PersonPhone,
    )

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The audit rows of the scenarios' reads (bench.api, bench.pages) point at the
            # cases. The audit trail is append-only (triggers refuse DELETE): in the bench
            # database only, and for this transaction only, the triggers are set aside.
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE ncb_cases_auditevent DISABLE TRIGGER USER")
                cursor.execute("DELETE FROM ncb_cases_auditevent WHERE case_id IS NOT NULL")
                cursor.execute("ALTER TABLE ncb_cases_auditevent ENABLE TRIGGER USER")
        for model in (
            CaseGroupObjectPermission,
            CaseUserObjectPermission,
            CaseShare,
            CaseCountry,
            CaseExploitationForm,
            PersonPhone,  # the API data's (bench.api_data); the generator writes none
            Person,
            Case,
            CaseReferenceCounter,
        ):
            model.objects.all()._raw_delete(connection.alias)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {MARKER_TABLE}")


def generate(size: DatasetSize, *, log=print) -> None:
    """Write the whole dataset in one transaction, then the marker; ANALYZE on PostgreSQL."""
    from django.db import connection, transaction

    from contacts.reference import reference_data_load

    reference_data_load()
    rng = random.Random(SEED)
    with transaction.atomic():
        ncbs = _bench_ncbs()
        users = _bench_users(ncbs)
        loader = _Loader(connection)
        cases = _cases(rng, size, ncbs, users, loader)
        log(f"  {len(cases):,} cases")
        _case_facts(rng, cases, loader)
        _persons(rng, size, cases, loader)
        log(f"  {size.persons:,} persons")
        _shares(rng, size, cases, ncbs, users, loader)
        log(f"  {size.shares:,} shares and their grants")
        loader.reset_sequences()
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
                "(scale double precision NOT NULL, label varchar(200) NOT NULL)"
            )
            cursor.execute(f"DELETE FROM {MARKER_TABLE}")
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} (scale, label) VALUES (%s, %s)",
                [size.cases / FULL_CASES, size.label()],
            )
    refresh_statistics()


def refresh_statistics() -> None:
    """Fresh statistics and a visibility map, as autovacuum would give a live database, so the
    planner sees the generated rows (VACUUM cannot run in a transaction, as in a test; ANALYZE
    can)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


class _Loader:
    """Rows into tables with explicit ids: COPY on PostgreSQL, batched INSERTs elsewhere."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.models: list = []

    def next_id(self, model) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {model._meta.db_table}")
            return (cursor.fetchone()[0] or 0) + 1

    def load(self, model, fields: Sequence[str], rows: Iterable[Sequence]) -> None:
        columns = [model._meta.get_field(name).column for name in fields]
        table = model._meta.db_table
        self.models.append(model)
        batch: list[Sequence] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                self._write(table, columns, batch)
                batch = []
        if batch:
            self._write(table, columns, batch)

    def _write(self, table: str, columns: list[str], rows: list[Sequence]) -> None:
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                buffer = io.StringIO()
                buffer.writelines("\t".join(map(_copy_value, row)) + "\n" for row in rows)
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                    [tuple(self._adapt(value) for value in row) for row in rows],
                )

    def _adapt(self, value):
        if isinstance(value, uuid.UUID):
            return value.hex  # how Django stores a UUID where there is no uuid type
        if isinstance(value, datetime):
            return self.connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, date):
            return value.isoformat()
        return value

    def reset_sequences(self) -> None:
        from django.core.management.color import no_style

        statements = self.connection.ops.sequence_reset_sql(no_style(), set(self.models))
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = value if isinstance(value, str) else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "")
        )
    return text


# --- NCBs and users -----------------------------------------------------------------------------


def _bench_ncbs() -> list:
    """The bench NCB first, then 49 other member NCBs, each with its group."""
    from contacts.models import NationalCentralBureau
    from contacts.services import ncb_ensure_group

    others = list(
        NationalCentralBureau.objects.select_related("country")
        .exclude(code=BENCH_NCB)
        .order_by("code")[: NCB_COUNT - 1]
    )
    ncbs = [NationalCentralBureau.objects.select_related("country").get(code=BENCH_NCB), *others]
    for ncb in ncbs:
        ncb_ensure_group(ncb=ncb)
    return ncbs


def _bench_users(ncbs: list) -> dict[int, list]:
    """An officer, a supervisor and an analyst per NCB (`bench_<code>_<role>`), no password."""
    from django.contrib.auth import get_user_model

    from contacts.choices import OfficerRole
    from contacts.models import Officer

    user_model = get_user_model()
    roles = (OfficerRole.OFFICER, OfficerRole.SUPERVISOR, OfficerRole.ANALYST)
    wanted = {
        f"bench_{ncb.code.lower()}_{role.lower()}": (ncb, role) for ncb in ncbs for role in roles
    }
    existing = set(
        user_model.objects.filter(username__in=wanted).values_list("username", flat=True)
    )
    user_model.objects.bulk_create(
        [
            user_model(
                username=name,
                first_name="Bench",
                last_name=f"{name.upper()}-TEST",
                email=f"{name}@example.test",
                password="!",
            )
            for name in wanted
            if name not in existing
        ]
    )
    users = {user.username: user for user in user_model.objects.filter(username__in=wanted)}
    officers = set(
        Officer.objects.filter(user__in=users.values()).values_list("user_id", flat=True)
    )
    Officer.objects.bulk_create(
        [
            Officer(user=users[name], ncb=ncb, role=role)
            for name, (ncb, role) in wanted.items()
            if users[name].pk not in officers
        ]
    )
    through = user_model.groups.through
    through.objects.bulk_create(
        [
            through(user_id=users[name].pk, group_id=ncb.group_id)
            for name, (ncb, _r) in wanted.items()
        ],
        ignore_conflicts=True,
    )
    editors: dict[int, list] = {}
    for name, (ncb, role) in wanted.items():
        if role != OfficerRole.ANALYST:
            editors.setdefault(ncb.pk, []).append(users[name].pk)
    return editors


# --- Cases and their facts ----------------------------------------------------------------------

CITIES = (
    "Lyon",
    "Marseille",
    "Hamburg",
    "Milan",
    "Lagos",
    "Bangkok",
    "São Paulo",
    "Madrid",
    "Warsaw",
    "Nairobi",
    "Manila",
    "Istanbul",
    "Rotterdam",
    "Athens",
    "Dakar",
)
FORMS = (
    "SEXUAL",
    "FORCED_LABOUR",
    "DOMESTIC_SERVITUDE",
    "FORCED_BEGGING",
    "FORCED_CRIMINALITY",
    "FORCED_MARRIAGE",
    "ORGAN_REMOVAL",
    "OTHER",
)
FORM_WEIGHTS = (40, 30, 10, 6, 8, 3, 1, 2)
STATUSES = (
    ("OPEN", 20),
    ("UNDER_INVESTIGATION", 40),
    ("REFERRED_TO_PROSECUTION", 10),
    ("IN_COURT", 5),
    ("CLOSED", 25),
)
OFFENCES = (("THB", 55), ("SMUGGLING", 25), ("THB_AND_SMUGGLING", 10), ("UNDETERMINED", 10))
OUTCOMES = ("INVESTIGATION_CONCLUDED", "CONVICTION", "NO_FURTHER_ACTION")
CONFIDENTIALITY = ("INTERPOL_FOR_OFFICIAL_USE_ONLY", "INTERPOL_RESTRICTED")


@dataclass
class _Case:
    id: int
    owner_index: int  # into the NCB list
    creator_id: int
    opened_on: date
    created_at: datetime


def _weighted(rng: random.Random, pairs) -> list:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def _owner_indexes(rng: random.Random, count: int) -> list[int]:
    own = round(count * BENCH_NCB_CASE_SHARE)
    owners = [0] * own + [1 + i % (NCB_COUNT - 1) for i in range(count - own)]
    rng.shuffle(owners)
    return owners


def _cases(rng, size: DatasetSize, ncbs, editors, loader: _Loader) -> list[_Case]:
    from django.contrib.auth.models import Permission

    from ncb_cases.models import Case, CaseReferenceCounter, CaseUserObjectPermission

    first_id = loader.next_id(Case)
    now = datetime.now(tz=UTC).replace(microsecond=0)
    five_years = 5 * 365 * 24 * 3600
    owners = _owner_indexes(rng, size.cases)
    # Created in time order, so that ids and created_at agree as in a live database.
    moments = sorted(now - timedelta(seconds=rng.randrange(five_years)) for _ in owners)
    counters: dict[tuple[int, int], int] = {}
    cases: list[_Case] = []
    rows = []
    for offset, (owner_index, created_at) in enumerate(zip(owners, moments, strict=True)):
        ncb = ncbs[owner_index]
        key = (owner_index, created_at.year)
        counters[key] = counters.get(key, 0) + 1
        reference = f"{ncb.country.iso2}-{created_at.year}-{counters[key]:06d}"
        creator = rng.choice(editors[ncb.pk])
        opened_on = created_at.date() - timedelta(days=rng.randrange(30))
        status = _weighted(rng, STATUSES)
        closed = status == "CLOSED"
        form = rng.choices(FORMS, weights=FORM_WEIGHTS, k=1)[0]
        city = rng.choice(CITIES)
        updated_at = min(now, created_at + timedelta(seconds=rng.randrange(90 * 24 * 3600)))
        case = _Case(first_id + offset, owner_index, creator, opened_on, created_at)
        cases.append(case)
        rows.append(
            (
                case.id,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                reference,
                f"{form.replace('_', ' ').capitalize()} network around {city} (bench {offset})",
                f"Fictitious benchmark case {reference}: persons recruited and moved towards "
                f"{city}; exploitation reported by an NGO.",
                ncb.pk,
                status,
                rng.choice(OUTCOMES) if closed else "",
                _weighted(rng, OFFENCES),
                '["RECRUITMENT", "TRANSPORTATION"]',
                '["DECEPTION"]',
                f'["{form}"]',
                opened_on,
                (opened_on + timedelta(days=rng.randrange(1, 400))) if closed else None,
                creator if rng.random() < 0.7 else None,
                rng.choice(CONFIDENTIALITY),
                '["H1"]' if rng.random() < 0.3 else "[]",
                "",
                rng.choice("ABCX"),
                rng.choice("1234"),
                False,
                _add_years(created_at.date(), 5),
                # As migration ncb_cases 0006 sets it for existing cases: the last change.
                updated_at.date(),
                "ACTIVE",
                creator,
                created_at,
                updated_at,
            )
        )
    loader.load(
        Case,
        (
            "id",
            "public_id",
            "reference",
            "title",
            "summary",
            "owner_ncb_id",
            "status",
            "outcome",
            "offence_type",
            "palermo_acts",
            "palermo_means",
            "palermo_purposes",
            "opened_on",
            "closed_on",
            "lead_officer_id",
            "confidentiality_level",
            "handling_codes",
            "h3_text",
            "source_reliability",
            "information_accuracy",
            "minor_data_present",
            "retention_review_on",
            "retention_basis_on",
            "retention_state",
            "created_by_id",
            "created_at",
            "updated_at",
        ),
        rows,
    )
    loader.load(
        CaseReferenceCounter,
        ("id", "ncb_id", "year", "last_number"),
        (
            (loader.next_id(CaseReferenceCounter) + index, ncbs[owner].pk, year, last)
            for index, ((owner, year), last) in enumerate(sorted(counters.items()))
        ),
    )
    identity = Permission.objects.get(
        content_type__app_label="ncb_cases", codename="view_victim_identity"
    )
    first_grant = loader.next_id(CaseUserObjectPermission)
    loader.load(
        CaseUserObjectPermission,
        ("id", "user_id", "permission_id", "content_object_id"),
        ((first_grant + i, case.creator_id, identity.pk, case.id) for i, case in enumerate(cases)),
    )
    return cases


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _case_facts(rng, cases: list[_Case], loader: _Loader) -> None:
    """Each case's exploitation forms (1 or 2) and countries (origin, transit?, destination)."""
    from contacts.models import Country
    from ncb_cases.models import CaseCountry, CaseExploitationForm

    country_ids = list(Country.objects.order_by("iso2").values_list("pk", flat=True))
    first = loader.next_id(CaseExploitationForm)
    form_rows = []
    for case in cases:
        for form in rng.sample(FORMS, rng.choice((1, 1, 2))):
            form_rows.append((first + len(form_rows), case.id, form))
    loader.load(CaseExploitationForm, ("id", "case_id", "form"), form_rows)
    first = loader.next_id(CaseCountry)
    country_rows = []
    for case in cases:
        origin, transit, destination = rng.sample(country_ids, 3)
        roles = [(origin, "ORIGIN"), (destination, "DESTINATION")]
        if rng.random() < 0.5:
            roles.append((transit, "TRANSIT"))
        for country_id, role in roles:
            country_rows.append((first + len(country_rows), case.id, country_id, role))
    loader.load(CaseCountry, ("id", "case_id", "country_id", "role"), country_rows)


# --- Persons ------------------------------------------------------------------------------------

FAMILY_NAMES = (
    "DURAND",
    "OKAFOR",
    "ROSSI",
    "WEBER",
    "SILVA",
    "NGUYEN",
    "KOWALSKI",
    "POPESCU",
    "HAMIDI",
    "MENSAH",
    "SANTOS",
    "IVANOVA",
    "DIALLO",
    "CHAROEN",
    "GARCIA",
    "KHAN",
)
FORENAMES = (
    "Anna",
    "Blessing",
    "Marco",
    "Jonas",
    "Maria",
    "Linh",
    "Piotr",
    "Andrei",
    "Nadia",
    "Kwame",
    "Ana",
    "Olga",
    "Mamadou",
    "Ploy",
    "Lucia",
    "Imran",
)
PERSON_ROLES = (
    ("SUSPECT", 30),
    ("VICTIM", 30),
    ("POSSIBLE_VICTIM", 10),
    ("WITNESS", 10),
    ("SMUGGLED_MIGRANT", 10),
    ("FACILITATOR", 5),
    ("OFFENDER", 5),
)
NATIONALITIES = ("NGA", "FRA", "ITA", "D", "BRA", "VNM", "POL", "ROU", "MAR", "GHA", "PHL", "UKR")


def _persons(rng, size: DatasetSize, cases: list[_Case], loader: _Loader) -> None:
    from ncb_cases.models import Person
    from ncb_cases.validators import fold_text, is_child_on, person_name_key

    first = loader.next_id(Person)
    # Every case gets at least one person; the rest are spread at random.
    case_of = [*cases] + [rng.choice(cases) for _ in range(size.persons - len(cases))]
    case_of.sort(key=lambda case: case.id)
    folded = {name: fold_text(name) for name in (*FAMILY_NAMES, *FORENAMES)}
    victim_numbers: dict[int, int] = {}

    def rows():
        for offset, case in enumerate(case_of):
            role = _weighted(rng, PERSON_ROLES)
            family = rng.choice(FAMILY_NAMES)
            forename = rng.choice(FORENAMES)
            family_name = f"{family}-TEST"
            year = rng.randrange(1960, 2012)
            birth = (
                f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
                if rng.random() < 0.6
                else str(year)
            )
            is_child = is_child_on(birth, case.opened_on)
            protected = role in ("VICTIM", "POSSIBLE_VICTIM") or is_child
            number = None
            if protected:
                number = victim_numbers[case.id] = victim_numbers.get(case.id, 0) + 1
            yield (
                first + offset,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                case.id,
                role,
                family_name,
                forename,
                "",
                "[]",
                rng.choice("MFU"),
                birth,
                "",
                None,
                f'["{rng.choice(NATIONALITIES)}"]',
                "",
                "[]",
                "[]",
                "[]",
                "[]",
                "",
                protected and rng.random() < 0.5,
                None,
                is_child,
                number,
                f"{folded[family]} test | {folded[forename]}",
                person_name_key(family_name, forename, birth),
                case.creator_id,
                case.created_at,
                case.created_at,
            )

    loader.load(
        Person,
        (
            "id",
            "public_id",
            "case_id",
            "role",
            "family_name",
            "forenames",
            "name_original_script",
            "aliases",
            "sex",
            "date_of_birth",
            "place_of_birth",
            "country_of_birth_id",
            "nationalities",
            "addresses",
            "roles_in_process",
            "recruitment_methods",
            "recruitment_platforms",
            "means_of_control",
            "relationship_to_trafficker",
            "referred_to_support",
            "exploitation_started_on",
            "is_child",
            "victim_number",
            "search_names",
            "name_key",
            "created_by_id",
            "created_at",
            "updated_at",
        ),
        rows(),
    )
    # A child in a case raises it to the strictest confidentiality (services.persons).
    from ncb_cases.choices import STRICTEST_CONFIDENTIALITY
    from ncb_cases.models import Case

    Case.objects.filter(
        pk__in=Person.objects.filter(is_child=True, case_id__gte=cases[0].id).values("case_id")
    ).update(minor_data_present=True, confidentiality_level=STRICTEST_CONFIDENTIALITY)


# --- Shares and their grants ------------------------------------------------------------------


def _shares(rng, size: DatasetSize, cases: list[_Case], ncbs, editors, loader: _Loader) -> None:
    from django.contrib.auth.models import Permission

    from ncb_cases.models import CaseGroupObjectPermission, CaseShare

    # Shares are granted by a supervisor of the owner NCB (second of its editors).
    supervisors = [editors[ncb.pk][1] for ncb in ncbs]
    now = datetime.now(tz=UTC).replace(microsecond=0)
    to_bench = round(size.shares * BENCH_NCB_SHARE_SHARE)
    foreign = [case for case in cases if case.owner_index != 0]
    pairs: set[tuple[int, int]] = set()
    shares: list[tuple[_Case, int]] = []
    while len(shares) < to_bench:
        case = rng.choice(foreign)
        if (case.id, 0) not in pairs:
            pairs.add((case.id, 0))
            shares.append((case, 0))
    while len(shares) < size.shares:
        case = rng.choice(cases)
        recipient = rng.randrange(1, NCB_COUNT)
        if recipient != case.owner_index and (case.id, recipient) not in pairs:
            pairs.add((case.id, recipient))
            shares.append((case, recipient))
    permissions = {
        p.codename: p.pk
        for p in Permission.objects.filter(
            content_type__app_label="ncb_cases", codename__in=("view_case", "change_case")
        )
    }
    first_share = loader.next_id(CaseShare)
    first_grant = loader.next_id(CaseGroupObjectPermission)
    share_rows, grant_rows = [], []
    for offset, (case, recipient_index) in enumerate(shares):
        recipient = ncbs[recipient_index]
        granted_at = case.created_at + (now - case.created_at) * rng.random()
        access = "READ_WRITE" if rng.random() < READ_WRITE_SHARES else "READ"
        draw = rng.random()
        revoked_at = expired_at = None
        if draw < ENDED_SHARES:
            expires_at = granted_at + timedelta(days=rng.randrange(1, 365))
            if expires_at < now and rng.random() < 0.5:
                expired_at = expires_at
            else:
                revoked_at = min(now, granted_at + timedelta(days=rng.randrange(1, 30)))
                expires_at = max(expires_at, revoked_at + timedelta(days=1))
        elif draw < ENDED_SHARES + UNPROCESSED_EXPIRED_SHARES:
            expires_at = now - timedelta(minutes=rng.randrange(1, 600))
        else:
            expires_at = now + timedelta(days=rng.randrange(1, 365))
        supervisor = supervisors[case.owner_index]
        share_rows.append(
            (
                first_share + offset,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                case.id,
                recipient.pk,
                access,
                "Joint investigation: the network's persons or routes involve this NCB.",
                expires_at,
                supervisor,
                granted_at,
                revoked_at,
                supervisor if revoked_at else None,
                expired_at,
            )
        )
        if revoked_at is None and expired_at is None:
            codenames = ["view_case"] + (["change_case"] if access == "READ_WRITE" else [])
            for codename in codenames:
                grant_rows.append(
                    (
                        first_grant + len(grant_rows),
                        recipient.group_id,
                        permissions[codename],
                        case.id,
                    )
                )
    loader.load(
        CaseShare,
        (
            "id",
            "public_id",
            "case_id",
            "recipient_ncb_id",
            "access",
            "purpose",
            "expires_at",
            "granted_by_id",
            "created_at",
            "revoked_at",
            "revoked_by_id",
            "expired_at",
        ),
        share_rows,
    )
    loader.load(
        CaseGroupObjectPermission,
        ("id", "group_id", "permission_id", "content_object_id"),
        grant_rows,
    )
