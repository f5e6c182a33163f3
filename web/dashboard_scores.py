"""The dashboard's scores: the body's and the areas' of the chosen plan, or of the plans running this year, for
whoever sees the whole body or an area (evaluation.visibility). A fixed number of queries: at most PLANS plans,
each read by plan_scores in its fixed number of queries, whatever the plans hold."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from evaluation.visibility import ShownArea, ShownScores, scores_for, sees_body
from plans.models import Plan
from plans.rules import roles_of, visible_plans
from web.views.scores import scores_url

PLANS = 3  # with "all plans" chosen: the most recent plans running this year, each with a link to its scores


@dataclass(frozen=True)
class PlanFigures:
    plan: Plan
    year: int
    shown: ShownScores
    areas: tuple[ShownArea, ...]  # those of the area filter, when one is chosen
    url: str


def dashboard_scores(user: Any, plan: Plan | None, area_id: int | None, today: dt.date) -> list[PlanFigures]:
    """The chosen plan's scores of its year on the dashboard (this year while it runs, otherwise its nearest: the
    year of the dashboard's indicators); with no plan chosen, those of the (at most PLANS) plans running this year.
    Nothing (and no query) for a person who sees neither the body nor an area whole."""
    roles = roles_of(user)
    if not (roles.director_of or roles.auditor_of or roles.headed_areas):
        return []
    if plan is not None:
        plans = [plan]
    else:
        year = today.year
        running = visible_plans(user).filter(year_start__lte=year, year_end__gte=year).select_related("organization")
        plans = list(running.order_by("-year_start", "code")[:PLANS])
    figures = []
    for running_plan in plans:
        if not sees_body(user, running_plan) and running_plan.organization_id not in roles.heads_in:
            continue
        year = min(max(today.year, running_plan.year_start), running_plan.year_end)
        shown = scores_for(user, running_plan, year)
        areas = tuple(a for a in shown.areas if area_id is None or a.score.area_id == area_id)
        if shown.body is None and not areas:
            continue
        figures.append(PlanFigures(running_plan, year, shown, areas, scores_url(running_plan.pk, year)))
    return figures
