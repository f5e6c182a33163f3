"""The scores of a plan's year: indicators roll up to objectives, objectives to areas and the body, under the
organization's measurement system, with their explanations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.models import MeasurementSystem
from evaluation.scores import Part, plan_scores, rollup
from evaluation.selectors import system_for
from plans.models import Activity, Indicator, IndicatorBaseline, IndicatorTarget, Measurement, WorkState
from plans.parsing import parse_value
from plans.scoring import DEFAULT_RULE, Level, weighted_mean
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def _indicator(world: World, position: int, target: str, actual: str, weight: str | None = None) -> Indicator:
    indicator = Indicator.objects.create(
        objective=world.objective,
        position=position,
        name=f"Indicatore {position}",
        direction=Indicator.Direction.INCREASE,
        weight=Decimal(weight) if weight else None,
    )
    IndicatorTarget.objects.create(indicator=indicator, year=2026, **IndicatorTarget.spec_values(parse_value(target)))
    Measurement.objects.create(indicator=indicator, year=2026, **Measurement.spec_values(parse_value(actual)))
    return indicator


def test_an_objective_is_the_weighted_mean_of_its_measurable_indicators(world: World) -> None:
    world.indicator.delete()
    _indicator(world, 10, "100", "50", weight="1")  # 50%
    _indicator(world, 11, "10", "12", weight="3")  # met: 100% (cap 100)
    _indicator(world, 12, "10", "da verificare")  # not measurable: left out, not zero

    scores = plan_scores(world.plan, 2026)

    objective = scores.objectives[world.objective.pk]
    assert objective.rollup.score == Decimal("87.5")  # (50 × 1 + 100 × 3) / 4
    assert objective.rollup.level == Level.PARTIAL
    assert objective.rollup.basis == "indicators"
    assert "media ponderata di 2 indicatori misurabili su 3" in objective.rollup.explanation
    assert "Indicatore 12" in objective.rollup.explanation
    # The social area has only this objective; the body also has TRA-1, which has nothing to measure.
    assert scores.areas[world.social.pk].rollup.score == Decimal("87.5")
    assert scores.body.score == Decimal("87.5")
    assert scores.objectives[world.transversal.pk].rollup.score is None


def test_an_objective_without_indicators_scores_its_activities_concluded(world: World) -> None:
    Activity.objects.filter(pk=world.activity.pk).update(state=WorkState.CONCLUSO)

    scores = plan_scores(world.plan, 2026)

    objective = scores.objectives[world.objective.pk]
    assert objective.rollup.basis == "activities"
    assert objective.rollup.score == Decimal(50)
    assert "1 attività conclusa su 2" in objective.rollup.explanation


def test_the_years_system_decides_the_bands_and_the_partial_credit(world: World) -> None:
    world.indicator.delete()
    _indicator(world, 10, "100", "85")
    MeasurementSystem.objects.create(organization=world.aurelia, year=2026, partial=Decimal(90))

    assert plan_scores(world.plan, 2026).objectives[world.objective.pk].rollup.level == Level.MISSED
    assert plan_scores(world.plan, 2025).system.pk is None  # another year keeps the defaults

    MeasurementSystem.objects.filter(organization=world.aurelia, year=2026).update(partial_credit="none")
    assert plan_scores(world.plan, 2026).objectives[world.objective.pk].rollup.score == 0


def test_the_default_system_is_an_unsaved_row_with_todays_bands(world: World) -> None:
    system = system_for(world.aurelia.pk, 2026)
    assert system.pk is None
    assert system.rule == DEFAULT_RULE
    assert system.label(Level.PARTIAL) == "parzialmente raggiunto"


def _baseline(indicator: Indicator, raw: str, year: int | None) -> IndicatorBaseline:
    spec = IndicatorBaseline.spec_values(parse_value(raw))
    return IndicatorBaseline.objects.create(indicator=indicator, year=year, **spec)


def test_a_target_relative_to_the_baseline_is_scored_against_the_indicators_baseline(world: World) -> None:
    world.indicator.delete()
    grown = _indicator(world, 10, "Aumento del 30% rispetto alla baseline", "247")
    _baseline(grown, "200", 2025)
    fewer = _indicator(world, 11, "Riduzione del 10% rispetto al 2025", "170")
    fewer.direction = Indicator.Direction.DECREASE
    fewer.save()
    _baseline(fewer, "200", 2025)
    _indicator(world, 12, "+10% sulla baseline", "50")  # no baseline: not measurable, left out

    scores = plan_scores(world.plan, 2026)

    objective = scores.objectives[world.objective.pk]
    rows = {row.indicator_id: row.result for row in objective.indicators}
    assert rows[grown.pk].score == Decimal(95)  # 247 against at least 260
    assert rows[grown.pk].explanation.startswith("baseline 200 (2025), +30% → atteso ≥ 260; valore 247 non ≥ 260")
    assert rows[fewer.pk].score == Decimal(100)  # 170 against at most 180
    [missing] = [result for pk, result in rows.items() if pk not in (grown.pk, fewer.pk)]
    assert missing.score is None and "manca la baseline" in missing.explanation
    assert objective.rollup.score == Decimal("97.5")  # (95 + 100) / 2; the third is not measurable
    assert "non misurabili, esclusi: Indicatore 12" in objective.rollup.explanation


def test_a_plans_scores_take_a_fixed_number_of_queries(world: World, django_assert_max_num_queries) -> None:
    for position in range(10, 40):
        indicator = _indicator(world, position, "+10% sulla baseline" if position % 2 else "100", str(position))
        _baseline(indicator, str(position - 5), 2025)
    with django_assert_max_num_queries(10):  # the ninth before the indicators' historical values (issue 19)
        plan_scores(world.plan, 2026)


scores_ = st.decimals(min_value=0, max_value=200, places=2)
weights = st.decimals(min_value=Decimal("0.1"), max_value=10, places=1)


@settings(database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(st.none(), scores_), weights), max_size=8))
def test_a_weighted_score_is_the_weighted_mean_of_its_capped_parts(parts: list[tuple[Decimal | None, Decimal]]) -> None:
    result = rollup([Part(str(i), s, w) for i, (s, w) in enumerate(parts)], DEFAULT_RULE, what="obiettivi")
    measured = [(min(s, DEFAULT_RULE.cap), w) for s, w in parts if s is not None]
    assert result.score == weighted_mean(measured)
    if result.score is not None:
        assert 0 <= result.score <= DEFAULT_RULE.cap
