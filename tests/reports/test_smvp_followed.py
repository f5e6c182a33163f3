"""The Relazione and the monitoring report score under the year's measurement system (evaluation.selectors.
system_for): its bands, its partial credit and whether activities count. World's PEG 2026, on the tests' frozen
day (15 May 2026)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from evaluation.services import measurement_system_save
from plans.models import Activity, WorkState
from reports.as_of import build_monitoring
from reports.relazione import build_relazione
from reports.sections import ObjectiveSection
from tests.reports.as_of_story import database_now
from tests.web.helpers import indicator_values
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def _section(world: World, code: str) -> ObjectiveSection:
    relazione = build_relazione(plan=world.plan, year=2026)
    return next(section for section in relazione.objectives if section.code == code)


def _change(world: World, **values: str) -> None:
    measurement_system_save(actor=world.diana, organization=world.aurelia, year=2026, values=values)


def test_the_relazione_follows_the_years_bands(world: World) -> None:
    indicator_values(world.indicator, 2026, expected="100", actual="85")
    before = _section(world, "SOC-1")
    assert (before.indicators[0].light, before.indicators[0].level, before.level) == (
        "giallo", "parzialmente", "parzialmente",
    )  # fmt: skip

    _change(world, partial="90")

    after = _section(world, "SOC-1")
    assert (after.indicators[0].light, after.indicators[0].level, after.level) == (
        "rosso", "non_raggiunto", "non_raggiunto",
    )  # fmt: skip
    assert after.indicators[0].percent == Decimal("85.0")  # the percentage shown is the same


def test_without_partial_credit_a_missed_target_scores_zero_in_the_relazione(world: World) -> None:
    indicator_values(world.indicator, 2026, expected="100", actual="85")
    _change(world, partial_credit="none")

    (row,) = _section(world, "SOC-1").indicators
    assert (row.score, row.level) == (Decimal(0), "non_raggiunto")


def test_an_objective_without_indicators_counts_its_activities_only_where_the_system_says(world: World) -> None:
    Activity.objects.filter(objective=world.transversal).delete()
    Activity.objects.create(
        objective=world.transversal, position=1, description="Analisi", planned_end=dt.date(2026, 3, 31)
    )
    Activity.objects.filter(objective=world.transversal).update(state=WorkState.CONCLUSO)
    assert _section(world, "TRA-1").level == "raggiunto"

    _change(world, activities="ignored")

    assert _section(world, "TRA-1").level == "non_misurabile"


def test_the_monitoring_report_follows_the_years_bands(world: World) -> None:
    # As at the trail's clock (the database's, not the frozen one): the report's year is that moment's.
    year = timezone.localdate(database_now()).year
    indicator_values(world.indicator, year, expected="100", actual="85")
    moment = database_now()

    def light() -> str | None:
        report = build_monitoring(plan=world.plan, moment=moment)
        found = [i for area in report.areas for o in area.objectives if o.code == "SOC-1" for i in o.indicators]
        return found[0].light

    assert light() == "giallo"
    measurement_system_save(actor=world.diana, organization=world.aurelia, year=year, values={"partial": "90"})
    assert light() == "rosso"
