"""The plan page's line about next year's plan: the director's action on a closed plan, or the plan it became."""

from __future__ import annotations

from typing import Any

from django import template

from plans.models import Plan
from plans.rules import roles_of
from workflow.services.rollover import ROLLOVER_STATES

register = template.Library()


@register.inclusion_tag("web/rollover/plan_line.html", takes_context=True)
def rollover_line(context: dict[str, Any], plan: Plan) -> dict[str, Any]:
    user = context["request"].user
    successor = Plan.objects.filter(rolled_over_from=plan).only("pk", "code", "title").first()
    origin = (
        Plan.objects.filter(pk=plan.rolled_over_from_id).only("pk", "code").first()
        if plan.rolled_over_from_id
        else None
    )
    may_roll_over = (
        successor is None and plan.state in ROLLOVER_STATES and plan.organization_id in roles_of(user).director_of
    )
    return {"plan": plan, "successor": successor, "origin": origin, "may_roll_over": may_roll_over}
