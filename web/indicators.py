"""Indicators' achievement for one plan and year: expected against actual, % reached and a traffic light."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from plans.achievement import Achievement, achievement
from plans.models import Indicator, IndicatorTarget, Measurement, Plan
from plans.rules import visible_indicators


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    expected: str
    actual: str
    result: Achievement


def year_of(plan: Plan, today: dt.date) -> int:
    """The plan's year to show: this year while the plan runs, otherwise its last (or first) year."""
    return min(max(today.year, plan.year_start), plan.year_end)


def achievements(user: Any, plan: Plan, year: int) -> list[IndicatorRow]:
    indicators = (
        visible_indicators(user)
        .filter(objective__plan=plan)
        .select_related("objective")
        .prefetch_related(
            Prefetch("targets", queryset=IndicatorTarget.objects.filter(year=year), to_attr="year_targets"),
            Prefetch(
                "measurements",
                queryset=Measurement.objects.filter(year=year).order_by("-measured_on", "-pk"),
                to_attr="year_measurements",
            ),
        )
        .order_by("objective__number", "objective__code", "position")
    )
    rows = []
    for indicator in indicators:
        target = indicator.year_targets[0] if indicator.year_targets else None
        actual = indicator.year_measurements[0] if indicator.year_measurements else None
        rows.append(
            IndicatorRow(
                indicator=indicator,
                expected=target.raw if target else "",
                actual=actual.raw if actual else "",
                result=achievement(target, actual, indicator.direction),
            )
        )
    return rows
