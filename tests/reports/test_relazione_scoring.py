"""The Relazione scores through the one engine (plans.scoring): the target's operator decides, and an objective
rolls up its indicators' capped scores. World's PEG 2026, on the tests' frozen day."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plans.models import Indicator
from reports.relazione import build_relazione
from reports.sections import ObjectiveSection
from tests.web.helpers import indicator_values
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def _add_indicator(world: World, position: int, expected: str, actual: str) -> None:
    indicator = Indicator.objects.create(objective=world.objective, position=position, name=f"Indicatore {position}")
    indicator_values(indicator, 2026, expected=expected, actual=actual)


def _objective(world: World) -> ObjectiveSection:
    relazione = build_relazione(plan=world.plan, year=2026)
    return next(section for section in relazione.objectives if section.code == world.objective.code)


def test_at_most_five_with_three_is_reached_and_says_why(world: World) -> None:
    indicator_values(world.indicator, 2026, expected="<= 5", actual="3")
    objective = _objective(world)
    (row,) = objective.indicators
    assert (row.percent, row.light, row.level, row.score) == (Decimal("166.7"), "verde", "raggiunto", Decimal(100))
    assert row.explanation.startswith("valore 3 ≤ 5 atteso: raggiunto")
    assert objective.level == "raggiunto"  # it was "non_raggiunto": 60%, red


def test_a_strict_threshold_equalled_keeps_the_objective_from_being_reached(world: World) -> None:
    indicator_values(world.indicator, 2026, expected="> 95%", actual="95%")
    _add_indicator(world, 2, "10", "30")  # 300%: counts as 100, never lifts a missed one over the band
    objective = _objective(world)
    strict, high = objective.indicators
    assert (strict.percent, strict.light, strict.level) == (Decimal("99.9"), "giallo", "parzialmente")
    assert (high.percent, high.score) == (Decimal("300.0"), Decimal(100))
    assert objective.level == "parzialmente"  # mean of 99.9 and 100, not of 100 and 300


def test_a_capped_score_keeps_a_high_indicator_from_hiding_a_missed_one(world: World) -> None:
    indicator_values(world.indicator, 2026, expected="10", actual="5")  # 50%
    _add_indicator(world, 2, "7", "30")  # 428.6%
    objective = _objective(world)
    assert [row.percent for row in objective.indicators] == [Decimal("50.0"), Decimal("428.6")]
    assert objective.level == "non_raggiunto"  # (50 + 100) / 2 = 75; uncapped it would be 239.3, "raggiunto"
