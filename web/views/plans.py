"""The plans a person can see, and each plan as a tree: strategic area, objectives, activities, indicators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from evaluation.visibility import BadYear, scores_in_part, year_asked
from plans.models import ActionSheet
from plans.rules import visible_objectives, visible_plans
from reports.action_sheets import plan_sheets, sheet_section, shows_action_sheets
from web.http import AuthenticatedRequest, is_htmx
from web.plan_tree import activities_page, tree_page
from web.views.imports import importable_organizations
from web.views.plan_life import life_context
from web.views.scores import scores_url
from workflow.services.freeze import frozen_notice
from workflow.services.validation import can_read

# Action sheets are long (a page of text each): a plan page shows a few at a time.
SHEETS_PAGE_SIZE = 5


@login_required
def plan_list(request: AuthenticatedRequest) -> HttpResponse:
    plans = (
        visible_plans(request.user)
        .select_related("organization")
        .annotate(
            objective_count=Count("objectives", distinct=True),
            # A subquery, not a second join: joining both would count objectives × sheets rows per plan.
            sheet_count=Subquery(
                ActionSheet.objects.filter(plan=OuterRef("pk"))
                .order_by()
                .values("plan")
                .annotate(n=Count("pk"))
                .values("n")
            ),
        )
        .order_by("organization__name", "-year_end", "code")
    )
    may_import = importable_organizations(request.user).exists()
    return render(request, "web/plans.html", {"plans": plans, "may_import": may_import})


@login_required
def plan_tree(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(visible_plans(request.user).select_related("organization"), pk=pk)
    tree = tree_page(request.user, plan, request.GET.get("pagina_albero"))
    years = range(plan.year_start, plan.year_end + 1)
    # A Piano di Zona's sheets are the plan's own text, shown to whoever may see the plan (as its document is).
    sheets = Paginator(plan_sheets(plan), SHEETS_PAGE_SIZE).get_page(request.GET.get("pagina"))
    context = {
        "frozen_notice": frozen_notice(plan),
        "plan": plan,
        "tree": tree,
        "tree_page": tree.page,
        "years": years,
        "sheets": sheets,
        "sections": [sheet_section(sheet) for sheet in sheets],
        # Then the Relazione's links give the sheets' document.
        "sheets_only": shows_action_sheets(plan),
        # The OIV's validation page: the OIV's and the director's only.
        "validation_readable": can_read(request.user, plan),
    } | life_context(request, plan)
    status = 200
    if not context["sheets_only"]:
        # The year's scores (?anno=, this year while the plan runs), each with its explanation a click away.
        try:
            year = year_asked(plan, request.GET.get("anno"), timezone.localdate())
        except BadYear as bad:
            context["scores_error"], status = str(bad), 400
        else:
            # The scores of the tree's page of objectives; the body's and the areas' as stored, while still current.
            page_ids = [objective.pk for objective in tree.page.object_list]
            shown = scores_in_part(request.user, plan, year, lambda order, links: page_ids)
            context |= {"year": year, "shown": shown, "scores_url": scores_url(plan.pk, year)}
    if is_htmx(request) and request.headers.get("HX-Target") == "albero":
        # A page of the tree asked by its pager: the tree's section only.
        return render(request, "web/plan_tree.html#albero", context, status=status)
    return render(request, "web/plan_tree.html", context, status=status)


@login_required
def objective_activities(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A page of an objective's activities (?pagina=): with htmx the rows that follow the ones shown (and the link
    to the next ones), without JavaScript a page of its own with links to the previous and the next page."""
    objective = get_object_or_404(visible_objectives(request.user).select_related("plan__organization"), pk=pk)
    page = activities_page(request.user, objective, request.GET.get("pagina"))
    context = {"objective": objective, "page": page, "activities": page.object_list}
    if is_htmx(request):
        return render(request, "web/plan_tree.html#altre_attivita", context)
    return render(request, "web/objective_activities.html", context)
