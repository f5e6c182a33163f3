"""The director's dashboard of slipped deadlines; the punctuality chart (/scadenze/puntualita/), which the
dashboard loads after its list; and the achievement of the plan's indicators on a page of their own
(/scadenze/indicatori/). The chart and the indicators take the dashboard's plan and area filters."""

from __future__ import annotations

from itertools import groupby
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation.selectors import system_for
from plans.freeze import is_live
from plans.models import Indicator, Plan, WorkState
from web.charts import bar_chart
from web.dashboard import Filters, SlippedPaginator, days, punctuality, slipped_statement
from web.dashboard_scores import dashboard_scores
from web.forecasts import likely_misses_page
from web.forms import DashboardFilters
from web.http import AuthenticatedRequest, is_htmx
from web.indicators import BELOW, BelowTarget, achievements, below_target_of, indicators_of, year_of
from web.widgets import QuickSelect
from workflow.separation import separation_policy

PAGE_SIZE = 50  # slipped deadlines per page: more than a person reads at a glance is only slower to load
INDICATORS_PAGE_SIZE = 50


class PlanAreaFilters(DashboardFilters):
    """The dashboard's filters that apply to the chart and the indicators: the plan and the area."""

    kind = None  # type: ignore[assignment]
    min_days_late = None  # type: ignore[assignment]


class IndicatorFilters(PlanAreaFilters):
    """The indicators' filters: the plan, the area, and those below their target."""

    RESULTS = [("", _("Tutti")), (BELOW, _("Sotto il traguardo"))]
    result = forms.ChoiceField(label=_("Esito"), choices=RESULTS, required=False, widget=QuickSelect)


def listed_indicators(user: Any, plan: Plan, filters: Filters, year: int) -> tuple[QuerySet[Indicator], BelowTarget]:
    """The indicators page's list (and its export's): below their target, as last computed, when asked."""
    below = below_target_of(plan, year)
    only = below.ids if filters.result == BELOW else None
    return indicators_of(user, plan, filters.area_id, only=only), below


def _filters(form: DashboardFilters) -> tuple[Filters, Plan | None]:
    plans = form.fields["plan"].queryset  # type: ignore[attr-defined]
    if not form.is_bound:  # the first visit: the most recent live plan, else the most recent (read once)
        listed = list(plans)
        plan = next((plan for plan in listed if is_live(plan)), next(iter(listed), None))
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
        result=data.get("result") or "",
    )
    return filters, plan


def _form[F: DashboardFilters](
    request: AuthenticatedRequest, form_class: type[F]
) -> tuple[F, Filters, Plan | None, dict[str, Any]]:
    """The filters of the address, or the most recent plan on a first visit, and the context they share."""
    # Only the page number in the address (the pages of a first visit) still means "no filter chosen".
    chosen = any(name in request.GET for name in form_class.base_fields)
    form = form_class(request.GET if chosen else None, user=request.user)
    filters, plan = _filters(form)
    if not form.is_bound and plan is not None:
        form.initial["plan"] = plan.pk
    # The plan and area, for the links between the dashboard and the indicators.
    kept = {"plan": filters.plan_id or ""} | ({"area": filters.area_id} if filters.area_id else {})
    context = {"form": form, "plan": plan, "today": timezone.localdate(), "filters_query": f"?{urlencode(kept)}"}
    return form, filters, plan, context


_NO_ID = "2147483647"  # an id no row has, in the address reversed once per kind, then replaced by each row's


def _grouped(rows: Any) -> list[tuple[str, list[dict[str, Any]]]]:
    # reverse() costs more than all the rest of a row: once per kind, not once per row.
    addresses = {kind: reverse(f"web:{kind}", args=[int(_NO_ID)]) for kind in ("activity", "objective")}
    labels = {state: str(label) for state, label in WorkState.choices}  # translated once, not once per row
    items = [
        {
            **row,
            "url": addresses[row["kind"]].replace(_NO_ID, str(row["pk"])),
            "days_late": days(row["late"]),
            "state_label": labels[row["state"]],
            "ended": row["state"] == WorkState.CONCLUSO and bool(row["actual_end"]),
            "owner": " ".join(name for name in (row["owner_first"], row["owner_last"]) if name),
        }
        for row in rows
    ]
    return [(area or "", list(group)) for area, group in groupby(items, key=lambda row: row["area_name"])]


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    form, filters, plan, context = _form(request, DashboardFilters)
    today = context["today"]
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        slipped = SlippedPaginator(slipped_statement(request.user, filters, today), PAGE_SIZE)
        page = slipped.get_page(request.GET.get("pagina"))
        context |= {
            "page": page,
            "groups": _grouped(page.object_list),
            "year": year_of(plan, today) if plan else None,
            "plan_not_live": plan is not None and not is_live(plan),
            "likely_misses": likely_misses_page(request.user, filters, request.GET.get("previsioni")),
            "scored_plans": dashboard_scores(request.user, plan, filters.area_id, today),
        }
    template = "web/dashboard_results.html" if is_htmx(request) else "web/dashboard.html"
    return render(request, template, context, status=status)


@login_required
def punctuality_chart(request: AuthenticatedRequest) -> HttpResponse:
    """Every activity of the plan due by today, counted: the dashboard's slowest part, so the dashboard shows
    its list first and asks for this after (htmx); without JavaScript, its link opens it as a page."""
    form, filters, _plan, context = _form(request, PlanAreaFilters)
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        counted = punctuality(request.user, filters, context["today"])
        context["charts"] = [(area, bar_chart(months)) for area, months in counted.items()]
    template = "web/dashboard_punctuality_results.html" if is_htmx(request) else "web/dashboard_punctuality.html"
    return render(request, template, context, status=status)


@login_required
def indicators(request: AuthenticatedRequest) -> HttpResponse:
    form, filters, plan, context = _form(request, IndicatorFilters)
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif plan is not None:
        year = year_of(plan, context["today"])
        listed, below = listed_indicators(request.user, plan, filters, year)
        context |= {"below": below, "only_below": filters.result == BELOW}
        page = Paginator(listed, INDICATORS_PAGE_SIZE).get_page(request.GET.get("pagina"))
        confirms = separation_policy(plan.organization_id).measurements_need_confirmation
        system = system_for(plan.organization_id, year)  # once per page: its rule scores every row
        rows = achievements(page.object_list, year, confirms=confirms, rule=system.rule)
        context |= {"year": year, "page": page, "rows": rows, "system": system}
    template = "web/dashboard_indicators_results.html" if is_htmx(request) else "web/dashboard_indicators.html"
    return render(request, template, context, status=status)
