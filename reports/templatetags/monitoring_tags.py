"""The plan page's form for the intermediate monitoring report: a date within the plan, up to today."""

from __future__ import annotations

from typing import Any

from django import template

from plans.models import Plan
from reports.as_of_dates import first_day, last_day, suggested_day

register = template.Library()


@register.inclusion_tag("reports/monitoring_form.html")
def monitoring_form(plan: Plan) -> dict[str, Any]:
    return {"plan": plan, "first": first_day(plan), "last": last_day(plan), "suggested": suggested_day(plan)}
