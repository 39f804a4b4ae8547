"""The inbox's own problems (beside `validate_message`'s) and the HTTP status each one earns.

One table maps a problem code to its status, so a fresh answer and the replay of a stored
quarantined message give the same status for the same problems.
"""

from typing import Any

# The first error's code decides the status; codes not listed are validation errors (400).
HTTP_STATUS_BY_CODE = {
    "body_too_large": 413,
    "malformed_json": 400,
    "not_an_object": 400,
    "unknown_recipient": 404,
    "recipient_ambiguous": 400,
    "signature_missing": 403,
    "signature_unknown_key": 403,
    "signature_bad": 403,
    "duplicate_conflict": 409,
}
SIGNATURE_CODES = {
    "missing": "signature_missing",
    "unknown_key": "signature_unknown_key",
    "bad_signature": "signature_bad",
}
PATH_MAX, MESSAGE_MAX = 500, 1000


def problem(path: str, code: str, message: str, severity: str = "error") -> dict[str, str]:
    """One problem in the `{path, code, severity, message}` shape of HST.md §8."""
    return {
        "path": path[:PATH_MAX],
        "code": code,
        "severity": severity,
        "message": message[:MESSAGE_MAX] or code,
    }


def as_dicts(problems: list[Any]) -> list[dict[str, str]]:
    """`validation.Problem`s (or dicts already) as dicts, lengths bounded for the receipt."""
    result = []
    for item in problems:
        data = item if isinstance(item, dict) else item.as_dict()
        result.append(problem(data["path"], data["code"], data["message"], data["severity"]))
    return result


def errors(problems: list[dict[str, str]]) -> list[dict[str, str]]:
    return [item for item in problems if item.get("severity") == "error"]


def http_status_for(problems: list[dict[str, str]]) -> int:
    """The status of a refused message: that of its first error (400 when none is listed)."""
    for item in errors(problems):
        return HTTP_STATUS_BY_CODE.get(item.get("code", ""), 400)
    return 400
