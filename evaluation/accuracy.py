"""How well the forecast (evaluation.forecast) foresaw a year's misses: the forecast as at given days, from
what was known then, against the year's outcome.

An objective **missed** its year when one of its activities due in the year (planned end on or before 31
December) was not concluded by its planned end (concluded later, even the next year, or never), or when one of
its indicators' year-end values does not meet its target (the scoring engine's verdict; a value it cannot
score does not count). An **alarm** at a day is a forecast "probabile mancato raggiungimento"; the wider alarm
also counts "a rischio". A miss was **foreseen** when it had an alarm, **not foreseen** otherwise; an alarm on
an objective that did not miss is a **false alarm**.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from evaluation.forecast import Band, ObjectiveFacts, forecast, read_facts
from evaluation.selectors import system_for
from plans.achievement import achievement
from plans.models import Objective, Plan
from workflow.separation import separation_policy

_ALARM = frozenset({Band.LIKELY_MISSED})
_WIDE_ALARM = frozenset({Band.LIKELY_MISSED, Band.AT_RISK})


@dataclass(frozen=True)
class Tally:
    alarms: int
    foreseen: int
    not_foreseen: int
    false_alarms: int


@dataclass(frozen=True)
class DayAccuracy:
    day: dt.date
    bands: dict[str, int]  # band → objectives
    strict: Tally  # alarm = likely missed
    wide: Tally  # alarm = likely missed or at risk
    alarmed: frozenset[str]  # the codes of the objectives with a strict alarm


@dataclass(frozen=True)
class Accuracy:
    plan_code: str
    year: int
    objectives: int
    missed: frozenset[str]  # codes
    days: tuple[DayAccuracy, ...]


def missed_the_year(facts: ObjectiveFacts, year: int, rule: object) -> bool:
    """The definition in this module's docstring, on facts read after the year (all values known)."""
    year_end = dt.date(year, 12, 31)
    for activity in facts.activities:
        end = activity.planned_end
        if end is not None and end <= year_end and (activity.actual_end is None or activity.actual_end > end):
            return True
    for indicator in facts.indicators:
        if indicator.target is None or indicator.value is None:
            continue
        reached = achievement(
            indicator.target,
            indicator.value,
            indicator.direction,
            rule,  # type: ignore[arg-type]
            baseline=indicator.baseline,  # its baseline and history: a relative target is measured as elsewhere
        )
        if reached.met is False:
            return True
    return False


def _tally(alarmed: set[int], missed: set[int]) -> Tally:
    return Tally(
        alarms=len(alarmed),
        foreseen=len(alarmed & missed),
        not_foreseen=len(missed - alarmed),
        false_alarms=len(alarmed - missed),
    )


def plan_accuracy(plan: Plan, days: list[dt.date]) -> Accuracy:
    """The forecast of every objective of `plan` at each of `days` (all in the plan's first year), against the
    year's outcome. A fixed number of queries per day."""
    year = days[0].year
    objectives = Objective.objects.filter(plan=plan)
    system = system_for(plan.organization_id, year)
    confirms = separation_policy(plan.organization_id).measurements_need_confirmation
    outcome = read_facts(objectives, dt.date(year, 12, 31), confirms=confirms, recorded_by=timezone.now())
    codes = {facts.objective_id: facts.code for facts in outcome}
    missed = {facts.objective_id for facts in outcome if missed_the_year(facts, year, system.rule)}
    results = []
    for day in days:
        forecasts = [forecast(facts, day, system) for facts in read_facts(objectives, day, confirms=confirms)]
        bands = {band.value: sum(1 for f in forecasts if f.band == band) for band in Band}
        strict = {f.objective_id for f in forecasts if f.band in _ALARM}
        wide = {f.objective_id for f in forecasts if f.band in _WIDE_ALARM}
        results.append(
            DayAccuracy(day, bands, _tally(strict, missed), _tally(wide, missed), frozenset(codes[pk] for pk in strict))
        )
    return Accuracy(plan.code, year, len(outcome), frozenset(codes[pk] for pk in missed), tuple(results))
