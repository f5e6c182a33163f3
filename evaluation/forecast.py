"""The forecast of an objective's year-end achievement from what is known at a date, and why, in Italian.

The rule is deliberately simple, so that a director can check it by hand:

1. **Activities.** Those due by the end of the year (a planned end on or before 31 December; a postponed one
   whatever its new date) are counted. At the day, each one is:
   - *in ritardo* (late): not concluded and its planned end has passed, postponed (rinviata), or concluded after
     its planned end;
   - *indietro* (behind): not due yet, but its last monthly progress answer (notifications' MonitoringAnswer,
     given by the day) declares a progress more than PROGRESS_TOLERANCE points below the share of its planned
     time already elapsed (from its planned start, or 1 January, to its planned end);
   - *in linea* (on track) otherwise: concluded on time, or not due yet and not behind.
   The share of activities on track is scored by the scoring engine as an objective without indicators is
   (evaluation.scores.activities_rollup): late and behind activities count as not concluded.
2. **Indicators.** Each indicator with a target for the year and a value known by the day (measured and
   recorded by then; the value that counts where the body confirms values) is scored by the engine
   (plans.achievement.achievement, under the year's measurement system). It is *in linea* when the value
   already meets the target, or when its score is at least the share of the year elapsed (40% of the target in
   April is on track, in September it is not); otherwise it is *indietro*. An indicator on track is expected to
   meet its target (the engine's score of a target met at 100%); one behind keeps its present score. They roll
   up as the measurement system says (evaluation.scores.rollup: weights, caps). An indicator without a value yet
   says nothing and is left out.
3. **Expected score and band.** The expected score is the indicators' rollup when at least one indicator can
   be scored, otherwise the activities'. Its level under the measurement system's bands gives the band:
   "raggiunto" → likely reached, "parzialmente raggiunto" → at risk, "non raggiunto" → likely missed. Where an
   objective has both, the activities' level counts too and the worse of the two is the band: three late
   activities out of five are a warning even with an indicator on track. With neither, the forecast is "non
   prevedibile".

No percentage is computed here: scores come from plans.achievement and evaluation.scores; the only figures of
the forecast's own are counts and the share of time elapsed, which it compares scores with.

Inputs at a date (`read_facts`) are judged by the data's own dates rather than by rolling back the audit trail
(reports.rollback): the trail says when the application learnt a fact, not when it happened. A year recorded
after the fact (seed 002's Relazione, imported in one go at year end) has every row created after 30 June,
and rolling it back would leave nothing to forecast; its activities' planned and actual ends (Tempi and
Consuntivo) and its measurements' dates say what had happened by the day. So at a day: an activity is concluded
when its actual end is on or before it, a value is known when it was measured and recorded by then, a monthly
answer counts when it was given by then; a postponement counts only for the forecast of today (the trail's
state history is not read), and a deadline moved since is judged at its new date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluation.models import MeasurementSystem, ObjectiveForecast
from evaluation.scores import ONE, Part, Rollup, activities_rollup, rollup
from plans.achievement import achievement
from plans.baselines import References
from plans.measured import value_that_counts
from plans.models import (
    Activity,
    HistoricalValue,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    Measurement,
    Objective,
    WorkState,
)
from plans.scoring import FULL, Level, percent_text
from reports.as_of import end_of

Band = ObjectiveForecast.Band
# Points of declared progress below the share of planned time elapsed before an activity counts as behind.
PROGRESS_TOLERANCE = 25
_BAND_OF_LEVEL = {
    Level.REACHED.value: Band.LIKELY_REACHED,
    Level.PARTIAL.value: Band.AT_RISK,
    Level.MISSED.value: Band.LIKELY_MISSED,
}
_RANK: dict[str, int] = {Band.LIKELY_REACHED: 0, Band.AT_RISK: 1, Band.LIKELY_MISSED: 2}
# Beyond this many indicators behind, the explanation names the count, not each one.
_LISTED = 3


@dataclass(frozen=True)
class ActivityFacts:
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_end: dt.date | None
    postponed: bool = False  # rinviata (counted only in today's forecast: see the module's docstring)
    progress: int | None = None  # the last monthly answer's progress % given by the day


@dataclass(frozen=True)
class IndicatorFacts:
    name: str
    direction: str
    weight: Decimal
    target: Any  # a plans.scoring.ScoredValue (IndicatorTarget) or None
    value: Any  # the value that counts, known by the day, or None
    baseline: Any = None  # the indicator's baseline and history (plans.baselines.References), for relative targets


@dataclass(frozen=True)
class ObjectiveFacts:
    objective_id: int
    code: str
    title: str
    activities: tuple[ActivityFacts, ...] = ()
    indicators: tuple[IndicatorFacts, ...] = ()


@dataclass(frozen=True)
class Forecast:
    objective_id: int
    day: dt.date
    band: str  # an ObjectiveForecast.Band value
    expected_score: Decimal | None
    explanation: str
    activities: int = 0  # counted: due by the end of the year
    late: int = 0
    behind: int = 0


def year_elapsed(day: dt.date) -> Decimal:
    """The share of `day`'s year elapsed at its end, from 0 to 1 (31 December: 1)."""
    days = 366 if calendar.isleap(day.year) else 365
    return Decimal(day.timetuple().tm_yday) / days


# The rule


def activity_status(activity: ActivityFacts, day: dt.date) -> str:
    """ "done", "late", "behind", "on_track" or "" (not due this year: not counted)."""
    year_end = dt.date(day.year, 12, 31)
    end = activity.planned_end
    if end is None or (end > year_end and not activity.postponed):
        return ""
    done = activity.actual_end is not None and activity.actual_end <= day
    if done:
        return "late" if activity.actual_end > end else "done"  # type: ignore[operator]
    if activity.postponed or end < day:
        return "late"
    if activity.progress is not None and activity.progress + PROGRESS_TOLERANCE < _time_share(activity, day):
        return "behind"
    return "on_track"


def _time_share(activity: ActivityFacts, day: dt.date) -> Decimal:
    """The share (0-100) of the activity's planned time elapsed at the day."""
    end = activity.planned_end
    assert end is not None
    start = activity.planned_start or dt.date(end.year, 1, 1)
    if end <= start:
        return FULL if day >= end else Decimal(0)
    elapsed = min(max((day - start).days, 0), (end - start).days)
    return Decimal(elapsed) / (end - start).days * FULL


@dataclass(frozen=True)
class _IndicatorView:
    name: str
    part: Part
    behind: bool
    shown: Decimal | None  # the engine's percentage, to show


def _indicator(indicator: IndicatorFacts, day: dt.date, system: MeasurementSystem) -> _IndicatorView:
    rule = system.rule
    if indicator.target is None or indicator.value is None:
        return _IndicatorView(indicator.name, Part(indicator.name[:60], None, indicator.weight), False, None)
    scored = achievement(indicator.target, indicator.value, indicator.direction, rule, baseline=indicator.baseline)
    if scored.score is None:
        return _IndicatorView(indicator.name, Part(indicator.name[:60], None, indicator.weight), False, None)
    on_track = bool(scored.met) or scored.score >= year_elapsed(day) * FULL
    expected = rule.limit(FULL, met=True) if on_track else scored.score
    return _IndicatorView(
        indicator.name, Part(indicator.name[:60], expected, indicator.weight), not on_track, scored.percent
    )


def forecast(facts: ObjectiveFacts, day: dt.date, system: MeasurementSystem) -> Forecast:
    """The forecast of one objective at `day` under `system` (the rule in this module's docstring)."""
    statuses = [status for status in (activity_status(a, day) for a in facts.activities) if status]
    late, behind = statuses.count("late"), statuses.count("behind")
    on_track = len(statuses) - late - behind
    by_activities = activities_rollup(on_track, len(statuses), system) if statuses else None
    indicators = [_indicator(indicator, day, system) for indicator in facts.indicators]
    parts = [view.part for view in indicators]
    by_indicators = (
        rollup(parts, system.rule, what=_("indicatori")) if any(p.score is not None for p in parts) else None
    )
    expected = by_indicators or by_activities
    reasons = _activity_reasons(late, behind, len(statuses)) + _indicator_reasons(indicators, day)
    if expected is None or expected.score is None:
        text = "; ".join(reasons) or _("nessuna attività con scadenza nell'anno e nessun valore di indicatore")
        return Forecast(facts.objective_id, day, Band.UNKNOWN, None, text + ": " + _("non prevedibile"))
    band = _band(expected)
    if by_indicators is not None and by_activities is not None and by_activities.score is not None:
        band = max(band, _band(by_activities), key=_RANK.__getitem__)
    if not reasons:
        reasons = [_("tutto in linea")]
    text = (
        "; ".join(reasons)
        + "; "
        + _("punteggio atteso %(score)s: %(band)s")
        % {
            "score": percent_text(expected.score),
            "band": Band(band).label,
        }
    )
    return Forecast(facts.objective_id, day, band, expected.score, text, len(statuses), late, behind)


def _band(expected: Rollup) -> str:
    return _BAND_OF_LEVEL.get(expected.level, Band.UNKNOWN)


def _activity_reasons(late: int, behind: int, total: int) -> list[str]:
    reasons = []
    if total:
        reasons.append(
            ngettext(
                "%(late)d attività su %(total)d in ritardo",
                "%(late)d attività su %(total)d in ritardo",
                late,
            )
            % {"late": late, "total": total}
        )
    if behind:
        reasons.append(
            ngettext(
                "%(count)d indietro secondo il monitoraggio mensile",
                "%(count)d indietro secondo il monitoraggio mensile",
                behind,
            )
            % {"count": behind}
        )
    return reasons


def _indicator_reasons(indicators: Sequence[_IndicatorView], day: dt.date) -> list[str]:
    behind = [view for view in indicators if view.behind and view.shown is not None]
    month = date_format(day, "F").lower()
    if len(behind) > _LISTED:
        return [
            _("%(count)d indicatori sotto la quota dell'anno trascorso (%(share)s) a %(month)s")
            % {"count": len(behind), "share": percent_text(year_elapsed(day) * FULL), "month": month}
        ]
    reasons = [
        _("valore indicatore «%(name)s» al %(percent)s del target a %(month)s")
        % {"name": view.name[:60], "percent": percent_text(view.shown), "month": month}
        for view in behind
        if view.shown is not None
    ]
    measured = [view for view in indicators if view.shown is not None]
    if indicators and not measured:
        reasons.append(_("nessun valore di indicatore rilevato"))
    elif measured and not behind:
        reasons.append(
            ngettext(
                "%(count)d indicatore in linea con il target",
                "%(count)d indicatori in linea con il target",
                len(measured),
            )
            % {"count": len(measured)}
        )
    return reasons


# The inputs, read at a day


def read_facts(
    objectives: QuerySet[Objective], day: dt.date, *, confirms: bool, recorded_by: dt.datetime | None = None
) -> list[ObjectiveFacts]:
    """The facts of these objectives as known at the end of `day`, in six queries whatever their number (the
    module's docstring says why by dates and not by the trail). `confirms`: the organization confirms values.
    `recorded_by` (the end of `day` unless given) is when a value or an answer must have been recorded: the
    year's outcome, read after the fact, passes the present."""
    from notifications.models import MonitoringAnswer

    moment = recorded_by or end_of(day)
    postponements_count = day >= timezone.localdate()
    rows = list(objectives.order_by("pk").values("pk", "code", "title"))
    ids = objectives.order_by().values("pk")  # a subquery: no list of ids however many objectives
    answers = MonitoringAnswer.objects.filter(activity__objective__in=ids, answered_at__lte=moment)
    progress = dict(answers.order_by("answered_at", "pk").values_list("activity_id", "progress"))  # the last wins
    activities: dict[int, list[ActivityFacts]] = defaultdict(list)
    for activity in (
        Activity.objects.filter(objective__in=ids)
        .order_by("objective", "position", "pk")
        .values("pk", "objective_id", "planned_start", "planned_end", "actual_end", "state")
    ):
        activities[activity["objective_id"]].append(
            ActivityFacts(
                planned_start=activity["planned_start"],
                planned_end=activity["planned_end"],
                actual_end=activity["actual_end"],
                postponed=postponements_count and activity["state"] == WorkState.RINVIATO,
                progress=progress.get(activity["pk"]),
            )
        )
    indicators = list(
        Indicator.objects.filter(objective__in=ids)
        .order_by("objective", "position", "pk")
        .values("pk", "objective_id", "name", "direction", "weight")
    )
    targets = {t.indicator_id: t for t in IndicatorTarget.objects.filter(indicator__objective__in=ids, year=day.year)}
    baselines = {b.indicator_id: b for b in IndicatorBaseline.objects.filter(indicator__objective__in=ids)}
    history: dict[int, list[HistoricalValue]] = defaultdict(list)
    for past in HistoricalValue.objects.filter(indicator__objective__in=ids).order_by("indicator_id", "year"):
        history[past.indicator_id].append(past)
    known: dict[int, list[Measurement]] = defaultdict(list)
    for measurement in Measurement.objects.filter(
        indicator__objective__in=ids, year=day.year, recorded_at__lte=moment
    ).order_by("measured_on", "recorded_at", "pk"):
        if measurement.measured_on is None or measurement.measured_on <= day:
            known[measurement.indicator_id].append(measurement)
    by_objective: dict[int, list[IndicatorFacts]] = defaultdict(list)
    for row in indicators:
        by_objective[row["objective_id"]].append(
            IndicatorFacts(
                name=row["name"],
                direction=row["direction"],
                weight=row["weight"] if row["weight"] is not None else ONE,
                target=targets.get(row["pk"]),
                value=value_that_counts(known.get(row["pk"], []), confirms=confirms),
                baseline=References(baselines.get(row["pk"]), tuple(history.get(row["pk"], ()))),
            )
        )
    return [
        ObjectiveFacts(
            objective_id=row["pk"],
            code=row["code"],
            title=row["title"],
            activities=tuple(activities.get(row["pk"], ())),
            indicators=tuple(by_objective.get(row["pk"], ())),
        )
        for row in rows
    ]


def forecast_objectives(
    objectives: QuerySet[Objective], day: dt.date, *, organization_id: int, system: MeasurementSystem | None = None
) -> list[Forecast]:
    """The forecast of each of these objectives (all of one organization) at `day`: a fixed number of queries."""
    from evaluation.selectors import system_for
    from workflow.separation import separation_policy

    system = system or system_for(organization_id, day.year)
    confirms = separation_policy(organization_id).measurements_need_confirmation
    return [forecast(facts, day, system) for facts in read_facts(objectives, day, confirms=confirms)]
