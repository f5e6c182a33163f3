"""The demo's plans are in the state their years imply at the reference date, each moved there by the demo
director through the plan's lifecycle services (recorded in the audit trail), never written directly."""

from __future__ import annotations

import datetime as dt

import pytest

from plans.demo import DEMO_ACT, load_demo
from plans.models import Plan, PlanState
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db


def states() -> dict[str, tuple[str, str, dt.date | None]]:
    return {plan.code: (plan.state, plan.adoption_act, plan.adopted_on) for plan in Plan.objects.all()}


def test_at_the_end_of_2021_the_2021_plans_are_in_execution_and_the_2011_2013_one_is_closed() -> None:
    load_demo(reference_date=dt.date(2021, 12, 31))
    assert states() == {
        "RP-2021": (PlanState.IN_EXECUTION, DEMO_ACT, dt.date(2021, 1, 31)),
        "PEG-2019": (PlanState.IN_EXECUTION, DEMO_ACT, dt.date(2019, 1, 31)),  # 2019–2021
        "PSZ": (PlanState.CLOSED, DEMO_ACT, dt.date(2011, 1, 31)),  # 2011–2013
    }
    peg = Plan.objects.get(code="PEG-2019")
    changes = AuditEntry.objects.filter(subject="plans.plan", subject_id=peg.pk, event="changed").order_by("pk")
    assert [(entry.after or {}).get("state") for entry in changes] == ["adopted", "in_execution"]
    assert {entry.source for entry in changes} == {"import"}
    assert {entry.actor.username for entry in changes} == {"direttore"}


def test_in_2026_every_demo_plan_is_closed() -> None:
    load_demo(reference_date=dt.date(2026, 5, 15))
    assert {code: state for code, (state, _act, _on) in states().items()} == {
        "RP-2021": PlanState.CLOSED,
        "PEG-2019": PlanState.CLOSED,
        "PSZ": PlanState.CLOSED,
    }


def test_before_its_years_a_plan_is_only_adopted() -> None:
    load_demo(reference_date=dt.date(2020, 6, 30))
    assert states()["RP-2021"] == (PlanState.ADOPTED, DEMO_ACT, dt.date(2020, 6, 30))
    assert states()["PEG-2019"][0] == PlanState.IN_EXECUTION
