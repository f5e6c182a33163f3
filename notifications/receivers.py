"""Approval events become messages: approvers hear of a request awaiting them, requesters of the decision."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.utils import timezone

from notifications.models import Message
from notifications.scans import plan
from workflow import signals
from workflow.models import Approval, TransitionRequest
from workflow.selectors import deciders_of

logger = logging.getLogger(__name__)


def _schedule(rows: list[Message]) -> None:
    """Plan the rows and ask a worker to send them now. If the broker cannot be reached the rows wait in
    the outbox for the next scan: the request that caused them has committed and must not fail."""
    from notifications.tasks import dispatch_messages

    if plan(rows):
        try:
            dispatch_messages.delay(sorted({row.recipient_id for row in rows}))
        except Exception:
            logger.exception("broker unreachable: the messages stay in the outbox for the next scan")


@receiver(signals.request_awaiting)
def notify_approvers(sender: Any, request_id: int, **kwargs: Any) -> None:
    request = TransitionRequest.objects.get(pk=request_id)
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
def notify_requester(sender: Any, request_id: int, status: str, **kwargs: Any) -> None:
    if status == TransitionRequest.Status.WITHDRAWN:
        return  # the requester withdrew it: nothing to tell them
    others = Approval.objects.filter(request=OuterRef("pk")).exclude(decided_by=OuterRef("requested_by_id"))
    request = TransitionRequest.objects.annotate(decided_by_others=Exists(others)).get(pk=request_id)
    if not request.decided_by_others:
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
