"""The plan page's line about the PIAO's performance section: for the director and the OIV, the link to its page
and the latest upload to the portal."""

from __future__ import annotations

from typing import Any

from django import template

from plans.models import Plan
from reports.piao_uploads import may_see_piao, uploads_of

register = template.Library()


@register.inclusion_tag("reports/piao_line.html", takes_context=True)
def piao_line(context: dict[str, Any], plan: Plan) -> dict[str, Any]:
    if not may_see_piao(context["request"].user, plan):
        return {"shown": False}
    return {"shown": True, "plan": plan, "latest": uploads_of(plan).first()}
