"""One objective's score of a year, as `evaluation.visibility.scores_for` shows it, without scoring its plan.

The objective's page shows its own score and its indicators'. `plan_scores` reads and scores every indicator of
the plan (seconds for a large one) and the page kept one objective of it; here the same figures come from that
objective's rows alone (`plan_scores(..., objectives=[id])`), in a fixed number of queries: an objective's score
depends only on its own indicators, targets, baselines, measurements and activities (evaluation.scores). Only the
badges' page on the scores page (/piani/<id>/punteggi/) depends on the plan: it is counted in SQL, not listed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from evaluation import visibility
from evaluation.models import MeasurementSystem
from evaluation.scores import ObjectiveScore, plan_scores
from evaluation.selectors import system_for
from evaluation.visibility import ShownObjective, shown_objective
from plans.models import Objective
from plans.rules import visible_objectives


def objective_scores(objective: Objective, year: int, *, system: MeasurementSystem | None = None) -> ObjectiveScore:
    """The score of `objective` in `year`: what `plan_scores(objective.plan, year).objectives[objective.pk]` holds,
    from the objective's own rows. `system` defaults to the organization's for the year."""
    return plan_scores(objective.plan, year, system=system, objectives=[objective.pk]).objectives[objective.pk]


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
    return shown_objective(system, score, page)
