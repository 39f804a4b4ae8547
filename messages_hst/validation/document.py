"""Tolerant reading of a message that may be malformed anywhere, shared by the levels of HST.md
§8: `_View` hands the checks of levels 2-4 the message's parts (a missing or mistyped part reads
as empty), the small helpers read one value each (None or an empty container rather than an
exception), and `_pointer` names where a problem is."""

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any


def _pointer(parts: Iterable[Any]) -> str:
    """RFC 6901 JSON pointer of `parts` ("" is the whole message)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _date_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z", value):
        return None
    try:
        return dt.datetime.fromisoformat(value[:-1] + "+00:00")
    except ValueError:
        return None


def _partial_date_range(value: Any) -> tuple[dt.date, dt.date] | None:
    """The earliest and the latest day that `YYYY`, `YYYY-MM` or `YYYY-MM-DD` can mean."""
    match = re.fullmatch(
        r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value if isinstance(value, str) else ""
    )
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day is not None:
            return dt.date(year, month, day), dt.date(year, month, day)
        if month is not None:
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return dt.date(year, month, 1), following - dt.timedelta(days=1)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a common year
        return day.replace(year=day.year + years, month=3, day=1)


class _View:
    """Tolerant read access to a message that may be malformed anywhere."""

    def __init__(self, message: dict) -> None:
        self.message = message
        self.body = _dict(message.get("body"))
        self.handling = _dict(message.get("handling"))
        self.thread = _dict(message.get("thread"))
        self.type = message.get("message_type")
        self.sender = _dict(message.get("sender")).get("ncb_code")
        self.created_at = _date_time(message.get("created_at"))
        self.created = self.created_at.date() if self.created_at else None

    def items(self, key: str) -> Iterator[tuple[int, dict]]:
        for index, item in enumerate(_list(self.body.get(key))):
            if isinstance(item, dict):
                yield index, item

    def path(self, *parts: Any) -> str:
        return _pointer(("body", *parts))

    def events(self) -> Iterator[tuple[str, dt.date, list, bool]]:
        """(path, date, person refs, is exploitation or travel) of every dated event."""
        for i, item in self.items("exploitation"):
            people = [*_list(item.get("victims")), *_list(item.get("exploiters"))]
            for end in ("from", "to"):
                if day := _date(_dict(item.get("period")).get(end)):
                    yield self.path("exploitation", i, "period", end), day, people, True
        for i, leg in self.items("route_legs"):
            for key in ("departure_date", "arrival_date"):
                if day := _date(leg.get(key)):
                    yield self.path("route_legs", i, key), day, _list(leg.get("persons")), True
        for key, field in (("documents", "issue_date"), ("financial", "date")):
            for i, item in self.items(key):
                if day := _date(item.get(field)):
                    yield self.path(key, i, field), day, [item.get("holder_ref")], False
        period = _dict(_dict(self.body.get("case_summary")).get("period"))
        for end in ("from", "to"):
            if day := _date(period.get(end)):
                yield self.path("case_summary", "period", end), day, [], False
