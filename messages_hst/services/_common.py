"""What the HST services share: the validation error that carries the problems."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError

from messages_hst.validation import Problem


def problem_dict(problem: Problem | Mapping[str, str]) -> dict[str, str]:
    """A problem as the dict stored on a message and shown by adapters."""
    if isinstance(problem, Problem):
        return problem.as_dict()
    return {key: str(problem.get(key, "")) for key in ("path", "code", "severity", "message")}


class HSTValidationError(ValidationError):
    """A message that may not move on: `ValidationError({"document": ["<path>: <message>"]})`
    (plus any other field errors), with the problem dicts in `.problems` for adapters that show
    them next to the fields of the document."""

    def __init__(
        self,
        problems: Iterable[Problem | Mapping[str, str]],
        *,
        extra: Mapping[str, list[str]] | None = None,
    ) -> None:
        self.problems = [problem_dict(problem) for problem in problems]
        errors: dict[str, list[str]] = {}
        if self.problems:
            errors["document"] = [
                f"{problem['path'] or '/'}: {problem['message']}" for problem in self.problems
            ]
        for key, messages in (extra or {}).items():
            errors.setdefault(key, []).extend(messages)
        super().__init__(errors)
