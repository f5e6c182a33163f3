"""Numeric dates (``31/12/2019``) and year bounds."""

from __future__ import annotations

import re
from datetime import date

__all__ = ["MAX_YEAR", "MIN_YEAR", "looks_like_numeric_date", "parse_numeric_date", "parse_year"]

# Years outside this window are not read as years: they are almost certainly typos or other numbers.
MIN_YEAR = 1900
MAX_YEAR = 2199

# d/m/yyyy, also with "." or "-" (the same separator twice) and spaces around it.
_NUMERIC_DATE = re.compile(r"([0-9]{1,2})\s*([/.\-])\s*([0-9]{1,2})\s*\2\s*([0-9]{4})")
_YEAR = re.compile(r"[0-9]{4}")


def looks_like_numeric_date(text: str) -> bool:
    """True when the text has the shape of d/m/yyyy, whether or not the date exists."""
    return _NUMERIC_DATE.fullmatch(text.strip()) is not None


def parse_numeric_date(text: str) -> date | None:
    """``"31/12/2019"`` → ``date(2019, 12, 31)``; an impossible date (``31/02/2021``) → ``None``."""
    match = _NUMERIC_DATE.fullmatch(text.strip())
    if match is None:
        return None
    year = int(match[4])
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, int(match[3]), int(match[1]))
    except ValueError:
        return None


def parse_year(text: str) -> int | None:
    """A four-digit year within ``MIN_YEAR..MAX_YEAR``, else ``None``."""
    stripped = text.strip()
    if _YEAR.fullmatch(stripped) is None:
        return None
    year = int(stripped)
    return year if MIN_YEAR <= year <= MAX_YEAR else None
