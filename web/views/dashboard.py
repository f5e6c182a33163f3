"""The director's dashboard of slipped deadlines."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from plans.models import Plan, WorkState
from web.charts import bar_chart
from web.dashboard import Filters, days, punctuality, slipped_deadlines
from web.forms import DashboardFilters
from web.http import AuthenticatedRequest, is_htmx
from web.indicators import achievements, year_of

PAGE_SIZE = 100


def _filters(form: DashboardFilters) -> tuple[Filters, Plan | None]:
    plans = form.fields["plan"].queryset  # type: ignore[attr-defined]
    if not form.is_bound:  # the first visit: the most recent plan
        plan = plans.first()
        return Filters(plan_id=plan.pk if plan else None), plan
    if not form.is_valid():
        return Filters(), None
    data = form.cleaned_data
    plan = data.get("plan")
    filters = Filters(
        plan_id=plan.pk if plan else None,
        area_id=data["area"].pk if data.get("area") else None,
        kind=data.get("kind") or "",
        min_days_late=data.get("min_days_late") or 0,
    )
    return filters, plan


def _grouped(rows: Any) -> list[tuple[str, list[dict[str, Any]]]]:
    items = [{**row, "days_late": days(row["late"]), "state_label": WorkState(row["state"]).label} for row in rows]
    return [(area or "", list(group)) for area, group in groupby(items, key=lambda row: row["area_name"])]


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    # Only the page number in the address (the pages of a first visit) still means "no filter chosen".
    chosen = any(name in request.GET for name in DashboardFilters.base_fields)
    form = DashboardFilters(request.GET if chosen else None, user=request.user)
    filters, plan = _filters(form)
    if not form.is_bound and plan is not None:
        form.initial["plan"] = plan.pk
    context: dict[str, Any] = {"form": form, "plan": plan, "today": today}
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        page = Paginator(slipped_deadlines(request.user, filters, today), PAGE_SIZE).get_page(request.GET.get("pagina"))
        year = year_of(plan, today) if plan else None
        context |= {
            "page": page,
            "groups": _grouped(page.object_list),
            "charts": [(area, bar_chart(months)) for area, months in punctuality(request.user, filters, today).items()],
            "year": year,
            "indicators": achievements(request.user, plan, year) if plan and year else [],
        }
    template = "web/dashboard_results.html" if is_htmx(request) else "web/dashboard.html"
    return render(request, template, context, status=status)
