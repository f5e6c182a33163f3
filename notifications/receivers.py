"""Approval events become messages: approvers hear of a request awaiting them, requesters of the decision."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from notifications.models import Message
from notifications.scans import plan
from workflow import signals
from workflow.models import Delegation, TransitionRequest
from workflow.selectors import decider_for

logger = logging.getLogger(__name__)


def _deciders(request: TransitionRequest) -> list[int]:
    """Everyone who may decide the request's current step today, substitutes included."""
    organization_id = request.organization_id
    today = timezone.localdate()
    candidates = (
        User.objects.filter(
            Q(headed_areas__organization_id=organization_id)
            | Q(organization_roles__organization_id=organization_id, organization_roles__role="director")
            | Q(pk__in=Delegation.objects.active_on(today).filter(organization_id=organization_id).values("substitute"))
        )
        .filter(is_active=True)
        .distinct()
    )
    item = request.target
    return [user.pk for user in candidates if decider_for(user, item, request.current_step, on=today)]


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
    request = TransitionRequest.objects.select_related("organization").get(pk=request_id)
    if not request.is_open:
        return
    _schedule(
        [
            Message(
                kind=Message.Kind.APPROVAL_NEEDED,
                organization=request.organization,
                recipient_id=user_id,
                target=f"request:{request.pk}",
                period=request.current_step,
                due_on=timezone.localdate(),
            )
            for user_id in _deciders(request)
        ]
    )


@receiver(signals.request_closed)
def notify_requester(sender: Any, request_id: int, status: str, **kwargs: Any) -> None:
    request = TransitionRequest.objects.select_related("organization").get(pk=request_id)
    decided_by_others = request.approvals.exclude(decided_by=request.requested_by_id).exists()
    if status == TransitionRequest.Status.WITHDRAWN or not decided_by_others:
        return  # the requester withdrew it, or decided it all themselves: nothing to tell them
    _schedule(
        [
            Message(
                kind=Message.Kind.REQUEST_DECIDED,
                organization=request.organization,
                recipient_id=request.requested_by_id,
                target=f"request:{request.pk}",
                period=status,
                due_on=timezone.localdate(),
            )
        ]
    )
