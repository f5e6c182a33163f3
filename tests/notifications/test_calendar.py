"""The Italian working calendar: weekends, national holidays, the patron saint, first working days."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications.calendar import (
    add_working_days,
    first_working_day_of_month,
    is_working_day,
    next_working_day,
    working_days_between,
)

HOLIDAYS_2026 = {
    "Capodanno": dt.date(2026, 1, 1),
    "Epifania": dt.date(2026, 1, 6),
    "Pasquetta": dt.date(2026, 4, 6),
    "Liberazione": dt.date(2026, 4, 25),
    "Festa del lavoro": dt.date(2026, 5, 1),
    "Repubblica": dt.date(2026, 6, 2),
    "Ferragosto": dt.date(2026, 8, 15),
    "Ognissanti": dt.date(2026, 11, 1),
    "Immacolata": dt.date(2026, 12, 8),
    "Natale": dt.date(2026, 12, 25),
    "Santo Stefano": dt.date(2026, 12, 26),
    "Pasquetta 2027": dt.date(2027, 3, 29),
}


@pytest.mark.parametrize("name", HOLIDAYS_2026)
def test_national_holidays_are_not_working_days(name: str) -> None:
    assert not is_working_day(HOLIDAYS_2026[name])


def test_weekends_are_not_working_days_and_weekdays_are() -> None:
    assert not is_working_day(dt.date(2026, 5, 16))  # Saturday
    assert not is_working_day(dt.date(2026, 5, 17))  # Sunday
    assert is_working_day(dt.date(2026, 5, 18))  # Monday


def test_the_patron_saint_is_a_holiday_only_where_it_is_set() -> None:
    san_giovanni = dt.date(2026, 6, 24)  # a Wednesday: Torino, Genova, Firenze
    assert is_working_day(san_giovanni)
    assert not is_working_day(san_giovanni, "06-24")
    assert is_working_day(dt.date(2027, 2, 26), "02-29")  # no 29 February in 2027: nothing to skip


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2026, 1, dt.date(2026, 1, 2)),  # 1 January is Capodanno
        (2026, 2, dt.date(2026, 2, 2)),  # 1 February is a Sunday
        (2026, 5, dt.date(2026, 5, 4)),  # 1 May is a holiday and a Friday; then the weekend
        (2026, 6, dt.date(2026, 6, 1)),  # Monday; 2 June comes after
        (2026, 8, dt.date(2026, 8, 3)),  # 1 August is a Saturday
        (2026, 11, dt.date(2026, 11, 2)),  # 1 November is a Sunday and a holiday
        (2027, 1, dt.date(2027, 1, 4)),  # Friday 1 January is Capodanno, then the weekend
    ],
)
def test_the_first_working_day_of_the_month(year: int, month: int, expected: dt.date) -> None:
    assert first_working_day_of_month(year, month) == expected


def test_working_day_arithmetic_skips_holidays() -> None:
    # Friday 24 April 2026 + 1 working day: Saturday 25 April (Liberazione), Sunday, so Monday 27.
    assert add_working_days(dt.date(2026, 4, 24), 1) == dt.date(2026, 4, 27)
    assert add_working_days(dt.date(2026, 4, 27), -1) == dt.date(2026, 4, 24)
    assert next_working_day(dt.date(2026, 12, 25)) == dt.date(2026, 12, 28)
    assert working_days_between(dt.date(2026, 12, 24), dt.date(2026, 12, 31)) == 4  # 28, 29, 30, 31
    assert working_days_between(dt.date(2026, 12, 31), dt.date(2026, 12, 24)) == 0
