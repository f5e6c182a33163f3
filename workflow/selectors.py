"""Read-side queries of the workflow: approval chains, who decides a step, what awaits whom."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from plans.models import Activity, Area, Objective, Organization, OrganizationRole, WorkItem
from plans.rules import is_area_head, is_director
from plans.statements import Statement
from workflow.models import (
    DEFAULT_CHAINS,
    ApprovalPolicy,
    AuditEntry,
    Chain,
    Delegation,
    Step,
    TargetKind,
    TransitionName,
    TransitionRequest,
)

# The reads of every transition and decision, compiled once (plans.statements).
_POLICY = Statement(
    lambda organization, kind, transition: (
        ApprovalPolicy.objects.filter(organization=organization, target_kind=kind, transition=transition)
        .order_by("pk")  # at most one row: no need for the ordering by organization name, and its join
        .values_list("chain")[:1]
    ),
    organization=int,
    kind=str,
    transition=str,
)
_DELEGATIONS_RECEIVED = Statement(
    lambda substitute, organization, day: (
        Delegation.objects.active_on(day)
        .filter(substitute=substitute, organization_id=organization)
        .select_related("delegator")
        .order_by("pk")
    ),
    substitute=int,
    organization=int,
    day=dt.date,
)
_OPEN_REQUEST_ON_ACTIVITY = Statement(
    lambda pk: TransitionRequest.objects.filter(activity=pk, status=TransitionRequest.Status.PENDING).order_by("pk")[
        :1
    ],
    pk=int,
)
_OPEN_REQUEST_ON_OBJECTIVE = Statement(
    lambda pk: TransitionRequest.objects.filter(objective=pk, status=TransitionRequest.Status.PENDING).order_by("pk")[
        :1
    ],
    pk=int,
)


def _deciders(holders: QuerySet[Any], organization: int, day: dt.date) -> QuerySet[User, tuple[int]]:
    """The active `holders` (the ids of those who hold a step in their own right, as a subquery) and the active
    substitutes of those among them who are away on `day`."""
    substitutes = Delegation.objects.active_on(day).filter(
        organization_id=organization, delegator__in=holders, delegator__is_active=True
    )
    deciders = User.objects.filter(Q(pk__in=holders) | Q(pk__in=substitutes.values("substitute_id")), is_active=True)
    return deciders.order_by("pk").values_list("pk")


_HEADS_OF_ACTIVITY = Statement(
    lambda activity, organization, day: _deciders(
        Area.objects.filter(objectives__activities=activity).values("head_id"), organization, day
    ),
    activity=int,
    organization=int,
    day=dt.date,
)
_HEADS_OF_OBJECTIVE = Statement(
    lambda objective, organization, day: _deciders(
        Area.objects.filter(objectives=objective).values("head_id"), organization, day
    ),
    objective=int,
    organization=int,
    day=dt.date,
)
_DIRECTORS = Statement(
    lambda organization, day: _deciders(
        OrganizationRole.objects.filter(role=OrganizationRole.Role.DIRECTOR, organization_id=organization).values(
            "user_id"
        ),
        organization,
        day,
    ),
    organization=int,
    day=dt.date,
)


def approval_chain(organization: Organization | int, kind: TargetKind, transition: TransitionName) -> tuple[Step, ...]:
    """The approvals that `transition` on an item of `kind` needs in `organization` (or its id), in order."""
    organization_id = organization if isinstance(organization, int) else organization.pk
    configured = _POLICY.rows(organization=organization_id, kind=kind, transition=transition)
    return Chain(configured[0][0] if configured else DEFAULT_CHAINS[(kind, transition)]).steps


def kind_of(item: WorkItem) -> TargetKind:
    return TargetKind.ACTIVITY if isinstance(item, Activity) else TargetKind.OBJECTIVE


def objective_of(item: WorkItem) -> Objective:
    objective = item.objective if isinstance(item, Activity) else item
    assert isinstance(objective, Objective)
    return objective


def organization_id_of(item: WorkItem) -> int:
    return objective_of(item).plan.organization_id


def chain_for(item: WorkItem, transition: TransitionName) -> list[Step]:
    """The chain for this very item. An area-head step on an item whose areas have no head goes to the
    director, so that nothing waits for nobody; a step that would then repeat is asked once. The areas
    are read with `.all()`, so that the ones a locked item came with (core.lock_item) serve."""
    steps: list[Step] = []
    headless = not any(area.head_id is not None for area in objective_of(item).areas.all())
    for step in approval_chain(organization_id_of(item), kind_of(item), transition):
        resolved = Step.DIRECTOR if step == Step.AREA_HEAD and headless else step
        if resolved not in steps:
            steps.append(resolved)
    return steps


def holds_step(user: Any, item: WorkItem, step: Step | str) -> bool:
    """Whether `user`, in their own right, is the one who decides `step` on `item`."""
    if step == Step.AREA_HEAD:
        return bool(is_area_head(user, item))
    return bool(is_director(user, item))


@dataclass(frozen=True)
class Decider:
    """Who decides, and for whom: `on_behalf_of` is the absent person when deciding as a substitute."""

    user: Any
    on_behalf_of: Any = None


def decider_for(user: Any, item: WorkItem, step: Step | str, *, on: dt.date | None = None) -> Decider | None:
    """How `user` may decide `step` on `item` on day `on` (today by default): in their own right, as the
    substitute of someone absent, or not at all."""
    if not user.is_authenticated:
        return None
    if holds_step(user, item, step):
        return Decider(user)
    day = on or timezone.localdate()
    for delegation in _DELEGATIONS_RECEIVED.all(substitute=user.pk, organization=organization_id_of(item), day=day):
        if holds_step(delegation.delegator, item, step):
            return Decider(user, on_behalf_of=delegation.delegator)
    return None


def deciders_of(request: TransitionRequest, *, on: dt.date | None = None) -> list[int]:
    """The ids of everyone `decider_for` accepts for the request's current step on day `on` (today by
    default): the active people who hold the step in their own right (the heads of the item's areas, or
    the organization's directors) and the active substitutes of those among them who are away. One query,
    whatever the size of the organization."""
    day = on or timezone.localdate()
    organization = request.organization_id
    if request.current_step != Step.AREA_HEAD:
        rows = _DIRECTORS.rows(organization=organization, day=day)
    elif request.activity_id:  # the heads of the areas of the item's objective
        rows = _HEADS_OF_ACTIVITY.rows(activity=request.activity_id, organization=organization, day=day)
    else:
        rows = _HEADS_OF_OBJECTIVE.rows(objective=request.objective_id, organization=organization, day=day)
    return [pk for (pk,) in rows]


def open_request_for(item: WorkItem) -> TransitionRequest | None:
    """The item's pending request: at most one (a partial unique index)."""
    statement = _OPEN_REQUEST_ON_ACTIVITY if isinstance(item, Activity) else _OPEN_REQUEST_ON_OBJECTIVE
    return statement.first(pk=item.pk)


def _awaiting(person_id: int, organization: Q) -> Q:
    """Pending requests whose current step is decided by the person `person_id`."""
    headed_areas = Area.objects.filter(head_id=person_id).values("pk")
    directed = OrganizationRole.objects.filter(role=OrganizationRole.Role.DIRECTOR, user_id=person_id)
    objective_in_area = Objective.areas.through.objects.filter(area_id__in=headed_areas).values("objective_id")
    return organization & (
        Q(current_step=Step.AREA_HEAD)
        & (Q(objective_id__in=objective_in_area) | Q(activity__objective_id__in=objective_in_area))
        | Q(current_step=Step.DIRECTOR, organization_id__in=directed.values("organization_id"))
    )


_DELEGATIONS_TO = Statement(
    lambda substitute, day: Delegation.objects.active_on(day).filter(substitute=substitute).order_by("pk"),
    substitute=int,
    day=dt.date,
)
_COUNT_AWAITING_OWN = Statement(  # the menu's badge on every page, for someone who stands in for nobody
    lambda person: (
        TransitionRequest.objects.filter(_awaiting(person, Q()), status=TransitionRequest.Status.PENDING)
        .order_by()
        .values("status")
        .annotate(count=Count("pk"))
        .values_list("count")
    ),
    person=int,
)


def _awaiting_condition(user: Any, delegations: list[Delegation]) -> Q:
    condition = _awaiting(user.pk, Q())
    for delegation in delegations:
        condition |= _awaiting(delegation.delegator_id, Q(organization_id=delegation.organization_id))
    return condition


def delegations_to(user: Any, *, on: dt.date | None = None) -> list[Delegation]:
    """The delegations active on day `on` (today by default) that make `user` someone's substitute."""
    if not user.is_authenticated:
        return []
    return _DELEGATIONS_TO.all(substitute=user.pk, day=on or timezone.localdate())


def _pending_awaiting(user: Any, delegations: list[Delegation]) -> QuerySet[TransitionRequest]:
    pending = TransitionRequest.objects.filter(status=TransitionRequest.Status.PENDING)
    return pending.filter(_awaiting_condition(user, delegations))


def requests_awaiting(user: Any, *, on: dt.date | None = None) -> QuerySet[TransitionRequest]:
    """The pending requests whose next decision is `user`'s, in their own right or as a substitute."""
    if not user.is_authenticated:
        return TransitionRequest.objects.none()
    return _pending_awaiting(user, delegations_to(user, on=on))


def count_awaiting(user: Any, *, on: dt.date | None = None) -> int:
    """`requests_awaiting(user).count()`, compiled once for someone who stands in for nobody (most people)."""
    if not user.is_authenticated:
        return 0
    delegations = delegations_to(user, on=on)
    if delegations:
        return _pending_awaiting(user, delegations).count()
    counted = _COUNT_AWAITING_OWN.rows(person=user.pk)
    return int(counted[0][0]) if counted else 0


def requests_decided_by(user: Any) -> QuerySet[TransitionRequest]:
    return TransitionRequest.objects.filter(approvals__decided_by=user).distinct()


def history_of(item: WorkItem) -> QuerySet[AuditEntry]:
    """The item's trail: its requests, decisions and state changes, and the changes to its data made elsewhere
    (the admin, an import). The data row that a state change writes as well (same transaction) is left out:
    the state change says it."""
    field = "activity" if isinstance(item, Activity) else "objective"
    workflow = AuditEntry.objects.filter(**{field: item})
    twins = workflow.filter(event=AuditEntry.Event.STATE_CHANGED, txid__isnull=False).values("txid")
    data = Q(subject=item._meta.label_lower, subject_id=item.pk) & ~Q(txid__in=twins)
    return (
        AuditEntry.objects.filter(Q(**{field: item}) | data)
        .select_related("actor", "on_behalf_of", "request")
        .order_by("at", "pk")
    )


def available_transitions(user: Any, item: WorkItem) -> list[dict[str, Any]]:
    """The transitions `user` may ask for on `item` now (state, conditions and permission, as declared
    on the state machine), each with the approvals it would still need. None while a request is open."""
    if not user.is_authenticated or open_request_for(item) is not None:
        return []
    available = []
    for transition in item.get_available_user_state_transitions(user):  # type: ignore[union-attr]
        name = TransitionName(transition.name)
        steps = chain_for(item, name)
        needed = [step for step in steps if decider_for(user, item, step) is None]
        available.append(
            {
                "transition": name.value,
                "label": name.label,
                "target_state": transition.target,
                "needs_approval": bool(needed),
                "steps": [step.value for step in needed],
            }
        )
    return available
