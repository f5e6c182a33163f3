"""The dashboard's ids of the objectives likely to miss (evaluation.forecasting.likely_miss_ids) are those of
likely_misses, in its order: each open objective by its latest forecast only, worst expected score first, then by
code, an objective without an expected score last. Today is 15 May 2026."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from evaluation.forecasting import likely_miss_ids, likely_misses
from evaluation.models import ObjectiveForecast
from plans.models import Objective, WorkState
from tests.workflow.world import World

pytestmark = pytest.mark.django_db

MISSED, REACHED = ObjectiveForecast.Band.LIKELY_MISSED, ObjectiveForecast.Band.LIKELY_REACHED
DAYS = (dt.date(2026, 5, 13), dt.date(2026, 5, 14))  # an older forecast and the latest


def forecast(objective: Objective, day: dt.date, band: str, score: str | None) -> None:
    ObjectiveForecast.objects.create(
        objective=objective,
        date=day,
        band=band,
        expected_score=None if score is None else Decimal(score),
        explanation=f"{objective.code} {day}",
    )


def test_the_ids_are_those_of_the_latest_likely_misses_worst_first(world: World) -> None:
    made = {
        code: Objective.objects.create(plan=world.plan, code=code, title=code)
        for code in ("B-PARI", "A-PARI", "SENZA", "PEGGIORE", "RECUPERATO", "PEGGIORATO", "CHIUSO")
    }
    forecast(made["B-PARI"], DAYS[1], MISSED, "40")
    forecast(made["A-PARI"], DAYS[1], MISSED, "40")  # the same score: by code
    forecast(made["SENZA"], DAYS[1], MISSED, None)  # no score: last
    forecast(made["PEGGIORE"], DAYS[0], MISSED, "50")
    forecast(made["PEGGIORE"], DAYS[1], MISSED, "10")  # its latest counts: first
    forecast(made["RECUPERATO"], DAYS[0], MISSED, "5")
    forecast(made["RECUPERATO"], DAYS[1], REACHED, "95")  # no longer likely to miss
    forecast(made["PEGGIORATO"], DAYS[0], REACHED, "90")
    forecast(made["PEGGIORATO"], DAYS[1], MISSED, "45")
    forecast(made["CHIUSO"], DAYS[1], MISSED, "1")
    Objective.objects.filter(pk=made["CHIUSO"].pk).update(state=WorkState.CONCLUSO)  # concluded: left out

    objectives = Objective.objects.filter(plan=world.plan)
    ids = list(likely_miss_ids(objectives))
    assert ids == list(likely_misses(objectives).values_list("pk", flat=True))
    shown = [ObjectiveForecast.objects.get(pk=pk).objective.code for pk in ids]
    assert shown == ["PEGGIORE", "A-PARI", "B-PARI", "PEGGIORATO", "SENZA"]
