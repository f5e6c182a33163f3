"""A large plan built cheaply for the tests of paging: bulk inserts, as bench/rows.py builds the benchmark's plans
(objectives of a strategic area, each with its activities), on top of the world of tests/workflow/world.py."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from plans.models import Activity, Area, Objective, Plan

# After the world's own objectives (whose strategic area is empty) in the tree's order.
AREAS = ("Territorio e ambiente", "Welfare e comunità")


def grow_plan(plan: Plan, area: Area, *, objectives: int, activities_each: int, owner: User | None = None) -> None:
    """Add `objectives` objectives to `plan` (numbered after the ones it has), alternating the strategic areas,
    each of `area` with `activities_each` activities owned by `owner`."""
    start = Objective.objects.filter(plan=plan, code__startswith="GRO-").count()
    created = Objective.objects.bulk_create(
        Objective(
            plan=plan,
            code=f"GRO-{number:05d}",
            number=number,
            title=f"Obiettivo di crescita numero {number} del piano grande",
            strategic_area=AREAS[number % len(AREAS)],
            planned_end=dt.date(2026, 12, 31),
        )
        for number in range(start + 1, start + objectives + 1)
    )
    Objective.areas.through.objects.bulk_create(
        Objective.areas.through(objective_id=objective.pk, area_id=area.pk) for objective in created
    )
    Activity.objects.bulk_create(
        (
            Activity(
                objective=objective,
                position=position,
                description=f"Fase {position} dell'obiettivo {objective.code}: verifica e rendicontazione",
                planned_raw="Dicembre",
                planned_end=dt.date(2026, 12, 31),
                owner=owner,
            )
            for objective in created
            for position in range(1, activities_each + 1)
        ),
        batch_size=2000,
    )
