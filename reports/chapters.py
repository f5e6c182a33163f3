"""The chapters of the Relazione computed from its objective sheets: the summary of results, the body's
performance by level of achievement, and the budget (context and resources). Pure: no queries, only the
sections already built."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal

from plans.achievement import Level
from plans.models import WorkState
from reports.sections import (
    ActivityRow,
    AreaSection,
    Budget,
    BudgetLine,
    LevelCounts,
    ObjectiveSection,
    StateCounts,
    Summary,
)


def state_counts(states: Iterable[str]) -> StateCounts:
    counts = Counter(states)
    return StateCounts(
        programmato=counts[WorkState.PROGRAMMATO],
        avviato=counts[WorkState.AVVIATO],
        concluso=counts[WorkState.CONCLUSO],
        rinviato=counts[WorkState.RINVIATO],
    )


def level_counts(label: str, levels: Iterable[str]) -> LevelCounts:
    counts = Counter(levels)
    return LevelCounts(
        label=label,
        reached=counts[Level.REACHED],
        partial=counts[Level.PARTIAL],
        missed=counts[Level.MISSED],
        not_measurable=counts[Level.NOT_MEASURABLE],
    )


def is_late(activity: ActivityRow, on: dt.date) -> bool:
    """Concluded after its deadline, or still open with the deadline passed at `on`."""
    if activity.planned_end is None:
        return False
    if activity.state == WorkState.CONCLUSO:
        return activity.actual_end is not None and activity.actual_end > activity.planned_end
    return activity.planned_end < on


def _inside(day: dt.date | None, days: tuple[dt.date | None, dt.date | None]) -> bool:
    first, last = days
    return day is not None and (first is None or first <= day) and (last is None or day <= last)


def summary(
    objectives: Sequence[ObjectiveSection], body: str, on: dt.date, days: tuple[dt.date | None, dt.date | None]
) -> Summary:
    activities = [activity for objective in objectives for activity in objective.activities]
    events = [event for objective in objectives for event in objective.events]
    events += [event for activity in activities for event in activity.events]
    # Approved within the year: a postponement asked in December and approved in January is the next year's.
    postponements = sum(
        1
        for event in events
        if event.transition == "rinvia" and event.status == "approved" and _inside(event.closed_on, days)
    )
    return Summary(
        objectives=state_counts(objective.state for objective in objectives),
        activities=state_counts(activity.state for activity in activities),
        activities_late=sum(1 for activity in activities if is_late(activity, on)),
        postponements=postponements,
        objective_levels=level_counts(body, (objective.level for objective in objectives)),
        indicator_levels=level_counts(
            body, (indicator.level for objective in objectives for indicator in objective.indicators)
        ),
    )


def performance(
    areas: Sequence[AreaSection], objectives: Sequence[ObjectiveSection], body: str
) -> tuple[LevelCounts, ...]:
    """Objectives by level, per area (a shared objective under each of its areas), then the body (each once)."""
    per_area = [
        level_counts(area.name or body, (objective.level for objective in area.objectives))
        for area in areas
        if area.code
    ]
    return (*per_area, level_counts(body, (objective.level for objective in objectives)))


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) if present else None


def _line(label: str, objectives: Sequence[ObjectiveSection]) -> BudgetLine:
    return BudgetLine(
        label=label,
        income=_sum(objective.budget_income for objective in objectives),
        expense=_sum(objective.budget_expense for objective in objectives),
    )


def budget(areas: Sequence[AreaSection], objectives: Sequence[ObjectiveSection], body: str) -> Budget:
    funded = [o for o in objectives if o.budget_income is not None or o.budget_expense is not None]
    return Budget(
        objectives=tuple(
            BudgetLine(label=f"{o.code} – {o.title}", income=o.budget_income, expense=o.budget_expense) for o in funded
        ),
        areas=tuple(_line(area.name, area.objectives) for area in areas if area.code and _has_budget(area.objectives)),
        total=_line(body, funded),
    )


def _has_budget(objectives: Iterable[ObjectiveSection]) -> bool:
    return any(o.budget_income is not None or o.budget_expense is not None for o in objectives)
