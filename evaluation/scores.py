"""The scores of a plan's year under the organization's measurement system: every indicator, objective, area
and the body, each with its explanation (which values, which rule, which weight).

The one place where scores roll up. plans.scoring scores one indicator; `rollup` makes a weighted mean of
parts; `plan_scores` reads a plan's year in a fixed number of queries (nine, whatever the plan's size) and
applies both. Pages, the API, the Relazione, the individual evaluation and the forecast call these functions
and compute no percentage of their own.

- an indicator scores as plans.scoring says, under the year's rule (bands, cap, floor, partial credit);
- an objective is the weighted mean of its measurable indicators' scores (indicator weights; equal when none
  is given); an indicator that cannot be measured does not count as zero, it is left out and said so; an
  objective without a measurable indicator scores the share of its activities concluded, where the system
  counts them, and is otherwise not measurable;
- an area is the weighted mean of the measurable objectives assigned to it (objective weights, 1 when none:
  an objective of two areas counts in both), and the body the weighted mean of all the plan's measurable
  objectives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluation.models import MeasurementSystem
from evaluation.selectors import system_for
from plans.achievement import Achievement, achievement
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
    Plan,
    WorkState,
)
from plans.parsing.numbers import exact_text
from plans.scoring import FULL, ZERO, Level, ScoringRule, decimal_text, percent_text, weighted_mean

ONE = Decimal(1)
# Beyond this many parts an explanation names the count, not each part.
_LISTED_PARTS = 12


@dataclass(frozen=True)
class Part:
    """One contribution to a weighted score: what it is, its score (None: not measurable) and its weight."""

    label: str
    score: Decimal | None
    weight: Decimal


@dataclass(frozen=True)
class Rollup:
    """A weighted score and why: `score` None when nothing in it could be measured."""

    score: Decimal | None
    level: str
    basis: str  # "indicators", "activities", "objectives" or "none"
    explanation: str
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class IndicatorScore:
    indicator_id: int
    objective_id: int
    name: str
    expected: str
    actual: str
    weight: Decimal
    result: Achievement


@dataclass(frozen=True)
class ObjectiveScore:
    objective_id: int
    code: str
    title: str
    weight: Decimal
    rollup: Rollup
    indicators: tuple[IndicatorScore, ...] = ()


@dataclass(frozen=True)
class AreaScore:
    area_id: int
    name: str
    rollup: Rollup


@dataclass
class PlanScores:
    plan_id: int
    year: int
    system: MeasurementSystem
    objectives: dict[int, ObjectiveScore] = field(default_factory=dict)
    areas: dict[int, AreaScore] = field(default_factory=dict)
    body: Rollup = field(default_factory=lambda: Rollup(None, Level.NOT_MEASURABLE.value, "none", ""))


def rollup(parts: Sequence[Part], rule: ScoringRule, *, what: str) -> Rollup:
    """The weighted mean of the measurable parts (each kept within the rule's cap), its level and why. `what`
    names the parts in the plural ("indicatori", "obiettivi")."""
    # A negative weight (the forms and the import refuse one) would make the mean something else: left out.
    measured = [
        (min(max(part.score, ZERO), rule.cap), part.weight)
        for part in parts
        if part.score is not None and part.weight >= 0
    ]
    mean = weighted_mean(measured)
    if mean is None:
        text = _("non misurabile: nessuno dei %(count)s %(what)s ha un punteggio") % {"count": len(parts), "what": what}
        if not parts:
            text = _("non misurabile: nessun elemento da valutare")
        return Rollup(None, Level.NOT_MEASURABLE.value, "none", text, tuple(parts))
    return Rollup(mean, rule.level(mean).value, "", _explain(parts, mean, what), tuple(parts))


def _explain(parts: Sequence[Part], mean: Decimal, what: str) -> str:
    measured = [part for part in parts if part.score is not None]
    equal = len({part.weight for part in measured}) == 1
    text = (
        _("media di %(count)s %(what)s misurabili su %(total)s")
        if equal
        else _("media ponderata di %(count)s %(what)s misurabili su %(total)s")
    ) % {"count": len(measured), "what": what, "total": len(parts)}
    if len(measured) <= _LISTED_PARTS:
        terms = [
            percent_text(part.score) if equal else f"{percent_text(part.score)} × {decimal_text(part.weight)}"
            for part in measured
            if part.score is not None
        ]
        text += ": (" + " + ".join(terms) + ")"
        text += f" / {len(measured)}" if equal else f" / {decimal_text(sum((p.weight for p in measured), ZERO))}"
    left_out = [part.label for part in parts if part.score is None]
    text += f" = {percent_text(mean)}"
    if left_out:
        text += "; " + _("non misurabili, esclusi: %(names)s") % {"names": ", ".join(left_out[:_LISTED_PARTS])}
        if len(left_out) > _LISTED_PARTS:
            text += " …"
    return text


def activities_rollup(concluded: int, total: int, system: MeasurementSystem) -> Rollup:
    """The score of an objective with no measurable indicator: the share of its activities concluded, where the
    system counts them."""
    if total == 0 or system.activities != MeasurementSystem.Activities.SHARE:
        text = (
            _("non misurabile: nessun indicatore misurabile e nessuna attività")
            if total == 0
            else _("non misurabile: nessun indicatore misurabile (il sistema non conta le attività)")
        )
        return Rollup(None, Level.NOT_MEASURABLE.value, "none", text)
    share = Decimal(concluded) / total * FULL
    text = ngettext(
        "nessun indicatore misurabile: %(concluded)s attività conclusa su %(total)s = %(share)s",
        "nessun indicatore misurabile: %(concluded)s attività concluse su %(total)s = %(share)s",
        concluded,
    ) % {"concluded": concluded, "total": total, "share": percent_text(share)}
    return Rollup(share, system.rule.level(share).value, "activities", text)


def plan_scores(
    plan: Plan,
    year: int,
    *,
    system: MeasurementSystem | None = None,
    confirms: bool | None = None,
    objectives: Collection[int] | None = None,
) -> PlanScores:
    """Every score of `plan` in `year`. `system` defaults to the organization's for the year, `confirms` to
    whether the organization confirms values (plans.measured.value_that_counts). With `objectives` (ids), only
    those objectives' scores and their indicators', each as the whole plan's would give it; the areas and the
    body, which need every objective, are then left out (not measurable, no explanation)."""
    from workflow.separation import separation_policy

    system = system or system_for(plan.organization_id, year)
    if confirms is None:
        confirms = separation_policy(plan.organization_id).measurements_need_confirmation
    rule = system.rule
    # The plan's objectives, or only the chosen ones (`mine`: the filter on a row reaching its objective by `path`).
    whole = objectives is None

    def mine(path: str) -> Q:
        return Q(**{f"{path}plan": plan}) if whole else Q(**{f"{path}plan": plan, f"{path}pk__in": objectives})

    objective_rows = list(
        Objective.objects.filter(mine("")).order_by("number", "code", "pk").values("pk", "code", "title", "weight")
    )
    indicators = list(
        Indicator.objects.filter(mine("objective__"))
        .order_by("objective", "position", "pk")
        .values("pk", "objective_id", "name", "direction", "weight")
    )
    targets = {t.indicator_id: t for t in IndicatorTarget.objects.filter(mine("indicator__objective__"), year=year)}
    baselines = {b.indicator_id: b for b in IndicatorBaseline.objects.filter(mine("indicator__objective__"))}
    history: dict[int, list[HistoricalValue]] = defaultdict(list)
    for past in HistoricalValue.objects.filter(mine("indicator__objective__")).order_by("indicator_id", "year"):
        history[past.indicator_id].append(past)
    measured: dict[int, list[Measurement]] = defaultdict(list)
    for measurement in Measurement.objects.filter(mine("indicator__objective__"), year=year).order_by(
        "measured_on", "recorded_at", "pk"
    ):
        measured[measurement.indicator_id].append(measurement)
    activities = {
        row["objective_id"]: (row["concluded"], row["total"])
        for row in Activity.objects.filter(mine("objective__"))
        .order_by()
        .values("objective_id")
        .annotate(total=Count("pk"), concluded=Count("pk", filter=Q(state=WorkState.CONCLUSO)))
    }
    links_of_plan = Objective.areas.through.objects.filter(objective__plan=plan)
    links = list(links_of_plan.values("objective_id", "area_id", "area__name")) if whole else []

    by_objective: dict[int, list[IndicatorScore]] = defaultdict(list)
    for row in indicators:
        target = targets.get(row["pk"])
        value = value_that_counts(measured.get(row["pk"], []), confirms=confirms)
        by_objective[row["objective_id"]].append(
            IndicatorScore(
                indicator_id=row["pk"],
                objective_id=row["objective_id"],
                name=row["name"],
                expected=target.raw if target else "",
                actual=value.raw if value else "",
                weight=row["weight"] if row["weight"] is not None else ONE,
                result=achievement(
                    target,
                    value,
                    row["direction"],
                    rule,
                    baseline=References(baselines.get(row["pk"]), tuple(history.get(row["pk"], ()))),
                ),
            )
        )
    result = PlanScores(plan_id=plan.pk, year=year, system=system)
    for objective in objective_rows:
        scored = tuple(by_objective.get(objective["pk"], ()))
        result.objectives[objective["pk"]] = ObjectiveScore(
            objective_id=objective["pk"],
            code=objective["code"],
            title=objective["title"],
            weight=objective["weight"] if objective["weight"] is not None else ONE,
            rollup=objective_rollup(scored, activities.get(objective["pk"], (0, 0)), system),
            indicators=scored,
        )
    area_parts: dict[int, list[Part]] = defaultdict(list)
    area_names: dict[int, str] = {}
    for link in links:
        linked = result.objectives[link["objective_id"]]
        area_names[link["area_id"]] = link["area__name"]
        area_parts[link["area_id"]].append(_objective_part(linked))
    what = _("obiettivi")
    for area_id, parts in area_parts.items():
        result.areas[area_id] = AreaScore(area_id, area_names[area_id], rollup(parts, rule, what=what))
    if whole:
        result.body = rollup([_objective_part(o) for o in result.objectives.values()], rule, what=what)
    return result


def objective_rollup(
    indicators: Sequence[IndicatorScore], activities: tuple[int, int], system: MeasurementSystem
) -> Rollup:
    """An objective's score from its indicators' (activities' completion when none is measurable)."""
    parts = [Part(indicator.name[:60], indicator.result.score, indicator.weight) for indicator in indicators]
    if any(part.score is not None for part in parts):
        scored = rollup(parts, system.rule, what=_("indicatori"))
        return Rollup(scored.score, scored.level, "indicators", scored.explanation, scored.parts)
    concluded, total = activities
    return activities_rollup(concluded, total, system)


def _objective_part(objective: ObjectiveScore) -> Part:
    return Part(objective.code, objective.rollup.score, objective.weight)


def below_target(scores: PlanScores) -> list[int]:
    """The indicators measured and below their target: an achievement under 100% (not measured is not below)."""
    return [
        indicator.indicator_id
        for objective in scores.objectives.values()
        for indicator in objective.indicators
        if indicator.result.percent is not None and indicator.result.percent < 100
    ]


def as_json(scores: PlanScores) -> dict[str, Any]:
    """The scores for the API and the JSON documents: exact scores as strings with two decimals, weights with
    every decimal they have (at least two)."""

    def number(value: Decimal | None) -> str | None:
        return None if value is None else f"{value:.2f}"

    def roll(item: Rollup) -> dict[str, Any]:
        return {
            "score": number(item.score),
            "level": item.level,
            "label": scores.system.label(item.level),
            "basis": item.basis,
            "explanation": item.explanation,
        }

    return {
        "year": scores.year,
        "body": roll(scores.body),
        "areas": [{"area": area.area_id, "name": area.name} | roll(area.rollup) for area in scores.areas.values()],
        "objectives": [
            {"objective": o.objective_id, "code": o.code, "weight": exact_text(o.weight)}
            | roll(o.rollup)
            | {
                "indicators": [
                    {
                        "indicator": i.indicator_id,
                        "weight": exact_text(i.weight),
                        "expected": i.expected,
                        "actual": i.actual,
                        "score": number(i.result.score),
                        "percent": number(i.result.percent),
                        "level": i.result.level,
                        "explanation": i.result.explanation,
                    }
                    for i in o.indicators
                ]
            }
            for o in scores.objectives.values()
        ],
    }
