"""The daily refresh of the score snapshots (evaluation.tasks.refresh_scores): only the plans the audit trail
says changed are recomputed; the others keep their snapshot and its time.

On PostgreSQL (the trail exists only there). The trail's rows enter an organization's chain when their
transaction commits; inside a test's transaction `seal_pending` puts them there, as the commit would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from evaluation.models import Behaviour, MeasurementSystem, ScoreSnapshot, ScoreWatermark
from evaluation.refresh import Outcome, refresh_scores
from evaluation.scores import as_json, plan_scores
from plans.models import (
    HistoricalValue,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    Measurement,
    Objective,
    Organization,
    Plan,
)
from plans.parsing import parse_value
from plans.scoring import Level
from tests.workflow.world import World
from workflow.trail.chain import seal_pending

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the audit trail exists only on PostgreSQL"),
]
TODAY = dt.date(2026, 5, 15)


def run(at: str) -> Outcome:
    """The daily run at `at` (a time of the frozen day, or a later one), after the trail's rows are committed."""
    seal_pending()
    with time_machine.travel(dt.datetime.fromisoformat(at), tick=False):
        return refresh_scores(TODAY)


def times() -> dict[tuple[int, int], dt.datetime]:
    return {(s.plan_id, s.year): s.computed_at for s in ScoreSnapshot.objects.all()}


def _measured_indicator(objective: Objective, target: str, actual: str) -> Indicator:
    indicator = Indicator.objects.create(objective=objective, position=9, name="Pratiche evase")
    IndicatorTarget.objects.create(indicator=indicator, year=2026, **IndicatorTarget.spec_values(parse_value(target)))
    Measurement.objects.create(indicator=indicator, year=2026, **Measurement.spec_values(parse_value(actual)))
    return indicator


def _plan(organization: Organization, code: str, first: int, last: int) -> Plan:
    plan = Plan.objects.create(
        organization=organization, code=code, kind=Plan.Kind.PEG, title=code, year_start=first, year_end=last
    )
    objective = Objective.objects.create(plan=plan, code=f"{code}-1", title="Sportello digitale")
    _measured_indicator(objective, "100", "70")
    return plan


@dataclass(frozen=True)
class Region:
    aurelia: Organization
    plan: Plan  # the world's PEG 2026
    second_plan: Plan  # Aurelia's PIAO 2026–2028
    old_plan: Plan  # Aurelia's PEG 2025
    borgo_plan: Plan  # Borgo's PEG 2026


@pytest.fixture
def region(world: World) -> Region:
    """Aurelia with two plans of 2026 (the world's and a second one) and one of 2025 only; Borgo with one plan
    of 2026. Every plan has a measured indicator."""
    _measured_indicator(world.objective, "100", "85")
    return Region(
        aurelia=world.aurelia,
        plan=world.plan,
        second_plan=_plan(world.aurelia, "PIAO-2026", 2026, 2028),
        old_plan=_plan(world.aurelia, "PEG-2025", 2025, 2025),
        borgo_plan=_plan(world.borgo, "PEG-BORGO", 2026, 2026),
    )


def test_a_first_run_computes_every_plan_of_the_current_year(region: Region) -> None:
    outcome = run("2026-05-16T05:30:00+02:00")

    current = {region.plan.pk, region.second_plan.pk, region.borgo_plan.pk}
    assert outcome.plans == 3 and outcome.snapshots == 3 and outcome.first_run == Organization.objects.count()
    assert set(ScoreSnapshot.objects.values_list("plan_id", "year")) == {(pk, 2026) for pk in current}
    snapshot = ScoreSnapshot.objects.get(plan=region.plan, year=2026)
    scores = plan_scores(region.plan, 2026)
    assert snapshot.data == as_json(scores)
    assert snapshot.body_score == scores.body.score.quantize(Decimal("0.01"))  # type: ignore[union-attr]
    assert snapshot.body_level == scores.body.level
    # The watermark of each organization is the head of its chain: what the snapshots reflect.
    heads = dict(ScoreWatermark.objects.values_list("organization_id", "seq"))
    assert heads[region.aurelia.pk] > 0 and snapshot.trail_seq == heads[region.aurelia.pk]


def test_running_again_with_no_change_recomputes_nothing(region: Region) -> None:
    run("2026-05-16T05:30:00+02:00")
    before = times()

    outcome = run("2026-05-17T05:30:00+02:00")

    assert (outcome.plans, outcome.snapshots, outcome.changes, outcome.first_run) == (0, 0, 0, 0)
    assert times() == before


def test_a_changed_measurement_recomputes_only_its_plan(region: Region) -> None:
    run("2026-05-16T05:30:00+02:00")
    before = times()
    indicator = Indicator.objects.get(objective__plan=region.second_plan)

    measurement = Measurement.objects.get(indicator=indicator)
    for name, value in Measurement.spec_values(parse_value("100")).items():
        setattr(measurement, name, value)
    measurement.save()
    outcome = run("2026-05-17T05:30:00+02:00")

    assert (outcome.plans, outcome.snapshots) == (1, 1)
    after = times()
    changed = (region.second_plan.pk, 2026)
    assert after[changed] > before[changed]
    assert {key: at for key, at in after.items() if key != changed} == {
        key: at for key, at in before.items() if key != changed
    }
    snapshot = ScoreSnapshot.objects.get(plan=region.second_plan, year=2026)
    assert snapshot.data == as_json(plan_scores(region.second_plan, 2026))
    assert snapshot.body_level == Level.REACHED  # the new value (100 of 100) counts now, not 70


def test_a_measurement_of_a_past_year_recomputes_that_year_only(region: Region) -> None:
    run("2026-05-16T05:30:00+02:00")
    indicator = Indicator.objects.get(objective__plan=region.old_plan)

    Measurement.objects.filter(indicator=indicator).update(year=2025)
    outcome = run("2026-05-17T05:30:00+02:00")

    # 2025 is stale (the value moved there), and 2025 is the plan's only year: 2026 was never its year.
    assert set(ScoreSnapshot.objects.filter(plan=region.old_plan).values_list("year", flat=True)) == {2025}
    assert outcome.plans == 1


def test_a_deletion_is_caught_through_the_rows_before(region: Region) -> None:
    run("2026-05-16T05:30:00+02:00")
    before = times()
    assert ScoreSnapshot.objects.get(plan=region.borgo_plan).data["objectives"][0]["indicators"]

    Indicator.objects.filter(objective__plan=region.borgo_plan).delete()  # with its target and measurement
    outcome = run("2026-05-17T05:30:00+02:00")

    assert (outcome.plans, outcome.snapshots) == (1, 1)
    snapshot = ScoreSnapshot.objects.get(plan=region.borgo_plan)
    assert snapshot.data["objectives"][0]["indicators"] == []
    assert snapshot.data == as_json(plan_scores(region.borgo_plan, 2026))
    assert snapshot.computed_at > before[(region.borgo_plan.pk, 2026)]
    assert times()[(region.plan.pk, 2026)] == before[(region.plan.pk, 2026)]


def test_deleted_objectives_are_caught_through_the_rows_before(region: Region) -> None:
    run("2026-05-16T05:30:00+02:00")

    Objective.objects.filter(plan=region.second_plan).delete()
    outcome = run("2026-05-17T05:30:00+02:00")

    assert outcome.plans == 1
    assert ScoreSnapshot.objects.get(plan=region.second_plan).data["objectives"] == []


def test_a_change_of_the_measurement_system_recomputes_the_organizations_plans_of_that_year(region: Region) -> None:
    run("2026-05-16T05:30:00+02:00")
    before = times()
    assert ScoreSnapshot.objects.get(plan=region.plan).body_level == Level.PARTIAL  # 85%

    MeasurementSystem.objects.create(organization=region.aurelia, year=2026, partial=Decimal(90))
    outcome = run("2026-05-17T05:30:00+02:00")

    aurelia_2026 = {(region.plan.pk, 2026), (region.second_plan.pk, 2026)}
    assert (outcome.plans, outcome.snapshots) == (2, 2)
    after = times()
    assert all(after[key] > before[key] for key in aurelia_2026)
    assert after[(region.borgo_plan.pk, 2026)] == before[(region.borgo_plan.pk, 2026)]
    assert not ScoreSnapshot.objects.filter(plan=region.old_plan).exists()  # 2025 has its own system
    assert ScoreSnapshot.objects.get(plan=region.plan).body_level == Level.MISSED  # 85% is now below 90%

    # A behaviour of that system (individual evaluation) counts as a change of the system.
    system = MeasurementSystem.objects.get(organization=region.aurelia, year=2026)
    Behaviour.objects.create(system=system, position=1, name="Orientamento al risultato")
    assert run("2026-05-18T05:30:00+02:00").plans == 2


def test_a_new_organization_is_computed_whole_on_the_next_run(region: Region) -> None:
    run("2026-05-16T05:30:00+02:00")

    castello = Organization.objects.create(slug="castello", name="Comune di Castello", kind=Organization.Kind.COMUNE)
    plan = _plan(castello, "PEG-CASTELLO", 2026, 2026)
    outcome = run("2026-05-17T05:30:00+02:00")

    assert (outcome.plans, outcome.first_run) == (1, 1)
    assert ScoreSnapshot.objects.filter(plan=plan, year=2026).exists()


def test_without_the_trail_every_run_computes_every_plan_of_the_current_year(
    region: Region, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite has no trail: the task cannot know what changed, so it recomputes the current year whole."""
    monkeypatch.setattr(connection, "vendor", "sqlite")

    first, second = run("2026-05-16T05:30:00+02:00"), run("2026-05-17T05:30:00+02:00")

    assert (first.plans, second.plans) == (3, 3)
    assert set(ScoreSnapshot.objects.values_list("year", flat=True)) == {2026}
    assert not ScoreWatermark.objects.exists()
    assert ScoreSnapshot.objects.get(plan=region.plan).trail_seq is None


@pytest.mark.parametrize("model", [HistoricalValue, IndicatorBaseline])
def test_a_new_baseline_or_historical_value_recomputes_its_plan(
    region: Region, model: type[HistoricalValue | IndicatorBaseline]
) -> None:
    # What a relative target ("+10% rispetto al 2023") is measured against: scores may move with it.
    indicator = Indicator.objects.get(objective__plan=region.second_plan)
    target = IndicatorTarget.objects.get(indicator=indicator, year=2026)
    for name, value in IndicatorTarget.spec_values(parse_value("+10% rispetto al 2023")).items():
        setattr(target, name, value)
    target.save()
    run("2026-05-16T05:30:00+02:00")
    no_baseline = ScoreSnapshot.objects.get(plan=region.second_plan, year=2026)
    assert no_baseline.body_level == Level.NOT_MEASURABLE
    before = times()

    model.objects.create(indicator=indicator, year=2023, **model.spec_values(parse_value("50")))
    outcome = run("2026-05-17T05:30:00+02:00")

    assert (outcome.plans, outcome.snapshots) == (1, 1)
    after = times()
    changed = (region.second_plan.pk, 2026)
    assert after[changed] > before[changed]
    snapshot = ScoreSnapshot.objects.get(plan=region.second_plan, year=2026)
    assert snapshot.data == as_json(plan_scores(region.second_plan, 2026))
    assert snapshot.body_level == Level.REACHED  # 70 against ≥ 55 (50 + 10%)
