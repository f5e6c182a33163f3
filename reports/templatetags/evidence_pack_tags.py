"""The plan page's link to the evidence pack of a year: shown to the director and the OIV of a validated plan."""

from __future__ import annotations

from typing import Any

from django import template

from plans.freeze import is_frozen
from plans.models import Plan
from reports.evidence_pack.views import may_take_pack

register = template.Library()


@register.inclusion_tag("reports/evidence_pack_link.html", takes_context=True)
def evidence_pack_link(context: dict[str, Any], plan: Plan, year: int) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = user is not None and is_frozen(plan) and may_take_pack(user, plan)
    return {"plan": plan, "year": year, "shown": shown}
