"""The scores of a plan's year, from the body's down to each indicator's, each with its explanation
(/piani/<id>/punteggi/?anno=): where the plan, objective and dashboard pages link for "why"."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from evaluation.visibility import OBJECTIVES_PER_PAGE, BadYear, Picker, scores_in_part, shown_areas, year_asked
from plans.rules import visible_plans
from web.http import AuthenticatedRequest

# An area lists this many of its objectives by name (web/scores/page.html), the others a page below. It was 30:
# a body of 40 areas then scored and drew 1,200 objectives in the areas' summaries above the page's own 50.
AREA_FIRSTS = 10


def scores_url(plan_id: int, year: int) -> str:
    """The scores page of a plan's year; add "#" and a Badge's anchor for one score's explanation."""
    return f"{reverse('web:plan-scores', args=[plan_id])}?anno={year}"


def _page_and_firsts(number: str | None, allowed: frozenset[int] | None) -> Picker:
    """The objectives whose scores the page shows: those of page `number`, and the first AREA_FIRSTS of each area
    the person sees whole (the areas' lists)."""

    def pick(order: list[int], links: dict[int, list[int]]) -> set[int]:
        chosen = set(Paginator(order, OBJECTIVES_PER_PAGE).get_page(number).object_list)
        listed: dict[int, int] = defaultdict(int)
        for objective_id in order:
            for area_id in links[objective_id]:
                if (allowed is None or area_id in allowed) and listed[area_id] < AREA_FIRSTS:
                    listed[area_id] += 1
                    chosen.add(objective_id)
        return chosen

    return pick


@login_required
def plan_scores(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(visible_plans(request.user).select_related("organization"), pk=pk)
    years = range(plan.year_start, plan.year_end + 1)
    try:
        year = year_asked(plan, request.GET.get("anno"), timezone.localdate())
    except BadYear as bad:
        context = {"plan": plan, "years": years, "error": str(bad)}
        return render(request, "web/scores/page.html", context, status=400)
    number = request.GET.get("pagina")
    shown = scores_in_part(request.user, plan, year, _page_and_firsts(number, shown_areas(request.user, plan)))
    page: Page[Any] = Paginator(shown.order, OBJECTIVES_PER_PAGE).get_page(number)  # of ids, then of scores
    page.object_list = [shown.objectives[pk] for pk in page.object_list]
    context = {"plan": plan, "years": years, "year": year, "shown": shown, "page": page}
    context |= {"area_firsts": AREA_FIRSTS, "area_slice": f":{AREA_FIRSTS}", "area_others": -AREA_FIRSTS}
    return render(request, "web/scores/page.html", context | {"scores_url": scores_url(plan.pk, year)})
