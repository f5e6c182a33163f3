"""The score of an individual evaluation sheet: the objectives of one's responsibility, the body's result and the
behaviours, weighted by the year's measurement system, against numbers computed by hand (see sheets_world)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evaluation.individual import BEHAVIOURS, BODY, OWN_OBJECTIVES, sheet_score
from evaluation.models import BehaviourScore, MeasurementSystem
from plans.models import Plan
from tests.evaluation.sheets_world import Sheets, build_sheets, measured
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheets(world: World) -> Sheets:
    return build_sheets(world)


def score_behaviours(sheets: Sheets, sheet_name: str, results: int, collaboration: int) -> None:
    sheet = getattr(sheets, sheet_name)
    BehaviourScore.objects.create(sheet=sheet, behaviour=sheets.results, score=results)
    BehaviourScore.objects.create(sheet=sheet, behaviour=sheets.collaboration, score=collaboration)


def components(score: object) -> dict[str, Decimal | None]:
    return {c.key: c.rollup.score for c in score.components}  # type: ignore[attr-defined]


def test_an_area_heads_sheet_weighs_her_objectives_the_body_and_her_behaviours(sheets: Sheets) -> None:
    score_behaviours(sheets, "anna", results=4, collaboration=3)  # 80% × 3 and 60% × 1

    score = sheet_score(sheets.anna)

    assert [line.score.code for line in score.objectives] == ["SOC-1", "TRA-1"]
    assert components(score) == {
        OWN_OBJECTIVES: Decimal("85"),  # (87.5 × 2 + 80 × 1) / 3
        BODY: Decimal("73.75"),  # (87.5 × 2 + 80 + 40) / 4
        BEHAVIOURS: Decimal("75"),  # (80 × 3 + 60 × 1) / 4
    }
    assert score.final == Decimal("80.875")  # (85 × 60 + 73.75 × 10 + 75 × 30) / 100
    assert score.frozen_final == Decimal("80.88")
    assert score.explanation.splitlines() == [
        "Obiettivi di responsabilità: 85,0% con peso 60 (media ponderata di 2 obiettivi misurabili su 2: "
        "(87,5% × 2 + 80,0% × 1) / 3 = 85,0%).",
        "Risultato dell'ente: 73,8% con peso 10 (media ponderata di 3 obiettivi misurabili su 3: "
        "(87,5% × 2 + 40,0% × 1 + 80,0% × 1) / 4 = 73,8%).",
        "Comportamenti: 75,0% con peso 30 (media ponderata di 2 comportamenti misurabili su 2: "
        "(80,0% × 3 + 60,0% × 1) / 4 = 75,0%).",
        "Punteggio finale: media ponderata di 3 componenti misurabili su 3: "
        "(85,0% × 60 + 73,8% × 10 + 75,0% × 30) / 100 = 80,9%; con due decimali 80,88%.",
    ]


def test_a_shared_objective_counts_for_each_head_and_once_for_each(sheets: Sheets, world: World) -> None:
    score_behaviours(sheets, "bruno", results=5, collaboration=5)

    score = sheet_score(sheets.bruno)

    assert [line.score.code for line in score.objectives] == ["TEC-1", "TRA-1"]  # in the plan's order
    assert components(score)[OWN_OBJECTIVES] == Decimal("60")  # (80 + 40) / 2
    assert score.final == Decimal("73.375")  # (60 × 60 + 73.75 × 10 + 100 × 30) / 100


def test_the_director_heads_no_area_so_her_objectives_component_is_left_out(sheets: Sheets) -> None:
    score_behaviours(sheets, "diana", results=5, collaboration=5)

    score = sheet_score(sheets.diana)

    assert score.objectives == ()
    assert components(score)[OWN_OBJECTIVES] is None
    assert score.final == Decimal("93.4375")  # (73.75 × 10 + 100 × 30) / 40
    assert score.frozen_final == Decimal("93.44")
    first = score.explanation.splitlines()[0]
    assert first.startswith("Obiettivi di responsabilità: non valutabile")
    assert "esclusa" in first


def test_unscored_behaviours_are_left_out_not_counted_as_zero(sheets: Sheets) -> None:
    BehaviourScore.objects.create(sheet=sheets.anna, behaviour=sheets.results, score=4)

    score = sheet_score(sheets.anna)

    assert components(score)[BEHAVIOURS] == Decimal("80")  # Collaborazione not scored yet
    assert "Collaborazione" in next(c for c in score.components if c.key == BEHAVIOURS).rollup.explanation
    assert score.final == Decimal("82.375")  # (85 × 60 + 73.75 × 10 + 80 × 30) / 100


def test_a_component_weighing_nothing_does_not_count(sheets: Sheets) -> None:
    score_behaviours(sheets, "anna", results=4, collaboration=3)
    MeasurementSystem.objects.filter(pk=sheets.system.pk).update(weight_body=0)

    score = sheet_score(sheets.anna)

    assert score.frozen_final == Decimal("81.67")  # (85 × 60 + 75 × 30) / 90 = 81.666…
    assert "Risultato dell'ente: 73,8%, peso 0: non conta." in score.explanation


def test_the_years_scale_turns_a_score_into_a_percentage(sheets: Sheets) -> None:
    MeasurementSystem.objects.filter(pk=sheets.system.pk).update(behaviour_scale=4)
    score_behaviours(sheets, "anna", results=3, collaboration=2)  # 75% × 3 and 50% × 1

    score = sheet_score(sheets.anna)

    assert [line.percent for line in score.behaviours] == [Decimal(75), Decimal(50)]
    assert components(score)[BEHAVIOURS] == Decimal("68.75")  # (75 × 3 + 50) / 4


def test_without_a_saved_system_the_defaults_weigh_and_no_behaviour_is_scored(sheets: Sheets) -> None:
    sheets.system.delete()

    score = sheet_score(sheets.anna)

    assert score.system.pk is None
    assert score.behaviours == ()
    assert components(score)[BEHAVIOURS] is None
    assert score.final == (Decimal(85) * 60 + Decimal("73.75") * 10) / 70  # 83.39…
    assert score.frozen_final == Decimal("83.39")


def test_the_years_bands_and_cap_apply_to_the_objectives_scores(sheets: Sheets) -> None:
    """A cap of 120 lets SOC-1's "Sportelli" (12 of 10) count for 120%: the sheet follows the system."""
    MeasurementSystem.objects.filter(pk=sheets.system.pk).update(cap=120)

    score = sheet_score(sheets.anna)

    soc = score.objectives[0].score
    assert soc.rollup.score == Decimal("102.5")  # (50 × 1 + 120 × 3) / 4
    assert components(score)[OWN_OBJECTIVES] == Decimal("95")  # (102.5 × 2 + 80) / 3


def test_objectives_of_every_plan_of_the_year_count_and_other_years_do_not(sheets: Sheets, world: World) -> None:
    other = Plan.objects.create(
        organization=world.aurelia,
        code="PDO-2026",
        kind=Plan.Kind.PEG,
        title="Piano 2026 bis",
        year_start=2026,
        year_end=2026,
    )
    extra = other.objectives.create(code="SOC-9", title="Sportello anziani")
    extra.areas.add(world.social)
    measured(extra, 1, "Domande evase", "10", "10")  # 100%
    old = Plan.objects.create(
        organization=world.aurelia,
        code="PEG-2025",
        kind=Plan.Kind.PEG,
        title="PEG 2025",
        year_start=2025,
        year_end=2025,
    )
    old.objectives.create(code="SOC-0", title="Vecchio obiettivo").areas.add(world.social)

    score = sheet_score(sheets.anna)

    assert [(line.plan_code, line.score.code) for line in score.objectives] == [
        ("PDO-2026", "SOC-9"),
        ("PEG-2026", "SOC-1"),
        ("PEG-2026", "TRA-1"),
    ]
    assert components(score)[OWN_OBJECTIVES] == Decimal("88.75")  # (100 + 87.5 × 2 + 80) / 4
    assert components(score)[BODY] == Decimal("79")  # (100 + 87.5 × 2 + 80 + 40) / 5
