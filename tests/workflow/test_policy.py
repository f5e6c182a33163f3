"""The approval policy: sensible defaults, an organization's own chains, and what stays the director's."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from plans.models import Organization
from workflow.models import DEFAULT_CHAINS, ApprovalPolicy, Chain, PlanTransition, Step, TargetKind, TransitionName
from workflow.selectors import approval_chain

pytestmark = pytest.mark.django_db

ACTIVITY, OBJECTIVE = TargetKind.ACTIVITY, TargetKind.OBJECTIVE


@pytest.fixture
def consorzio() -> Organization:
    return Organization.objects.create(slug="consorzio", name="Consorzio")


@pytest.mark.parametrize(
    ("kind", "transition", "steps"),
    [
        (ACTIVITY, TransitionName.AVVIA, ()),
        (ACTIVITY, TransitionName.CONCLUDI, (Step.AREA_HEAD,)),
        (ACTIVITY, TransitionName.RINVIA, (Step.AREA_HEAD, Step.DIRECTOR)),
        (OBJECTIVE, TransitionName.CONCLUDI, (Step.AREA_HEAD, Step.DIRECTOR)),
        (OBJECTIVE, TransitionName.RIAPRI, (Step.DIRECTOR,)),
        (ACTIVITY, TransitionName.RIAPRI, (Step.DIRECTOR,)),
    ],
)
def test_defaults_apply_without_a_policy_row(
    consorzio: Organization, kind: TargetKind, transition: TransitionName, steps: tuple[Step, ...]
) -> None:
    assert approval_chain(consorzio, kind, transition) == steps


def test_every_transition_of_every_kind_has_a_default() -> None:
    items = {(kind, name) for kind in (ACTIVITY, OBJECTIVE) for name in TransitionName}
    plan_steps = {(TargetKind.PLAN, name) for name in PlanTransition}
    assert set(DEFAULT_CHAINS) == items | plan_steps


def test_an_organization_can_change_its_own_chain_only(consorzio: Organization) -> None:
    other = Organization.objects.create(slug="comune", name="Comune")
    ApprovalPolicy.objects.create(
        organization=consorzio, target_kind=ACTIVITY, transition=TransitionName.AVVIA, chain=Chain.AREA_HEAD
    )
    assert approval_chain(consorzio, ACTIVITY, TransitionName.AVVIA) == (Step.AREA_HEAD,)
    assert approval_chain(other, ACTIVITY, TransitionName.AVVIA) == ()


@pytest.mark.parametrize(
    ("kind", "transition", "chain"),
    [
        (OBJECTIVE, TransitionName.CONCLUDI, Chain.AREA_HEAD),
        (OBJECTIVE, TransitionName.RINVIA, Chain.NONE),
        (ACTIVITY, TransitionName.RIAPRI, Chain.AREA_HEAD_THEN_DIRECTOR),
    ],
)
def test_what_is_reserved_to_the_director_cannot_be_configured_away(
    consorzio: Organization, kind: TargetKind, transition: TransitionName, chain: Chain
) -> None:
    policy = ApprovalPolicy(organization=consorzio, target_kind=kind, transition=transition, chain=chain)
    with pytest.raises(ValidationError) as refusal:
        policy.full_clean()
    assert "direttore" in str(refusal.value)
