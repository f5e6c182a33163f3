"""The small world of Aurelia (tests/workflow/world.py) with a value for every objective of PEG-2026 in 2026, so
that every level shows:

- SOC-1 (social area, Anna's): "Utenti presi in carico", expected 100, actual 85: 85% of the target, partially
  reached under the default bands (80 to 100);
- TRA-1 (social and technical): "Postazioni attive", expected "=>4", actual 5: met, 100%;
- TEC-1 (technical only, Bruno's, weight 2): "Strade riasfaltate", expected 50%, actual 20%: 40%, not reached.

Under the default system the social area is the mean of SOC-1 and TRA-1, the technical area the weighted mean of
TRA-1 (1) and TEC-1 (2), the body the weighted mean of the three. Erica's Borgo has a plan of its own."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from plans.models import Indicator, Objective, Plan
from tests.web.helpers import indicator_values
from tests.workflow.world import World


@dataclass
class Scored:
    world: World
    technical: Objective
    shared_indicator: Indicator
    technical_indicator: Indicator
    borgo_plan: Plan

    # The expected scores, from the values above and the documented rule (evaluation.scores).
    soc = Decimal(85)  # 85 / 100
    tra = Decimal(100)  # 5 ≥ 4: met, capped at 100
    tec = Decimal(40)  # 20 / 50

    @property
    def social_area(self) -> Decimal:
        return (self.soc + self.tra) / 2

    @property
    def technical_area(self) -> Decimal:
        return (self.tra * 1 + self.tec * 2) / 3

    @property
    def body(self) -> Decimal:
        return (self.soc + self.tra + self.tec * 2) / 4


def scored_world(world: World) -> Scored:
    indicator_values(world.indicator, 2026, expected="100", actual="85")
    shared = Indicator.objects.create(objective=world.transversal, position=1, name="Postazioni attive", unit="n.")
    indicator_values(shared, 2026, expected="=>4", actual="5")
    technical = Objective.objects.create(
        plan=world.plan, code="TEC-1", title="Strade sicure", owner=world.bruno, weight=Decimal(2)
    )
    technical.areas.add(world.technical)
    roads = Indicator.objects.create(objective=technical, position=1, name="Strade riasfaltate", unit="%")
    indicator_values(roads, 2026, expected="50%", actual="20%")
    borgo_plan = Plan.objects.create(
        organization=world.borgo, code="PEG-B", kind=Plan.Kind.PEG, title="PEG Borgo", year_start=2026, year_end=2026
    )
    return Scored(world, technical, shared, roads, borgo_plan)


def percent(value: Decimal) -> str:
    """As the pages write it: one decimal, Italian comma."""
    return f"{value:.1f}".replace(".", ",") + "%"
