"""The grammar of a time expression once hints, prefixes and remarks are removed.

Input is folded text (see :func:`plans.parsing.text.fold`). Output is a :class:`Period`,
or ``None`` when the text is not a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from plans.parsing.dates import parse_numeric_date, parse_year
from plans.parsing.months import month_bounds, month_number
from plans.parsing.time_spec import TimeKind

__all__ = ["Period", "parse_period"]

_ANNUAL = frozenset(
    {
        "annuale",
        "annuali",
        "tutto l'anno",
        "per tutto l'anno",
        "intero anno",
        "l'intero anno",
        "continuativo",
        "continuativa",
        "continuativi",
        "continuative",
    }
)
_MONTH_POINT = re.compile(r"([a-z]+\.?)(?:\s+([0-9]{4}))?")
_NUMERIC_MONTH = re.compile(r"([0-9]{1,2})\s*/\s*([0-9]{4})")
_FROM_TO = re.compile(r"(?:da|dal)\s+(.+?)\s+(?:a|al|ad)\s+(.+)")
_LIST_SEPARATOR = re.compile(r"\s*(?:,|;|\be\b)\s*")


@dataclass(frozen=True, slots=True)
class Period:
    kind: TimeKind
    start: date
    end: date
    checkpoints: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class _Point:
    """One month, date or year, with whether the year was written explicitly."""

    kind: TimeKind
    start: date
    end: date
    year_given: bool


def parse_period(text: str, year: int) -> Period | None:
    """Parse a folded time expression relative to the plan ``year``."""
    text = text.strip()
    if not text:
        return None
    if text in _ANNUAL:
        return Period(TimeKind.ANNUAL, date(year, 1, 1), date(year, 12, 31))
    point = _point(text, year)
    if point is not None:
        return Period(point.kind, point.start, point.end)
    return _range(text, year) or _checkpoints(text, year)


def _point(text: str, year: int) -> _Point | None:
    text = text.strip()
    day = parse_numeric_date(text)
    if day is not None:
        return _Point(TimeKind.DATE, day, day, year_given=True)
    whole_year = parse_year(text)
    if whole_year is not None:
        return _Point(TimeKind.YEAR, date(whole_year, 1, 1), date(whole_year, 12, 31), year_given=True)
    numeric = _NUMERIC_MONTH.fullmatch(text)
    if numeric is not None:
        month, given = int(numeric[1]), parse_year(numeric[2])
        if given is None or not 1 <= month <= 12:
            return None
        return _Point(TimeKind.MONTH, *month_bounds(given, month), year_given=True)
    named = _MONTH_POINT.fullmatch(text)
    if named is None:
        return None
    month_or_none = month_number(named[1])
    if month_or_none is None:
        return None
    given = parse_year(named[2]) if named[2] else None
    if named[2] and given is None:
        return None
    return _Point(
        TimeKind.MONTH,
        *month_bounds(given if given is not None else year, month_or_none),
        year_given=given is not None,
    )


def _range(text: str, year: int) -> Period | None:
    parts = text.split("-")
    if len(parts) == 2:
        left, right = parts
    else:
        match = _FROM_TO.fullmatch(text)
        if match is None:
            return None
        left, right = match[1], match[2]
    first, last = _point(left, year), _point(right, year)
    if first is None or last is None:
        return None
    if last.year_given and not first.year_given:
        # "Novembre-Febbraio 2022": the start is in the end's year, or the year before.
        first = _point_not_after(left, last.end, last.end.year)
    elif not last.year_given and last.end < first.start:
        # "Ottobre-Marzo", "Novembre 2021-Febbraio": the end rolls into the following year.
        last = _point(right, first.start.year + 1)
    if first is None or last is None or last.end < first.start:
        return None
    return Period(TimeKind.RANGE, first.start, last.end)


def _point_not_after(text: str, limit: date, year: int) -> _Point | None:
    point = _point(text, year)
    if point is not None and point.start > limit:
        point = _point(text, year - 1)
    return point


def _checkpoints(text: str, year: int) -> Period | None:
    parts = _LIST_SEPARATOR.split(text)
    slash = len(parts) < 2
    if slash:
        # "Giugno/Ottobre": only month names, so that "ASL TO4/EE.GG." stays text.
        parts = text.split("/")
    if len(parts) < 2:
        return None
    points: list[_Point] = []
    for part in parts:
        point = _point(part, year)
        if point is None or point.kind not in {TimeKind.MONTH, TimeKind.DATE}:
            return None
        if slash and (point.kind is not TimeKind.MONTH or not part.strip()[:1].isalpha()):
            return None
        if points and point.end <= points[-1].end:
            if point.year_given:
                return None
            # "Ottobre/Febbraio": a later checkpoint without a year rolls into the next year.
            point = _point(part, points[-1].end.year)
            if point is not None and point.end <= points[-1].end:
                point = _point(part, points[-1].end.year + 1)
            if point is None:
                return None
        points.append(point)
    return Period(
        TimeKind.CHECKPOINTS,
        points[0].start,
        points[-1].end,
        tuple(point.end for point in points),
    )
