"""When reminders about a deadline fall due. Pure date arithmetic on the Italian working calendar.

For an open item with planned end E:
- before E: the owner is reminded `leads` working days before it (by default 14, 7 and 1);
- after E: on the first working day after it, then every week while it stays open (moved to the next
  working day when the weekly day is a holiday);
- `escalate_after` working days after E, the area head is told, once per deadline.

After downtime only the latest reminder of each sort is due, never a backlog of stale ones: the keys
(kind, period) make each reminder a single row however many times a scan runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from notifications.calendar import add_working_days, is_working_day, next_working_day

# The next reminder day of an open item whose plan is not live (a draft, a closed or a validated year): never.
# The scan that meets such an item parks it here, so that it leaves the partial index's due range and no later
# scan reads it again; when its plan becomes live again (adopted), its items' day is reset to null
# (notifications.events.plan_life_changed), and the next scan works it out. Correctness never rests on it: the
# scan asks the plan's state of every item it reads (plans.freeze.is_live).
NOT_LIVE = dt.date.max

WEEK = dt.timedelta(days=7)
# The reminder days of a deadline depend on nothing but the calendar: a scan works them out once per
# (deadline, patron saint) however many items share the deadline, and once for both functions below.
calendar_cache = lru_cache(maxsize=65_536)


@dataclass(frozen=True)
class Rules:
    leads: tuple[int, ...] = (14, 7, 1)
    escalate_after: int = 5

    @classmethod
    def from_settings(cls) -> Rules:
        return cls(
            leads=tuple(sorted(settings.REMINDER_LEAD_WORKING_DAYS, reverse=True)),
            escalate_after=settings.ESCALATION_AFTER_WORKING_DAYS,
        )


@dataclass(frozen=True)
class Due:
    kind: str  # a notifications.models.Message.Kind value
    period: str


@calendar_cache
def _lead_day(end: dt.date, lead: int, patron: str) -> dt.date:
    return add_working_days(end, -lead, patron)


@calendar_cache
def _first_overdue_day(end: dt.date, patron: str) -> dt.date:
    return add_working_days(end, 1, patron)


@calendar_cache
def _overdue_day(end: dt.date, week: int, patron: str) -> dt.date:
    return next_working_day(_first_overdue_day(end, patron) + week * WEEK, patron)


@calendar_cache
def _escalation_day(end: dt.date, rules: Rules, patron: str) -> dt.date:
    return add_working_days(end, rules.escalate_after, patron)


def due_reminders(end: dt.date, today: dt.date, rules: Rules, patron: str = "") -> list[Due]:
    """The reminders about deadline `end` that are due on `today`: none on a non-working day."""
    if not is_working_day(today, patron):
        return []
    due: list[Due] = []
    passed_leads = [lead for lead in rules.leads if _lead_day(end, lead, patron) <= today]
    if today <= end and passed_leads:
        closest = min(passed_leads)
        due.append(Due("deadline", f"{end.isoformat()}:{closest}"))
    first = _first_overdue_day(end, patron)
    if today >= first:
        week = (today - first).days // 7
        while week > 0 and _overdue_day(end, week, patron) > today:
            week -= 1
        due.append(Due("overdue", f"{end.isoformat()}:{week}"))
    if today >= _escalation_day(end, rules, patron):
        due.append(Due("escalation", end.isoformat()))
    return due


def next_reminder_day(end: dt.date, today: dt.date, rules: Rules, patron: str = "") -> dt.date:
    """The first day after `today` on which a new reminder about `end` falls due."""
    candidates = [_lead_day(end, lead, patron) for lead in rules.leads]
    candidates += [_first_overdue_day(end, patron), _escalation_day(end, rules, patron)]
    first = _first_overdue_day(end, patron)
    if today >= first:
        week = (today - first).days // 7
        candidates += [_overdue_day(end, week, patron), _overdue_day(end, week + 1, patron)]
    return min(day for day in candidates if day > today)
