"""One objective's score of a year, as `evaluation.visibility.scores_for` shows it, without scoring its plan.

The objective's page shows its own score and its indicators'. `plan_scores` reads and scores every indicator of
the plan (seconds for a large one) and the page kept one objective of it; here the same figures come from that
objective's rows alone, in a fixed number of queries: an objective's score depends only on its own indicators,
targets, baselines, measurements and activities (evaluation.scores). Only the badges' page on the scores page
(/piani/<id>/punteggi/) depends on the plan: it is counted in SQL, not listed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q

from evaluation import visibility
from evaluation.models import MeasurementSystem
from evaluation.scores import ONE, IndicatorScore, ObjectiveScore, objective_rollup
from evaluation.selectors import system_for
from evaluation.visibility import (
    ShownIndicator,
    ShownObjective,
    badge,
    indicator_anchor,
    objective_anchor,
    rollup_badge,
)
from plans.achievement import achievement
from plans.measured import value_that_counts
from plans.models import Activity, Indicator, IndicatorBaseline, IndicatorTarget, Measurement, Objective, WorkState
from plans.rules import visible_objectives


def objective_scores(objective: Objective, year: int, *, system: MeasurementSystem | None = None) -> ObjectiveScore:
    """The score of `objective` in `year`: what `plan_scores(objective.plan, year).objectives[objective.pk]` holds.
    `system` defaults to the organization's for the year."""
    from workflow.separation import separation_policy

    organization_id = objective.plan.organization_id
    system = system or system_for(organization_id, year)
    confirms = separation_policy(organization_id).measurements_need_confirmation
    indicators = list(
        Indicator.objects.filter(objective=objective)
        .order_by("position", "pk")
        .values("pk", "objective_id", "name", "direction", "weight")
    )
    targets = {t.indicator_id: t for t in IndicatorTarget.objects.filter(indicator__objective=objective, year=year)}
    baselines = {b.indicator_id: b for b in IndicatorBaseline.objects.filter(indicator__objective=objective)}
    measured: dict[int, list[Measurement]] = defaultdict(list)
    for measurement in Measurement.objects.filter(indicator__objective=objective, year=year).order_by(
        "measured_on", "recorded_at", "pk"
    ):
        measured[measurement.indicator_id].append(measurement)
    counted = Activity.objects.filter(objective=objective).aggregate(
        total=Count("pk"), concluded=Count("pk", filter=Q(state=WorkState.CONCLUSO))
    )
    scored = tuple(
        IndicatorScore(
            indicator_id=row["pk"],
            objective_id=row["objective_id"],
            name=row["name"],
            expected=targets[row["pk"]].raw if row["pk"] in targets else "",
            actual=value.raw if (value := value_that_counts(measured.get(row["pk"], []), confirms=confirms)) else "",
            weight=row["weight"] if row["weight"] is not None else ONE,
            result=achievement(
                targets.get(row["pk"]), value, row["direction"], system.rule, baseline=baselines.get(row["pk"])
            ),
        )
        for row in indicators
    )
    return ObjectiveScore(
        objective_id=objective.pk,
        code=objective.code,
        title=objective.title,
        weight=objective.weight if objective.weight is not None else ONE,
        rollup=objective_rollup(scored, (counted["concluded"], counted["total"]), system),
        indicators=scored,
    )


def _scores_page(user: Any, objective: Objective) -> int:
    """The page of the scores page that lists `objective`: it lists the plan's objectives the person sees in the
    plan's order (number, code, id; no number last), OBJECTIVES_PER_PAGE at a time."""
    if objective.number is None:
        before = Q(number__isnull=False) | Q(number__isnull=True, code__lt=objective.code)
        same = Q(number__isnull=True, code=objective.code)
    else:
        before = Q(number__lt=objective.number) | Q(number=objective.number, code__lt=objective.code)
        same = Q(number=objective.number, code=objective.code)
    earlier = visible_objectives(user).filter(before | (same & Q(pk__lt=objective.pk)), plan_id=objective.plan_id)
    return earlier.count() // visibility.OBJECTIVES_PER_PAGE + 1  # read when called, as visibility.shown does


def shown_objective_scores(user: Any, objective: Objective, year: int) -> ShownObjective:
    """What `scores_for(user, objective.plan, year).objective(objective.pk)` gives, for an objective `user` may
    see (the page has checked): the objective's score and its indicators', with their badges."""
    system = system_for(objective.plan.organization_id, year)
    score = objective_scores(objective, year, system=system)
    page = _scores_page(user, objective)
    indicators = tuple(
        ShownIndicator(
            indicator,
            badge(
                system,
                indicator.result.level,
                indicator.result.score,
                indicator.result.explanation,
                indicator_anchor(indicator.indicator_id),
                page,
            ),
        )
        for indicator in score.indicators
    )
    return ShownObjective(score, rollup_badge(system, score.rollup, objective_anchor(objective.pk), page), indicators)
