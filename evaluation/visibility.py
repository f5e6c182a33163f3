"""The scores of a plan's year that one person may see, ready to show: pages, the dashboard and the API ask here.

`evaluation.scores.plan_scores` computes every score; this module only leaves out what is not the person's and
dresses each score with its words (the system's label and symbol), its colour and its anchor on the scores page
(/piani/<id>/punteggi/), so that the explanation is one click away from wherever a score is shown.

Who sees what (plans.rules):
- an objective's score, with its indicators', to whoever may see the objective (visible_objectives);
- an area's score to whoever sees the whole area: the director and the OIV (every area of their body), the area
  head (the areas they head). Staff see their objectives' scores, not the area's: an area's figure is made of
  objectives they may not all answer for;
- the body's score to the director and the OIV only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from evaluation.models import MeasurementSystem
from evaluation.scores import AreaScore, IndicatorScore, ObjectiveScore, PlanScores, Rollup, as_json, plan_scores
from evaluation.stored import stored_rollups
from plans.models import Plan
from plans.rules import roles_of, visible_objectives
from plans.scoring import Level, percent_text

# The colour of a level: the traffic light's classes (web/static/web/traguardi.css), never alone on a page.
_COLOUR = {
    Level.REACHED.value: "verde",
    Level.PARTIAL.value: "giallo",
    Level.MISSED.value: "rosso",
    Level.NOT_MEASURABLE.value: "nessuno",
}


@dataclass(frozen=True)
class Badge:
    """A score as shown: "86,7%" (or "—"), the band's label and symbol, its colour and why."""

    score: Decimal | None
    text: str
    level: str
    label: str
    symbol: str
    colour: str  # verde, giallo, rosso, nessuno: the class tg-light-<colour>
    explanation: str
    anchor: str  # the id of its entry on the scores page
    page: int = 1  # the scores page that holds the entry (objectives and indicators; OBJECTIVES_PER_PAGE)

    @property
    def measurable(self) -> bool:
        return self.score is not None

    @property
    def fragment(self) -> str:
        """What follows the scores page's address ("?anno=2026") to reach the entry: "&pagina=2#obiettivo-7"."""
        return (f"&pagina={self.page}" if self.page > 1 else "") + f"#{self.anchor}"


# The scores page lists the objectives (each with its indicators) this many at a time; the body and the areas on
# every page.
OBJECTIVES_PER_PAGE = 50


def badge(
    system: MeasurementSystem, level: str, score: Decimal | None, explanation: str, anchor: str, page: int = 1
) -> Badge:
    return Badge(
        score=score,
        text="—" if score is None else percent_text(score),
        level=level,
        label=system.label(level),
        symbol=system.symbol(level),
        colour=_COLOUR.get(level, "nessuno"),
        explanation=explanation,
        anchor=anchor,
        page=page,
    )


def rollup_badge(system: MeasurementSystem, rollup: Rollup, anchor: str, page: int = 1) -> Badge:
    return badge(system, rollup.level, rollup.score, rollup.explanation, anchor, page)


def shown_objective(system: MeasurementSystem, objective: ObjectiveScore, page: int) -> ShownObjective:
    """An objective's score and its indicators', with their badges linking to `page` of the scores page."""
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
        for indicator in objective.indicators
    )
    anchor = objective_anchor(objective.objective_id)
    return ShownObjective(objective, rollup_badge(system, objective.rollup, anchor, page), indicators)


@dataclass(frozen=True)
class ShownIndicator:
    score: IndicatorScore
    badge: Badge


@dataclass(frozen=True)
class ShownObjective:
    score: ObjectiveScore
    badge: Badge
    indicators: tuple[ShownIndicator, ...]


@dataclass(frozen=True)
class ShownArea:
    score: AreaScore
    badge: Badge
    # The person's objectives of the area, in the plan's order: all of them, or (scores_in_part) the first ones.
    objectives: tuple[ShownObjective, ...]
    objective_count: int | None = None  # how many the person sees in the area; None: len(objectives)

    @property
    def count(self) -> int:
        return len(self.objectives) if self.objective_count is None else self.objective_count


@dataclass
class ShownScores:
    plan: Plan
    year: int
    scores: PlanScores
    body: Badge | None = None  # None: not the person's to see
    areas: list[ShownArea] = field(default_factory=list)
    objectives: dict[int, ShownObjective] = field(default_factory=dict)  # visible ones, in the plan's order
    unassigned: list[ShownObjective] = field(default_factory=list)  # visible objectives of no area
    # The ids of every objective the person sees, in the plan's order (`objectives` may hold only some of them).
    order: list[int] = field(default_factory=list)

    @property
    def system(self) -> MeasurementSystem:
        return self.scores.system

    def objective(self, objective_id: int) -> ShownObjective | None:
        return self.objectives.get(objective_id)


def objective_anchor(objective_id: int) -> str:
    return f"obiettivo-{objective_id}"


def indicator_anchor(indicator_id: int) -> str:
    return f"indicatore-{indicator_id}"


def area_anchor(area_id: int) -> str:
    return f"area-{area_id}"


BODY_ANCHOR = "ente"


def sees_body(user: Any, plan: Plan) -> bool:
    roles = roles_of(user)
    return plan.organization_id in roles.director_of | roles.auditor_of


def shown_areas(user: Any, plan: Plan) -> frozenset[int] | None:
    """The areas whose score the person sees: None for every area of the plan's body."""
    if sees_body(user, plan):
        return None
    return roles_of(user).headed_areas


def scores_for(user: Any, plan: Plan, year: int) -> ShownScores:
    """What `user` may see of the scores of `plan` in `year`: plan_scores' queries and one more (the objectives
    the person may see, with their areas)."""
    scores = plan_scores(plan, year)
    return shown(user, plan, scores)


def visible_order(user: Any, plan: Plan) -> tuple[list[int], dict[int, list[int]]]:
    """The ids of the plan's objectives the person sees, in the plan's order (evaluation.scores.plan_scores'), and
    the areas of each: one query of ids."""
    links: dict[int, list[int]] = {}
    rows = visible_objectives(user).filter(plan=plan).order_by("number", "code", "pk").values_list("pk", "areas")
    for objective_id, area_id in rows:
        areas = links.setdefault(objective_id, [])
        if area_id is not None:
            areas.append(area_id)
    return list(links), links


# Chooses, among the ids of the objectives a person sees (in the plan's order) and their areas, whose scores to compute.
Picker = Callable[[list[int], dict[int, list[int]]], Collection[int]]


def scores_in_part(user: Any, plan: Plan, year: int, pick: Picker) -> ShownScores:
    """What scores_for gives, with the objectives' scores computed only for the ids `pick` chooses among the
    visible ones (visible_order's answer: ids in the plan's order, and each one's areas), and the body's and the
    areas' read from the daily snapshot while it is still the running figure (evaluation.stored). Without a
    valid snapshot, scores_for itself: the same page either way, at the cost of the whole plan."""
    stored = stored_rollups(plan, year)
    if stored is None:
        return scores_for(user, plan, year)
    seen = visible_order(user, plan)
    scores = plan_scores(plan, year, objectives=set(pick(*seen)))
    scores.body, scores.areas = stored
    return shown(user, plan, scores, seen)


def shown(
    user: Any, plan: Plan, scores: PlanScores, seen: tuple[list[int], dict[int, list[int]]] | None = None
) -> ShownScores:
    """`scores` as `user` may see them; `seen` is visible_order's answer, when the caller has it already."""
    system = scores.system
    order, links = seen or visible_order(user, plan)
    place = {objective_id: index for index, objective_id in enumerate(order)}
    result = ShownScores(plan=plan, year=scores.year, scores=scores, order=order)
    for objective_id, objective in scores.objectives.items():  # the plan's order
        if objective_id not in links:
            continue
        page = place[objective_id] // OBJECTIVES_PER_PAGE + 1
        result.objectives[objective_id] = shown_objective(system, objective, page)
    allowed = shown_areas(user, plan)
    counts = Counter(area_id for objective_id in order for area_id in links[objective_id])
    for area_id, area in scores.areas.items():
        if allowed is not None and area_id not in allowed:
            continue
        members = tuple(item for pk, item in result.objectives.items() if area_id in links[pk])
        area_badge = rollup_badge(system, area.rollup, area_anchor(area_id))
        result.areas.append(ShownArea(area, area_badge, members, counts[area_id]))
    result.areas.sort(key=lambda area: area.score.area_id)  # the areas' order: as created (the source's)
    result.unassigned = [item for pk, item in result.objectives.items() if not links[pk]]
    if sees_body(user, plan):
        result.body = rollup_badge(system, scores.body, BODY_ANCHOR)
    return result


def visible_json(shown_scores: ShownScores) -> dict[str, Any]:
    """evaluation.scores.as_json, less what the person may not see, with each level's symbol beside its label."""
    data = as_json(shown_scores.scores)
    system = shown_scores.system
    objectives = [o for o in data["objectives"] if o["objective"] in shown_scores.objectives]
    areas_shown = {area.score.area_id for area in shown_scores.areas}
    areas = [a for a in data["areas"] if a["area"] in areas_shown]
    for item in [*objectives, *areas, data["body"]]:
        item["symbol"] = system.symbol(item["level"])
    for objective in objectives:
        for indicator in objective["indicators"]:
            indicator["label"] = system.label(indicator["level"])
            indicator["symbol"] = system.symbol(indicator["level"])
    return {
        "plan": shown_scores.plan.pk,
        "year": data["year"],
        "body": data["body"] if shown_scores.body is not None else None,
        "areas": areas,
        "objectives": objectives,
    }


class BadYear(ValueError):
    """A year that is not a number, or not one of the plan's years; the message says which, in Italian."""


def year_asked(plan: Plan, raw: str | None, today: dt.date) -> int:
    """The year of `?anno=` (or `?year=`): one of the plan's years; this year while the plan runs when none is
    given (web.indicators.year_of). Raises BadYear with an Italian message otherwise."""
    if raw is None or raw.strip() == "":
        return min(max(today.year, plan.year_start), plan.year_end)
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        raise BadYear(
            _("«%(value)s» non è un anno: scrivi l'anno con quattro cifre, ad esempio %(example)s.")
            % {"value": raw[:20], "example": plan.year_start}
        )
    year = int(text)
    if not plan.year_start <= year <= plan.year_end:
        raise BadYear(
            _("Il piano %(plan)s copre gli anni dal %(start)s al %(end)s: %(year)s non è uno di questi.")
            % {"plan": plan.code, "start": plan.year_start, "end": plan.year_end, "year": year}
        )
    return year
