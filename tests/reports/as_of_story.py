"""A year in the Comune di Aurelia, told through the services, with a moment taken in the middle.

The trail's times come from the database's clock (`clock_timestamp()`), which time_machine cannot move, so the
story runs on the real clock: the plan runs from last year to this one, its dates are counted from today, and the moment
is the database's time between the two batches of changes.

Before the moment: Sara starts activity 1 (due yesterday, so it is late) and answers May's monitoring with 40%;
Anna postpones activity 2 to a month from now, starts objective SOC-1, sets the indicator's target (95%) and
records its first value (150/1600). After it: Sara answers June's monitoring (90%) and concludes activity 1,
Anna approving; activity 2 resumes; the target becomes 98%; the value 1580/1600 is recorded; a third activity is
added to the plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from notifications.answers import monitoring_answer_record
from notifications.links import AnswerClaim
from notifications.models import MonitoringRound
from plans.models import Activity, IndicatorTarget, WorkState
from plans.parsing import parse_value
from tests.workflow.world import World, build_world
from workflow.services import (
    Outcome,
    approval_approve,
    item_avvia,
    item_concludi,
    item_rinvia,
    item_riprendi,
    measurement_record,
)

FIRST_NOTE = "Tre sportelli su cinque"
SECOND_NOTE = "Quasi tutti gli sportelli mappati"
POSTPONEMENT = "Docenti non disponibili prima dell'autunno"
FIRST_VALUE, SECOND_VALUE = "150/1600", "1580/1600"
FIRST_TARGET, SECOND_TARGET = "95%", "98%"
NEW_ACTIVITY = "Attività aggiunta dopo il monitoraggio"


@dataclass(frozen=True)
class Story:
    world: World
    moment: dt.datetime  # the database's time between the two batches
    today: dt.date
    postponed_to: dt.date


def database_now() -> dt.datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        (now,) = cursor.fetchone()
    return now


def carried_out(outcome: Outcome, *deciders: object) -> None:
    """Approve a pending request with each decider in turn until it applies."""
    for decider in deciders:
        if outcome.applied:
            break
        outcome = approval_approve(actor=decider, request=outcome.request)
    assert outcome.applied, outcome.request.current_step


def answer(world: World, month: int, progress: int, note: str) -> None:
    """Sara's monthly answer about activity 1, through its one-click link's service."""
    today = timezone.localdate()
    monitoring_round = MonitoringRound.objects.create(
        organization=world.aurelia, month=dt.date(today.year, month, 1), planned_on=today
    )
    claim = AnswerClaim(monitoring_round.pk, world.activity.pk, world.sara.pk)
    monitoring_answer_record(claim=claim, state=WorkState.AVVIATO, progress=progress, note=note)


def set_target(world: World, raw: str) -> None:
    """The year's target, as the import writes it (the admin would do the same)."""
    year = timezone.localdate().year
    values = IndicatorTarget.spec_values(parse_value(raw))
    IndicatorTarget.objects.update_or_create(indicator=world.indicator, year=year, defaults=values)


def tell() -> Story:
    today = timezone.localdate()
    world = build_world()
    world.plan.year_start, world.plan.year_end = today.year - 1, today.year
    world.plan.save()
    Activity.objects.filter(pk=world.activity.pk).update(planned_end=today - dt.timedelta(days=1))
    Activity.objects.filter(pk=world.second_activity.pk).update(planned_end=today)
    postponed_to = today + dt.timedelta(days=30)

    item_avvia(actor=world.sara, item=world.activity)
    answer(world, 5, 40, FIRST_NOTE)
    postponement = item_rinvia(
        actor=world.anna, item=world.second_activity, reason=POSTPONEMENT, new_planned_end=postponed_to
    )
    carried_out(postponement, world.diana)
    carried_out(item_avvia(actor=world.anna, item=world.objective), world.diana)
    set_target(world, FIRST_TARGET)
    measurement_record(actor=world.anna, indicator=world.indicator, year=today.year, value=FIRST_VALUE)

    moment = database_now()

    answer(world, 6, 90, SECOND_NOTE)
    carried_out(item_concludi(actor=world.sara, item=world.activity), world.anna, world.diana)
    carried_out(item_riprendi(actor=world.anna, item=world.second_activity), world.diana)
    set_target(world, SECOND_TARGET)
    measurement_record(actor=world.anna, indicator=world.indicator, year=today.year, value=SECOND_VALUE)
    Activity.objects.create(objective=world.objective, position=3, description=NEW_ACTIVITY)
    return Story(world=world, moment=moment, today=today, postponed_to=postponed_to)
