"""Approval chains on the plan's steps: by default the director adopts, starts and closes the plan himself; a body
that sets Chain.DIRECTOR on a step makes it a request that another director of the body approves, in the approvals
inbox, with the separation of duties of every request (not the one who asked, not his substitute, not the OIV)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from plans.models import OrganizationRole, Plan, PlanState
from tests.workflow.world import World
from workflow.errors import Conflict, NotAllowed, NotVisible
from workflow.models import (
    ApprovalPolicy,
    AuditEntry,
    Chain,
    Delegation,
    PlanTransition,
    TargetKind,
    TransitionName,
    TransitionRequest,
)
from workflow.selectors import requests_awaiting
from workflow.services import approval_approve, approval_reject, request_withdraw
from workflow.services.plan_lifecycle import open_plan_request, plan_adopt, plan_chain, plan_close, plan_start

pytestmark = pytest.mark.django_db

ACT, ON = "Delibera di Giunta n. 12", dt.date(2026, 1, 20)


def _draft(world: World) -> Plan:
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.DRAFT)
    return Plan.objects.get(pk=world.plan.pk)


def _second_director(world: World) -> User:
    vice = User.objects.create_user("vittoria", "vittoria@aurelia.example", "segreta", first_name="Vittoria")
    OrganizationRole.objects.create(organization=world.aurelia, user=vice, role=OrganizationRole.Role.DIRECTOR)
    return vice


def _require_director(world: World, step: PlanTransition) -> None:
    ApprovalPolicy.objects.create(
        organization=world.aurelia, target_kind=TargetKind.PLAN, transition=step, chain=Chain.DIRECTOR
    )


def test_by_default_the_director_acts_himself(world: World) -> None:
    assert all(plan_chain(world.plan, step) == () for step in PlanTransition)
    plan = plan_adopt(actor=world.diana, plan=_draft(world), act=ACT, adopted_on=ON)
    assert plan.state == PlanState.ADOPTED
    assert not TransitionRequest.objects.filter(plan=plan).exists()


def test_an_adoption_under_a_chain_waits_for_another_director_who_applies_it(world: World) -> None:
    vice = _second_director(world)
    _require_director(world, PlanTransition.ADOPT)
    plan = plan_adopt(actor=world.diana, plan=_draft(world), act=ACT, adopted_on=ON)

    assert Plan.objects.get(pk=plan.pk).state == PlanState.DRAFT
    request = open_plan_request(plan)
    assert request is not None
    assert (request.transition, request.current_step, request.act, request.act_date) == ("adopt", "director", ACT, ON)
    assert list(requests_awaiting(vice)) == [request]
    assert list(requests_awaiting(world.diana)) == []  # his own request
    assert list(requests_awaiting(world.otto)) == []  # the OIV decides nothing

    outcome = approval_approve(actor=vice, request=request, comment="Conforme alla delibera")

    assert outcome.applied
    stored = Plan.objects.get(pk=plan.pk)
    assert (stored.state, stored.adoption_act, stored.adopted_on) == (PlanState.ADOPTED, ACT, ON)
    events = list(
        AuditEntry.objects.workflow()
        .filter(subject="plans.plan", subject_id=plan.pk)
        .order_by("pk")
        .values_list("event", "actor__username")
    )
    assert events == [("requested", "diana"), ("approved", "vittoria"), ("state_changed", "vittoria")]
    change = AuditEntry.objects.get(subject="plans.plan", subject_id=plan.pk, event="state_changed")
    assert (change.from_state, change.to_state) == ("draft", "adopted")


def test_the_one_who_asked_and_the_oiv_cannot_approve(world: World) -> None:
    _second_director(world)
    _require_director(world, PlanTransition.ADOPT)
    plan = plan_adopt(actor=world.diana, plan=_draft(world), act=ACT, adopted_on=ON)
    request = open_plan_request(plan)
    assert request is not None
    with pytest.raises(NotAllowed) as own:
        approval_approve(actor=world.diana, request=request)
    assert own.value.code == "sod_own_request"
    with pytest.raises(NotAllowed) as auditor:
        approval_approve(actor=world.otto, request=request)
    assert auditor.value.code in ("sod_auditor", "permission_denied")
    with pytest.raises(NotVisible):  # an area head has no say on the plan, and does not see its requests
        approval_approve(actor=world.anna, request=request)
    assert Plan.objects.get(pk=plan.pk).state == PlanState.DRAFT


def test_the_asking_directors_substitute_does_not_approve_for_him(world: World) -> None:
    _require_director(world, PlanTransition.START)
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.ADOPTED)
    Delegation.objects.create(
        organization=world.aurelia,
        delegator=world.diana,
        substitute=world.anna,
        starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2026, 5, 31),
    )
    plan = plan_start(actor=world.diana, plan=Plan.objects.get(pk=world.plan.pk))
    request = open_plan_request(plan)
    assert request is not None
    with pytest.raises((NotAllowed, NotVisible)):
        approval_approve(actor=world.anna, request=request)
    assert list(requests_awaiting(world.anna)) == []
    assert Plan.objects.get(pk=plan.pk).state == PlanState.ADOPTED


def test_a_rejected_step_changes_nothing_and_a_withdrawn_one_frees_the_plan(world: World) -> None:
    vice = _second_director(world)
    _require_director(world, PlanTransition.CLOSE)
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.IN_EXECUTION)
    plan = plan_close(actor=world.diana, plan=Plan.objects.get(pk=world.plan.pk))
    request = open_plan_request(plan)
    assert request is not None
    with pytest.raises(Conflict):  # one step awaiting at a time
        plan_close(actor=world.diana, plan=plan)

    approval_reject(actor=vice, request=request, comment="Manca il consuntivo dell'area tecnica")
    assert Plan.objects.get(pk=plan.pk).state == PlanState.IN_EXECUTION
    assert TransitionRequest.objects.get(pk=request.pk).status == TransitionRequest.Status.REJECTED

    plan_close(actor=world.diana, plan=plan)
    again = open_plan_request(plan)
    assert again is not None
    request_withdraw(actor=world.diana, request=again)
    assert open_plan_request(plan) is None
    assert Plan.objects.get(pk=plan.pk).state == PlanState.IN_EXECUTION


def test_a_plan_step_accepts_only_no_chain_or_a_director(world: World) -> None:
    for chain in (Chain.AREA_HEAD, Chain.AREA_HEAD_THEN_DIRECTOR):
        policy = ApprovalPolicy(
            organization=world.aurelia, target_kind=TargetKind.PLAN, transition=PlanTransition.ADOPT, chain=chain
        )
        with pytest.raises(ValidationError) as refused:
            policy.full_clean()
        assert "chain" in refused.value.message_dict
    wrong = ApprovalPolicy(
        organization=world.aurelia, target_kind=TargetKind.PLAN, transition=TransitionName.AVVIA, chain=Chain.NONE
    )
    with pytest.raises(ValidationError):
        wrong.full_clean()
    item_with_plan_step = ApprovalPolicy(
        organization=world.aurelia, target_kind=TargetKind.ACTIVITY, transition=PlanTransition.ADOPT, chain=Chain.NONE
    )
    with pytest.raises(ValidationError):
        item_with_plan_step.full_clean()
    ApprovalPolicy(
        organization=world.aurelia, target_kind=TargetKind.PLAN, transition=PlanTransition.ADOPT, chain=Chain.DIRECTOR
    ).full_clean()


def test_the_scoped_admin_shows_a_plans_requests_to_its_directors_and_oiv_only(world: World) -> None:
    from workflow.admin import TransitionRequestAdmin, _visible_trail

    _require_director(world, PlanTransition.ADOPT)
    plan = plan_adopt(actor=world.diana, plan=_draft(world), act=ACT, adopted_on=ON)
    request = open_plan_request(plan)
    assert request is not None
    for name, sees in (("diana", True), ("otto", True), ("anna", False), ("sara", False), ("erica", False)):
        user = world.users[name]
        assert TransitionRequestAdmin.visible(user).filter(pk=request.pk).exists() is sees, name
        assert _visible_trail(user).filter(request=request).exists() is sees, name
