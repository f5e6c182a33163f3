"""Read-side queries of the workflow: approval chains, who decides a step, what awaits whom."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from plans.freeze import is_frozen
from plans.models import Activity, Area, Objective, Organization, OrganizationRole, Plan, WorkItem
from plans.rules import roles_of
from workflow.models import (
    DEFAULT_CHAINS,
    Approval,
    ApprovalPolicy,
    AreaHeadSubstitutes,
    AuditEntry,
    Chain,
    Delegation,
    DirectorSubstitutes,
    SeparationPolicy,
    Step,
    TargetKind,
    TransitionName,
    TransitionRequest,
)
from workflow.separation import (
    approved_with_request,
    may_stand_in,
    objective_of,
    organization_id_of,
    separation_policy,
)

_DIRECTOR, _AUDITOR = OrganizationRole.Role.DIRECTOR, OrganizationRole.Role.AUDITOR
_PENDING = TransitionRequest.Status.PENDING
ObjectiveAreas = Objective.areas.through


def _stand_in(step: Step, organization: Any) -> Q:
    """separation.may_stand_in in SQL, on the Delegation rows of `organization`: whether the policy lets each
    substitute, with the roles they hold now, decide `step` (the auditor is excluded by the caller)."""
    directors = OrganizationRole.objects.filter(organization_id=organization, role=_DIRECTOR).values("user_id")
    heads = Area.objects.filter(organization_id=organization, head__isnull=False).values("head_id")
    policy = SeparationPolicy.objects.filter(organization_id=organization)
    if step == Step.DIRECTOR:
        nobody = Exists(policy.filter(director_substitutes=DirectorSubstitutes.NOBODY))
        return ~nobody & (Q(substitute_id__in=heads) | Q(substitute_id__in=directors))
    only_director = Exists(policy.filter(area_head_substitutes=AreaHeadSubstitutes.DIRECTOR))
    with_staff = Exists(policy.filter(area_head_substitutes=AreaHeadSubstitutes.WITH_AREA_STAFF))
    staff = Area.members.through.objects.filter(
        area__organization_id=organization, area__head_id=OuterRef("delegator_id")
    ).values("user_id")
    return (
        Q(substitute_id__in=directors)
        | (~only_director & Q(substitute_id__in=heads))
        | (with_staff & Q(substitute_id__in=staff))
    )


def _deciders(
    holders: QuerySet[Any], step: Step, organization: int, day: dt.date, request: int
) -> QuerySet[User, tuple[int]]:
    """The active `holders` (the ids of those who hold `step` in their own right, as a subquery) and the
    active substitutes of those among them who are away on `day` whom the policy lets stand in, less whom the
    separation of duties excludes from `request` (0: none yet): its requester, the organization's auditors,
    whoever decided one of its steps already (but the director's documented covering of the area head)."""
    auditors = OrganizationRole.objects.filter(organization_id=organization, role=_AUDITOR).values("user_id")
    substitutes = (
        Delegation.objects.active_on(day)
        .filter(_stand_in(step, organization), organization_id=organization, delegator__in=holders)
        .filter(delegator__is_active=True)
        .exclude(delegator__in=auditors)
    )
    decided = Approval.objects.filter(request_id=request)
    blocking = decided if step == Step.AREA_HEAD else decided.exclude(_covering(organization))
    deciders = User.objects.filter(
        (Q(pk__in=holders) & ~Q(pk__in=blocking.values("decided_by_id")))
        | (Q(pk__in=substitutes.values("substitute_id")) & ~Q(pk__in=decided.values("decided_by_id"))),
        is_active=True,
    )
    requester = TransitionRequest.objects.filter(pk=request).values("requested_by_id")
    return deciders.exclude(pk__in=requester).exclude(pk__in=auditors).order_by("pk").values_list("pk")


def _covering(organization: Any) -> Q:
    """The decisions that let their director decide the director's step too: the area-head step, decided in
    their own right, where the policy documents that the director covers the area head."""
    covers = SeparationPolicy.objects.filter(organization_id=organization, director_covers_area_head=True)
    return Q(step=Step.AREA_HEAD, on_behalf_of__isnull=True) & Q(Exists(covers))


def _area_step_holders(areas: QuerySet[Area], organization: int) -> QuerySet[User, Any]:
    """The heads of `areas`, or, when none of them has one, the organization's directors (holds_step)."""
    directors = OrganizationRole.objects.filter(role=_DIRECTOR, organization_id=organization).values("user_id")
    no_head = ~Exists(areas.filter(head__isnull=False))
    return User.objects.filter(Q(pk__in=areas.values("head_id")) | (no_head & Q(pk__in=directors))).values("pk")


def approval_chain(organization: Organization | int, kind: TargetKind, transition: str) -> tuple[Step, ...]:
    """The approvals that `transition` on an item of `kind` needs in `organization` (or its id), in order."""
    organization_id = organization if isinstance(organization, int) else organization.pk
    configured = (
        ApprovalPolicy.objects.filter(organization=organization_id, target_kind=kind, transition=transition)
        .order_by("pk")  # at most one row: no need for the ordering by organization name, and its join
        .values_list("chain", flat=True)
        .first()
    )
    return Chain(configured or DEFAULT_CHAINS[(kind, transition)]).steps


def kind_of(item: WorkItem) -> TargetKind:
    return TargetKind.ACTIVITY if isinstance(item, Activity) else TargetKind.OBJECTIVE


def chain_for(item: WorkItem, transition: TransitionName) -> list[Step]:
    """The chain for this very item: the organization's policy, or the default. (An area-head step on an item
    whose areas have no head is the director's: workflow.separation.holds_step.)"""
    return list(approval_chain(organization_id_of(item), kind_of(item), transition))


def deciders_of(request: TransitionRequest, *, on: dt.date | None = None, item: WorkItem | None = None) -> list[int]:
    """The ids of everyone `decider_for` accepts for the request's current step on day `on` (today by
    default): the active people who hold the step in their own right (the heads of the item's areas, or
    the organization's directors) and the active substitutes of those among them who are away, less whom the
    separation of duties excludes. One query, whatever the size of the organization.

    `item`: the request's item as the workflow's services hold it (locked with its areas, the request with its
    approvals: workflow.services.core). The heads, the decisions and the requester are then already in memory
    and travel into the query as lists of ids: the same answer, from a query much smaller to build and to plan
    (the transition's own announcement, on every request)."""
    day = on or timezone.localdate()
    if item is not None and request.pk is not None:
        return _deciders_known(request, item, day)
    organization = request.organization_id
    holders: QuerySet[Any, Any]
    if request.current_step != Step.AREA_HEAD:
        holders = OrganizationRole.objects.filter(role=_DIRECTOR, organization_id=organization).values("user_id")
        step = Step.DIRECTOR
    else:
        areas = (  # the heads of the areas of the item's objective
            Area.objects.filter(objectives__activities=request.activity_id)
            if request.activity_id
            else Area.objects.filter(objectives=request.objective_id)
        )
        holders = _area_step_holders(areas, organization)
        step = Step.AREA_HEAD
    return [pk for (pk,) in _deciders(holders, step, organization, day, request.pk or 0)]


def _deciders_known(request: TransitionRequest, item: WorkItem, day: dt.date) -> list[int]:
    """deciders_of for a request whose item holds its areas and which holds its approvals: `_deciders` with
    the holders, the decisions and the requester as lists of ids where they are known."""
    organization = request.organization_id
    step = Step.AREA_HEAD if request.current_step == Step.AREA_HEAD else Step.DIRECTOR
    heads = sorted({area.head_id for area in objective_of(item).areas.all() if area.head_id is not None})
    holders: list[int] | QuerySet[Any, Any] = heads
    if step == Step.DIRECTOR or not heads:  # an item whose areas have no head: the director decides (holds_step)
        holders = OrganizationRole.objects.filter(role=_DIRECTOR, organization_id=organization).values("user_id")
    auditors = OrganizationRole.objects.filter(organization_id=organization, role=_AUDITOR).values("user_id")
    # Each filter() resolves the subqueries it is given again: one call for each queryset.
    active = Q(starts_on__lte=day, ends_on__gte=day, revoked_at__isnull=True)  # Delegation.objects.active_on
    substitutes = Delegation.objects.filter(
        active
        & _stand_in(step, organization)
        & Q(organization_id=organization, delegator__in=holders, delegator__is_active=True)
        & ~Q(delegator__in=auditors)
    )
    approvals = list(request.approvals.all())
    decided = [approval.decided_by_id for approval in approvals]
    own_right = Q(pk__in=holders)
    standing_in = Q(pk__in=substitutes.values("substitute_id"))
    if decided:
        own_right &= ~_blocking(approvals, step, organization)
        standing_in &= ~Q(pk__in=decided)
    excluded = Q(pk__in=auditors)
    if request.requested_by_id is not None:
        excluded |= Q(pk=request.requested_by_id)
    deciders = User.objects.filter((own_right | standing_in) & Q(is_active=True) & ~excluded)
    return list(deciders.order_by("pk").values_list("pk", flat=True))


def _blocking(approvals: list[Approval], step: Step, organization: int) -> Q:
    """Who decided a step of the request already, and so may not decide `step` (`_deciders`' `blocking`): on
    the director's step, not whoever decided the area-head step in their own right where the policy documents
    that the director covers the area head (`_covering`)."""
    if step == Step.AREA_HEAD:
        return Q(pk__in=[approval.decided_by_id for approval in approvals])
    own_area_step = [approval.step == Step.AREA_HEAD and approval.on_behalf_of_id is None for approval in approvals]
    covering = [approval.decided_by_id for approval, own in zip(approvals, own_area_step, strict=True) if own]
    others = [approval.decided_by_id for approval, own in zip(approvals, own_area_step, strict=True) if not own]
    blocking = Q(pk__in=others)
    if covering:
        covers = SeparationPolicy.objects.filter(organization_id=organization, director_covers_area_head=True)
        blocking |= Q(pk__in=covering) & ~Q(Exists(covers))
    return blocking


def open_request_for(item: WorkItem | Plan) -> TransitionRequest | None:
    """The item's (or the plan's) pending request: at most one (a partial unique index)."""
    pending = TransitionRequest.objects.filter(status=TransitionRequest.Status.PENDING).order_by("pk")
    if isinstance(item, Plan):
        return pending.filter(plan=item.pk).first()
    if isinstance(item, Activity):
        return pending.filter(activity=item.pk).first()
    return pending.filter(objective=item.pk).first()


def _without_head() -> Q:
    """Requests on an item none of whose areas has a head: the director decides their area-head step."""
    headed = ObjectiveAreas.objects.filter(area__head__isnull=False)
    on_objective = Exists(headed.filter(objective_id=OuterRef("objective_id")))
    on_activity = Exists(headed.filter(objective_id=OuterRef("activity__objective_id")))
    return (Q(objective_id__isnull=False) & ~on_objective) | (Q(activity_id__isnull=False) & ~on_activity)


def _awaiting(person_id: int, organization: Q, steps: tuple[Step, ...] = tuple(Step)) -> Q:
    """Pending requests whose current step, one of `steps`, is decided by the person `person_id`."""
    headed_areas = Area.objects.filter(head_id=person_id).values("pk")
    directed = OrganizationRole.objects.filter(role=_DIRECTOR, user_id=person_id).values("organization_id")
    objective_in_area = ObjectiveAreas.objects.filter(area_id__in=headed_areas).values("objective_id")
    conditions = []
    if Step.AREA_HEAD in steps:
        in_area = Q(objective_id__in=objective_in_area) | Q(activity__objective_id__in=objective_in_area)
        conditions.append(Q(current_step=Step.AREA_HEAD) & in_area)
        conditions.append(Q(current_step=Step.AREA_HEAD, organization_id__in=directed) & _without_head())
    if Step.DIRECTOR in steps:
        conditions.append(Q(current_step=Step.DIRECTOR, organization_id__in=directed))
    either = conditions[0]
    for condition in conditions[1:]:
        either |= condition
    return organization & either


def _not_theirs(person_id: int) -> Q:
    """Requests the person `person_id` may not decide, whatever their roles: their own, those of an
    organization they audit, and those of which they decided a step already, but where the director covers
    the area head as the policy documents (the SQL of workflow.separation's rules)."""
    audited = OrganizationRole.objects.filter(role=_AUDITOR, user_id=person_id).values("organization_id")
    directed = OrganizationRole.objects.filter(role=_DIRECTOR, user_id=person_id).values("organization_id")
    theirs = Approval.objects.filter(request=OuterRef("pk"), decided_by_id=person_id)
    policy = SeparationPolicy.objects.filter(
        organization_id=OuterRef("organization_id"), director_covers_area_head=True
    )
    covers = (
        Q(current_step=Step.DIRECTOR, organization_id__in=directed)
        & Exists(policy)
        & ~Exists(theirs.exclude(step=Step.AREA_HEAD, on_behalf_of__isnull=True))
    )
    return Q(requested_by_id=person_id) | Q(organization_id__in=audited) | (Exists(theirs) & ~covers)


def _stand_in_steps(user: Any, delegation: Delegation, policies: dict[int, SeparationPolicy]) -> tuple[Step, ...]:
    """The steps `user` may decide for the delegator of `delegation` under its organization's policy."""
    delegator, organization = delegation.delegator, delegation.organization_id
    if not delegator.is_active or organization in roles_of(delegator).auditor_of:
        return ()
    if organization not in policies:
        policies[organization] = separation_policy(organization)
    return tuple(step for step in Step if may_stand_in(policies[organization], step, user, delegator))


def _awaiting_condition(user: Any, delegations: list[Delegation]) -> Q:
    condition = _awaiting(user.pk, Q())
    policies: dict[int, SeparationPolicy] = {}
    for delegation in delegations:
        steps = _stand_in_steps(user, delegation, policies)
        if steps:
            # Never a plan's step that the absent director asked himself: another director approves it.
            own_plan_step = Q(plan__isnull=False, requested_by_id=delegation.delegator_id)
            organization = Q(organization_id=delegation.organization_id) & ~own_plan_step
            condition |= _awaiting(delegation.delegator_id, organization, steps)
    return condition & ~_not_theirs(user.pk)


def delegations_to(user: Any, *, on: dt.date | None = None) -> list[Delegation]:
    """The delegations active on day `on` (today by default) that make `user` someone's substitute."""
    if not user.is_authenticated:
        return []
    day = on or timezone.localdate()
    return list(Delegation.objects.active_on(day).filter(substitute=user.pk).select_related("delegator").order_by("pk"))


def _pending_awaiting(user: Any, delegations: list[Delegation]) -> QuerySet[TransitionRequest]:
    pending = TransitionRequest.objects.filter(status=TransitionRequest.Status.PENDING)
    return pending.filter(_awaiting_condition(user, delegations))


def requests_awaiting(user: Any, *, on: dt.date | None = None) -> QuerySet[TransitionRequest]:
    """The pending requests whose next decision is `user`'s, in their own right or as a substitute: what
    `decider_for` lets them decide."""
    if not user.is_authenticated:
        return TransitionRequest.objects.none()
    return _pending_awaiting(user, delegations_to(user, on=on))


def count_awaiting(user: Any, *, on: dt.date | None = None) -> int:
    """`requests_awaiting(user).count()`: the menu's badge on every page."""
    if not user.is_authenticated:
        return 0
    return _pending_awaiting(user, delegations_to(user, on=on)).count()


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
    on the state machine), each with the approvals it would still need: the steps that their own right
    does not approve with the request (workflow.separation.approved_with_request). None while a request is
    open, and on a validated plan (plans.freeze), which nobody changes."""
    plan = item.objective.plan if isinstance(item, Activity) else item.plan
    if not user.is_authenticated or is_frozen(plan) or open_request_for(item) is not None:
        return []
    available = []
    for transition in item.get_available_user_state_transitions(user):  # type: ignore[union-attr]
        name = TransitionName(transition.name)
        needed: list[Step] = []
        approved: list[str] = []
        for step in chain_for(item, name):
            if approved_with_request(user, item, step, earlier=approved):
                approved.append(step)
            else:
                needed.append(step)
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
