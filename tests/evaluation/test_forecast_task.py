"""The daily forecast task (evaluation.tasks.store_forecasts): one row per open objective of the plans running
this year, on working days only, the same row when it runs twice; and beat runs it every day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation.forecasting import forecasts_store
from evaluation.models import ObjectiveForecast
from evaluation.tasks import store_forecasts
from notifications.calendar import is_working_day
from plans.models import Objective, Plan, WorkState
from tests.web.helpers import activity, last_years_peg, set_state
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def _stored() -> set[tuple[int, dt.date]]:
    return set(ObjectiveForecast.objects.values_list("objective_id", "date"))


def _open_objectives_running_in(year: int) -> set[int]:
    """Counted apart from the service: the open objectives of the plans whose years include `year`."""
    return {
        objective.pk
        for objective in Objective.objects.select_related("plan")
        if objective.plan.year_start <= year <= objective.plan.year_end
        and objective.state in (WorkState.PROGRAMMATO, WorkState.AVVIATO, WorkState.RINVIATO)
    }


@pytest.fixture
def more_plans(world: World) -> None:
    """A concluded objective (no forecast), an objective of last year's plan (none either), a three-year plan
    running this year (forecast), and an objective of another body (its own forecast)."""
    done = Objective.objects.create(plan=world.plan, code="SOC-0", title="Già concluso")
    set_state(done, WorkState.CONCLUSO)
    Objective.objects.create(plan=last_years_peg(world.aurelia), code="OLD-1", title="Dell'anno scorso")
    triennial = Plan.objects.create(
        organization=world.aurelia, code="DUP", kind=Plan.Kind.PEG, title="Triennale", year_start=2025, year_end=2027
    )
    Objective.objects.create(plan=triennial, code="DUP-1", title="Triennale in corso")
    borgo = Plan.objects.create(
        organization=world.borgo, code="B-2026", kind=Plan.Kind.PEG, title="Borgo", year_start=2026, year_end=2026
    )
    Objective.objects.create(plan=borgo, code="B-1", title="Di Borgo")


def test_each_working_day_stores_one_row_per_open_objective_running_this_year(world: World, more_plans: None) -> None:
    days = [dt.date(2026, 5, 14), dt.date(2026, 5, 15)]  # Thursday, Friday
    for day in days:
        store_forecasts(day.isoformat())
        store_forecasts(day.isoformat())  # twice: the same rows

    expected = {(objective, day) for objective in _open_objectives_running_in(2026) for day in days}
    assert _stored() == expected
    codes = set(ObjectiveForecast.objects.values_list("objective__code", flat=True))
    assert codes == {"SOC-1", "TRA-1", "DUP-1", "B-1"}


@pytest.mark.parametrize(
    "day",
    [dt.date(2026, 5, 16), dt.date(2026, 5, 17), dt.date(2026, 6, 2), dt.date(2026, 8, 15)],
    ids=["saturday", "sunday", "festa della repubblica", "ferragosto"],
)
def test_nothing_is_stored_on_a_day_that_is_not_a_working_day(world: World, more_plans: None, day: dt.date) -> None:
    assert not is_working_day(day)
    assert store_forecasts(day.isoformat())["stored"] == 0
    assert not ObjectiveForecast.objects.exists()


def test_the_patron_saints_day_is_a_holiday_for_that_body_only(world: World, more_plans: None) -> None:
    day = dt.date(2026, 6, 24)  # a Wednesday: San Giovanni, Aurelia's patron
    type(world.aurelia).objects.filter(pk=world.aurelia.pk).update(patron_saint_day="06-24")
    store_forecasts(day.isoformat())
    assert set(ObjectiveForecast.objects.values_list("objective__code", flat=True)) == {"B-1"}


def test_a_second_run_writes_the_new_forecast_over_the_days_row(world: World) -> None:
    day = dt.date(2026, 7, 15)  # activity 1 of SOC-1 (due 30 June) is late
    store_forecasts(day.isoformat())
    first = ObjectiveForecast.objects.get(objective=world.objective, date=day)
    assert first.band == ObjectiveForecast.Band.LIKELY_MISSED
    activity(world.objective, "Fase aggiunta", planned_end=dt.date(2026, 12, 31))
    activity(world.objective, "Altra fase", planned_end=dt.date(2026, 12, 31))
    activity(world.objective, "Terza fase", planned_end=dt.date(2026, 12, 31))
    store_forecasts(day.isoformat())
    second = ObjectiveForecast.objects.get(objective=world.objective, date=day)
    assert second.pk == first.pk and second.band == ObjectiveForecast.Band.AT_RISK  # 1 late of 5
    assert "1 attività su 5 in ritardo" in second.explanation


def test_storing_costs_the_same_queries_for_few_objectives_or_many(world: World) -> None:
    def run() -> int:
        with CaptureQueriesContext(connection) as captured:
            forecasts_store(organization=world.aurelia, day=dt.date(2026, 5, 15))
        return len(captured)

    few = run()
    for number in range(25):
        extra = Objective.objects.create(plan=world.plan, code=f"X-{number}", title=f"Obiettivo {number}")
        activity(extra, "Passo", planned_end=dt.date(2026, 4, 30))
    assert run() == few
    assert ObjectiveForecast.objects.filter(date=dt.date(2026, 5, 15)).count() == 27


def test_beat_runs_the_forecast_every_morning() -> None:
    entries: list[dict[str, Any]] = list(settings.CELERY_BEAT_SCHEDULE.values())
    [entry] = [entry for entry in entries if entry["task"] == "evaluation.tasks.store_forecasts"]
    schedule = entry["schedule"]
    assert schedule.day_of_week == set(range(7)) and len(schedule.hour) == 1 and len(schedule.minute) == 1
