"""What the plan's page shows of the plan's life: the steps the caller may take now, and the history of its steps
read from the audit trail (the one history: no second record of them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from plans.models import Plan, PlanState
from plans.rules import roles_of
from workflow.models import AuditEntry, PlanTransition, TransitionRequest
from workflow.services.plan_lifecycle import open_plan_request, plan_chain

# The director's step from each state (the OIV's validation and the superuser's reopening have pages of their own).
NEXT_STEP: dict[str, PlanTransition] = {
    PlanState.DRAFT: PlanTransition.ADOPT,
    PlanState.ADOPTED: PlanTransition.START,
    PlanState.IN_EXECUTION: PlanTransition.CLOSE,
}
HISTORY_SHOWN = 50


@dataclass(frozen=True)
class NextStep:
    name: PlanTransition
    needs_approval: bool


def next_step(user: Any, plan: Plan, pending: TransitionRequest | None) -> NextStep | None:
    """The step the caller may take on the plan now: the director's, while no other step awaits approval."""
    step = NEXT_STEP.get(plan.state)
    if step is None or pending is not None or plan.organization_id not in roles_of(user).director_of:
        return None
    return NextStep(step, needs_approval=bool(plan_chain(plan, step)))


def may_reopen(user: Any, plan: Plan) -> bool:
    return bool(plan.state == PlanState.VALIDATED and user.is_active and user.is_superuser)


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    who: str
    what: str
    detail: str


def plan_history(plan: Plan) -> list[HistoryRow]:
    """The plan's steps, oldest first (the newest HISTORY_SHOWN): each change of its state with who made it and
    why, and the requests and decisions of the steps under an approval chain. One query."""
    rows = AuditEntry.objects.filter(subject=Plan._meta.label_lower, subject_id=plan.pk)
    # A step applied on approval writes its state change twice in one transaction (the workflow's row and the
    # data row of the plan): the workflow's row says it.
    twins = rows.filter(event=AuditEntry.Event.STATE_CHANGED, txid__isnull=False).values("txid")
    steps = Q(event__in=AuditEntry.WORKFLOW_EVENTS) | (Q(after__has_key="state") & ~Q(txid__in=twins))
    entries = list(rows.filter(steps).select_related("actor", "request").order_by("-at", "-pk")[:HISTORY_SHOWN])
    return [_row(entry) for entry in reversed(entries)]


def _state(value: Any) -> str:
    return str(PlanState(value).label) if value in PlanState.values else str(value or "—")


def _row(entry: AuditEntry) -> HistoryRow:
    who = (entry.actor.get_full_name() or entry.actor.get_username()) if entry.actor else _("procedura automatica")
    if entry.event == AuditEntry.Event.CREATED:
        state = _state((entry.after or {}).get("state"))
        return HistoryRow(entry.at, who, _("Creato: %(state)s") % {"state": state}, entry.comment)
    if entry.event in AuditEntry.DATA_EVENTS or entry.event == AuditEntry.Event.STATE_CHANGED:
        before = (entry.before or {}).get("state", entry.from_state)
        after = (entry.after or {}).get("state", entry.to_state)
        what = _("%(before)s → %(after)s") % {"before": _state(before), "after": _state(after)}
        act = (entry.after or {}).get("adoption_act") or (entry.request.act if entry.request else "")
        detail = " · ".join(part for part in (str(act or ""), entry.comment) if part)
        return HistoryRow(entry.at, who, what, detail)
    request = entry.request
    step = request.get_transition_display() if request else entry.transition
    what = _("%(event)s: %(step)s") % {"event": entry.get_event_display().capitalize(), "step": step}
    return HistoryRow(entry.at, who, what, entry.comment)


__all__ = ["HistoryRow", "NextStep", "may_reopen", "next_step", "open_plan_request", "plan_history"]
