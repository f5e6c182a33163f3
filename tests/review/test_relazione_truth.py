"""Review of issue 15: places where the Relazione misreports the year's facts."""

from __future__ import annotations

import datetime as dt

import pytest

from plans.models import Activity, Plan, WorkState
from reports import labels
from reports.relazione import build_relazione
from tests.workflow.world import World
from workflow.services import Outcome, approval_approve, item_avvia, item_concludi, item_rinvia

pytestmark = pytest.mark.django_db

REASON = "Docenti non disponibili prima dell'autunno"


def carried_out(outcome: Outcome, *deciders: object) -> None:
    for decider in deciders:
        if outcome.applied:
            break
        outcome = approval_approve(actor=decider, request=outcome.request)
    assert outcome.applied


def test_a_postponement_still_waiting_for_the_director_is_not_reported_as_approved_in_the_annex(world: World) -> None:
    """Anna (area head) asks to postpone activity 2: her own step is approved with the request, the director's is
    pending. reports/labels.py change_text prints the decisions and, when there are any, never the status: the annex
    ("Esito e decisioni") reads "approvato da Anna (responsabile d'area)" and nothing says it still waits, while the
    objective sheet (event_text) says "in attesa di decisione" for the same request."""
    outcome = item_rinvia(
        actor=world.anna, item=world.second_activity, reason=REASON, new_planned_end=dt.date(2026, 11, 30)
    )
    assert not outcome.applied and outcome.request.status == "pending"  # waits for Diana

    relazione = build_relazione(plan=world.plan, year=2026)
    changes = [c for area in relazione.annex for o in area.objectives for c in o.changes if c.kind == "rinvio"]
    assert len(changes) == 1
    annex_text = labels.change_text(changes[0])
    sheet = next(o for o in relazione.objectives if o.code == "SOC-1")
    event = sheet.activities[1].events[0]
    assert "in attesa di decisione" in labels.event_text(event)  # the objective sheet says it waits
    # The annex must say so too (today: "chiesto da Anna; nuova scadenza 30/11/2026; approvato da Anna ...").
    assert "in attesa di decisione" in annex_text, annex_text


def test_the_relazione_of_a_past_year_does_not_count_what_happened_the_next_year(world: World) -> None:
    """A two-year plan (2025-2026); on 15 May 2026 activity 1 is started and concluded through the workflow. The
    Relazione for 2025 leaves the 2026 requests out of its events (year_window), but reports the activity with
    today's state and actual end: "Stato: concluso", "Conclusione effettiva: 15/05/2026", counted as concluded in
    2025's summary and in the objective's level. The issue asks for the state at the report's date."""
    Plan.objects.filter(pk=world.plan.pk).update(year_start=2025)
    Activity.objects.filter(pk=world.activity.pk).update(planned_end=dt.date(2025, 12, 31))
    plan = Plan.objects.get(pk=world.plan.pk)
    carried_out(item_avvia(actor=world.anna, item=world.activity), world.diana)
    carried_out(item_concludi(actor=world.anna, item=world.activity), world.diana)
    assert Activity.objects.get(pk=world.activity.pk).state == WorkState.CONCLUSO

    relazione = build_relazione(plan=plan, year=2025)
    row = next(o for o in relazione.objectives if o.code == "SOC-1").activities[0]
    assert row.events == ()  # the 2026 requests are rightly not 2025's
    # ...but the state and the dates are 2026's:
    assert row.actual_end is None or row.actual_end <= dt.date(2025, 12, 31), row.actual_end
    assert row.state != WorkState.CONCLUSO, labels.activity_facts(row)
    assert relazione.summary is not None and relazione.summary.activities.concluso == 0
