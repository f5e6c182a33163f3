"""Races on the plan's steps: the director's many clicks (or clients) at the same instant, each on its own
connection, through the real API. Exactly one adoption applies, or, under an approval chain, exactly one request
is opened; every other answer is a 409 and the trail tells one story."""

from __future__ import annotations

import datetime as dt

import pytest

from plans.models import Plan, PlanState
from tests.workflow.test_races import THREADS, Shot, poster, race
from tests.workflow.world import World, build_world
from workflow.models import ApprovalPolicy, AuditEntry, Chain, PlanTransition, TargetKind, TransitionRequest


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    """The world with its plan still a draft: these tests take it through its life from the start."""
    return build_world(live=False)


pytestmark = pytest.mark.django_db(transaction=True)


def _adoptions(world: World) -> list[tuple[int, str]]:
    url = f"/api/plans/{world.plan.pk}/adopt/"

    def prepare(index: int) -> Shot:
        return poster("diana", "adopt", url, {"act": f"Delibera n. {index}", "adopted_on": "2026-01-20"})

    # A plan's answer has a "code" of its own (the plan's): only an error's code counts here.
    return sorted((answer.status, answer.body["code"] if answer.status >= 400 else "-") for answer in race(prepare))


def test_many_adoptions_at_once_exactly_one_applies(world: World) -> None:
    answers = _adoptions(world)
    assert answers.count((200, "-")) == 1
    assert answers.count((409, "conflict")) == THREADS - 1
    assert Plan.objects.get(pk=world.plan.pk).state == PlanState.ADOPTED
    adopted = AuditEntry.objects.filter(subject="plans.plan", subject_id=world.plan.pk, after__state="adopted")
    assert adopted.count() == 1


def test_many_adoptions_under_a_chain_open_exactly_one_request(world: World) -> None:
    ApprovalPolicy.objects.create(
        organization=world.aurelia, target_kind=TargetKind.PLAN, transition=PlanTransition.ADOPT, chain=Chain.DIRECTOR
    )
    answers = _adoptions(world)
    assert answers.count((202, "-")) == 1
    assert answers.count((409, "request_open")) == THREADS - 1
    assert TransitionRequest.objects.filter(plan=world.plan).count() == 1
    assert Plan.objects.get(pk=world.plan.pk).state == PlanState.DRAFT
    requested = AuditEntry.objects.filter(subject="plans.plan", subject_id=world.plan.pk, event="requested")
    assert requested.count() == 1
