"""Level 3 of HST.md §8, meaning: dates in order (birth <= events <= creation; issue < expiry;
from <= to), MRZ check digits, THB needs a form of exploitation, smuggling needs a border
crossing, family names in capitals, and the victim / minor flags computed from the body (who is
a minor: see the package docstring)."""

import datetime as dt
from typing import Any

from messages_hst import codelists
from messages_hst.mrz import mrz_check_failures
from messages_hst.validation.document import (
    _add_years,
    _date,
    _dict,
    _list,
    _partial_date_range,
    _View,
)
from messages_hst.validation.problems import _Report

CLOCK_SKEW = dt.timedelta(minutes=5)


def compute_flags(message: Any) -> dict[str, bool]:
    """`victim_data_present` and `minor_data_present`, computed from the body (HST.md §3)."""
    view = _View(message if isinstance(message, dict) else {})
    return {
        "victim_data_present": bool(_victim_indexes(view)),
        "minor_data_present": bool(_minor_indexes(view)),
    }


def protected_person_refs(message: Any) -> set[str]:
    """The refs of the persons HST.md principle 5 protects: victims (by status, victim context
    or as exploited persons) and minors. Pages and the API mask them for readers without the
    victim-identity permission, by the same rule that computes the flags."""
    view = _View(message if isinstance(message, dict) else {})
    persons = dict(view.items("persons"))
    refs = (persons[i].get("ref") for i in {*_victim_indexes(view), *_minor_indexes(view)})
    return {ref for ref in refs if isinstance(ref, str)}


def with_computed_flags(message: dict) -> dict:
    """A copy of `message` whose handling carries the computed flags: what a composer sends."""
    return {**message, "handling": {**_dict(message.get("handling")), **compute_flags(message)}}


def _victim_indexes(view: _View) -> list[int]:
    exploited = {r for _, e in view.items("exploitation") for r in _list(e.get("victims"))}
    return [
        i
        for i, person in view.items("persons")
        if person.get("status") in codelists.VICTIM_STATUSES
        or "victim_context" in person
        or (isinstance(person.get("ref"), str) and person["ref"] in exploited)
    ]


def _minor_indexes(view: _View) -> list[int]:
    own_dates: dict[str, list[dt.date]] = {}
    for _, day, people, exploitation_or_travel in view.events():
        for ref in people if exploitation_or_travel else ():
            if isinstance(ref, str):
                own_dates.setdefault(ref, []).append(day)
    period = _dict(_dict(view.body.get("case_summary")).get("period"))
    case_dates = [day for day in (_date(period.get("from")), _date(period.get("to"))) if day]
    fallback = min(case_dates) if case_dates else view.created
    minors = []
    for i, person in view.items("persons"):
        age = _dict(person.get("victim_context")).get("age_at_exploitation")
        born = _partial_date_range(person.get("date_of_birth"))
        ref = person.get("ref")
        dates = own_dates.get(ref, []) if isinstance(ref, str) else []
        when = min(dates) if dates else fallback
        if (isinstance(age, int) and not isinstance(age, bool) and age < 18) or (
            born and when and _add_years(born[1], 18) > when
        ):
            minors.append(i)
    return minors


def _check_meaning(view: _View, now: dt.datetime, report: _Report) -> None:
    created = view.created
    if view.created_at and view.created_at > now + CLOCK_SKEW:
        report.error(
            "/created_at", "created_in_future", f"is later than now ({now:%Y-%m-%d %H:%M})"
        )
    version = view.message.get("codelists_version")
    if isinstance(version, str) and version != codelists.CODELISTS_VERSION:
        report.warning(
            "/codelists_version",
            "codelists_version_differs",
            f"written with code lists {version}; checked with {codelists.CODELISTS_VERSION}",
        )
    births = {}
    for i, person in view.items("persons"):
        family = person.get("family_name")
        if isinstance(family, str) and any(char.islower() for char in family):
            report.error(
                view.path("persons", i, "family_name"),
                "family_name_not_in_capitals",
                f"write the family name in capitals: {family.upper()}",
            )
        born = _partial_date_range(person.get("date_of_birth"))
        if born and isinstance(person.get("ref"), str):
            births[person["ref"]] = born[0]
        if born and created and born[0] > created:
            report.error(
                view.path("persons", i, "date_of_birth"),
                "birth_after_creation",
                "is in the future",
            )
    for path, day, people, _ in view.events():
        if created and day > created:
            report.error(path, "event_after_creation", f"{day} is after creation ({created})")
        for ref in people:
            if isinstance(ref, str) and ref in births and births[ref] > day:
                report.error(path, "event_before_birth", f"{day} is before {ref} was born")
    _check_date_order(view, report)
    _check_offence(view, report)

    flags = compute_flags(view.message)
    for flag, computed in flags.items():
        stated = view.handling.get(flag)
        if computed and stated is not True:
            report.error(f"/handling/{flag}", f"{flag}_not_set", "must be true: the body shows it")
        elif not computed and stated is True:
            report.warning(
                f"/handling/{flag}", f"{flag}_unexplained", "nothing in the body shows it"
            )
    if flags["minor_data_present"] and view.handling.get("dissemination") != "RECIPIENTS_ONLY":
        report.error(
            "/handling/dissemination",
            "minor_requires_recipients_only",
            "a message about a minor is for its recipients only (RECIPIENTS_ONLY)",
        )


def _check_date_order(view: _View, report: _Report) -> None:
    summary = _dict(view.body.get("case_summary"))
    spans = [(("case_summary", "period"), _dict(summary.get("period")), "from", "to")]
    spans += [(("exploitation", i, "period"), _dict(e.get("period")), "from", "to")
              for i, e in view.items("exploitation")]  # fmt: skip
    spans += [(("route_legs", i), leg, "departure_date", "arrival_date")
              for i, leg in view.items("route_legs")]  # fmt: skip
    for parts, span, start, end in spans:
        first, last = _date(span.get(start)), _date(span.get(end))
        if first and last and last < first:
            report.error(view.path(*parts, end), "dates_reversed", f"{end} is before {start}")
    for i, doc in view.items("documents"):
        issued, expires = _date(doc.get("issue_date")), _date(doc.get("expiry_date"))
        if issued and expires and expires <= issued:
            report.error(
                view.path("documents", i, "expiry_date"),
                "expiry_not_after_issue",
                "not after issue",
            )
        mrz = _list(doc.get("mrz"))
        if mrz and all(isinstance(line, str) for line in mrz):
            for failure in mrz_check_failures(mrz):
                report.error(
                    view.path("documents", i, "mrz", failure.line),
                    "mrz_check_digit",
                    f"{failure.field.replace('_', ' ')}: check digit {failure.found} at column "
                    f"{failure.position + 1}, expected {failure.expected}",
                )
    created, due = view.created, _date(view.message.get("response_due"))
    if created and due and due < created:
        report.error("/response_due", "response_due_before_creation", "is before creation")
    for i, request in view.items("requests"):
        deadline, path = _date(request.get("deadline")), view.path("requests", i, "deadline")
        if created and deadline and deadline < created:
            report.error(path, "deadline_before_creation", "is before the message was created")
        elif due and deadline and deadline > due:
            report.warning(path, "deadline_after_response_due", "is after response_due")


def _check_offence(view: _View, report: _Report) -> None:
    summary = _dict(view.body.get("case_summary"))
    offence, path = summary.get("offence_type"), "/body/case_summary/offence_type"
    if offence in ("THB", "THB_AND_SMUGGLING"):
        forms = [item.get("form") for _, item in view.items("exploitation") if item.get("form")]
        if not forms and not _list(_dict(summary.get("palermo_elements")).get("purposes")):
            report.error(
                path,
                "thb_without_exploitation",
                "trafficking needs a form of exploitation or a Palermo purpose",
            )
    if offence in ("SMUGGLING", "THB_AND_SMUGGLING"):
        crossings = [_dict(leg.get("border_crossing")) for _, leg in view.items("route_legs")
                     if "border_crossing" in leg]  # fmt: skip
        if not crossings:
            report.error(
                path, "smuggling_without_border_crossing", "smuggling needs a border crossing"
            )
        elif all(crossing.get("regular") is True for crossing in crossings):
            report.warning(path, "smuggling_only_regular_crossings", "every crossing is regular")
