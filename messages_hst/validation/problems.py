"""What every level of HST.md §8 reports: a `Problem` (`{path, code, severity, message}`), and
the `_Report` the checks of levels 2-4 collect them in."""

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a message: where (a JSON pointer), what (a stable code), how bad."""

    path: str
    code: str
    severity: Severity
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class _Report(list[Problem]):
    def error(self, path: str, code: str, message: str) -> None:
        self.append(Problem(path, code, "error", message))

    def warning(self, path: str, code: str, message: str) -> None:
        self.append(Problem(path, code, "warning", message))
