"""The Aurelia world with measured objectives and behaviours, for the evaluation sheets' tests.

Plan PEG-2026, default bands (cap 100), values and weights chosen so that every score is easy to compute by
hand:
- SOC-1 (social area, Anna; weight 2): "Accessi" 50 of 100 (50%, weight 1) and "Sportelli" 12 of 10 (met,
  100%, weight 3): (50 × 1 + 100 × 3) / 4 = 87.5%;
- TRA-1 (social and technical areas, weight 1): "Cartelle aperte" 80 of 100: 80%;
- TEC-1 (technical area, Bruno; weight 1): "Cantieri chiusi" 4 of 10: 40%.
The system of 2026 weighs own objectives 60, the body 10, behaviours 30, on a scale of 1 to 5, with two
behaviours: "Orientamento al risultato" (weight 3) and "Collaborazione" (weight 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from evaluation.models import Behaviour, EvaluationSheet, MeasurementSystem
from plans.models import Indicator, IndicatorTarget, Measurement, Objective
from plans.parsing import parse_value
from tests.workflow.world import World


@dataclass
class Sheets:
    system: MeasurementSystem
    results: Behaviour
    collaboration: Behaviour
    technical_objective: Objective
    anna: EvaluationSheet
    bruno: EvaluationSheet
    diana: EvaluationSheet


def measured(objective: Objective, position: int, name: str, target: str, actual: str, weight: str = "") -> Indicator:
    indicator = Indicator.objects.create(
        objective=objective,
        position=position,
        name=name,
        direction=Indicator.Direction.INCREASE,
        weight=Decimal(weight) if weight else None,
    )
    IndicatorTarget.objects.create(indicator=indicator, year=2026, **IndicatorTarget.spec_values(parse_value(target)))
    Measurement.objects.create(indicator=indicator, year=2026, **Measurement.spec_values(parse_value(actual)))
    return indicator


def build_sheets(world: World) -> Sheets:
    world.indicator.delete()
    Objective.objects.filter(pk=world.objective.pk).update(weight=Decimal(2))
    measured(world.objective, 10, "Accessi", "100", "50", weight="1")
    measured(world.objective, 11, "Sportelli", "10", "12", weight="3")
    measured(world.transversal, 1, "Cartelle aperte", "100", "80")
    technical = Objective.objects.create(plan=world.plan, code="TEC-1", title="Manutenzione delle scuole")
    technical.areas.add(world.technical)
    measured(technical, 1, "Cantieri chiusi", "10", "4")
    system = MeasurementSystem.objects.create(organization=world.aurelia, year=2026)
    results = Behaviour.objects.create(system=system, position=1, name="Orientamento al risultato", weight=3)
    collaboration = Behaviour.objects.create(system=system, position=2, name="Collaborazione", weight=1)

    def sheet(person: str, evaluator: str, role: str = EvaluationSheet.Role.DIRIGENTE) -> EvaluationSheet:
        return EvaluationSheet.objects.create(
            organization=world.aurelia,
            year=2026,
            person=world.users[person],
            evaluator=world.users[evaluator],
            role=role,
        )

    return Sheets(
        system=system,
        results=results,
        collaboration=collaboration,
        technical_objective=technical,
        anna=sheet("anna", "diana"),
        bruno=sheet("bruno", "diana"),
        diana=sheet("diana", "otto", EvaluationSheet.Role.DIRETTORE),
    )
