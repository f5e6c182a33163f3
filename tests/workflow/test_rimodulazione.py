"""Rimodulazione: a motivated change of an objective of an adopted plan, approved by the director with its act,
makes the plan's next version; a rejected one changes nothing; only the area head and the director propose."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from plans.models import Activity, Indicator, IndicatorTarget, Measurement, Objective, Plan, PlanState
from tests.workflow.world import World, build_world
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.models import AuditEntry, PlanVersion, TransitionRequest
from workflow.services import approval_reject, request_withdraw
from workflow.services.changes import change_approve, change_request
from workflow.services.plan_lifecycle import plan_adopt, plan_close, plan_start, plan_validate


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    """The world with its plan still a draft: these tests adopt it themselves."""
    return build_world(live=False)


pytestmark = pytest.mark.django_db

ACT = "Decreto del direttore n. 7"
ACT_DATE = dt.date(2026, 5, 14)


@pytest.fixture
def adopted(world: World) -> World:
    plan_adopt(actor=world.diana, plan=world.plan, act="Delibera di Giunta n. 12", adopted_on=dt.date(2026, 1, 20))
    IndicatorTarget.objects.create(indicator=world.indicator, year=2026, raw="=>10", kind="threshold")
    return world


def _rows() -> dict[str, list[Any]]:
    """Every row a change could touch, as the database holds it."""
    return {
        "objectives": list(Objective.objects.order_by("pk").values()),
        "indicators": list(Indicator.objects.order_by("pk").values()),
        "targets": list(IndicatorTarget.objects.order_by("pk").values()),
        "activities": list(Activity.objects.order_by("pk").values()),
        "versions": list(PlanVersion.objects.order_by("pk").values()),
    }


def _target_change(world: World, raw: str = "=>12") -> dict[str, Any]:
    return {"indicators": [{"id": world.indicator.pk, "targets": {"2026": raw}}]}


def test_a_target_changed_by_the_area_head_and_approved_by_the_director_makes_version_2(adopted: World) -> None:
    world = adopted
    outcome = change_request(
        actor=world.anna, objective=world.objective, changes=_target_change(world), motivation="Nuove risorse"
    )
    request = outcome.request
    assert not outcome.applied and request.current_step == "director"
    assert IndicatorTarget.objects.get(indicator=world.indicator).raw == "=>10"  # nothing yet

    outcome = change_approve(actor=world.diana, request=request, act=ACT, act_date=ACT_DATE)

    assert outcome.applied
    target = IndicatorTarget.objects.get(indicator=world.indicator, year=2026)
    assert (target.raw, target.kind, target.operator, target.value) == ("=>12", "threshold", ">=", Decimal(12))
    versions = list(PlanVersion.objects.filter(plan=world.plan).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    first, second = versions
    assert first.request is None and first.act == "Delibera di Giunta n. 12"
    assert first.trail_entry is not None and (first.trail_entry.after or {}).get("state") == "adopted"
    assert (second.request_id, second.act, second.act_date, second.made_by) == (request.pk, ACT, ACT_DATE, world.diana)
    assert second.motivation == "Nuove risorse"
    indicator = str(world.indicator.pk)
    objective = str(world.objective.pk)
    assert first.snapshot["objectives"][objective]["indicators"][indicator]["targets"] == {"2026": "=>10"}
    assert second.snapshot["objectives"][objective]["indicators"][indicator]["targets"] == {"2026": "=>12"}
    # In the trail: the director's decision, then the target's change with the motivation and the act.
    assert second.trail_entry is not None and second.trail_entry.event == "approved"
    change = AuditEntry.objects.get(subject="plans.indicatortarget", subject_id=target.pk, event="changed")
    assert change.pk > second.trail_entry.pk
    assert (change.before or {}).get("raw") == "=>10"
    assert ((change.after or {}).get("raw"), change.actor) == ("=>12", world.diana)
    assert "Nuove risorse" in change.comment and ACT in change.comment
    assert TransitionRequest.objects.get(pk=request.pk).status == "approved"


def test_a_rejected_change_changes_nothing(adopted: World) -> None:
    world = adopted
    request = change_request(
        actor=world.anna,
        objective=world.objective,
        changes=_target_change(world) | {"title": "Nuovo titolo", "weight": "1,4"},
        motivation="Nuove risorse",
    ).request
    before = _rows()

    approval_reject(actor=world.diana, request=request, comment="Non ci sono le risorse")

    assert _rows() == before
    assert TransitionRequest.objects.get(pk=request.pk).status == "rejected"
    assert not PlanVersion.objects.exists()


def test_the_director_s_own_change_with_its_act_applies_at_once(adopted: World) -> None:
    world = adopted
    changes = {
        "title": "Presa in carico unica e integrata",
        "weight": "1,2",
        "planned_end": "2026-11-30",
        "activities": [{"id": world.activity.pk, "planned_end": "2026-07-31"}],
        "indicators": [
            {"id": world.indicator.pk, "name": "Utenti presi in carico (totale)", "weight": 2},
            {"name": "Operatori formati", "unit": "n.", "targets": {"2026": "20"}},
        ],
    }
    outcome = change_request(
        actor=world.diana,
        objective=world.objective,
        changes=changes,
        motivation="Riorganizzazione",
        act=ACT,
        act_date=ACT_DATE,
    )
    assert outcome.applied
    objective = Objective.objects.get(pk=world.objective.pk)
    assert (objective.title, objective.weight, objective.planned_end) == (
        "Presa in carico unica e integrata",
        Decimal("1.20"),
        dt.date(2026, 11, 30),
    )
    assert Activity.objects.get(pk=world.activity.pk).planned_end == dt.date(2026, 7, 31)
    names = list(Indicator.objects.filter(objective=objective).order_by("position").values_list("name", "weight"))
    assert names == [("Utenti presi in carico (totale)", Decimal("2.00")), ("Operatori formati", None)]
    added = Indicator.objects.get(objective=objective, position=2)
    assert IndicatorTarget.objects.get(indicator=added).value == Decimal(20)
    assert PlanVersion.objects.filter(plan=world.plan).count() == 2


def test_the_last_approval_needs_the_act_and_without_it_changes_nothing(adopted: World) -> None:
    world = adopted
    request = change_request(
        actor=world.anna, objective=world.objective, changes=_target_change(world), motivation="Nuove risorse"
    ).request
    before = _rows()
    with pytest.raises(InvalidInput) as refused:
        change_approve(actor=world.diana, request=request)
    assert set(refused.value.fields) == {"act"}
    assert _rows() == before
    assert TransitionRequest.objects.get(pk=request.pk).status == "pending"
    # The director's own proposal without the act is refused too, and leaves no request behind.
    request_withdraw(actor=world.anna, request=request)
    with pytest.raises(InvalidInput):
        change_request(actor=world.diana, objective=world.objective, changes=_target_change(world), motivation="x")
    assert _rows() == before
    assert TransitionRequest.objects.filter(status="pending").count() == 0


@pytest.mark.parametrize("name", ["sara", "otto"])
def test_staff_and_the_oiv_do_not_propose(adopted: World, name: str) -> None:
    world = adopted
    with pytest.raises(NotAllowed):
        change_request(
            actor=world.users[name], objective=world.objective, changes=_target_change(world), motivation="x"
        )
    assert not TransitionRequest.objects.exists()


def test_an_area_head_does_not_propose_outside_their_area_and_nobody_sees_another_body(adopted: World) -> None:
    world = adopted
    with pytest.raises(NotVisible):
        change_request(actor=world.bruno, objective=world.objective, changes=_target_change(world), motivation="x")
    with pytest.raises(NotVisible):
        change_request(actor=world.tommaso, objective=world.objective, changes=_target_change(world), motivation="x")
    with pytest.raises(NotVisible):
        change_request(actor=world.erica, objective=world.objective, changes=_target_change(world), motivation="x")


def test_only_the_director_approves(adopted: World) -> None:
    world = adopted
    request = change_request(
        actor=world.anna, objective=world.objective, changes=_target_change(world), motivation="Nuove risorse"
    ).request
    for name in ("anna", "bruno", "otto"):
        with pytest.raises((NotAllowed, NotVisible)):
            change_approve(actor=world.users[name], request=request, act=ACT, act_date=ACT_DATE)
    assert IndicatorTarget.objects.get(indicator=world.indicator).raw == "=>10"


def test_bad_input_is_refused_field_by_field(adopted: World) -> None:
    world = adopted
    other = Indicator.objects.create(objective=world.transversal, position=1, name="Altro")
    changes = {
        "title": "",
        "weight": "molto",
        "planned_end": "31/12/2026",
        "colour": "rosso",
        "indicators": [{"id": other.pk, "name": "x"}, {"id": world.indicator.pk, "targets": {"2030": "5"}}],
    }
    with pytest.raises(InvalidInput) as refused:
        change_request(actor=world.anna, objective=world.objective, changes=changes, motivation="")
    assert set(refused.value.fields) == {
        "motivation",
        "title",
        "weight",
        "planned_end",
        "colour",
        "indicators[0].id",
        "indicators[1].targets.2030",
    }
    with pytest.raises(InvalidInput) as nothing:
        change_request(
            actor=world.anna, objective=world.objective, changes=_target_change(world, "=>10"), motivation="x"
        )
    assert "changes" in nothing.value.fields
    assert not TransitionRequest.objects.exists()


def test_an_indicator_with_measurements_is_not_removed(adopted: World) -> None:
    world = adopted
    Measurement.objects.create(indicator=world.indicator, year=2026, raw="4", kind="number", value=4)
    with pytest.raises(InvalidInput) as refused:
        change_request(
            actor=world.diana,
            objective=world.objective,
            changes={"indicators": [{"id": world.indicator.pk, "remove": True}]},
            motivation="x",
            act=ACT,
            act_date=ACT_DATE,
        )
    assert "indicators[0].remove" in refused.value.fields
    assert Indicator.objects.filter(pk=world.indicator.pk).exists()


def test_a_change_asked_on_data_that_moved_since_is_not_applied(adopted: World) -> None:
    world = adopted
    request = change_request(
        actor=world.anna, objective=world.objective, changes=_target_change(world), motivation="Nuove risorse"
    ).request
    IndicatorTarget.objects.filter(indicator=world.indicator).update(raw="=>11")
    with pytest.raises(Conflict) as refused:
        change_approve(actor=world.diana, request=request, act=ACT, act_date=ACT_DATE)
    assert refused.value.code == "stale"
    assert IndicatorTarget.objects.get(indicator=world.indicator).raw == "=>11"
    assert not PlanVersion.objects.exists()


def test_a_draft_closed_or_validated_plan_is_not_rimodulated(world: World) -> None:
    with pytest.raises(Conflict) as draft:
        change_request(actor=world.diana, objective=world.objective, changes={"title": "x"}, motivation="x")
    assert draft.value.code == "plan_not_live"
    plan = plan_adopt(actor=world.diana, plan=world.plan, act="Delibera n. 1", adopted_on=dt.date(2026, 1, 20))
    plan = plan_start(actor=world.diana, plan=plan)
    plan = plan_close(actor=world.diana, plan=plan)
    with pytest.raises(Conflict) as closed:
        change_request(actor=world.diana, objective=world.objective, changes={"title": "x"}, motivation="x")
    assert closed.value.code == "plan_not_live"
    plan_validate(actor=world.otto, plan=plan)
    assert Plan.objects.get(pk=plan.pk).state == PlanState.VALIDATED
    with pytest.raises(Conflict) as frozen:
        change_request(actor=world.diana, objective=world.objective, changes={"title": "x"}, motivation="x")
    assert frozen.value.code == "plan_frozen"


def test_each_approved_change_makes_the_next_version_and_every_version_is_kept(adopted: World) -> None:
    world = adopted
    for number, raw in enumerate(["=>12", "=>14", "=>15"], start=2):
        change_request(
            actor=world.diana,
            objective=world.objective,
            changes=_target_change(world, raw),
            motivation=f"m{number}",
            act=f"{ACT}/{number}",
            act_date=ACT_DATE,
        )
        assert PlanVersion.objects.filter(plan=world.plan).count() == number
    numbers = list(PlanVersion.objects.filter(plan=world.plan).values_list("number", "act"))
    assert numbers[1:] == [(2, f"{ACT}/2"), (3, f"{ACT}/3"), (4, f"{ACT}/4")]
    with pytest.raises(Exception), connection.cursor() as cursor:  # noqa: B017 - the database refuses it
        cursor.execute("DELETE FROM workflow_planversion")


def test_the_director_is_told_of_a_change_awaiting_her_and_the_area_head_of_the_decision(adopted: World) -> None:
    from notifications.models import Message

    world = adopted
    request = change_request(
        actor=world.anna, objective=world.objective, changes=_target_change(world), motivation="Nuove risorse"
    ).request
    awaiting = Message.objects.filter(kind=Message.Kind.APPROVAL_NEEDED, target=f"request:{request.pk}")
    assert [message.recipient for message in awaiting] == [world.diana]
    change_approve(actor=world.diana, request=request, act=ACT, act_date=ACT_DATE)
    decided = Message.objects.filter(kind=Message.Kind.REQUEST_DECIDED, target=f"request:{request.pk}")
    assert [(message.recipient, message.period) for message in decided] == [(world.anna, "approved")]
