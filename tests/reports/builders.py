"""Plans of any size for the report tests, with every relation the Relazione reads."""

from __future__ import annotations

import datetime as dt

from plans.models import (
    Activity,
    Area,
    Indicator,
    IndicatorMotivation,
    IndicatorTarget,
    Measurement,
    Objective,
    ObjectiveReport,
    Plan,
)
from plans.models.indicator import ParsedValue
from plans.parsing import parse_value
from reports.models import RelazioneChapter
from tests.workflow.world import World
from workflow.services import approval_approve, item_avvia, item_concludi


def add_objectives(plan: Plan, areas: list[Area], count: int, world: World | None = None) -> None:
    """`count` objectives, each with two activities, two indicators (targets and measurements for two years)
    and a report per year: every relation the report reads. With `world`, also the year's workflow: Sara asks to
    Anna starts each objective, Sara concludes its first activity and Anna approves, and Anna writes
    the motivation of an indicator; Diana writes the presentation."""
    if world is not None:
        RelazioneChapter.objects.create(
            plan=plan, year=2026, kind="presentation", text="Premessa", written_by=world.diana
        )
    for number in range(1, count + 1):
        objective = Objective.objects.create(plan=plan, code=f"OB-{number}", number=number, title=f"Obiettivo {number}")
        objective.areas.add(*areas)
        for position in (1, 2):
            Activity.objects.create(objective=objective, position=position, description=f"Fase {position}")
            indicator = Indicator.objects.create(objective=objective, position=position, name=f"Indicatore {position}")
            for year in (2026, 2027):
                target = ParsedValue.spec_values(parse_value("10"))
                IndicatorTarget.objects.create(indicator=indicator, year=year, **target)
                Measurement.objects.create(
                    indicator=indicator,
                    year=year,
                    measured_on=dt.date(year, 6, 30),
                    **ParsedValue.spec_values(parse_value("8")),
                )
        for year in (2026, 2027):
            ObjectiveReport.objects.create(objective=objective, date=dt.date(year, 12, 31), text=f"Report {year}")
        if world is not None:
            IndicatorMotivation.objects.create(indicator=indicator, year=2026, text="Carenza", written_by=world.anna)
            item_avvia(actor=world.anna, item=objective)  # Anna holds the only step: applied at once
            first = objective.activities.get(position=1)
            item_avvia(actor=world.sara, item=first)
            concluded = item_concludi(actor=world.sara, item=first)
            approval_approve(actor=world.anna, request=concluded.request)
