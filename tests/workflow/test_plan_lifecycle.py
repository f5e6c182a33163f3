"""The plan's life: draft → adopted → in execution → closed → validated, and a superuser's motivated reopening.
Each step is one service that checks who acts, refuses bad input without changing anything, and leaves its
row in the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from plans.models import Plan, PlanState
from tests.workflow.world import World
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.models import AuditEntry
from workflow.services.plan_lifecycle import plan_adopt, plan_close, plan_reopen, plan_start, plan_validate

pytestmark = pytest.mark.django_db


def _draft(world: World) -> Plan:
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.DRAFT)
    return Plan.objects.get(pk=world.plan.pk)


def test_a_new_plan_is_a_draft(world: World) -> None:
    plan = Plan.objects.create(
        organization=world.aurelia, code="PEG-2027", kind="peg", title="PEG", year_start=2027, year_end=2027
    )
    assert plan.state == PlanState.DRAFT


def test_the_plan_goes_through_its_life_by_the_right_people(world: World) -> None:
    plan = _draft(world)
    # The world's plan was adopted and started when it was built (tests/plan_life.py): the trail from here on.
    since = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    plan = plan_adopt(actor=world.diana, plan=plan, act="Delibera di Giunta n. 12", adopted_on=dt.date(2026, 1, 20))
    assert (plan.state, plan.adoption_act, plan.adopted_on) == (
        PlanState.ADOPTED,
        "Delibera di Giunta n. 12",
        dt.date(2026, 1, 20),
    )
    plan = plan_start(actor=world.diana, plan=plan)
    assert plan.state == PlanState.IN_EXECUTION
    plan = plan_close(actor=world.diana, plan=plan)
    assert plan.state == PlanState.CLOSED
    plan = plan_validate(actor=world.otto, plan=plan)
    assert Plan.objects.get(pk=plan.pk).state == PlanState.VALIDATED

    changes = AuditEntry.objects.filter(subject="plans.plan", subject_id=plan.pk, event="changed", pk__gt=since)
    states = [(entry.after or {}).get("state") for entry in changes.order_by("pk")]
    assert states == ["adopted", "in_execution", "closed", "validated"]


@pytest.mark.parametrize("name", ["anna", "sara", "otto"])
def test_only_the_director_adopts(world: World, name: str) -> None:
    plan = _draft(world)
    with pytest.raises(NotAllowed):
        plan_adopt(actor=world.users[name], plan=plan, act="Delibera n. 1", adopted_on=dt.date(2026, 1, 20))
    assert Plan.objects.get(pk=plan.pk).state == PlanState.DRAFT


def test_another_bodys_director_does_not_see_the_plan(world: World) -> None:
    plan = _draft(world)
    with pytest.raises(NotVisible):
        plan_adopt(actor=world.erica, plan=plan, act="Delibera n. 1", adopted_on=dt.date(2026, 1, 20))
    with pytest.raises(NotVisible):
        plan_validate(actor=world.erica, plan=plan)


def test_only_the_oiv_validates(world: World) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.CLOSED)
    with pytest.raises(NotAllowed, match="OIV"):
        plan_validate(actor=world.diana, plan=world.plan)
    assert Plan.objects.get(pk=world.plan.pk).state == PlanState.CLOSED


@pytest.mark.parametrize(
    ("act", "adopted_on", "field"),
    [
        ("", dt.date(2026, 1, 20), "act"),
        ("   ", dt.date(2026, 1, 20), "act"),
        ("Delibera\x00", dt.date(2026, 1, 20), "act"),
        ("x" * 301, dt.date(2026, 1, 20), "act"),
        ("Delibera n. 1", None, "adopted_on"),
        ("Delibera n. 1", dt.date(1990, 1, 1), "adopted_on"),
    ],
)
def test_a_bad_adoption_says_which_field_and_changes_nothing(
    world: World, act: str, adopted_on: dt.date | None, field: str
) -> None:
    plan = _draft(world)
    with pytest.raises(InvalidInput) as refused:
        plan_adopt(actor=world.diana, plan=plan, act=act, adopted_on=adopted_on)
    assert field in refused.value.fields
    stored = Plan.objects.get(pk=plan.pk)
    assert (stored.state, stored.adoption_act) == (PlanState.DRAFT, plan.adoption_act)


def test_a_step_out_of_order_is_a_conflict(world: World) -> None:
    plan = _draft(world)
    with pytest.raises(Conflict, match="Bozza"):
        plan_close(actor=world.diana, plan=plan)
    assert Plan.objects.get(pk=plan.pk).state == PlanState.DRAFT


def test_a_validated_plan_is_reopened_only_by_a_superuser_with_a_motivation_and_an_act(world: World) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.VALIDATED)
    plan = Plan.objects.get(pk=world.plan.pk)
    with pytest.raises(NotAllowed):
        plan_reopen(actor=world.diana, plan=plan, motivation="Errore materiale", act="Decreto n. 3")
    operator = User.objects.create_superuser("gestore", "gestore@example.org", "segreta")
    with pytest.raises(InvalidInput) as refused:
        plan_reopen(actor=operator, plan=plan, motivation=" ", act="")
    assert set(refused.value.fields) == {"motivation", "act"}
    assert Plan.objects.get(pk=plan.pk).state == PlanState.VALIDATED

    plan_reopen(actor=operator, plan=plan, motivation="Errore materiale nel consuntivo", act="Decreto n. 3")

    assert Plan.objects.get(pk=plan.pk).state == PlanState.CLOSED
    entry = AuditEntry.objects.filter(subject="plans.plan", subject_id=plan.pk, event="changed").latest("pk")
    assert entry.after == {"state": "closed"}
    assert entry.actor_id == operator.pk
    assert entry.comment == "Decreto n. 3: Errore materiale nel consuntivo"
