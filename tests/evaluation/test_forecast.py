"""The forecast's rule (evaluation.forecast) on the Comune di Aurelia, at frozen days of 2026: a table of cases.

SOC-1 "Presa in carico unica" has activity 1 "Mappatura degli sportelli" (due 30 June, owned by Sara),
activity 2 "Formazione degli operatori" (due 30 September) and the indicator "Utenti presi in carico"; the
default measurement system's bands are 100 ("raggiunto") and 80 ("parzialmente raggiunto")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation.forecast import Band, forecast_objectives, year_elapsed
from evaluation.models import MeasurementSystem
from notifications.models import MonitoringAnswer, MonitoringRound
from plans.models import Activity, Objective, WorkState
from tests.web.helpers import activity, indicator_values, set_state
from tests.workflow.world import World

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def _conclude(item: Activity, on: dt.date) -> None:
    Activity.objects.filter(pk=item.pk).update(actual_end=on)
    set_state(item, WorkState.CONCLUSO)


def _measure(world: World, value: str, *, on: dt.date, target: str = "100") -> None:
    indicator_values(world.indicator, 2026, expected=target, actual=value)
    # Measured and recorded that day: the forecast of a later day knows it, an earlier one does not.
    world.indicator.measurements.update(measured_on=on, recorded_at=dt.datetime.combine(on, dt.time(9), tzinfo=ROME))


def _answer(world: World, item: Activity, progress: int, on: dt.date) -> None:
    month = MonitoringRound.objects.create(organization=world.aurelia, month=on.replace(day=1), planned_on=on)
    MonitoringAnswer.objects.create(
        round=month,
        activity=item,
        respondent=world.sara,
        state=WorkState.AVVIATO,
        progress=progress,
        answered_at=dt.datetime.combine(on, dt.time(9), tzinfo=ROME),
    )


def _three_more(world: World) -> None:
    """Three more activities of SOC-1, all concluded on time: five in all."""
    for month in (2, 3, 4):
        done = activity(world.objective, f"Fase {month}", planned_end=dt.date(2026, month, 28))
        _conclude(done, dt.date(2026, month, 20))


def _postponed_to_next_year(world: World) -> None:
    Activity.objects.filter(pk=world.second_activity.pk).update(planned_end=dt.date(2027, 3, 31))
    set_state(world.second_activity, WorkState.RINVIATO)


def _at_40_percent_on_15_september(world: World) -> None:
    _conclude(world.activity, dt.date(2026, 6, 1))
    _measure(world, "40", on=dt.date(2026, 9, 15))


def _met_with_two_late_of_five(world: World) -> None:
    _three_more(world)
    _measure(world, "120", on=dt.date(2026, 10, 1))


def _measured_on_1_october(world: World) -> None:
    _conclude(world.activity, dt.date(2026, 6, 1))
    _measure(world, "40", on=dt.date(2026, 10, 1))


def _three_against_less_than_five(world: World) -> None:
    _conclude(world.activity, dt.date(2026, 6, 1))
    _measure(world, "3", on=dt.date(2026, 9, 1), target="< 5")


def _lenient_bands(world: World) -> None:
    MeasurementSystem.objects.create(organization=world.aurelia, year=2026, partial=Decimal(50))


@dataclass(frozen=True)
class Case:
    name: str
    day: dt.date
    setup: Callable[[World], object]
    band: str
    says: tuple[str, ...]


def _nothing(world: World) -> None:
    """Nothing but the world itself."""


CASES = [
    Case("nothing due yet", dt.date(2026, 5, 15), _nothing, Band.LIKELY_REACHED, ("0 attività su 2 in ritardo",)),
    Case(
        "activity 1 overdue and open",
        dt.date(2026, 7, 15),
        _nothing,
        Band.LIKELY_MISSED,
        ("1 attività su 2 in ritardo", "punteggio atteso 50,0%"),
    ),
    Case(
        "activity 1 concluded on time",
        dt.date(2026, 7, 15),
        lambda w: _conclude(w.activity, dt.date(2026, 6, 20)),
        Band.LIKELY_REACHED,
        ("0 attività su 2 in ritardo",),
    ),
    Case(
        "activity 1 concluded after its deadline",
        dt.date(2026, 7, 15),
        lambda w: _conclude(w.activity, dt.date(2026, 7, 10)),
        Band.LIKELY_MISSED,
        ("1 attività su 2 in ritardo",),
    ),
    Case(
        "activity 1 concluded, but after the day of the forecast",
        dt.date(2026, 7, 15),
        lambda w: _conclude(w.activity, dt.date(2026, 7, 20)),
        Band.LIKELY_MISSED,
        ("1 attività su 2 in ritardo",),
    ),
    Case(
        "one late of five: at risk",
        dt.date(2026, 7, 15),
        _three_more,
        Band.AT_RISK,
        ("1 attività su 5 in ritardo", "punteggio atteso 80,0%: a rischio"),
    ),
    Case(
        "the monthly answer says activity 2 is behind its time",
        dt.date(2026, 5, 15),
        lambda w: _answer(w, w.second_activity, 10, dt.date(2026, 5, 4)),
        Band.LIKELY_MISSED,
        ("0 attività su 2 in ritardo", "1 indietro secondo il monitoraggio mensile"),
    ),
    Case(
        "the monthly answer says activity 2 is going as planned",
        dt.date(2026, 5, 15),
        lambda w: _answer(w, w.second_activity, 40, dt.date(2026, 5, 4)),
        Band.LIKELY_REACHED,
        ("0 attività su 2 in ritardo",),
    ),
    Case(
        "an answer given after the day is not known then",
        dt.date(2026, 5, 15),
        lambda w: _answer(w, w.second_activity, 10, dt.date(2026, 5, 20)),
        Band.LIKELY_REACHED,
        ("0 attività su 2 in ritardo",),
    ),
    Case(
        "indicator at 40% of its target in September",
        dt.date(2026, 9, 30),
        _at_40_percent_on_15_september,
        Band.LIKELY_MISSED,
        ("valore indicatore «Utenti presi in carico» al 40,0% del target a settembre", "punteggio atteso 40,0%"),
    ),
    Case(
        "indicator at 40% of its target in April: on track",
        dt.date(2026, 4, 15),
        lambda w: _measure(w, "40", on=dt.date(2026, 4, 10)),
        Band.LIKELY_REACHED,
        ("1 indicatore in linea con il target", "punteggio atteso 100,0%"),
    ),
    Case(
        "indicator met but two activities of five late: the worse band",
        dt.date(2026, 10, 15),
        _met_with_two_late_of_five,
        Band.LIKELY_MISSED,
        ("2 attività su 5 in ritardo", "1 indicatore in linea con il target"),
    ),
    Case(
        "a value measured after the day is not known then",
        dt.date(2026, 9, 30),
        _measured_on_1_october,
        Band.LIKELY_REACHED,
        ("nessun valore di indicatore rilevato",),
    ),
    Case(
        "an indicator with a «< 5» target met by 3",
        dt.date(2026, 9, 30),
        _three_against_less_than_five,
        Band.LIKELY_REACHED,
        ("1 indicatore in linea con il target",),
    ),
    Case(
        "activity 2 postponed to next year",
        dt.date(2026, 5, 15),
        _postponed_to_next_year,
        Band.LIKELY_MISSED,
        ("1 attività su 2 in ritardo",),
    ),
    Case(
        "the year's bands are the measurement system's",
        dt.date(2026, 7, 15),
        _lenient_bands,
        Band.AT_RISK,
        ("1 attività su 2 in ritardo", "punteggio atteso 50,0%: a rischio"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_forecast_of_soc_1(world: World, case: Case) -> None:
    case.setup(world)
    with time_machine.travel(dt.datetime.combine(case.day, dt.time(10), tzinfo=ROME), tick=False):
        [result] = forecast_objectives(
            Objective.objects.filter(pk=world.objective.pk), case.day, organization_id=world.aurelia.pk
        )
    assert result.band == case.band, result.explanation
    for words in case.says:
        assert words in result.explanation


def test_an_objective_with_nothing_to_go_on_is_not_foreseeable(world: World) -> None:
    [result] = forecast_objectives(
        Objective.objects.filter(pk=world.transversal.pk), dt.date(2026, 5, 15), organization_id=world.aurelia.pk
    )
    assert result.band == Band.UNKNOWN and result.expected_score is None
    assert "non prevedibile" in result.explanation


def test_the_share_of_the_year_elapsed_reaches_one_on_31_december() -> None:
    assert year_elapsed(dt.date(2026, 12, 31)) == 1
    assert year_elapsed(dt.date(2024, 12, 31)) == 1  # a leap year
    assert Decimal("0.74") < year_elapsed(dt.date(2026, 9, 30)) < Decimal("0.75")


def test_the_forecast_reads_the_same_number_of_queries_for_one_objective_or_many(world: World) -> None:
    day = dt.date(2026, 7, 15)
    objectives = Objective.objects.filter(plan=world.plan)
    with CaptureQueriesContext(connection) as few:
        forecast_objectives(objectives, day, organization_id=world.aurelia.pk)
    for number in range(20):
        extra = Objective.objects.create(plan=world.plan, code=f"EXTRA-{number}", title=f"Obiettivo {number}")
        activity(extra, "Passo unico", planned_end=dt.date(2026, 6, 30))
        indicator = extra.indicators.create(position=1, name="Pratiche", unit="n.")
        indicator_values(indicator, 2026, expected="10", actual="2")
    with CaptureQueriesContext(connection) as many:
        results = forecast_objectives(objectives, day, organization_id=world.aurelia.pk)
    assert len(results) == 22
    assert len(many) == len(few)
