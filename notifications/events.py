"""What the workflow tells the people, called explicitly by the workflow's services inside their transaction.

Each function writes rows only (the outbox, a reminder day), so they commit with the decision or not at all;
the one step outside the database, publishing the task that sends the rows, waits for the commit
(`transaction.on_commit`). A task lost on the way leaves its rows for the quarter-hourly scan (run_scans).

- request_awaiting(request): a request now awaits a decision on its current step (when made, and again each
  time an approval moves it to the next step): its deciders hear of it;
- request_closed(request): a request was approved, rejected or withdrawn (its `status` says which): the
  requester hears of the decision;
- plan_life_changed(plan, from_state): a plan moved; when it became live or stopped being live, its items'
  next reminder day is reset or parked.

This module depends on the plans and on the workflow's models and selectors, never on its services: the
services call it, so the dependency goes one way (the import contracts in pyproject.toml check it).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from notifications.models import Message
from notifications.scans import plan
from notifications.schedule import NOT_LIVE
from notifications.tasks import dispatch_messages
from plans.freeze import LIVE_STATES, is_live
from plans.models import OPEN_STATES, Activity, Objective, Plan, WorkItem
from workflow.models import TransitionRequest
from workflow.selectors import deciders_of

logger = logging.getLogger(__name__)
_LIVE_STATES = frozenset(str(state) for state in LIVE_STATES)


def request_awaiting(request: TransitionRequest, *, item: WorkItem | None = None) -> None:
    """The deciders of the request's current step (substitutes too) hear that it awaits them. `item`: the
    request's item as the workflow's services hold it, locked with its areas (workflow.selectors.deciders_of)."""
    if not request.is_open:
        return
    _schedule(
        [
            Message(
                kind=Message.Kind.APPROVAL_NEEDED,
                organization_id=request.organization_id,
                recipient_id=user_id,
                target=f"request:{request.pk}",
                period=request.current_step,
                due_on=timezone.localdate(),
            )
            for user_id in deciders_of(request, item=item)
        ]
    )


def request_closed(request: TransitionRequest) -> None:
    """The requester hears of the decision, unless they withdrew it or decided it all themselves."""
    status = request.status
    if status == TransitionRequest.Status.WITHDRAWN:
        return
    if all(approval.decided_by_id == request.requested_by_id for approval in request.approvals.all()):
        return
    _schedule(
        [
            Message(
                kind=Message.Kind.REQUEST_DECIDED,
                organization_id=request.organization_id,
                recipient_id=request.requested_by_id,
                target=f"request:{request.pk}",
                period=status,
                due_on=timezone.localdate(),
            )
        ]
    )


def plan_life_changed(plan: Plan, from_state: str) -> None:
    """Only live plans get reminders (plans.freeze). When a plan stops being live (closed), its open items are
    parked at once, in the transition's transaction, while the plan's rows may still be written (a validated
    plan's may not, and the scan must not have to); when one becomes live (adopted), the parked items are
    handed back to the next scan, which works out their reminders."""
    was, now = str(from_state) in _LIVE_STATES, is_live(plan)
    if was == now:
        return
    for model, path in ((Activity, "objective__plan"), (Objective, "plan")):
        items = model.objects.filter(**{path: plan.pk}, state__in=OPEN_STATES)
        if now:
            items.filter(next_reminder_on=NOT_LIVE).update(next_reminder_on=None)
        else:
            items.exclude(next_reminder_on=NOT_LIVE).update(next_reminder_on=NOT_LIVE)


def _schedule(rows: list[Message]) -> None:
    """Plan the rows in the outbox, in the caller's transaction, and once it has committed ask a worker to
    send them."""
    if plan(rows):
        recipients = sorted({row.recipient_id for row in rows})
        transaction.on_commit(lambda: _publish(recipients))


def _publish(recipients: list[int]) -> None:
    """If the broker cannot be reached the rows wait in the outbox for the next scan: the request that caused
    them has committed and must not fail."""
    try:
        dispatch_messages.delay(recipient_ids=recipients)
    except Exception:
        logger.exception("broker unreachable: the messages stay in the outbox for the next scan")
