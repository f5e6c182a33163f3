"""Approval events become messages: approvers hear of a request awaiting them, requesters of the decision."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from notifications.models import Message
from notifications.scans import plan
from notifications.wake import wake
from workflow import signals
from workflow.models import TransitionRequest
from workflow.selectors import deciders_of

logger = logging.getLogger(__name__)


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
