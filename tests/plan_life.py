"""Plans made live the way a user makes them: the director adopts the plan with its act, then starts its
execution (workflow.services.plan_lifecycle). Only live plans get reminders, monitoring and lateness
(plans.freeze), and a new plan is a draft: the tests that expect those make their plans live with this."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User

from plans.models import Plan, PlanState
from workflow.services.plan_lifecycle import plan_adopt, plan_close, plan_start

ACT = "Delibera di Giunta n. 1"


def adoption_day(plan: Plan) -> dt.date:
    """15 January of the plan's first year: inside the window plan_adopt accepts."""
    return dt.date(plan.year_start, 1, 15)


def _fresh(person: Any) -> User:
    """The person read again: the roles the services read are kept on the instance (plans.rules.roles_of), and
    must not stay on the caller's, which a test may give other roles afterwards."""
    return User.objects.get(pk=person.pk)


def put_in_execution(plan: Plan, director: Any) -> Plan:
    """Adopt `plan` (a draft) and start its execution, as its director; the plan as stored after."""
    director = _fresh(director)
    plan = Plan.objects.get(pk=plan.pk)
    if plan.state == PlanState.DRAFT:
        plan = plan_adopt(actor=director, plan=plan, act=ACT, adopted_on=adoption_day(plan))
    if plan.state == PlanState.ADOPTED:
        plan = plan_start(actor=director, plan=plan)
    return plan


def close_year(plan: Plan, director: Any) -> Plan:
    """Bring `plan` to execution if needed, then close it, as its director."""
    return plan_close(actor=_fresh(director), plan=put_in_execution(plan, director))
