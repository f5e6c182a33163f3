"""Asking for a rimodulazione of an objective from its page: every field the change may touch, filled with today's
values; what the person changes is what the request asks (workflow.services.changes decides the rest)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from plans.models import Activity, Indicator, IndicatorTarget, Objective
from plans.rules import is_area_head, is_director, visible_objectives
from web.http import AuthenticatedRequest
from workflow.changes.proposal import text_of
from workflow.errors import WorkflowError
from workflow.services.changes import change_request


def may_propose(user: Any, objective: Objective) -> bool:
    return bool(is_director(user, objective) or is_area_head(user, objective))


def _weight(value: Any) -> str:
    return text_of(value).replace(".", ",")


def _rows(objective: Objective) -> dict[str, Any]:
    plan = objective.plan
    years = [str(year) for year in range(plan.year_start, plan.year_end + 1)]
    targets: dict[int, dict[str, str]] = {}
    for target in IndicatorTarget.objects.filter(indicator__objective=objective).order_by():
        targets.setdefault(target.indicator_id, {})[str(target.year)] = target.raw
    indicators = [
        {
            "row": indicator,
            "weight": _weight(indicator.weight),
            "targets": [(y, targets.get(indicator.pk, {}).get(y, "")) for y in years],
        }
        for indicator in Indicator.objects.filter(objective=objective).order_by("position")
    ]
    activities = list(Activity.objects.filter(objective=objective).order_by("position"))
    return {"years": years, "indicators": indicators, "activities": activities, "weight": _weight(objective.weight)}


def _changes(post: QueryDict, rows: dict[str, Any]) -> dict[str, Any]:
    """The whole form as the service's input: unchanged values are dropped by the service itself."""
    changes: dict[str, Any] = {name: post.get(name, "") for name in ("title", "description", "weight")}
    changes |= {name: post.get(name, "") for name in ("planned_start", "planned_end")}
    changes["indicators"] = [
        {
            "id": item["row"].pk,
            "name": post.get(f"indicatore-{item['row'].pk}-nome", item["row"].name),
            "weight": post.get(f"indicatore-{item['row'].pk}-peso", item["weight"]),
            "targets": {
                year: post.get(f"indicatore-{item['row'].pk}-atteso-{year}", raw) for year, raw in item["targets"]
            },
        }
        for item in rows["indicators"]
    ]
    changes["activities"] = [
        {
            "id": activity.pk,
            "planned_start": post.get(f"attivita-{activity.pk}-inizio", text_of(activity.planned_start)),
            "planned_end": post.get(f"attivita-{activity.pk}-scadenza", text_of(activity.planned_end)),
        }
        for activity in rows["activities"]
    ]
    return changes


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _field(post: QueryDict | None, name: str, label: str, value: str, kind: str = "text") -> dict[str, str]:
    shown = post.get(name, value) if post is not None else value
    return {"name": name, "label": label, "value": shown, "type": kind}


def _sections(objective: Objective, rows: dict[str, Any], post: QueryDict | None) -> list[dict[str, Any]]:
    """The form's fieldsets, each with its fields (name, label, value: what was posted, or today's)."""
    sections = [
        {
            "legend": _("Obiettivo %(code)s") % {"code": objective.code},
            "fields": [
                _field(post, "title", _("Titolo"), objective.title, "textarea"),
                _field(post, "description", _("Descrizione"), objective.description, "textarea"),
                _field(post, "weight", _("Peso"), rows["weight"]),
                _field(post, "planned_start", _("Inizio previsto"), text_of(objective.planned_start), "date"),
                _field(post, "planned_end", _("Scadenza prevista"), text_of(objective.planned_end), "date"),
            ],
        }
    ]
    for item in rows["indicators"]:
        indicator, prefix = item["row"], f"indicatore-{item['row'].pk}"
        fields = [
            _field(post, f"{prefix}-nome", _("Nome"), indicator.name),
            _field(post, f"{prefix}-peso", _("Peso"), item["weight"]),
        ]
        fields += [
            _field(post, f"{prefix}-atteso-{year}", _("Valore atteso %(year)s") % {"year": year}, raw)
            for year, raw in item["targets"]
        ]
        legend = _("Indicatore %(n)s. %(name)s") % {"n": indicator.position, "name": indicator.name[:120]}
        sections.append({"legend": legend, "fields": fields})
    for activity in rows["activities"]:
        prefix = f"attivita-{activity.pk}"
        legend = _("Attività %(n)s. %(name)s") % {"n": activity.position, "name": activity.description[:120]}
        fields = [
            _field(post, f"{prefix}-inizio", _("Inizio previsto"), text_of(activity.planned_start), "date"),
            _field(post, f"{prefix}-scadenza", _("Scadenza prevista"), text_of(activity.planned_end), "date"),
        ]
        sections.append({"legend": legend, "fields": fields})
    return sections


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def propose(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    objective = get_object_or_404(visible_objectives(request.user).select_related("plan__organization"), pk=pk)
    rows = _rows(objective)
    context: dict[str, Any] = {"item": objective, "rows": rows, "may": may_propose(request.user, objective)}
    context["director"] = is_director(request.user, objective)
    context["sections"] = _sections(objective, rows, request.POST if request.method == "POST" else None)
    context["motivation"] = request.POST.get("motivation", "")
    context["act"], context["act_date"] = request.POST.get("act", ""), request.POST.get("act_date", "")
    if request.method != "POST":
        return render(request, "web/change_request.html", context, status=200 if context["may"] else 403)
    try:
        outcome = change_request(
            actor=request.user,
            objective=objective,
            changes=_changes(request.POST, rows),
            motivation=request.POST.get("motivation", ""),
            act=request.POST.get("act", ""),
            act_date=_date(request.POST.get("act_date", "")),
        )
    except WorkflowError as refused:
        context |= {"error": refused.message, "problems": sorted(refused.fields.items())}
        return render(request, "web/change_request.html", context, status=refused.status)
    if outcome.applied:
        messages.success(request, _("Rimodulazione applicata: il piano ha una nuova versione."))
    else:
        messages.success(request, _("Rimodulazione chiesta: attende l'approvazione del direttore."))
    return redirect("web:objective", pk=objective.pk)
