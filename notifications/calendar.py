"""Working days in Italy: no weekends, no national holidays, no local patron saint's day.

Nothing is sent on a non-working day, and lead times ("7 working days before") are counted in working days.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import cache

import holidays

logger = logging.getLogger(__name__)


@cache
def _national_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Italy(years=year))


def _patron_day(patron_saint_day: str, year: int) -> dt.date | None:
    """`patron_saint_day` is "MM-DD" (as in Organization.patron_saint_day), or blank."""
    if not patron_saint_day:
        return None
    try:
        month, day = (int(part) for part in patron_saint_day.split("-"))
    except ValueError:
        # Written by hand in the database past the model's validator: no local holiday rather than a crash of every
        # page and scan of the body; the body's settings page and the admin refuse such a day.
        logger.warning("patron saint's day %r is not MM-DD: no local holiday counted", patron_saint_day)
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:  # 02-29 in a common year: no local holiday that year
        return None


def is_working_day(day: dt.date, patron_saint_day: str = "") -> bool:
    if day.weekday() >= 5:
        return False
    if day in _national_holidays(day.year):
        return False
    return day != _patron_day(patron_saint_day, day.year)


def next_working_day(day: dt.date, patron_saint_day: str = "") -> dt.date:
    """`day` itself when it is a working day, otherwise the first working day after it."""
    while not is_working_day(day, patron_saint_day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, count: int, patron_saint_day: str = "") -> dt.date:
    """The working day `count` working days after `day` (before it when `count` is negative)."""
    step = dt.timedelta(days=1 if count >= 0 else -1)
    remaining = abs(count)
    while remaining:
        day += step
        if is_working_day(day, patron_saint_day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, patron_saint_day: str = "") -> int:
    """How many working days lie after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day, patron_saint_day)
    return count


def first_working_day_of_month(year: int, month: int, patron_saint_day: str = "") -> dt.date:
    return next_working_day(dt.date(year, month, 1), patron_saint_day)
