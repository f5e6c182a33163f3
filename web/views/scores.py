"""The scores of a plan's year, from the body's down to each indicator's, each with its explanation
(/piani/<id>/punteggi/?anno=): where the plan, objective and dashboard pages link for "why"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from evaluation.visibility import OBJECTIVES_PER_PAGE, BadYear, scores_for, year_asked
from plans.rules import visible_plans
from web.http import AuthenticatedRequest


def scores_url(plan_id: int, year: int) -> str:
    """The scores page of a plan's year; add "#" and a Badge's anchor for one score's explanation."""
    return f"{reverse('web:plan-scores', args=[plan_id])}?anno={year}"


@login_required
def plan_scores(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(visible_plans(request.user).select_related("organization"), pk=pk)
    years = range(plan.year_start, plan.year_end + 1)
    try:
        year = year_asked(plan, request.GET.get("anno"), timezone.localdate())
    except BadYear as bad:
        context = {"plan": plan, "years": years, "error": str(bad)}
        return render(request, "web/scores/page.html", context, status=400)
    shown = scores_for(request.user, plan, year)
    page = Paginator(list(shown.objectives.values()), OBJECTIVES_PER_PAGE).get_page(request.GET.get("pagina"))
    context = {"plan": plan, "years": years, "year": year, "shown": shown, "page": page}
    return render(request, "web/scores/page.html", context | {"scores_url": scores_url(plan.pk, year)})
