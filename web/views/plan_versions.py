"""The plan's versions (each approved rimodulazione makes one) and the difference between any two of them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from plans.models import Plan
from plans.rules import visible_objectives, visible_plans
from web.http import AuthenticatedRequest
from workflow.changes.history import UnknownVersion, plan_versions, version_difference

VERSIONS_PER_PAGE = 50


def _plan(request: AuthenticatedRequest, pk: int) -> Plan:
    plan: Plan = get_object_or_404(visible_plans(request.user).select_related("organization"), pk=pk)
    return plan


@login_required
@require_safe
def versions(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    # Version 1 and the changes of the objectives the person sees (as the difference page shows them).
    shown = plan_versions(plan).filter(
        Q(request__isnull=True) | Q(request__objective__in=visible_objectives(request.user).filter(plan=plan))
    )
    page = Paginator(shown, VERSIONS_PER_PAGE).get_page(request.GET.get("pagina"))
    return render(request, "web/plan_versions.html", {"plan": plan, "page": page})


def _number(value: str | None) -> int | None:
    return int(value) if value is not None and value.isascii() and value.isdigit() and len(value) < 9 else None


@login_required
@require_safe
def difference(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    old, new = _number(request.GET.get("da")), _number(request.GET.get("a"))
    context: dict[str, object] = {"plan": plan, "old": old, "new": new}
    if old is None or new is None:
        context["error"] = _("Scegli le due versioni da confrontare, con il loro numero (ad esempio da 1 a 2).")
        return render(request, "web/plan_difference.html", context, status=400)
    # Only the objectives the person may see: a staff member sees their areas' changes, not the others'.
    visible = visible_objectives(request.user).filter(plan=plan).values_list("pk", flat=True)
    try:
        context["diff"] = version_difference(plan, old, new, objective_ids=set(visible))
    except UnknownVersion as unknown:
        context["error"] = _("Il piano non ha la versione %(number)s: scegli una delle versioni elencate.") % {
            "number": unknown.args[0]
        }
        return render(request, "web/plan_difference.html", context, status=404)
    return render(request, "web/plan_difference.html", context)
