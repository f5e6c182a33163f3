"""The dashboard's panel of the objectives likely to miss their year-end target: the latest forecast of each
open objective of a live plan (plans.freeze) the person may see (evaluation.forecast), in the dashboard's plan
and area. Two queries (the
count and the page) plus one for the areas shown, whatever the number of objectives."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator

from evaluation.forecasting import likely_misses
from plans.freeze import live_q
from plans.rules import visible_objectives
from web.dashboard import Filters

PAGE_SIZE = 20


def likely_misses_page(user: Any, filters: Filters, number: Any) -> Page:
    objectives = visible_objectives(user).filter(live_q("plan__"))
    if filters.plan_id:
        objectives = objectives.filter(plan_id=filters.plan_id)
    if filters.area_id:
        objectives = objectives.filter(areas=filters.area_id)
    rows = likely_misses(objectives).select_related("objective").prefetch_related("objective__areas")
    return Paginator(rows, PAGE_SIZE).get_page(number)
