"""The date of a monitoring report: the end of the day in Rome, the date the plan page suggests, and what is refused."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from plans.models import Organization, Plan
from reports.as_of import end_of
from reports.as_of_dates import parse_as_of, suggested_day
from workflow.errors import InvalidInput

ROME = ZoneInfo("Europe/Rome")
UTC = dt.UTC


def plan(first: int = 2025, last: int = 2026) -> Plan:
    """An unsaved plan: the checks read only its code and years."""
    return Plan(organization=Organization(slug="aurelia"), code="PEG", year_start=first, year_end=last)


@pytest.mark.parametrize(
    ("day", "utc"),
    [
        (dt.date(2026, 6, 30), dt.datetime(2026, 6, 30, 21, 59, 59, 999999, tzinfo=UTC)),  # summer time
        (dt.date(2026, 12, 31), dt.datetime(2026, 12, 31, 22, 59, 59, 999999, tzinfo=UTC)),
        (dt.date(2026, 10, 25), dt.datetime(2026, 10, 25, 22, 59, 59, 999999, tzinfo=UTC)),  # the clocks go back
    ],
)
def test_a_date_ends_at_the_last_instant_of_the_day_in_rome(day: dt.date, utc: dt.datetime) -> None:
    assert end_of(day) == utc
    assert end_of(day).astimezone(ROME).date() == day


@pytest.mark.parametrize(
    ("today", "suggested"),
    [
        (dt.date(2026, 12, 6), dt.date(2026, 9, 30)),
        (dt.date(2026, 9, 29), dt.date(2026, 6, 30)),
        (dt.date(2026, 3, 1), dt.date(2025, 9, 30)),
        (dt.date(2030, 1, 1), dt.date(2026, 9, 30)),  # a plan of the past: its last check
    ],
)
def test_the_page_suggests_the_latest_intermediate_check_already_passed(today: dt.date, suggested: dt.date) -> None:
    assert suggested_day(plan(), today) == suggested


def test_a_plan_that_has_just_started_suggests_today_and_one_not_started_nothing() -> None:
    assert suggested_day(plan(2026, 2026), dt.date(2026, 2, 3)) == dt.date(2026, 2, 3)
    assert suggested_day(plan(2027, 2027), dt.date(2026, 12, 6)) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "date_missing"),
        ("  ", "date_missing"),
        ("2026-13-01", "date_invalid"),
        ("31/06/2026", "date_invalid"),
        ("2026-06-30T10:00", "date_invalid"),
        ("2026-12-07", "date_future"),
        ("2024-12-31", "date_outside_plan"),
    ],
)
def test_bad_dates_are_refused_with_their_reason(value: str, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_as_of(value, plan(), today=dt.date(2026, 12, 6))
    assert refused.value.code == code


@pytest.mark.parametrize("value", ["2026-06-30", "30/06/2026", " 2026-06-30 "])
def test_both_the_forms_and_the_italian_way_of_writing_a_date_are_read(value: str) -> None:
    assert parse_as_of(value, plan(), today=dt.date(2026, 12, 6)) == dt.date(2026, 6, 30)


def test_today_itself_is_accepted() -> None:
    assert parse_as_of("2026-12-06", plan(), today=dt.date(2026, 12, 6)) == dt.date(2026, 12, 6)
