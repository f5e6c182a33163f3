"""Italian month names, their usual abbreviations and month boundaries."""

from __future__ import annotations

import calendar
from datetime import date

__all__ = ["MONTH_NAMES", "month_bounds", "month_number"]

MONTH_NAMES: tuple[str, ...] = (
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
)

_ABBREVIATIONS: dict[str, int] = {
    "gen": 1,
    "genn": 1,
    "feb": 2,
    "febb": 2,
    "mar": 3,
    "apr": 4,
    "mag": 5,
    "magg": 5,
    "giu": 6,
    "lug": 7,
    "lugl": 7,
    "ago": 8,
    "set": 9,
    "sett": 9,
    "ott": 10,
    "nov": 11,
    "dic": 12,
}

_LOOKUP: dict[str, int] = {name: number for number, name in enumerate(MONTH_NAMES, start=1)} | _ABBREVIATIONS


def month_number(token: str) -> int | None:
    """``"Maggio"``, ``"MAGGIO"``, ``"mag"``, ``"Sett."`` → month number; anything else → ``None``."""
    key = token.strip().casefold()
    if key.endswith("."):
        key = key[:-1]
    return _LOOKUP.get(key)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month. Raises ``ValueError`` for an impossible year or month."""
    if not 1 <= month <= 12:
        raise ValueError(f"mese non valido: {month}")
    first = date(year, month, 1)
    return first, first.replace(day=calendar.monthrange(year, month)[1])
