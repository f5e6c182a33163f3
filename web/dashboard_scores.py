"""The dashboard's scores: the body's and the areas' of the chosen plan, or of the plans running this year, for
whoever sees the whole body or an area (evaluation.visibility). A fixed number of queries whatever the plans hold:
at most PLANS plans, read from their daily snapshots (evaluation.refresh: one query for all of them, one for each
plan's measurement system). Computing a plan's scores reads every indicator, target and measurement of the plan
(seconds for a large one), so the dashboard does it only for a plan the daily task has not stored yet (a plan
created today); the scores page (/piani/<id>/punteggi/) computes the running figures, with their explanations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q

from evaluation.models import ScoreSnapshot
from evaluation.scores import AreaScore, Rollup
from evaluation.selectors import system_for
from evaluation.visibility import (
    BODY_ANCHOR,
    Badge,
    ShownArea,
    area_anchor,
    rollup_badge,
    scores_for,
    sees_body,
    shown_areas,
)
from plans.models import Plan
from plans.rules import roles_of, visible_plans
from web.views.scores import scores_url

PLANS = 3  # with "all plans" chosen: the most recent plans running this year, each with a link to its scores


@dataclass(frozen=True)
class PlanFigures:
    plan: Plan
    year: int
    body: Badge | None  # None: not the person's to see
    areas: tuple[ShownArea, ...]  # those the person sees (of the area filter, when one is chosen)
    url: str
    computed_at: dt.datetime | None = None  # when the daily task stored them; None: computed now


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
    plans = [p for p in plans if sees_body(user, p) or p.organization_id in roles.heads_in]
    if not plans:
        return []
    years = {p.pk: min(max(today.year, p.year_start), p.year_end) for p in plans}
    # Only the body's and the areas' part of the stored JSON: a large plan's objectives weigh megabytes.
    chosen = Q()
    for plan_id, year in years.items():
        chosen |= Q(plan_id=plan_id, year=year)
    stored: dict[int, dict[str, Any]] = {
        row["plan_id"]: dict(row)
        for row in ScoreSnapshot.objects.filter(chosen).values(
            "plan_id", "year", "computed_at", "data__body", "data__areas"
        )
    }
    figures = []
    for running_plan in plans:
        year = years[running_plan.pk]
        snapshot = stored.get(running_plan.pk)
        if snapshot is not None:
            body, areas = _from_snapshot(user, running_plan, snapshot)
        else:
            shown = scores_for(user, running_plan, year)
            body, areas = shown.body, tuple(shown.areas)
        areas = tuple(a for a in areas if area_id is None or a.score.area_id == area_id)
        if body is None and not areas:
            continue
        url = scores_url(running_plan.pk, year)
        figures.append(PlanFigures(running_plan, year, body, areas, url, snapshot["computed_at"] if snapshot else None))
    return figures


def _from_snapshot(user: Any, plan: Plan, snapshot: dict[str, Any]) -> tuple[Badge | None, tuple[ShownArea, ...]]:
    """The body's and the areas' badges the person may see, from the stored scores (evaluation.scores.as_json),
    in the words of the year's measurement system as it is now."""
    system = system_for(plan.organization_id, snapshot["year"])
    allowed = shown_areas(user, plan)
    areas = []
    for item in snapshot["data__areas"] or []:
        if allowed is not None and item["area"] not in allowed:
            continue
        score = AreaScore(item["area"], item["name"], _rollup(item))
        areas.append(ShownArea(score, rollup_badge(system, score.rollup, area_anchor(score.area_id)), ()))
    areas.sort(key=lambda area: area.score.area_id)  # as the scores page: the areas' order of creation
    body = None
    if sees_body(user, plan) and snapshot["data__body"]:
        body = rollup_badge(system, _rollup(snapshot["data__body"]), BODY_ANCHOR)
    return body, tuple(areas)


def _rollup(item: dict[str, Any]) -> Rollup:
    score = item.get("score")
    return Rollup(
        None if score is None else Decimal(score), item["level"], item.get("basis", ""), item.get("explanation", "")
    )
