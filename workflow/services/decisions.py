"""Deciding on a request: approve, reject, withdraw. Each locks the item and the request, so that of
several people deciding at once exactly one gets through and the others are told it is already closed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import Activity, Objective, WorkItem
from workflow.errors import Conflict, InvalidInput, NotAllowed
from workflow.models import Approval, AuditEntry, TransitionRequest
from workflow.separation import Decider, Refusal, judge
from workflow.services.core import (
    Approving,
    Outcome,
    advance,
    announce_closed,
    audit,
    decided_steps,
    ensure_visible,
    lock_request,
    record_decision,
)
from workflow.services.freeze import ensure_open, hold_plan

Verdict = Decider | Refusal | None


def _open_request(
    actor: Any, request: TransitionRequest, *, deciding: bool
) -> tuple[TransitionRequest, WorkItem, Verdict]:
    """The request and its item, locked, and, when `deciding`, whether `actor` may decide its current step. A
    request on a validated plan's item is neither decided nor withdrawn: it stays as the year ended."""
    plan = hold_plan(Activity(pk=request.activity_id) if request.activity_id else Objective(pk=request.objective_id))
    locked, item = lock_request(request, deciding=deciding)
    verdict = judge(actor, item, locked.current_step, request=locked) if deciding and locked.is_open else None
    # A substitute sees the requests they would decide for the absent person, even outside their own areas;
    # when a rule of separation stops them, they are told which (403), not that the request is not there.
    if not (isinstance(verdict, Decider) or (isinstance(verdict, Refusal) and verdict.would_decide)):
        ensure_visible(actor, item)
    ensure_open(plan)
    if not locked.is_open:
        raise Conflict(
            _("La richiesta è già stata chiusa (%(status)s).") % {"status": locked.get_status_display()},
            code="request_closed",
        )
    return locked, item, verdict


def _decider(verdict: Verdict) -> Decider:
    if not isinstance(verdict, Decider):
        assert verdict is not None  # judged: the request is open
        raise NotAllowed(verdict.message, code=verdict.code)
    return verdict


def approval_approve(
    *, actor: Any, request: TransitionRequest, comment: str = "", approving: Approving | None = None
) -> Outcome:
    """Approve the current step; when it was the last, the transition is applied in the same transaction.
    `approving`: a rimodulazione's act (workflow.services.changes.change_approve)."""
    with transaction.atomic():
        request, item, verdict = _open_request(actor, request, deciding=True)
        decider = _decider(verdict)
        record_decision(request, request.current_step, decider, Approval.Decision.APPROVED, comment)
        advance(request, item, decider, decided=decided_steps(request), approving=approving)
    return Outcome(request=request, item=item)


def approval_reject(*, actor: Any, request: TransitionRequest, comment: str) -> Outcome:
    """Reject: the request is closed and the item stays as it is. The comment tells the requester why."""
    with transaction.atomic():
        request, item, verdict = _open_request(actor, request, deciding=True)
        decider = _decider(verdict)
        if not comment.strip():
            raise InvalidInput(
                _("Spiega il motivo del rifiuto a chi ha fatto la richiesta."),
                fields={"comment": [_("Il commento è obbligatorio per rifiutare.")]},
            )
        record_decision(request, request.current_step, decider, Approval.Decision.REJECTED, comment)
        _close(request, TransitionRequest.Status.REJECTED)
    return Outcome(request=request, item=item)


def request_withdraw(*, actor: Any, request: TransitionRequest, comment: str = "") -> Outcome:
    """Only whoever asked may withdraw, and only while the request is open."""
    with transaction.atomic():
        request, item, _verdict = _open_request(actor, request, deciding=False)
        if request.requested_by_id != actor.pk:
            raise NotAllowed(_("Solo chi ha fatto la richiesta può ritirarla."))
        audit(request, AuditEntry.Event.WITHDRAWN, actor, comment=comment)
        _close(request, TransitionRequest.Status.WITHDRAWN)
    return Outcome(request=request, item=item)


def _close(request: TransitionRequest, status: TransitionRequest.Status) -> None:
    request.status = status
    request.current_step = ""
    request.closed_at = timezone.now()
    request.save(update_fields=TransitionRequest.UPDATABLE_FIELDS)
    announce_closed(request)
