"""The steps every workflow service shares: lock, check, record, apply, announce after commit.

Locks are always taken in the same order (objective, then activity, then request) so that two services
racing on one item queue up instead of deadlocking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from notifications import events
from plans.models import Activity, Area, Objective, Plan, WorkItem, WorkState
from plans.rules import can_view_item
from workflow.errors import Conflict, NotAllowed, NotVisible
from workflow.models import (
    TRANSITION_NOUNS,
    Approval,
    AuditEntry,
    PlanTransition,
    Step,
    TransitionName,
    TransitionRequest,
)
from workflow.selectors import open_request_for
from workflow.separation import SEPARATION_CODES, Decider, approved_with_request, organization_id_of
from workflow.trail.context import Source

# What a plan's step writes on the plan (Plan.adopt sets the act and its date).
PLAN_STEP_FIELDS = ("state", "adoption_act", "adopted_on")


@dataclass(frozen=True)
class Payload:
    """What a request carries besides the transition's name."""

    comment: str = ""
    reason: str = ""
    new_planned_end: dt.date | None = None
    actual_end: dt.date | None = None


@dataclass(frozen=True)
class Approving:
    """What the last approval of a rimodulazione brings besides the decision (workflow.services.changes): the act
    that approves it, when the request does not carry it already, and where the decision comes from (the trail's
    source of the data rows the change writes)."""

    act: str = ""
    act_date: dt.date | None = None
    source: Source = Source.WEB


@dataclass(frozen=True)
class Outcome:
    request: TransitionRequest
    item: WorkItem

    @property
    def applied(self) -> bool:
        return self.request.status == TransitionRequest.Status.APPROVED


def lock_item(item: WorkItem) -> WorkItem:
    """A fresh copy of `item`, locked for this transaction, its objective locked first. `item` may be a
    reference that holds only its id (`Activity(pk=...)`): a missing item is NotVisible, as a hidden one."""
    try:
        if isinstance(item, Activity):
            return _lock_activity(item.pk)
        return _lock_objective(item.pk)
    except (Activity.DoesNotExist, Objective.DoesNotExist) as error:
        raise NotVisible(_("Elemento non trovato.")) from error


# Only the item's rows are locked: the plan comes along to be read (the rules need its organization) but
# stays unlocked, or every transition of a plan would wait for the others. NO KEY UPDATE is the lock an
# UPDATE takes anyway; it lets others insert rows that refer to the item. The areas come along too (one
# prefetch query): every rule and the chain read them with `.all()`. (SQLite ignores the locks.) No ordering
# where one row is read: a model's default ordering would join the tables it orders by, and FOR UPDATE
# without OF would lock them too.
_AREAS = Prefetch("areas", queryset=Area.objects.order_by())  # the rules read the areas as a set


def _lock_activity(pk: int) -> Activity:
    """The activity and its objective locked by one statement. PostgreSQL locks the rows of each result row in
    the order the OF list names their tables (the objective first, as every service does: see the module's
    docstring); the plan is joined and read, not locked."""
    activity = (
        Activity.objects.select_for_update(no_key=True, of=("objective", "self"))
        .select_related("objective__plan")
        .order_by()
        .get(pk=pk)
    )
    prefetch_related_objects([activity.objective], _AREAS)
    return activity


def _lock_objective(pk: int) -> Objective:
    objective = (
        Objective.objects.select_for_update(no_key=True, of=("self",)).select_related("plan").order_by().get(pk=pk)
    )
    prefetch_related_objects([objective], _AREAS)
    return objective


def lock_plan(pk: int) -> Plan:
    """The plan, locked for this transaction (its steps and the requests on them queue up on it)."""
    try:
        return Plan.objects.select_for_update(of=("self",)).select_related("organization").get(pk=pk)
    except Plan.DoesNotExist as error:
        raise NotVisible(_("Piano non trovato.")) from error


def lock_request(request: TransitionRequest, *, deciding: bool = False) -> tuple[TransitionRequest, Any]:
    """The request and its target (an item, or a plan), locked; the locked target is the request's from then
    on. `deciding`: the caller records a decision next, or refuses; either way nobody answers with the approvals
    held here, and record_decision holds them again with the decision, so who decided them is not read."""
    item: Any
    if request.plan_id is not None:
        item = lock_plan(request.plan_id)
    elif request.activity_id is not None:
        item = _lock_activity(request.activity_id)
    else:
        assert request.objective_id is not None
        item = _lock_objective(request.objective_id)
    locked = (
        TransitionRequest.objects.select_for_update(no_key=True, of=("self",))
        .select_related("requested_by")
        .order_by()
        .get(pk=request.pk)
    )
    if isinstance(item, Plan):
        locked.plan = item
    elif isinstance(item, Activity):
        locked.activity = item
    else:
        locked.objective = item
    hold_approvals(locked, people=not deciding)
    return locked, item


def hold_approvals(request: TransitionRequest, *, people: bool = True) -> None:
    """The request's approvals, in the order they were decided, prefetched on it: the services, the
    announcements and the API's answer read `request.approvals.all()` without a query. (A request made in this
    transaction has none yet, but `.none()` would stay empty for whoever asks the relation again later: a
    prefetched `.none()` answers every later `.filter()` or `.get()` on the relation with nothing.) `people`:
    with who decided each (the answers show them; the services read only their ids)."""
    approvals = Approval.objects.order_by("decided_at", "pk")
    if people:
        approvals = approvals.select_related("decided_by", "on_behalf_of")
    prefetch_related_objects([request], Prefetch("approvals", queryset=approvals))


def ensure_visible(actor: Any, item: WorkItem) -> None:
    if not can_view_item(actor, item):
        raise NotVisible(_("Elemento non trovato."))


def ensure_permitted(actor: Any, item: WorkItem, transition: TransitionName) -> None:
    """The permission declared on the transition itself (django-fsm `permission=`), whatever the item's state:
    someone without the right is told so (403) before being told that the state does not allow it (409).
    django-fsm's has_transition_perm asks the state and the conditions too, so the declared transition is read
    with its public get_all_state_transitions and asked has_perm."""
    every = item.get_all_state_transitions()  # type: ignore[union-attr]  # added to the model by FSMField
    declared = next(found for found in every if found.name == transition)
    if not declared.has_perm(item, actor):
        if transition == TransitionName.RIAPRI:
            raise NotAllowed(_("Solo il direttore può riaprire un elemento concluso."))
        raise NotAllowed(_("Non hai titolo per chiedere questa transizione."))


def ensure_no_open_request(item: WorkItem) -> None:
    pending = open_request_for(item)
    if pending is not None:
        raise Conflict(
            _(
                "C'è già una richiesta aperta su questo elemento (richiesta di %(what)s del %(date)s): "
                "attendi la decisione o ritirala."
            )
            % {
                "what": pending.transition_noun,
                "date": f"{timezone.localtime(pending.requested_at):%d/%m/%Y}",
            },
            code="request_open",
        )


def ensure_transition_allowed(item: WorkItem, transition: TransitionName) -> None:
    method = getattr(item, transition)
    if not can_proceed(method, check_conditions=False):
        raise Conflict(
            _("Non si può chiedere %(what)s di un elemento nello stato «%(state)s».")
            % {"what": TRANSITION_NOUNS[transition][1], "state": WorkState(item.state).label},
            code="transition_not_allowed",
        )
    if not can_proceed(method):
        if transition == TransitionName.RIAPRI:
            raise Conflict(
                _("L'obiettivo di questa attività è concluso: riapri prima l'obiettivo."), code="objective_concluded"
            )
        open_count = Activity.objects.filter(objective_id=item.pk).exclude(state=WorkState.CONCLUSO).count()
        raise Conflict(
            _("L'obiettivo ha ancora %(count)d attività non concluse: concludile prima di concludere l'obiettivo.")
            % {"count": open_count},
            code="open_activities",
        )


def audit(request: TransitionRequest, event: str, actor: Any, **fields: Any) -> AuditEntry:
    item = request.target
    if isinstance(item, Plan):  # a plan's step: the plan is the row's subject
        fields |= {"subject": Plan._meta.label_lower, "subject_id": item.pk}
    return AuditEntry.objects.create(
        organization_id=request.organization_id,
        objective=item if isinstance(item, Objective) else None,
        activity=item if isinstance(item, Activity) else None,
        request=request,
        event=event,
        transition=request.transition,
        actor=actor,
        **fields,
    )


def create_request(
    actor: Any,
    item: WorkItem,
    transition: TransitionName | str,
    steps: list[Step],
    payload: Payload,
    *,
    waiting: str | None,
    **extra: Any,
) -> TransitionRequest:
    try:
        # No savepoint: a failed insert fails the caller's transaction, which the Conflict rolls back.
        with transaction.atomic(savepoint=False):
            request = TransitionRequest.objects.create(
                organization_id=organization_id_of(item),
                objective=item if isinstance(item, Objective) else None,
                activity=item if isinstance(item, Activity) else None,
                transition=transition,
                from_state=item.state,
                steps=[str(step) for step in steps],
                current_step=waiting or "",
                requested_by=actor,
                comment=payload.comment,
                reason=payload.reason,
                new_planned_end=payload.new_planned_end,
                actual_end=payload.actual_end,
                **extra,
            )
    except IntegrityError as error:  # the partial unique index: someone else's request won the race
        raise Conflict(_("C'è già una richiesta aperta su questo elemento."), code="request_open") from error
    hold_approvals(request, people=False)  # none yet, so nobody who decided one to read
    audit(request, AuditEntry.Event.REQUESTED, actor, comment=payload.reason or payload.comment)
    return request


def record_decision(request: TransitionRequest, step: str, decider: Decider, decision: str, comment: str) -> None:
    try:
        # No savepoint: a refused insert fails the caller's transaction, which the NotAllowed rolls back.
        with transaction.atomic(savepoint=False):
            # Through the related manager: Django drops the approvals prefetched on the request (hold_approvals).
            request.approvals.create(
                step=step,
                decision=decision,
                decided_by=decider.user,
                on_behalf_of=decider.on_behalf_of,
                director_covers_area_head=decider.covers_area_head,
                comment=comment,
            )
    except IntegrityError as error:  # the separation-of-duties trigger: a role changed since the check
        code = next((code for code in SEPARATION_CODES if code in str(error)), None)
        if code is None:
            raise
        raise NotAllowed(
            _("La decisione non è ammessa dalla separazione dei compiti: ricarica la pagina e riprova."), code=code
        ) from error
    hold_approvals(request)  # read again, the new one with them
    event = AuditEntry.Event.APPROVED if decision == Approval.Decision.APPROVED else AuditEntry.Event.REJECTED
    audit(request, event, decider.user, on_behalf_of=decider.on_behalf_of, comment=comment)


def decided_steps(request: TransitionRequest) -> set[str]:
    return {approval.step for approval in request.approvals.all()}


@dataclass(frozen=True)
class Progress:
    """Where a request goes next: the steps its requester decides themselves, approved with it, then the
    step that awaits someone else (none: the transition applies)."""

    own: list[tuple[str, Decider]]
    waiting: str | None


def progress_of(
    steps: list[str], requester: Any, item: WorkItem, *, decided: set[str], earlier: list[str] | None = None
) -> Progress:
    """`earlier`: the steps the requester already approved. Own right only (workflow.separation)."""
    own: list[tuple[str, Decider]] = []
    approved = list(earlier or [])
    for step in steps:
        if step in decided:
            continue
        decider = approved_with_request(requester, item, step, earlier=approved)
        if decider is None:
            return Progress(own, step)
        own.append((step, decider))
        approved.append(step)
    return Progress(own, None)


def advance(
    request: TransitionRequest, item: WorkItem, last: Decider, *, decided: set[str], approving: Approving | None = None
) -> None:
    """Move the request along its chain, past the `decided` steps."""
    requester = request.requested_by
    earlier = [approval.step for approval in request.approvals.all() if approval.decided_by_id == requester.pk]
    progress = progress_of(request.steps, requester, item, decided=decided, earlier=earlier)
    settle(request, item, last, progress, approving=approving)


def settle(
    request: TransitionRequest, item: WorkItem, last: Decider, progress: Progress, *, approving: Approving | None = None
) -> None:
    """Approve the requester's own steps; then wait for the next one, or, with no step left, apply."""
    for step, decider in progress.own:
        record_decision(request, step, decider, Approval.Decision.APPROVED, _("Approvata con la richiesta."))
        last = decider
    if progress.waiting is None:
        if request.is_change:
            # Imported here: the changes' service builds on this module.
            from workflow.services.changes import apply_change

            apply_change(request, item, last, approving or Approving())
            return
        apply(request, item, last)
        return
    if request.current_step != progress.waiting:  # a new request is created waiting at the right step
        request.current_step = progress.waiting
        request.save(update_fields=["current_step"])
    announce_awaiting(request, item)


def apply(request: TransitionRequest, item: WorkItem, decider: Decider) -> None:
    """Carry out the approved transition: state machine, save, request closed, audit row, and the
    announcement (outbox rows in this transaction, the worker asked after commit: notifications.events)."""
    from_state = item.state
    arguments: dict[str, Any] = {}
    if request.transition == TransitionName.CONCLUDI:
        arguments["actual_end"] = request.actual_end
    elif request.transition == TransitionName.RINVIA:
        arguments["new_planned_end"] = request.new_planned_end
    elif request.transition == PlanTransition.ADOPT:
        arguments |= {"act": request.act, "adopted_on": request.act_date}
    fields = PLAN_STEP_FIELDS if isinstance(item, Plan) else item.TRANSITION_FIELDS
    try:
        getattr(item, request.transition)(**arguments)
        item.save(update_fields=fields)
    except (TransitionNotAllowed, ConcurrentTransition) as error:
        raise Conflict(
            _("Lo stato dell'elemento è cambiato nel frattempo: ricarica e riprova."), code="stale"
        ) from error
    request.status = TransitionRequest.Status.APPROVED
    request.current_step = ""
    request.closed_at = timezone.now()
    request.save(update_fields=TransitionRequest.UPDATABLE_FIELDS)
    audit(
        request,
        AuditEntry.Event.STATE_CHANGED,
        decider.user,
        on_behalf_of=decider.on_behalf_of,
        from_state=from_state,
        to_state=item.state,
        comment=request.reason or request.comment,
    )
    announce_closed(request)
    if isinstance(item, Plan):
        # Nobody is told of a plan's step by mail (the plan's page and the trail tell them); its items'
        # reminders follow its life.
        events.plan_life_changed(item, from_state)


def announce_awaiting(request: TransitionRequest, item: WorkItem) -> None:
    """In the transaction: the outbox rows commit with the request, or not at all. A plan's step is not
    announced by mail (the mails describe work items): its approvers find it in their inbox. The locked item
    and the request's held approvals spare the deciders' query its subqueries (deciders_of)."""
    if request.plan_id is None:
        events.request_awaiting(request, item=item)


def announce_closed(request: TransitionRequest) -> None:
    if request.plan_id is None:
        events.request_closed(request)
