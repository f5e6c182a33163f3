"""Review of issue 15: places where the Relazione misreports the year's facts."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from plans.models import Activity, IndicatorTarget, Objective, Plan, WorkState
from plans.parsing import parse_value
from reports import labels
from reports.relazione import build_relazione
from tests.workflow.world import World, build_world
from workflow.services import Outcome, approval_approve, item_avvia, item_concludi, item_rinvia
from workflow.services.measurements import measurement_record

pytestmark = pytest.mark.django_db

ROME = zoneinfo.ZoneInfo("Europe/Rome")
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


def test_a_postponement_asked_in_december_and_approved_in_january_is_reported_in_the_year_it_took_effect(
    db: None,
) -> None:
    """reports/relazione.py `_requests` assigns a request to a year by `requested_at` alone. A two-year plan
    (2025-2026): Anna asks on 30 December 2025 to postpone activity 2, the director approves on 8 January 2026,
    when the deadline actually moves. The 2026 Relazione (whose window starts on 1 January 2026) has no trace of
    it, neither in the annex of changes nor among "rinvii approvati nell'anno"; the 2025 Relazione counts it as a
    postponement approved in 2025 although its approval is dated 08/01/2026."""
    with time_machine.travel(dt.datetime(2025, 12, 30, 10, tzinfo=ROME), tick=False):
        world = build_world()
        Plan.objects.filter(pk=world.plan.pk).update(year_start=2025)
        outcome = item_rinvia(
            actor=world.anna, item=world.second_activity, reason=REASON, new_planned_end=dt.date(2026, 11, 30)
        )
        assert not outcome.applied
    with time_machine.travel(dt.datetime(2026, 1, 8, 10, tzinfo=ROME), tick=False):
        assert approval_approve(actor=world.diana, request=outcome.request).applied
    with time_machine.travel(dt.datetime(2026, 5, 15, 10, tzinfo=ROME), tick=False):
        plan = Plan.objects.get(pk=world.plan.pk)
        of_2025 = build_relazione(plan=plan, year=2025)
        of_2026 = build_relazione(plan=plan, year=2026)
    assert of_2025.summary is not None and of_2026.summary is not None
    postponed_in_2026 = [c for a in of_2026.annex for o in a.objectives for c in o.changes if c.kind == "rinvio"]
    assert (of_2025.summary.postponements, of_2026.summary.postponements) == (0, 1), (
        of_2025.summary.postponements,
        of_2026.summary.postponements,
    )
    assert len(postponed_in_2026) == 1


def test_an_indicator_one_short_of_a_large_target_is_not_reported_as_reached(world: World) -> None:
    """plans/achievement.py rounds the percentage to one decimal *before* the thresholds: 1999 out of an expected
    2000 is 99.95%, rounded to 100.0%, so the indicator is "verde", "raggiunto" (level_for), counts as reached in the
    summary and the performance chapter, and is missing from the annex of deviations, which must list "every
    objective or indicator that missed its target"."""
    IndicatorTarget.objects.create(
        indicator=world.indicator, year=2026, **IndicatorTarget.spec_values(parse_value("2000"))
    )
    measurement_record(actor=world.sara, indicator=world.indicator, year=2026, value="1999")

    relazione = build_relazione(plan=world.plan, year=2026)
    row = next(o for o in relazione.objectives if o.code == "SOC-1").indicators[0]
    assert (row.expected, row.actual) == ("2000", "1999")
    deviations = [d for area in relazione.annex for o in area.objectives for d in o.deviations]
    assert row.level != "raggiunto", (row.percent, row.light, row.level)
    assert any(d.actual == "1999" for d in deviations)


def test_an_activity_started_through_the_workflow_has_its_actual_start_in_the_relazione(world: World) -> None:
    """The issue asks, for each activity, the actual start and end from the workflow. The `avvia` transition
    (plans/models/lifecycle.py) records no date, and reports/relazione.py `_activity_row` reads only the imported
    `Activity.actual_start`: an activity started on 15 May through the workflow has no "Inizio effettivo" in the
    Relazione and `actual_start: null` in the open data, beside an approved "avvia" event of that day. (The
    monitoring report does derive it from the trail: reports/as_of.py `_state_changes`.)"""
    carried_out(item_avvia(actor=world.anna, item=world.activity), world.diana)

    relazione = build_relazione(plan=world.plan, year=2026)
    row = next(o for o in relazione.objectives if o.code == "SOC-1").activities[0]
    assert [(e.transition, e.status) for e in row.events] == [("avvia", "approved")]
    assert row.actual_start == dt.date(2026, 5, 15), labels.activity_facts(row)


def test_a_conclusion_before_the_month_the_consuntivo_names_is_not_a_self_refuting_discrepancy(world: World) -> None:
    """reports/facts.py `discrepancy`: the imported Consuntivo says «Giugno» (the parser's meaning: by the end of
    June, plans/parsing TimeSpec), the workflow concluded the activity on 15 May. The document prints "Discordanza:
    Il consuntivo importato («Giugno») indica la conclusione entro il 30/06/2026; nel flusso di lavoro l'attività è
    stata conclusa il 15/05/2026" -- a conclusion on 15 May *is* within 30 June, so the sentence claims a
    disagreement its own words deny. Either only a conclusion after the end counts, or the text must say "nel
    mese di giugno" rather than "entro"."""
    Activity.objects.filter(pk=world.activity.pk).update(actual_raw="Giugno")
    carried_out(item_avvia(actor=world.anna, item=world.activity), world.diana)
    carried_out(item_concludi(actor=world.anna, item=world.activity), world.diana)

    relazione = build_relazione(plan=world.plan, year=2026)
    row = next(o for o in relazione.objectives if o.code == "SOC-1").activities[0]
    assert row.actual_end == dt.date(2026, 5, 15)
    assert not ("entro il 30/06/2026" in row.discrepancy and "15/05/2026" in row.discrepancy), row.discrepancy


def test_an_objective_on_schedule_in_a_multi_year_plan_is_not_reported_as_missed(world: World) -> None:
    """plans/achievement.py `objective_level` (without measurable indicators) is the share of the objective's
    activities concluded, whatever their deadlines: in a 2026-2027 plan, SOC-1 (due by the end of 2027) has
    activity 1 due and concluded in 2026 and activity 2 due in September 2027. The 2026 Relazione scores it 50%
    -> "non raggiunto", counts it among the missed objectives in the summary and the performance chapter, and
    lists it in the annex of deviations with "motivazione non indicata", although nothing due in 2026 was missed.
    Only activities due by the report's year should count (or a multi-year objective's level wait for its end)."""
    Plan.objects.filter(pk=world.plan.pk).update(year_end=2027)
    Activity.objects.filter(pk=world.second_activity.pk).update(planned_end=dt.date(2027, 9, 30))
    Objective.objects.filter(pk=world.objective.pk).update(planned_end=dt.date(2027, 12, 31))
    carried_out(item_avvia(actor=world.anna, item=world.activity), world.diana)
    carried_out(item_concludi(actor=world.anna, item=world.activity), world.diana)

    with time_machine.travel(dt.datetime(2027, 3, 1, 10, tzinfo=ROME), tick=False):  # the 2026 Relazione, drawn up
        relazione = build_relazione(plan=Plan.objects.get(pk=world.plan.pk), year=2026)
    soc = next(o for o in relazione.objectives if o.code == "SOC-1")
    deviations = [d.subject for area in relazione.annex for o in area.objectives for d in o.deviations]
    assert soc.level != "non_raggiunto", soc.level
    assert not any("SOC-1" in subject or "Obiettivo" in subject for subject in deviations), deviations
