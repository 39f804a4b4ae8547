"""Data the API and page scenarios need on top of the case dataset; a helper, not a scenario.

The case dataset (`bench.cases_data`) has a handful of persons per case and no phones, and
the directory has no contact points. Added here, in the bench database, once per dataset:

- the *big case*: a case of the bench NCB (France) with 200 persons (20 of them victims,
  protected), each with a mobile phone; 40 of those phones also belong to persons of other
  French cases (cross-case matches the persons list shows), 40 to persons of cases of other
  NCBs that France does not see (matches that must stay hidden);
- the *shared phone* `MATCH_PHONE`, known in `MATCH_CASES` cases: half French, half of other
  NCBs, the cross-case phone match scenario's number;
- the directory: a primary and a deputy contact point for every NCB, each with
  `CONTACT_HISTORY` past designations before the current one.

Rows are written directly (bulk, as `bench.cases_data` does), with the derived fields the
models compute on save (`Person.refresh_derived_fields`, E.164 phones). All names are
fictitious and marked TEST. Idempotent: the big case is found by its title.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta

BIG_CASE_TITLE = "Bench: case with 200 persons (test)"
BIG_CASE_PERSONS = 200
BIG_CASE_VICTIMS = 20
MATCHED_VISIBLE = 40
MATCHED_HIDDEN = 40
MATCH_PHONE = "+33 6 99 99 99 99"
MATCH_CASES = 30
CONTACT_HISTORY = 4
SEARCH_WORD = "OKAFOR"  # a family name of the dataset: the case list search term
CONTACT_SEARCH = "Wanjiru"  # part of some contact points' names
SEED = 20261128

FAMILY = ("MARTIN", "WANJIRU", "ABADI", "NOVAK", "LINDQVIST", "TANAKA", "OSEI", "MOREAU")
FORENAMES = ("Alex", "Sam", "Noor", "Jo", "Kim", "Ari", "Lee", "Max")


def ensure_api_data(*, log=print):
    """The big case (created with the rest of the data if absent)."""
    from bench.cases_data import refresh_statistics
    from ncb_cases.models import Case

    big = Case.objects.filter(title=BIG_CASE_TITLE).first()
    if big is not None:
        return big
    started = time.perf_counter()
    big = _generate()
    # Without it the planner keeps the counts of the data before the big case; in the tests,
    # where each test's rows are rolled back, that once turned the persons baseline into a
    # 25-second nested loop.
    refresh_statistics()
    log(f"  API data generated in {time.perf_counter() - started:.1f} s")
    return big


def _phone(number: int) -> str:
    return f"+336{number:08d}"


def _person(case, role: str, index: int, created_by_id: int):
    from ncb_cases.models import Person

    person = Person(
        case=case,
        role=role,
        family_name=f"{FAMILY[index % len(FAMILY)]}-TEST",
        forenames=FORENAMES[index % len(FORENAMES)],
        sex="U",
        date_of_birth=f"{1970 + index % 30}-0{1 + index % 9}-1{index % 10}",
        nationalities=["FRA"],
        created_by_id=created_by_id,
    )
    person.refresh_derived_fields()
    return person


def _generate():
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from bench.cases_data import BENCH_NCB, BENCH_OFFICER
    from contacts.validators import normalize_phone
    from ncb_cases.models import Case, Person, PersonPhone

    rng = random.Random(SEED)
    officer = get_user_model().objects.get(username=BENCH_OFFICER)
    french = list(Case.objects.filter(owner_ncb__code=BENCH_NCB).order_by("id")[:200])
    others = list(Case.objects.exclude(owner_ncb__code=BENCH_NCB).order_by("id")[:2000])
    # Cases of other NCBs the bench officer does not see (not shared with France).
    from ncb_cases.selectors.access import visible_cases

    visible = set(
        visible_cases(officer).filter(pk__in=[c.pk for c in others]).values_list("pk", flat=True)
    )
    hidden = [case for case in others if case.pk not in visible]
    big_template = french[0]
    with transaction.atomic():
        big = Case.objects.get(pk=big_template.pk)
        big.title = BIG_CASE_TITLE
        big.save(update_fields=["title"])
        persons = []
        for index in range(BIG_CASE_PERSONS):
            role = (
                "VICTIM"
                if index < BIG_CASE_VICTIMS
                else rng.choice(("SUSPECT", "OFFENDER", "WITNESS", "FACILITATOR"))
            )
            persons.append(_person(big, role, index, officer.pk))
        # Others: the persons elsewhere carrying the same phones, and the shared phone's.
        elsewhere = []
        for index in range(MATCHED_VISIBLE):
            elsewhere.append(
                (_person(rng.choice(french[1:]), "SUSPECT", index, officer.pk), index)
            )
        for index in range(MATCHED_HIDDEN):
            case = rng.choice(hidden)
            elsewhere.append(
                (_person(case, "SUSPECT", index, case.created_by_id or officer.pk), 100 + index)
            )
        match_persons = []
        for index in range(MATCH_CASES):
            # Modulo: at the test suite's tiny scales there are fewer cases than numbers.
            case = (
                french[1 + index % (len(french) - 1)]
                if index % 2 == 0
                else hidden[index % len(hidden)]
            )
            match_persons.append(
                _person(case, "FACILITATOR", index, case.created_by_id or officer.pk)
            )
        created = Person.objects.bulk_create(
            persons + [person for person, _ in elsewhere] + match_persons
        )
        phones = [
            PersonPhone(person=person, number=_phone(index))
            for index, person in enumerate(created[:BIG_CASE_PERSONS])
        ]
        phones += [
            PersonPhone(person=person, number=_phone(number))
            for (_template, number), person in zip(
                elsewhere,
                created[BIG_CASE_PERSONS : BIG_CASE_PERSONS + len(elsewhere)],
                strict=True,
            )
        ]
        shared = normalize_phone(MATCH_PHONE)
        phones += [
            PersonPhone(person=person, number=shared)
            for person in created[BIG_CASE_PERSONS + len(elsewhere) :]
        ]
        PersonPhone.objects.bulk_create(phones)
        _contact_points(rng)
    return big


def _contact_points(rng: random.Random) -> None:
    from contacts.models import ContactPoint, NationalCentralBureau

    if ContactPoint.objects.exists():
        return
    now = datetime.now(tz=UTC)
    rows = []
    for number, ncb in enumerate(NationalCentralBureau.objects.order_by("id")):
        for role_number, role in enumerate(("PRIMARY", "DEPUTY")):
            start = date(2018, 1, 1)
            for step in range(CONTACT_HISTORY + 1):
                end = None if step == CONTACT_HISTORY else start + timedelta(days=300)
                index = number * 11 + role_number * 5 + step
                rows.append(
                    ContactPoint(
                        ncb=ncb,
                        role=role,
                        full_name=f"{FORENAMES[index % 8]} {FAMILY[index % 8].title()} (test)",
                        title="Inspector (test)",
                        unit="THB desk (test)",
                        phone_24_7=f"+3347244{index % 10000:04d}",
                        secure_email=f"desk{index}@ncb-test.invalid",
                        time_zone="Europe/Paris",
                        designated_from=start,
                        designated_to=end,
                        last_verified_at=now - timedelta(days=rng.randrange(200)),
                    )
                )
                if end is not None:
                    start = end + timedelta(days=1)
    ContactPoint.objects.bulk_create(rows)
