"""Every path of the workflow through its services: direct transitions, approve, reject, withdraw, a
two-step chain, delegation, an objective blocked by open activities, and riapri by the director only."""

from __future__ import annotations

import datetime as dt

import pytest

from plans.models import Activity, Objective, WorkState
from tests.workflow.world import World
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.models import ApprovalPolicy, AuditEntry, Chain, Delegation, Step, TransitionRequest
from workflow.selectors import count_awaiting, requests_awaiting
from workflow.services import (
    approval_approve,
    approval_reject,
    item_avvia,
    item_concludi,
    item_riapri,
    item_rinvia,
    item_riprendi,
    request_withdraw,
)

pytestmark = pytest.mark.django_db


def trail(item: Activity | Objective) -> list[tuple[str, str, str]]:
    """(event, actor, to_state) of every audit row of `item`, in order."""
    field = "activity" if isinstance(item, Activity) else "objective"
    entries = AuditEntry.objects.filter(**{field: item}).order_by("at", "pk")
    return [(entry.event, entry.actor.username, entry.to_state) for entry in entries]


def state(item: Activity | Objective) -> str:
    return type(item).objects.get(pk=item.pk).state


def test_staff_start_an_activity_directly_when_the_policy_needs_no_approval(world: World) -> None:
    outcome = item_avvia(actor=world.sara, item=world.activity, comment="Si parte")
    assert outcome.applied
    assert state(world.activity) == WorkState.AVVIATO
    assert trail(world.activity) == [("requested", "sara", ""), ("state_changed", "sara", "avviato")]
    assert outcome.request.status == TransitionRequest.Status.APPROVED
    assert outcome.request.approvals.count() == 0


def test_staff_request_to_conclude_waits_for_the_area_head_then_applies(world: World) -> None:
    item_avvia(actor=world.sara, item=world.activity)
    outcome = item_concludi(actor=world.sara, item=world.activity, actual_end=dt.date(2026, 5, 14))
    assert not outcome.applied
    assert outcome.request.current_step == Step.AREA_HEAD
    assert state(world.activity) == WorkState.AVVIATO
    assert list(requests_awaiting(world.anna)) == [outcome.request]
    assert not requests_awaiting(world.bruno).exists()
    assert not requests_awaiting(world.diana).exists()
    assert [count_awaiting(person) for person in (world.anna, world.bruno, world.diana)] == [1, 0, 0]

    approved = approval_approve(actor=world.anna, request=outcome.request, comment="Ok")
    assert approved.applied
    activity = Activity.objects.get(pk=world.activity.pk)
    assert (activity.state, activity.actual_end) == (WorkState.CONCLUSO, dt.date(2026, 5, 14))
    assert trail(world.activity)[-3:] == [
        ("requested", "sara", ""),
        ("approved", "anna", ""),
        ("state_changed", "anna", "concluso"),
    ]


def test_a_rejection_closes_the_request_and_leaves_the_state(world: World) -> None:
    item_avvia(actor=world.sara, item=world.activity)
    pending = item_concludi(actor=world.sara, item=world.activity).request
    with pytest.raises(InvalidInput) as missing_comment:
        approval_reject(actor=world.anna, request=pending, comment=" ")
    assert "comment" in missing_comment.value.fields
    rejected = approval_reject(actor=world.anna, request=pending, comment="Manca il verbale")
    assert rejected.request.status == TransitionRequest.Status.REJECTED
    assert state(world.activity) == WorkState.AVVIATO
    assert trail(world.activity)[-1] == ("rejected", "anna", "")
    with pytest.raises(Conflict) as closed:
        approval_approve(actor=world.anna, request=pending)
    assert closed.value.code == "request_closed"


def test_only_the_requester_withdraws_and_only_while_open(world: World) -> None:
    item_avvia(actor=world.sara, item=world.activity)
    pending = item_concludi(actor=world.sara, item=world.activity).request
    with pytest.raises(NotAllowed):
        request_withdraw(actor=world.anna, request=pending)
    with pytest.raises(NotVisible):
        request_withdraw(actor=world.tommaso, request=pending)
    withdrawn = request_withdraw(actor=world.sara, request=pending, comment="Ci ho ripensato")
    assert withdrawn.request.status == TransitionRequest.Status.WITHDRAWN
    assert trail(world.activity)[-1] == ("withdrawn", "sara", "")
    with pytest.raises(Conflict):
        request_withdraw(actor=world.sara, request=pending)
    # Once withdrawn, a new request may be made.
    assert not item_concludi(actor=world.sara, item=world.activity).applied


def test_a_second_open_request_on_the_same_item_is_a_conflict(world: World) -> None:
    item_avvia(actor=world.sara, item=world.activity)
    item_concludi(actor=world.sara, item=world.activity)
    with pytest.raises(Conflict) as second:
        item_rinvia(actor=world.anna, item=world.activity, reason="Ritardo", new_planned_end=dt.date(2026, 9, 30))
    assert second.value.code == "request_open"
    assert TransitionRequest.objects.filter(activity=world.activity, status="pending").count() == 1


def test_rinvia_goes_through_the_area_head_then_the_director(world: World) -> None:
    outcome = item_rinvia(
        actor=world.sara, item=world.activity, reason="Fornitore in ritardo", new_planned_end=dt.date(2026, 10, 31)
    )
    request = outcome.request
    assert request.steps == [Step.AREA_HEAD, Step.DIRECTOR]
    with pytest.raises(NotAllowed):
        approval_approve(actor=world.diana, request=request)  # the area head decides first
    approval_approve(actor=world.anna, request=request)
    request.refresh_from_db()
    assert request.current_step == Step.DIRECTOR
    assert state(world.activity) == WorkState.PROGRAMMATO
    assert list(requests_awaiting(world.diana)) == [request]
    assert not requests_awaiting(world.anna).exists()
    assert (count_awaiting(world.diana), count_awaiting(world.anna)) == (1, 0)
    with pytest.raises(NotAllowed):
        approval_approve(actor=world.anna, request=request)

    approval_approve(actor=world.diana, request=request, comment="Va bene")
    activity = Activity.objects.get(pk=world.activity.pk)
    assert (activity.state, activity.planned_end) == (WorkState.RINVIATO, dt.date(2026, 10, 31))
    assert [event for event, _, _ in trail(world.activity)] == ["requested", "approved", "approved", "state_changed"]


def test_the_requesters_own_steps_are_approved_with_the_request(world: World) -> None:
    # Anna heads the area: her step is approved by asking; the director's remains.
    outcome = item_rinvia(
        actor=world.anna, item=world.activity, reason="Riorganizzazione", new_planned_end=dt.date(2026, 8, 31)
    )
    assert outcome.request.current_step == Step.DIRECTOR
    approvals = list(outcome.request.approvals.values_list("step", "decided_by__username"))
    assert approvals == [(Step.AREA_HEAD, "anna")]
    # The director's request for the same chain needs the area head; then the director's step is implicit.
    item = world.second_activity
    pending = item_rinvia(actor=world.diana, item=item, reason="Budget", new_planned_end=dt.date(2026, 12, 15))
    assert pending.request.current_step == Step.AREA_HEAD
    approval_approve(actor=world.anna, request=pending.request)
    assert state(item) == WorkState.RINVIATO


def test_rinvia_requires_a_reason_and_a_later_planned_end(world: World) -> None:
    with pytest.raises(InvalidInput) as invalid:
        item_rinvia(actor=world.anna, item=world.activity, reason="", new_planned_end=dt.date(2026, 6, 1))
    assert set(invalid.value.fields) == {"reason", "new_planned_end"}
    with pytest.raises(InvalidInput) as past:
        item_rinvia(actor=world.anna, item=world.activity, reason="x", new_planned_end=dt.date(2026, 1, 1))
    assert "passato" in past.value.fields["new_planned_end"][0]
    assert not TransitionRequest.objects.exists()
    assert not AuditEntry.objects.workflow().exists()


def test_an_objective_cannot_be_concluded_while_an_activity_is_open(world: World) -> None:
    item_avvia(actor=world.anna, item=world.objective)  # the area head's own step: applied at once
    assert state(world.objective) == WorkState.AVVIATO
    with pytest.raises(Conflict) as blocked:
        item_concludi(actor=world.diana, item=world.objective)
    assert blocked.value.code == "open_activities"
    assert "2 attività" in blocked.value.message

    for activity in (world.activity, world.second_activity):
        item_avvia(actor=world.anna, item=activity)
        item_concludi(actor=world.anna, item=activity)
    outcome = item_concludi(actor=world.anna, item=world.objective)
    assert outcome.request.current_step == Step.DIRECTOR
    approval_approve(actor=world.diana, request=outcome.request)
    assert state(world.objective) == WorkState.CONCLUSO


def test_an_objective_approval_fails_if_an_activity_reopened_meanwhile(world: World) -> None:
    item_avvia(actor=world.anna, item=world.objective)
    for activity in (world.activity, world.second_activity):
        item_avvia(actor=world.anna, item=activity)
        item_concludi(actor=world.anna, item=activity)
    pending = item_concludi(actor=world.anna, item=world.objective).request
    item_riapri(actor=world.diana, item=world.activity, reason="Verifica incompleta")
    with pytest.raises(Conflict):
        approval_approve(actor=world.diana, request=pending)
    pending.refresh_from_db()
    assert pending.is_open  # nothing changed: the director may reject it or wait
    assert state(world.objective) == WorkState.AVVIATO


def test_only_the_director_reopens_and_with_a_reason(world: World) -> None:
    item_avvia(actor=world.anna, item=world.activity)
    item_concludi(actor=world.anna, item=world.activity, actual_end=dt.date(2026, 5, 10))
    for who in ("anna", "sara", "otto"):
        with pytest.raises(NotAllowed):
            item_riapri(actor=getattr(world, who), item=world.activity, reason="Errore")
    with pytest.raises(NotVisible):
        item_riapri(actor=world.erica, item=world.activity, reason="Errore")
    with pytest.raises(InvalidInput):
        item_riapri(actor=world.diana, item=world.activity, reason="")
    outcome = item_riapri(actor=world.diana, item=world.activity, reason="Il verbale manca")
    assert outcome.applied
    activity = Activity.objects.get(pk=world.activity.pk)
    assert (activity.state, activity.actual_end) == (WorkState.AVVIATO, None)
    assert trail(world.activity)[-1] == ("state_changed", "diana", "avviato")


def test_a_transition_from_the_wrong_state_is_a_conflict(world: World) -> None:
    with pytest.raises(Conflict) as wrong:
        item_concludi(actor=world.anna, item=world.activity)
    assert wrong.value.code == "transition_not_allowed"
    with pytest.raises(Conflict):
        item_riprendi(actor=world.anna, item=world.activity)


def test_a_substitute_decides_on_behalf_of_the_absent_head(world: World) -> None:
    Delegation.objects.create(
        organization=world.aurelia,
        delegator=world.anna,
        substitute=world.bruno,
        starts_on=dt.date(2026, 5, 11),
        ends_on=dt.date(2026, 5, 22),
        reason="Ferie",
    )
    item_avvia(actor=world.sara, item=world.activity)
    pending = item_concludi(actor=world.sara, item=world.activity).request
    # Bruno heads another area: he cannot see the activity in his own right, but he substitutes Anna.
    assert list(requests_awaiting(world.bruno)) == [pending]
    assert count_awaiting(world.bruno) == 1  # as a substitute
    approval_approve(actor=world.bruno, request=pending, comment="Per Anna, in ferie")
    approval = pending.approvals.get()
    assert (approval.decided_by, approval.on_behalf_of) == (world.bruno, world.anna)
    last = AuditEntry.objects.filter(activity=world.activity).order_by("-pk").first()
    assert last is not None and (last.actor, last.on_behalf_of) == (world.bruno, world.anna)


def test_an_expired_or_revoked_delegation_gives_no_power(world: World) -> None:
    Delegation.objects.create(
        organization=world.aurelia,
        delegator=world.anna,
        substitute=world.bruno,
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 4, 30),
    )
    item_avvia(actor=world.sara, item=world.activity)
    pending = item_concludi(actor=world.sara, item=world.activity).request
    assert not requests_awaiting(world.bruno).exists()
    assert count_awaiting(world.bruno) == 0
    with pytest.raises(NotVisible):
        approval_approve(actor=world.bruno, request=pending)


def test_an_organization_policy_changes_the_chain(world: World) -> None:
    ApprovalPolicy.objects.create(
        organization=world.aurelia, target_kind="activity", transition="avvia", chain=Chain.AREA_HEAD
    )
    outcome = item_avvia(actor=world.sara, item=world.activity)
    assert outcome.request.current_step == Step.AREA_HEAD


def test_an_area_without_a_head_sends_its_step_to_the_director(world: World) -> None:
    world.social.head = None
    world.social.save()
    item_avvia(actor=world.sara, item=world.activity)
    pending = item_concludi(actor=world.sara, item=world.activity).request
    assert pending.steps == [Step.AREA_HEAD]
    approval_approve(actor=world.diana, request=pending)
    assert state(world.activity) == WorkState.CONCLUSO


def test_the_transversal_objective_is_decided_by_the_head_of_either_area(world: World) -> None:
    outcome = item_avvia(actor=world.bruno, item=world.transversal)
    assert outcome.applied
    assert state(world.transversal) == WorkState.AVVIATO
