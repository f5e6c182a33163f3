"""The state machine of objectives and activities: the graph, its guard, and a state that cannot be set by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from plans.models import Activity, Area, Objective, Organization, Plan, WorkState

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective() -> Objective:
    organization = Organization.objects.create(slug="comune-prova", name="Comune di Prova")
    area = Area.objects.create(organization=organization, code="SOC", slug="area-sociale", name="Area Sociale")
    plan = Plan.objects.create(
        organization=organization, code="PEG-2026", kind="peg", title="PEG", year_start=2026, year_end=2026
    )
    objective = Objective.objects.create(plan=plan, code="OB-1", title="Cartella sociale")
    objective.areas.add(area)
    return objective


def _activity(objective: Objective, position: int = 1) -> Activity:
    return Activity.objects.create(
        objective=objective, position=position, description="Analisi", planned_end=dt.date(2026, 3, 31)
    )


def test_activity_goes_programmato_avviato_concluso(objective: Objective) -> None:
    activity = _activity(objective)
    activity.avvia()
    activity.concludi(actual_end=dt.date(2026, 4, 2))
    activity.save()
    activity.refresh_from_db()
    assert (activity.state, activity.actual_end) == (WorkState.CONCLUSO, dt.date(2026, 4, 2))


def test_rinvia_moves_the_deadline_and_riprendi_puts_the_work_back_under_way(objective: Objective) -> None:
    activity = _activity(objective)
    activity.rinvia(new_planned_end=dt.date(2026, 6, 30))
    assert (activity.state, activity.planned_end) == (WorkState.RINVIATO, dt.date(2026, 6, 30))
    activity.riprendi()
    assert (activity.state, activity.planned_end) == (WorkState.AVVIATO, dt.date(2026, 6, 30))


def test_riapri_reopens_a_concluded_item_and_clears_its_actual_end(objective: Objective) -> None:
    activity = _activity(objective)
    activity.avvia()
    activity.concludi(actual_end=dt.date(2026, 3, 1))
    activity.riapri()
    assert (activity.state, activity.actual_end) == (WorkState.AVVIATO, None)


@pytest.mark.parametrize(
    ("moves", "forbidden"),
    [
        ([], "concludi"),
        ([], "riprendi"),
        ([], "riapri"),
        (["avvia"], "avvia"),
        (["avvia", "concludi"], "rinvia"),
        (["rinvia"], "avvia"),
        (["rinvia"], "concludi"),
    ],
)
def test_transitions_outside_the_graph_are_refused(objective: Objective, moves: list[str], forbidden: str) -> None:
    activity = _activity(objective)
    arguments = {"concludi": {"actual_end": dt.date(2026, 3, 1)}, "rinvia": {"new_planned_end": dt.date(2026, 5, 31)}}
    for move in moves:
        getattr(activity, move)(**arguments.get(move, {}))
    state = activity.state
    with pytest.raises(TransitionNotAllowed):
        getattr(activity, forbidden)(**arguments.get(forbidden, {}))
    assert activity.state == state


def test_objective_cannot_conclude_while_an_activity_is_open(objective: Objective) -> None:
    done, still_open = _activity(objective, 1), _activity(objective, 2)
    done.avvia()
    done.concludi(actual_end=dt.date(2026, 3, 1))
    done.save()
    objective.avvia()
    with pytest.raises(TransitionNotAllowed):
        objective.concludi(actual_end=dt.date(2026, 3, 31))
    still_open.rinvia(new_planned_end=dt.date(2026, 9, 30))  # postponed is still open
    still_open.save()
    with pytest.raises(TransitionNotAllowed):
        objective.concludi(actual_end=dt.date(2026, 3, 31))
    still_open.riprendi()
    still_open.concludi(actual_end=dt.date(2026, 9, 1))
    still_open.save()
    objective.concludi(actual_end=dt.date(2026, 9, 1))
    assert objective.state == WorkState.CONCLUSO


def test_state_cannot_be_assigned_directly(objective: Objective) -> None:
    activity = _activity(objective)
    with pytest.raises(AttributeError):
        activity.state = WorkState.CONCLUSO


def test_a_stale_copy_cannot_overwrite_a_newer_transition(objective: Objective) -> None:
    first = _activity(objective)
    stale = Activity.objects.get(pk=first.pk)
    first.avvia()
    first.save()
    stale.rinvia(new_planned_end=dt.date(2026, 12, 31))
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()
    first.refresh_from_db()
    assert first.state == WorkState.AVVIATO


@pytest.mark.parametrize("model", [Objective, Activity])
def test_both_models_know_every_transition_of_the_shared_graph(model: type[Objective] | type[Activity]) -> None:
    # A transition declared on a shared plain mixin binds to the first model only; django-fsm binds it to
    # every model when the state field comes from an abstract base, as it does here.
    names = {transition.name for transition in model().get_all_state_transitions()}  # type: ignore[union-attr]
    assert names == {"avvia", "concludi", "rinvia", "riprendi", "riapri"}
