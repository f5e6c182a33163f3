"""Indicators' achievement for one plan and year: expected against actual, % reached and a traffic light.

The list is paged: `indicators_of` is the queryset to page, `achievements` reads one page's targets and
measurements (three queries, whatever the page size) and works out each row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from evaluation.models import ScoreSnapshot
from plans.achievement import DEFAULT_RULE, Achievement, ScoringRule, achievement
from plans.models import Indicator, IndicatorTarget, Measurement, Plan
from plans.models.indicator import history_prefetch, references_of
from plans.rules import visible_indicators
from workflow.services.measurements import value_that_counts


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    expected: str
    actual: str
    result: Achievement


def year_of(plan: Plan, today: dt.date) -> int:
    """The plan's year to show: this year while the plan runs, otherwise its last (or first) year."""
    return min(max(today.year, plan.year_start), plan.year_end)


BELOW = "below"  # the indicators page's filter: those below their target


@dataclass(frozen=True)
class BelowTarget:
    """The indicators of a plan's year measured below their target, as the scores last computed them."""

    ids: list[int]
    computed_at: dt.datetime | None  # None: the year's scores are not computed yet


def below_target_of(plan: Plan, year: int) -> BelowTarget:
    stored = ScoreSnapshot.objects.filter(plan=plan, year=year).values("below_target", "computed_at").first()
    if stored is None:
        return BelowTarget([], None)
    return BelowTarget(list(stored["below_target"]), stored["computed_at"])


def indicators_of(
    user: Any, plan: Plan, area_id: int | None = None, only: Iterable[int] | None = None
) -> QuerySet[Indicator]:
    """The indicators of `plan` the user may see (of one area's objectives, when given; among `only`, when given),
    in the plan's order."""
    indicators = visible_indicators(user).filter(objective__plan=plan)
    if area_id:
        indicators = indicators.filter(objective__areas=area_id)
    if only is not None:
        indicators = indicators.filter(pk__in=list(only))
    indicators = indicators.select_related("objective", "baseline")
    return indicators.order_by("objective__number", "objective__code", "position", "pk")


def achievements(
    indicators: Iterable[Indicator], year: int, *, confirms: bool = False, rule: ScoringRule = DEFAULT_RULE
) -> list[IndicatorRow]:
    """The rows of `indicators` (a page of `indicators_of`) for `year`: its target and its latest measurement (the
    latest confirmed one where the body confirms values: workflow.services.measurements.value_that_counts),
    scored under `rule` (the year's measurement system: evaluation.selectors.system_for)."""
    indicators = list(indicators)
    prefetch_related_objects(
        indicators,
        # No ordering: one target per indicator and year, and the model's ordering would join four tables.
        Prefetch("targets", queryset=IndicatorTarget.objects.filter(year=year).order_by(), to_attr="year_targets"),
        Prefetch(
            "measurements",
            queryset=Measurement.objects.filter(year=year).order_by("-measured_on", "-pk"),
            to_attr="year_measurements",
        ),
        history_prefetch(),
    )
    rows = []
    for indicator in indicators:
        targets: list[IndicatorTarget] = indicator.year_targets  # type: ignore[attr-defined]
        measurements: list[Measurement] = indicator.year_measurements  # type: ignore[attr-defined]
        target = targets[0] if targets else None
        actual = value_that_counts(measurements[::-1], confirms=confirms)  # read newest first
        rows.append(
            IndicatorRow(
                indicator=indicator,
                expected=target.raw if target else "",
                actual=actual.raw if actual else "",
                result=achievement(target, actual, indicator.direction, rule, baseline=references_of(indicator)),
            )
        )
    return rows
