"""The dashboard's panel of the objectives likely to miss their year-end target: the latest forecast of each
open objective of a live plan (plans.freeze) the person may see (evaluation.forecast), in the dashboard's plan
and area. Two queries (the ids of the likely misses, worst first, and the page's rows) plus one for the areas
shown, whatever the number of objectives."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator

from evaluation.forecasting import likely_miss_ids
from evaluation.models import ObjectiveForecast
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
    # The ids, worst first, in one pass: each objective's latest forecast is looked up once, not once for the
    # count and again for the page; then the page's rows, with their objectives and areas.
    ids = list(likely_miss_ids(objectives))
    page = Paginator(ids, PAGE_SIZE).get_page(number)
    rows = ObjectiveForecast.objects.filter(pk__in=page.object_list).select_related("objective")
    found = {row.pk: row for row in rows.prefetch_related("objective__areas")}
    return Page([found[pk] for pk in page.object_list if pk in found], page.number, page.paginator)
