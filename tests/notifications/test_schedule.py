"""When reminders about a deadline fall due, on the Italian calendar."""

from __future__ import annotations

import datetime as dt

from hypothesis import assume, given
from hypothesis import strategies as st

from notifications.calendar import is_working_day
from notifications.schedule import Due, Rules, due_reminders, next_reminder_day

RULES = Rules(leads=(14, 7, 1), escalate_after=5)
END = dt.date(2026, 6, 30)  # a Tuesday


def test_the_lead_reminders_fall_on_working_days_counted_back_from_the_deadline() -> None:
    # 14 working days before 30 June: 10 June; 7 before: 19 June; 1 before: 29 June.
    assert due_reminders(END, dt.date(2026, 6, 9), RULES) == []
    assert due_reminders(END, dt.date(2026, 6, 10), RULES) == [Due("deadline", "2026-06-30:14")]
    assert due_reminders(END, dt.date(2026, 6, 19), RULES) == [Due("deadline", "2026-06-30:7")]
    assert due_reminders(END, dt.date(2026, 6, 29), RULES) == [Due("deadline", "2026-06-30:1")]
    assert due_reminders(END, END, RULES) == [Due("deadline", "2026-06-30:1")]


def test_overdue_the_first_working_day_after_then_weekly_then_escalated() -> None:
    assert due_reminders(END, dt.date(2026, 7, 1), RULES) == [Due("overdue", "2026-06-30:0")]
    assert due_reminders(END, dt.date(2026, 7, 7), RULES) == [
        Due("overdue", "2026-06-30:0"),
        Due("escalation", "2026-06-30"),
    ]
    assert Due("overdue", "2026-06-30:1") in due_reminders(END, dt.date(2026, 7, 8), RULES)


def test_the_lead_time_skips_a_national_holiday() -> None:
    # 7 working days before Friday 5 June 2026 skip 2 June (Festa della Repubblica): Tuesday 26 May.
    assert due_reminders(dt.date(2026, 6, 5), dt.date(2026, 5, 26), RULES) == [Due("deadline", "2026-06-05:7")]
    assert due_reminders(dt.date(2026, 6, 5), dt.date(2026, 5, 25), RULES) == [Due("deadline", "2026-06-05:14")]


def test_nothing_is_due_on_a_non_working_day() -> None:
    for day in (dt.date(2026, 6, 27), dt.date(2026, 6, 28), dt.date(2026, 8, 15), dt.date(2026, 12, 25)):
        assert due_reminders(END, day, RULES) == []
    assert due_reminders(dt.date(2026, 6, 26), dt.date(2026, 6, 24), RULES, patron="06-24") == []


def test_after_downtime_only_the_latest_reminder_is_due() -> None:
    # Down from 8 to 26 June: the 14- and 7-day reminders were missed; on the 26th only the 7-day one.
    assert due_reminders(END, dt.date(2026, 6, 26), RULES) == [Due("deadline", "2026-06-30:7")]


@given(
    end=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 12, 31)),
    offset=st.integers(min_value=-40, max_value=60),
)
def test_no_reminder_falls_due_between_today_and_the_next_reminder_day(end: dt.date, offset: int) -> None:
    today = end + dt.timedelta(days=offset)
    assume(is_working_day(today))  # the scan leaves the next day alone on days off
    following = next_reminder_day(end, today, RULES)
    assert following > today
    due_now = {due.period for due in due_reminders(end, today, RULES)}
    day = today + dt.timedelta(days=1)
    while day < following:  # in between, nothing new becomes due
        assert {due.period for due in due_reminders(end, day, RULES)} <= due_now, (end, today, day)
        day += dt.timedelta(days=1)
