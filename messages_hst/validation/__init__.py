"""Validation of HST messages: every problem at once, at the four levels of HST.md §8.

1. Syntax - the JSON Schema `hst-1.0.json` (required fields per type, code lists, formats,
   lengths), its errors translated into `Problem`s that point at the exact field.
2. References - every entity reference resolves, refs are unique, route legs are ordered and
   contiguous, recipients are distinct, a REPLY / REMINDER answers a known REQUEST, a CORRECTION /
   CANCEL supersedes a message of the same sender (the last two only with `known_messages`).
3. Meaning - dates in order (birth <= events <= creation; issue < expiry; from <= to), MRZ check
   digits, THB needs a form of exploitation, smuggling needs a border crossing, family names in
   capitals, and the computed victim / minor flags (`compute_flags`).
4. Policy - denied recipients, confidentiality at least the strictest entity override, overrides
   never widen dissemination, retention review within 5 years, a purpose, no inline biometrics.

Errors block sending; warnings need the approving supervisor's explicit override. HST.md does
not say which is which; these are warnings: no retention date (the default applies), a flag set
although nothing shows it, a victim named in clear, a REPLY from an NCB the REQUEST was not sent
to, a request deadline after `response_due`, smuggling with only regular crossings, an `x_` field
named like biometric data, other code lists. Everything else is an error.

Minors: a person is a minor when `victim_context.age_at_exploitation` < 18, or when they may have
been under 18 on the earliest date of their exploitation or travel (else of the case period,
else the creation date). A partial date of birth that leaves it open counts as a minor: HST.md
principle 5, children first. Pure Python (jsonschema), no Django.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from messages_hst.validation.document import _View
from messages_hst.validation.meaning import (
    CLOCK_SKEW,
    _check_meaning,
    compute_flags,
    protected_person_refs,
    with_computed_flags,
)
from messages_hst.validation.policy import OVERRIDABLE, RETENTION_YEARS, _check_policy
from messages_hst.validation.problems import Problem, Severity, _Report
from messages_hst.validation.references import (
    ENTITY_LISTS,
    ENTITY_REF_FIELDS,
    KnownMessages,
    _check_references,
    _check_thread,
)
from messages_hst.validation.schema import schema_is_valid_fast, schema_problems

__all__ = [
    "CLOCK_SKEW",
    "ENTITY_LISTS",
    "ENTITY_REF_FIELDS",
    "OVERRIDABLE",
    "RETENTION_YEARS",
    "KnownMessages",
    "Problem",
    "Severity",
    "compute_flags",
    "has_errors",
    "protected_person_refs",
    "schema_is_valid_fast",
    "schema_problems",
    "validate_message",
    "with_computed_flags",
]


def has_errors(problems: Iterable[Problem]) -> bool:
    """Whether any problem blocks sending (warnings only need a supervisor's override)."""
    return any(problem.severity == "error" for problem in problems)


def validate_message(
    message: Any, *, known_messages: KnownMessages | None = None, now: dt.datetime | None = None
) -> list[Problem]:
    """Every problem of `message`: syntax first, then references, meaning and policy.

    `known_messages` maps a message id to an earlier message (or is a function doing so); without
    it the checks that need earlier messages are skipped. `now` (default: the current UTC time)
    catches messages dated in the future. Never raises, whatever the input.
    """
    problems = schema_problems(message)
    if isinstance(message, dict):
        view, report = _View(message), _Report()
        _check_references(view, report)
        _check_thread(view, known_messages, report)
        _check_meaning(view, now or dt.datetime.now(dt.UTC), report)
        _check_policy(view, report)
        problems += report
    return list(dict.fromkeys(problems))
