"""The services' side of the freeze (plans.freeze decides what a validated plan forbids): every service that
writes a plan's data first holds its plan, then asks plans.freeze.ensure_writable once it knows the caller may
see the item, and answers a Conflict with code "plan_frozen" and the Italian message.

The plan's row is read FOR SHARE: writers of one plan do not wait for each other, but a validation (which
updates the row) waits for them to commit, and a writer that comes after it sees the plan validated. It is taken
before the item's own locks, so that the order is always plan, objective, activity, request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from plans.freeze import PlanFrozen, ensure_writable, frozen_message, is_frozen
from plans.models import Activity, Indicator, Objective, Plan
from workflow.errors import Conflict

_PLAN_OF = {
    "plan": "%s",
    "objective": "(SELECT plan_id FROM plans_objective WHERE id = %s)",
    "activity": (
        "(SELECT o.plan_id FROM plans_activity a JOIN plans_objective o ON o.id = a.objective_id WHERE a.id = %s)"
    ),
    "indicator": (
        "(SELECT o.plan_id FROM plans_indicator i JOIN plans_objective o ON o.id = i.objective_id WHERE i.id = %s)"
    ),
}


@dataclass(frozen=True)
class HeldPlan:
    """The state and code of a plan, as read with its lock: what plans.freeze asks."""

    pk: int
    state: str
    code: str


def hold_plan(subject: Any) -> HeldPlan | None:
    """The plan of `subject` (a Plan, Objective, Activity or Indicator, possibly a reference holding only its
    id), read and held FOR SHARE until the end of the transaction; None when it is not there (the service's
    own lookup says so)."""
    kind = _kind(subject)
    sql = f"SELECT id, state, code FROM plans_plan WHERE id = {_PLAN_OF[kind]}"
    if connection.vendor == "postgresql":
        sql += " FOR SHARE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [subject.pk])
        row = cursor.fetchone()
    return HeldPlan(*row) if row else None


def _kind(subject: Any) -> str:
    for model, kind in ((Plan, "plan"), (Objective, "objective"), (Activity, "activity"), (Indicator, "indicator")):
        if isinstance(subject, model):
            return kind
    raise TypeError(f"no plan for {type(subject).__name__}")


def ensure_open(plan: Any) -> None:
    """Conflict("plan_frozen") when `plan` (a Plan or a HeldPlan) is validated."""
    if plan is None:
        return
    try:
        ensure_writable(plan)
    except PlanFrozen as frozen:
        raise Conflict(frozen.message, code=PlanFrozen.code) from frozen


def ensure_plan_open(subject: Any) -> None:
    """Hold `subject`'s plan and refuse when it is validated: for the services that have checked visibility
    already."""
    ensure_open(hold_plan(subject))


def validated_on(plan: Plan) -> str:
    """The day the plan was validated, from the audit trail (the change of its state), as dd/mm/yyyy."""
    from workflow.models import AuditEntry

    entry = (
        AuditEntry.objects.data_changes()
        .filter(subject="plans.plan", subject_id=plan.pk, after__state="validated")
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
    )
    return date_format(localtime(entry), "SHORT_DATE_FORMAT") if entry else ""


def read_only_notice(plan: Plan) -> str:
    """«Piano validato: sola lettura», with the date, and why."""
    day = validated_on(plan)
    heading = (
        _("Piano validato: sola lettura (validazione dell'OIV del %(day)s).") % {"day": day}
        if day
        else _("Piano validato: sola lettura.")
    )
    return f"{heading} {frozen_message(plan)}"


def frozen_notice(plan: Any) -> str:
    """For the pages: the read-only notice of a validated plan, or "" for any other."""
    return read_only_notice(plan) if is_frozen(plan) else ""
