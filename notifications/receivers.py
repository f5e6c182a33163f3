"""Approval events become messages: approvers hear of a request awaiting them, requesters of the decision.
A plan that becomes live or stops being live has its items' next reminder day reset or parked."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_fsm.signals import post_transition

from notifications.models import Message
from notifications.scans import NOT_LIVE, plan
from notifications.wake import wake
from plans.freeze import LIVE_STATES, is_live
from plans.models import OPEN_STATES, Activity, Objective, Plan
from workflow import signals
from workflow.models import TransitionRequest
from workflow.selectors import deciders_of

logger = logging.getLogger(__name__)
_LIVE_STATES = frozenset(str(state) for state in LIVE_STATES)


def _schedule(rows: list[Message]) -> None:
    """Plan the rows in the outbox, in the workflow's transaction, and once it has committed ask a worker
    to send them."""
    if plan(rows):
        recipients = sorted({row.recipient_id for row in rows})
        transaction.on_commit(lambda: _wake(recipients))


def _wake(recipients: list[int]) -> None:
    """If the broker cannot be reached the rows wait in the outbox for the next scan: the request that
    caused them has committed and must not fail."""
    try:
        wake(recipients)
    except Exception:
        logger.exception("broker unreachable: the messages stay in the outbox for the next scan")


@receiver(signals.request_awaiting)
def notify_approvers(sender: Any, request: TransitionRequest, **kwargs: Any) -> None:
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
            for user_id in deciders_of(request)
        ]
    )


@receiver(signals.request_closed)
def notify_requester(sender: Any, request: TransitionRequest, **kwargs: Any) -> None:
    status = request.status
    if status == TransitionRequest.Status.WITHDRAWN:
        return  # the requester withdrew it: nothing to tell them
    if all(approval.decided_by_id == request.requested_by_id for approval in request.approvals.all()):
        return  # the requester decided it all themselves: nothing to tell them
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


@receiver(post_transition, sender=Plan)
def follow_plan_life(sender: Any, instance: Plan, name: str, source: str, target: str, **kwargs: Any) -> None:
    """Only live plans get reminders (plans.freeze). When a plan stops being live (closed), its open items are
    parked at once, in the transition's transaction, while the plan's rows may still be written (a validated
    plan's may not, and the scan must not have to); when one becomes live (adopted), the parked items are
    handed back to the next scan, which works out their reminders."""
    was, now = source in _LIVE_STATES, is_live(instance)
    if was == now:
        return
    for model, path in ((Activity, "objective__plan"), (Objective, "plan")):
        items = model.objects.filter(**{path: instance.pk}, state__in=OPEN_STATES)
        if now:
            items.filter(next_reminder_on=NOT_LIVE).update(next_reminder_on=None)
        else:
            items.exclude(next_reminder_on=NOT_LIVE).update(next_reminder_on=NOT_LIVE)
