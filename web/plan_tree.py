"""The plan tree a page at a time: strategic areas, a page of objectives, each with its first activities.

A plan may hold 100k activities (10k objectives): the tree shows OBJECTIVES_PER_PAGE objectives in the order of
the plan (strategic area, responsibility area, number, code) and, under each, its first ACTIVITIES_PER_PAGE
activities; the rest of an objective's activities come on demand (htmx), or as a page of their own without
JavaScript. The queries are the same few whatever the plan's size: a count and a page of objectives, the areas'
counts, and one query each for the page's activities (a sliced prefetch: a window function, not one query per
objective), their counts and the indicators with their values.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery

from plans.models import Activity, Area, Indicator, Objective, Plan
from plans.rules import roles_of, visible_activities, visible_objectives

OBJECTIVES_PER_PAGE = 25
# Under each objective of the tree, and on each page of an objective's activities.
ACTIVITIES_PER_PAGE = 20
# The plan's order: by strategic area, then by responsibility area (the first by code, the one the summary names;
# those without an area last, on SQLite as on PostgreSQL), number and code (pk makes the order total, for paging).
# Within a strategic area each area's objectives stay together: in a PEG numbered by area, three «Obiettivo 1» of
# three areas no longer sit side by side.
TREE_ORDER = ("strategic_area", F("lead_area").asc(nulls_last=True), "number", "code", "pk")


@dataclass(frozen=True)
class AreaEntry:
    """A strategic area of the plan ("" for the objectives without one): how many objectives the person sees in
    it and the page of the tree where the first of them is."""

    name: str
    objectives: int
    page: int


@dataclass(frozen=True)
class TreePage:
    page: Page[Any]
    areas: list[AreaEntry]
    # (area entry, the page's objectives of that area), in the tree's order.
    groups: list[tuple[AreaEntry, list[Any]]]


def tree_objectives(user: Any, plan: Plan) -> QuerySet[Objective]:
    lead_area = Area.objects.filter(objectives=OuterRef("pk")).order_by("code").values("code")[:1]
    return visible_objectives(user).filter(plan=plan).alias(lead_area=Subquery(lead_area)).order_by(*TREE_ORDER)


def area_entries(objectives: QuerySet[Objective]) -> list[AreaEntry]:
    counts = objectives.order_by().values("strategic_area").annotate(n=Count("pk", distinct=True))
    entries, before = [], 0
    for row in sorted(counts, key=lambda row: row["strategic_area"]):
        entries.append(AreaEntry(row["strategic_area"], row["n"], before // OBJECTIVES_PER_PAGE + 1))
        before += row["n"]
    return entries


def shown_activities(user: Any, plan: Plan) -> QuerySet[Activity]:
    """The activities of the plan's objectives this person may see: all of them for its director and OIV; for
    the others, the ones `visible_activities` gives (the owner of an objective outside its areas sees the
    objective, not the activities of it that are neither theirs nor of their areas)."""
    roles = roles_of(user)
    if plan.organization_id in roles.director_of | roles.auditor_of:
        return Activity.objects.all()
    return visible_activities(user)


def tree_page(user: Any, plan: Plan, number: str | None) -> TreePage:
    """The page `number` of the plan's tree (?pagina_albero=; anything but a page number gives the first or the
    last page, as Django's paginator does)."""
    objectives = tree_objectives(user, plan)
    activities = shown_activities(user, plan)
    page = Paginator(
        objectives.prefetch_related(
            "areas",
            Prefetch(
                "activities",
                queryset=activities.order_by("position", "pk")[:ACTIVITIES_PER_PAGE],
                to_attr="first_activities",
            ),
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("targets", "measurements")),
        ),
        OBJECTIVES_PER_PAGE,
    ).get_page(number)
    shown = list(page.object_list)
    page.object_list = shown
    counts = dict(
        activities.filter(objective__in=shown)
        .order_by()
        .values("objective")
        .annotate(n=Count("pk"))
        .values_list("objective", "n")
    )
    for objective in shown:
        objective.activity_count = counts.get(objective.pk, 0)  # type: ignore[attr-defined]
    areas = area_entries(objectives)
    by_name = {entry.name: entry for entry in areas}
    groups = [
        (by_name.get(name) or AreaEntry(name, 0, page.number), list(group))
        for name, group in groupby(shown, key=lambda objective: objective.strategic_area)
    ]
    return TreePage(page=page, areas=areas, groups=groups)


def activities_page(user: Any, objective: Objective, number: str | None) -> Page[Activity]:
    """A page of the objective's activities this person may see, in the plan's order."""
    activities = shown_activities(user, objective.plan).filter(objective=objective).order_by("position", "pk")
    return Paginator(activities, ACTIVITIES_PER_PAGE).get_page(number)
